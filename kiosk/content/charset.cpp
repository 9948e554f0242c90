#include "content/charset.hpp"

#include <unicode/ucnv.h>

#include <memory>
#include <vector>

#include "base/utf8.hpp"

namespace kiosk::content {
namespace {

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

}  // namespace kiosk::content
