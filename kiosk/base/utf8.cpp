#include "base/utf8.hpp"

#include <cstdio>

namespace kiosk::utf8 {
namespace {

// Length of the valid sequence at bytes[i], or 0 when it is not valid UTF-8.
size_t valid_sequence(std::string_view b, size_t i, char32_t& out) {
    auto at = [&](size_t k) { return static_cast<unsigned char>(b[k]); };
    unsigned char c = at(i);
    if (c < 0x80) {
        out = c;
        return 1;
    }
    size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > b.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((at(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (at(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    out = cp;
    return len;
}

}  // namespace

std::u32string decode(std::string_view bytes) {
    std::u32string out;
    out.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size();) {
        char32_t cp = 0;
        size_t n = valid_sequence(bytes, i, cp);
        if (n == 0) {
            out.push_back(U'\uFFFD');
            ++i;
        } else {
            out.push_back(cp);
            i += n;
        }
    }
    return out;
}

bool is_valid(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size();) {
        char32_t cp = 0;
        size_t n = valid_sequence(bytes, i, cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string encode(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    return out;
}

std::string encode(std::u32string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (char32_t c : text) out += encode(c);
    return out;
}

std::string sanitize(std::string_view bytes) {
    if (is_valid(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    for (size_t i = 0; i < bytes.size();) {
        char32_t cp = 0;
        const size_t n = valid_sequence(bytes, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(bytes.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string truncate(std::string_view bytes, size_t max_bytes, bool mark) {
    std::string clean = sanitize(bytes);
    if (clean.size() <= max_bytes) return clean;
    const std::string_view ellipsis = mark ? "\xE2\x80\xA6" : "";
    size_t keep = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
    while (keep > 0 && (static_cast<unsigned char>(clean[keep]) & 0xC0) == 0x80) --keep;  // a character's start
    clean.resize(keep);
    if (max_bytes >= ellipsis.size()) clean += ellipsis;
    return clean;
}

std::string printable(std::string_view bytes) {
    std::string out;
    for (char32_t c : decode(bytes)) {
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
            (c >= 0x2066 && c <= 0x2069)) {
            char buf[12];
            std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02X" : "\\u%04X", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += encode(c);
        }
    }
    return out;
}

}  // namespace kiosk::utf8
