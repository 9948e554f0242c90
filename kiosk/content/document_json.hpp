#pragma once
#include <nlohmann/json.hpp>
#include <optional>

#include "content/document.hpp"

namespace kiosk::content {

// The Document as JSON (format "kiosk-document/1"), for `kiosk extract` and debugging.
nlohmann::json to_json(const Document& doc);
// The reverse, for Documents read back from the cache; nullopt when it is not one.
std::optional<Document> document_from_json(const nlohmann::json& j);

}  // namespace kiosk::content
