#pragma once
// Where a line may end: ICU's line BreakIterator with the zh@lb=strict locale (UAX #14 with
// the strict CJK tailoring) as the base, tailored by R1-R7 (docs/typesetting.md).
#include <cstdint>
#include <string_view>
#include <vector>

namespace kiosk::text {

enum class Break : std::uint8_t {
    never,
    allowed,
    url,  // inside a URL or e-mail address, after / . - ? & = : used only when the address
          // cannot be carried over whole, or carrying it would leave a loose line (J4)
};

// ICU alone: allowed[i] when a line may end before text[i]; size text.size() + 1.
std::vector<bool> icu_break_opportunities(std::u32string_view text);

// ICU's word boundaries (its dictionary for Han text: 年度, 报告, 管理局 stay whole; a number
// is one word): bounds[i] when a word starts or ends before text[i]; size text.size() + 1.
std::vector<bool> word_boundaries(std::u32string_view text);
// ICU tailored for R1-R7; size text.size() + 1; [0] and [size] are `allowed`.
std::vector<Break> break_opportunities(std::u32string_view text);

}  // namespace kiosk::text
