#pragma once
// Pages as `kiosk-layout/1` JSON (docs/architecture.md, "Layout JSON"): what tests and tools read.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "text/layout.hpp"

namespace kiosk::text {

struct ItemPages {
    std::string id;
    std::string title;
    std::vector<Page> pages;
};

nlohmann::json layout_json(int width, int height, int rotation, const std::vector<ItemPages>& items);

}  // namespace kiosk::text
