// TEMPORARY until the `diff` branch is merged: whole-side marks.
#include "base/utf8.hpp"
#include "content/compare.hpp"

namespace kiosk::content {
void compare_pair(Comparison& pair, const CompareLimits&) {
    for (CompareSide* side : {&pair.old_side, &pair.new_side})
        for (size_t p = 0; p < side->paragraphs.size(); ++p)
            side->marks.push_back({static_cast<int>(p), 0, static_cast<int>(utf8::decode(side->paragraphs[p]).size())});
}
}  // namespace kiosk::content
