#pragma once
// Where each value and key of a JSON text sits (line:col), keyed by a readable path such as
// `items[2].schedule.hours[0]`. nlohmann_json 3.11 keeps no positions for values and merges
// duplicate keys silently; this scanner supplies both. Run it on text nlohmann accepted.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::config {

struct TextPosition {
    int line = 1;
    int col = 1;  // in characters, 1-based
};

struct PositionIndex {
    std::map<std::string, TextPosition> values;  // path -> where its value starts
    std::map<std::string, TextPosition> keys;    // path -> where its key starts (object members)
    std::vector<std::pair<std::string, TextPosition>> duplicate_keys;  // path, second occurrence

    // The key's position when there is one (an operator looks for the key), else the value's.
    TextPosition at(const std::string& path) const;
};

PositionIndex index_positions(std::string_view json_text);

// Line and column of a byte offset (for nlohmann's syntax errors).
TextPosition position_of_offset(std::string_view text, size_t byte_offset);

std::string child_path(const std::string& parent, const std::string& key);
std::string element_path(const std::string& parent, size_t index);

}  // namespace kiosk::config
