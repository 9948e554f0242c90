#include "schedule/rotation.hpp"

namespace kiosk::schedule {

std::optional<Position> first_position(const std::vector<RotationItem>& items) {
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].pages > 0) return Position{i, 0};
    return std::nullopt;
}

std::optional<Position> next_position(const std::vector<RotationItem>& items, Position current) {
    if (items.empty()) return std::nullopt;
    if (current.item < items.size() && current.page + 1 < items[current.item].pages)
        return Position{current.item, current.page + 1};
    for (size_t step = 1; step <= items.size(); ++step) {
        size_t i = (current.item + step) % items.size();
        if (items[i].pages > 0) return Position{i, 0};
    }
    return std::nullopt;
}

}  // namespace kiosk::schedule
