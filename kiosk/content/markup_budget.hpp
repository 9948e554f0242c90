#pragma once
// A budget on HTML before any parser sees it. gumbo's tree building is quadratic in the depth
// of open elements (20,000 nested <div> take 0.6 s, 200,000 take over three minutes) and in
// the list of formatting elements it reconstructs (100,000 distinct unclosed <b id=N>), and
// its tree is freed recursively. So the markup is first rewritten by a light tokenizer that
// estimates the depth gumbo will reach: tags that would go deeper than `max_depth`, or come
// after `max_elements` elements, are dropped — their text stays, their structure goes. Real
// portal pages are 20-40 deep with a few thousand elements, far inside the budget.
#include <cstddef>
#include <string>
#include <string_view>

namespace kiosk::content {

struct MarkupBudget {
    size_t max_depth = 256;
    size_t max_elements = 100'000;
};

struct MarkupReport {
    size_t elements = 0;       // start tags kept
    size_t dropped_tags = 0;   // start and end tags removed by the budget
    size_t deepest = 0;        // the deepest nesting estimated (before dropping)
};

// The markup with tags beyond the budget removed (unchanged when within it).
std::string bound_markup(std::string_view html, const MarkupBudget& budget = {}, MarkupReport* report = nullptr);

}  // namespace kiosk::content
