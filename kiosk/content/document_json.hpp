#pragma once
#include <nlohmann/json.hpp>

#include "content/document.hpp"

namespace kiosk::content {

// The Document as JSON (format "kiosk-document/1"), for `kiosk extract` and debugging.
nlohmann::json to_json(const Document& doc);

}  // namespace kiosk::content
