#include "content/charset.hpp"

#include <unicode/ucnv.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "base/utf8.hpp"

namespace kiosk::content {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_gb_label(const std::string& l) {
    return l == "gb2312" || l == "gbk" || l == "x-gbk" || l == "cp936" || l == "gb18030" || l == "gb_2312-80";
}

std::string charset_after(std::string_view head, size_t at) {
    size_t i = at;
    while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'' || head[i] == '=')) ++i;
    size_t j = i;
    while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' || head[j] == '_')) ++j;
    return lower(head.substr(i, j - i));
}


struct ConverterCloser {
    void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;  // owns one ICU converter

DecodedText convert(std::string_view bytes, const char* encoding) {
    DecodedText out;
    out.encoding = encoding;
    UErrorCode status = U_ZERO_ERROR;
    ConverterPtr conv(ucnv_open(encoding, &status));
    if (U_FAILURE(status)) return out;
    // Substitute U+FFFD for bad bytes (the default callback), and count them afterwards.
    std::vector<UChar> utf16(bytes.size() * 2 + 16);
    status = U_ZERO_ERROR;
    int32_t n = ucnv_toUChars(conv.get(), utf16.data(), static_cast<int32_t>(utf16.size()),
                              bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    if (U_FAILURE(status)) return out;
    std::u32string text;
    text.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        char32_t c = utf16[static_cast<size_t>(i)];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
            char32_t lo = utf16[static_cast<size_t>(i + 1)];
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                ++i;
            }
        }
        if (c == U'\uFFFD' || c == 0x1A) {
            ++out.replaced;
            c = U'\uFFFD';
        }
        text.push_back(c);
    }
    out.utf8 = utf8::encode(text);
    return out;
}

}  // namespace

DecodedText decode_text_as(std::string_view bytes, const char* encoding) { return convert(bytes, encoding); }

DecodedText decode_text(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    else if (bytes.substr(0, 2) == "\xFF\xFE") return convert(bytes.substr(2), "UTF-16LE");
    else if (bytes.substr(0, 2) == "\xFE\xFF") return convert(bytes.substr(2), "UTF-16BE");
    if (utf8::is_valid(bytes)) return DecodedText{std::string(bytes), "UTF-8", 0};
    return convert(bytes, "GB18030");
}

DecodedText decode_html(std::string_view bytes, std::string_view http_charset) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF" || bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
        return decode_text(bytes);
    const std::string http = lower(http_charset);
    std::string meta;
    const std::string head = lower(bytes.substr(0, 8192));
    for (size_t at = head.find("<meta"); at != std::string::npos && meta.empty(); at = head.find("<meta", at + 5)) {
        const size_t end = head.find('>', at);
        const size_t cs = head.find("charset", at);
        if (cs != std::string::npos && cs < end) meta = charset_after(head, cs + 7);
    }
    for (const std::string& label : {http, meta}) {
        if (label == "utf-8" || label == "utf8") {
            if (utf8::is_valid(bytes)) return DecodedText{std::string(bytes), "UTF-8", 0};
            continue;  // a lying label: try the next source
        }
        if (is_gb_label(label)) {
            // A GB claim over bytes that are strictly valid UTF-8 with Chinese in them is the
            // other lie (a server default left at gb2312): GBK text is practically never
            // valid UTF-8, so the bytes decide.
            const bool non_ascii = std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
            if (non_ascii && utf8::is_valid(bytes)) return DecodedText{std::string(bytes), "UTF-8", 0};
            return decode_text_as(bytes, "GB18030");
        }
    }
    return decode_text(bytes);
}

}  // namespace kiosk::content
