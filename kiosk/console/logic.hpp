#pragma once
// The console's pure parts, tested without a server: the playlist checker's messages placed
// beside the form's fields, a playlist's diff for the audit log, CSV cells, and the login
// throttle's rule.
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace kiosk::console {

// One of the checker's issues (config::Issue), placed for the form: the item (its index; -1 for the playlist as a
// whole) and the field the form shows it beside ("source", "text", "title", "page_seconds",
// "schedule.hours", "schedule.weekdays", "schedule.from", "schedule.until", "enabled", …;
// empty: the item as a whole).
struct FieldError {
    int item = -1;
    std::string field;
    int index = -1;  // the element of a list field (schedule.hours[1]: 1)
    std::string message;
};
nlohmann::json to_json(const std::vector<FieldError>& errors);

// The playlist checked as a screen will check it (no file: sources: it is published), with
// the errors placed; empty when the screens will take it. Refuses more than `max_bytes`.
std::vector<FieldError> check_playlist(const nlohmann::json& playlist, const config::KioskConfig& office,
                                       std::size_t max_bytes);

// The playlist as the form sent it, tidied where the clerk's intent is clear: titles,
// addresses, texts and dates trimmed, each time range in its one form ("8:30-12:00" and
// "08：30－12：00" become "08:30-12:00"). What the checker reads and what is published.
nlohmann::json tidy_playlist(nlohmann::json playlist);

// A line diff of two JSON documents as pretty-printed ("- " removed, "+ " added, "  "
// unchanged context next to a change); past a size budget, the whole before and after.
std::string json_diff(const nlohmann::json& before, const nlohmann::json& after);

// A CSV field (RFC 4180), with a leading = + - @ neutralised so a spreadsheet never reads
// a clerk's text as a formula.
std::string csv_cell(const std::string& value);

// The login throttle: five failures for one account from one address lock that pair for
// fifteen minutes.
inline constexpr int kMaxLoginFailures = 5;
inline constexpr std::time_t kLockSeconds = 15 * 60;
struct Throttle {
    int count = 0;
    std::time_t locked_until = 0;
};
bool throttled(const Throttle& t, std::time_t now);
Throttle after_failure(Throttle t, std::time_t now);

// JSON from outside (a request body, a screen's status) nests at most `depth` deep:
// checked on the bytes before anything parses or prints it (printing recurses).
bool json_nesting_within(std::string_view text, int depth);
// …and holds at most `elements` values (arrays, objects and the members and elements in
// them: every `[`, `{` and `,` outside strings counts one), so that a parsed request's
// memory is bounded by a count, not only by its bytes (`[{},{},…]` is 3 bytes an object).
bool json_elements_within(std::string_view text, std::size_t elements);
// Both in one pass (what the two above call).
bool json_within(std::string_view text, int depth, std::size_t elements);

// A scope's name for people: 全部屏幕, 分组 floor/1, 屏幕 zwzx-1f-01.
std::string scope_label(const std::string& scope);

}  // namespace kiosk::console
