#pragma once
// A JSON syntax check written for the people who edit playlists: it runs before nlohmann
// (whose messages name the token after a mistake, in parser terms, and can hold half a
// character) and explains the usual mistakes of someone typing with a Chinese input method
// — a full-width colon, comma, quote or bracket, single quotes, a missing or trailing
// comma, an unclosed string — at the line and column of the mistake itself. It also holds
// the budget of any JSON the kiosk reads: nesting depth, number of values, key length,
// numbers a double can hold; all checked before any other parsing.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/json_positions.hpp"

namespace kiosk::config {

struct JsonBudget {
    size_t max_depth = 16;       // playlists are 5 deep, kiosk.json 3
    size_t max_values = 50'000;  // a playlist of 1,000 items has ~20,000
    size_t max_key_bytes = 128;
};

struct JsonMistake {
    TextPosition at;
    std::string message;  // translated (KIOSK_TR), for a clerk
};

// The first mistake, or nothing when the text is JSON within the budget.
std::optional<JsonMistake> lint_json(std::string_view text, const JsonBudget& budget = {});

}  // namespace kiosk::config
