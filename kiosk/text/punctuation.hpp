#pragma once
// Character classes for Chinese layout (docs/typesetting.md: R1-R7, S1-S3, S6) and the S6 rewrite
// of half-width punctuation written between Han characters.
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::text {

bool is_han(char32_t c);
bool is_space_char(char32_t c);

// Where a full-width mark's blank half lies: a closing mark (，。、：；！？）》” in Simplified
// Chinese) has its ink on the left and blank on the right; an opening one (（《“) the
// reverse; a centred one (the interpuncts ·・) a quarter em each side.
enum class PunctSide { none, closing, opening, centred };
PunctSide punct_side(char32_t c);

bool forbidden_at_line_start(char32_t c);  // R1 (and R4's dash/ellipsis, and the WPT strict sets)
bool forbidden_at_line_end(char32_t c);    // R2
bool is_solidus(char32_t c);               // R3

// Half-open spans [begin, end) of the text's code points.
struct Span {
    size_t begin = 0, end = 0;
};
std::vector<Span> find_urls(std::u32string_view text);     // URLs and e-mail addresses (R7)
std::vector<Span> find_numbers(std::u32string_view text);  // R6: signs, decimals, units, dates, times, phones
std::vector<Span> find_latin_words(std::u32string_view text);  // R7

// S6: half-width , : ; ! ? ( ) written between Han characters become ，：；！？（）; never
// inside numbers, times, URLs or Latin runs.
std::u32string fullwidth_punctuation(std::u32string_view text);

}  // namespace kiosk::text
