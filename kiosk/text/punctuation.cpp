#include "text/punctuation.hpp"

#include <algorithm>

namespace kiosk::text {
namespace {

bool in(std::u32string_view set, char32_t c) { return set.find(c) != std::u32string_view::npos; }
bool is_ascii_alnum(char32_t c) { return c < 0x80 && ((c >= U'0' && c <= U'9') || ((c | 0x20) >= U'a' && (c | 0x20) <= U'z')); }
bool is_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
bool is_url_char(char32_t c) {
    return is_ascii_alnum(c) || in(U"._~:/?#[]@!$&'*+,;=%-", c);
}

}  // namespace

bool is_han(char32_t c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3007;
}

bool is_space_char(char32_t c) { return c == U' ' || c == 0x3000 || c == 0x00A0 || c == U'\t'; }

PunctSide punct_side(char32_t c) {
    // Simplified Chinese (GB/T 15834) sets ：；！？ at the left of the em box like ，。;
    // only the interpuncts sit in the middle.
    if (in(U"、，。．：；！？）］｝】〗〕〉》」』”’", c)) return PunctSide::closing;
    if (in(U"（［｛【〖〔〈《「『“‘", c)) return PunctSide::opening;
    if (in(U"·・‧", c)) return PunctSide::centred;
    return PunctSide::none;
}

bool forbidden_at_line_start(char32_t c) {
    // R1 and R4 (docs/typesetting.md), plus the strict sets of web-platform-tests
    // css-text-line-break-zh-*-strict (hyphens, inseparables, postfixes, centred marks,
    // iteration marks).
    static constexpr std::u32string_view kSet =
        U"、，。．：；！？‼⁇⁈⁉”’」』）］｝】〗〕〉》–—～〜‐·‧・⸺…⋯"
        U",.:;!?)]}%‰℃°％"
        U"\u2024\u2025\uFE19\u2032\u2033\u2035\u2109\uFE6A\uFFE0\u30A0\uFF65\u30FB"
        U"\u3005\u303B\u309D\u309E\u30FD\u30FE\U00010AF6";
    return in(kSet, c);
}

bool forbidden_at_line_end(char32_t c) { return in(U"“‘「『（［｛【〖〔〈《([{￥¥$＄£", c); }

bool is_solidus(char32_t c) { return c == U'/' || c == U'／'; }

std::vector<Span> find_urls(std::u32string_view t) {
    std::vector<Span> out;
    auto starts = [&](size_t i, std::u32string_view p) {
        if (i + p.size() > t.size()) return false;
        for (size_t k = 0; k < p.size(); ++k)
            if ((t[i + k] | 0x20) != p[k]) return false;
        return true;
    };
    for (size_t i = 0; i < t.size();) {
        size_t end = i;
        if ((starts(i, U"http://") || starts(i, U"https://") || starts(i, U"www.")) &&
            (i == 0 || !is_ascii_alnum(t[i - 1]))) {
            while (end < t.size() && is_url_char(t[end])) ++end;
        } else if (t[i] == U'@' && i > 0 && is_url_char(t[i - 1])) {
            // an e-mail address: local part back to its start, domain forward
            size_t start = i;
            while (start > 0 && (is_ascii_alnum(t[start - 1]) || in(U"._%+-", t[start - 1]))) --start;
            end = i + 1;
            while (end < t.size() && (is_ascii_alnum(t[end]) || in(U".-", t[end]))) ++end;
            if (start < i && end > i + 1 && t.substr(i, end - i).find(U'.') != std::u32string_view::npos) {
                if (!out.empty() && out.back().end > start) out.pop_back();
                while (end > i && in(U".-", t[end - 1])) --end;
                out.push_back({start, end});
                i = end;
                continue;
            }
            end = i;
        }
        if (end > i) {
            // Trailing sentence punctuation is not part of the address.
            while (end > i && in(U".,;:!?'", t[end - 1])) --end;
            out.push_back({i, end});
            i = end;
        } else {
            ++i;
        }
    }
    return out;
}

std::vector<Span> find_numbers(std::u32string_view t) {
    // [￥¥$＄]?[0-9０-９]+([.,:：\-][0-9０-９]+)*[%％‰℃°]?
    std::vector<Span> out;
    for (size_t i = 0; i < t.size();) {
        size_t start = i;
        if (in(U"￥¥$＄", t[i]) && i + 1 < t.size() && is_digit(t[i + 1])) ++i;
        if (!is_digit(t[i])) {
            i = start + 1;
            continue;
        }
        while (i < t.size() && is_digit(t[i])) ++i;
        while (i + 1 < t.size() && in(U".,:：-", t[i]) && is_digit(t[i + 1])) {
            ++i;
            while (i < t.size() && is_digit(t[i])) ++i;
        }
        if (i < t.size() && in(U"%％‰℃°", t[i])) ++i;
        if (i - start > 1) out.push_back({start, i});
    }
    return out;
}

std::vector<Span> find_latin_words(std::u32string_view t) {
    // [A-Za-z][A-Za-z0-9'’\-]*
    std::vector<Span> out;
    for (size_t i = 0; i < t.size();) {
        const char32_t c = t[i];
        const bool letter = c < 0x80 && (c | 0x20) >= U'a' && (c | 0x20) <= U'z';
        if (!letter || (i > 0 && is_ascii_alnum(t[i - 1]))) {
            ++i;
            continue;
        }
        size_t end = i + 1;
        while (end < t.size() && (is_ascii_alnum(t[end]) || in(U"'’-", t[end]))) ++end;
        if (end - i > 1) out.push_back({i, end});
        i = end;
    }
    return out;
}

std::u32string fullwidth_punctuation(std::u32string_view t) {
    std::u32string out(t);
    std::vector<bool> protected_char(t.size(), false);
    for (const auto& spans : {find_urls(t), find_numbers(t)})
        for (const Span& s : spans)
            for (size_t k = s.begin; k < s.end; ++k) protected_char[k] = true;

    auto cjk = [](char32_t c) { return is_han(c) || punct_side(c) != PunctSide::none; };
    auto prev_char = [&](size_t i) -> char32_t {
        while (i > 0 && is_space_char(out[i - 1])) --i;
        return i > 0 ? out[i - 1] : 0;
    };
    auto next_char = [&](size_t i) -> char32_t {
        ++i;
        while (i < t.size() && is_space_char(t[i])) ++i;
        return i < t.size() ? t[i] : 0;
    };
    std::vector<size_t> open_stack;  // indices of converted or kept '(' to pair ')'
    std::vector<bool> open_converted;
    for (size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i];
        if (protected_char[i]) continue;
        const char32_t before = prev_char(i), after = next_char(i);
        switch (c) {
            case U',':
            case U':':
            case U';':
            case U'!':
            case U'?':
                // After Chinese text (a Han character or a full-width mark), or between a
                // number and Chinese text ("电话:88779127;地址"): a Chinese mark.
                if ((before && cjk(before)) || (after && is_han(after) && before && is_digit(before))) {
                    static constexpr std::u32string_view half = U",:;!?", full = U"，：；！？";
                    out[i] = full[half.find(c)];
                }
                break;
            case U'(': {
                const bool convert = (before && cjk(before)) || (after && is_han(after));
                open_stack.push_back(i);
                open_converted.push_back(convert);
                if (convert) out[i] = U'（';
                break;
            }
            case U')': {
                bool convert;
                if (!open_stack.empty()) {
                    convert = open_converted.back();
                    open_stack.pop_back();
                    open_converted.pop_back();
                } else {
                    convert = (before && is_han(before)) || (after && cjk(after));
                }
                if (convert) out[i] = U'）';
                break;
            }
            default: break;
        }
    }
    return out;
}

}  // namespace kiosk::text
