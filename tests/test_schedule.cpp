#include <catch2/catch.hpp>

#include "schedule/rotation.hpp"

using namespace kiosk::schedule;

TEST_CASE("the rotation walks every page of every item and wraps round", "[schedule]") {
    std::vector<RotationItem> items = {{"a", 2, 10}, {"empty", 0, 10}, {"b", 1, 10}};
    auto p = first_position(items);
    REQUIRE(p);
    std::vector<Position> seen;
    for (int i = 0; i < 4; ++i) {
        seen.push_back(*p);
        p = next_position(items, *p);
        REQUIRE(p);
    }
    CHECK(seen == std::vector<Position>{{0, 0}, {0, 1}, {2, 0}, {0, 0}});
}

TEST_CASE("nothing to show gives no position", "[schedule]") {
    std::vector<RotationItem> items = {{"a", 0, 10}};
    CHECK(!first_position(items));
    CHECK(!next_position(items, Position{0, 0}));
    CHECK(!next_position({}, Position{0, 0}));
}
