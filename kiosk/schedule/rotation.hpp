#pragma once
// Which page comes next in the rotation. Pure: the caller owns the clock.
#include <optional>
#include <string>
#include <vector>

namespace kiosk::schedule {

struct RotationItem {
    std::string id;
    int pages = 0;             // an item with no pages (nothing loaded yet) is skipped
    double page_seconds = 20;  // dwell per page
};

struct Position {
    size_t item = 0;
    int page = 0;  // 0-based
    bool operator==(const Position&) const = default;
};

std::optional<Position> first_position(const std::vector<RotationItem>& items);
// The page after `current`: the next page of the item, else the first page of the next item
// that has pages (wrapping round). nullopt when no item has pages.
std::optional<Position> next_position(const std::vector<RotationItem>& items, Position current);

}  // namespace kiosk::schedule
