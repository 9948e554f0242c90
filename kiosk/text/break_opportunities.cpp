#include "text/break_opportunities.hpp"

#include <unicode/ubrk.h>
#include <unicode/utf16.h>

#include <memory>

#include "base/log.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
namespace {

struct BreakIteratorCloser {
    void operator()(UBreakIterator* b) const { ubrk_close(b); }
};
using BreakIteratorPtr = std::unique_ptr<UBreakIterator, BreakIteratorCloser>;  // owns one ICU iterator

// Opening an iterator loads ICU's rules; each thread keeps one and only resets its text.
UBreakIterator* strict_iterator() {
    thread_local BreakIteratorPtr iterator = [] {
        UErrorCode status = U_ZERO_ERROR;
        BreakIteratorPtr it(ubrk_open(UBRK_LINE, "zh@lb=strict", nullptr, 0, &status));
        if (U_FAILURE(status)) {
            log::error("text", std::string("ICU line breaker unavailable: ") + u_errorName(status));
            return BreakIteratorPtr();
        }
        return it;
    }();
    return iterator.get();
}

UBreakIterator* word_iterator() {
    thread_local BreakIteratorPtr iterator = [] {
        UErrorCode status = U_ZERO_ERROR;
        BreakIteratorPtr it(ubrk_open(UBRK_WORD, "zh", nullptr, 0, &status));
        if (U_FAILURE(status)) {
            log::error("text", std::string("ICU word breaker unavailable: ") + u_errorName(status));
            return BreakIteratorPtr();
        }
        return it;
    }();
    return iterator.get();
}

// `text` as UTF-16 for ICU, with the code point index of every UTF-16 unit (and one past).
void to_utf16(std::u32string_view text, std::u16string& utf16, std::vector<size_t>& code_point_at) {
    utf16.reserve(text.size() + 8);
    code_point_at.reserve(text.size() + 8);
    for (size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        if (c >= 0x10000) {
            utf16.push_back(static_cast<char16_t>(U16_LEAD(c)));
            utf16.push_back(static_cast<char16_t>(U16_TRAIL(c)));
            code_point_at.push_back(i);
            code_point_at.push_back(i);
        } else {
            utf16.push_back(static_cast<char16_t>(c));
            code_point_at.push_back(i);
        }
    }
    code_point_at.push_back(text.size());
}

// Marks in `out` every boundary `it` finds in `text`.
void mark_boundaries(UBreakIterator* it, std::u32string_view text, std::vector<bool>& out) {
    if (!it || text.empty()) return;
    std::u16string utf16;
    std::vector<size_t> code_point_at;
    to_utf16(text, utf16, code_point_at);
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(it, reinterpret_cast<const UChar*>(utf16.data()), static_cast<int32_t>(utf16.size()), &status);
    if (U_FAILURE(status)) return;
    for (int32_t b = ubrk_first(it); b != UBRK_DONE; b = ubrk_next(it)) out[code_point_at[static_cast<size_t>(b)]] = true;
}

}  // namespace

std::vector<bool> word_boundaries(std::u32string_view text) {
    std::vector<bool> bounds(text.size() + 1, false);
    bounds[0] = bounds[text.size()] = true;
    mark_boundaries(word_iterator(), text, bounds);
    return bounds;
}

std::vector<bool> icu_break_opportunities(std::u32string_view text) {
    std::vector<bool> allowed(text.size() + 1, false);
    allowed[0] = true;
    allowed[text.size()] = true;
    mark_boundaries(strict_iterator(), text, allowed);
    return allowed;
}

std::vector<Break> break_opportunities(std::u32string_view text) {
    const size_t n = text.size();
    const std::vector<bool> icu = icu_break_opportunities(text);
    std::vector<Break> out(n + 1, Break::never);
    out[0] = out[n] = Break::allowed;
    for (size_t i = 1; i < n; ++i) {
        if (!icu[i]) continue;
        const char32_t before = text[i - 1], after = text[i];
        if (forbidden_at_line_start(after) || forbidden_at_line_end(before)) continue;  // R1, R2, R4, R5
        if (is_solidus(before) || is_solidus(after)) continue;                            // R3
        out[i] = Break::allowed;
    }
    // R6 numbers and R7 Latin words stay whole.
    for (const auto& spans : {find_numbers(text), find_latin_words(text)})
        for (const Span& s : spans)
            for (size_t k = s.begin + 1; k < s.end; ++k) out[k] = Break::never;
    // R7 addresses: only after / . - ? & = (and not inside "://").
    for (const Span& s : find_urls(text)) {
        for (size_t k = s.begin + 1; k < s.end; ++k) {
            const char32_t before = text[k - 1];
            const bool scheme = before == U':' || (before == U'/' && k >= 2 && text[k - 2] == U':');
            out[k] = !scheme && std::u32string_view(U"/.-?&=").find(before) != std::u32string_view::npos
                         ? Break::url
                         : Break::never;
        }
    }
    return out;
}

}  // namespace kiosk::text
