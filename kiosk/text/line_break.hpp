#pragma once
// Where a line may break: ICU's line BreakIterator with the zh@lb=strict locale (UAX #14 with
// the strict CJK tailoring). The clreq rules on top of it (R1-R7) refine this set.
#include <string_view>
#include <vector>

namespace kiosk::text {

// allowed[i] is true when a line may end before text[i] (i in 1..size-1); allowed[0] and
// allowed[size] are true by definition. Size: text.size() + 1.
std::vector<bool> break_opportunities(std::u32string_view text);

}  // namespace kiosk::text
