#pragma once
// The alert rules (issue 27): what an admin sets on the 告警 page, and the engine that turns
// the screens as last heard into events — raised, reminded, recovered — with hysteresis.
// Pure: no clock (the caller passes `now`), no store, no network. The worker (console/alerts)
// feeds it FleetLink::screens() every few seconds, writes its events and delivers them.
//
// Each rule holds for a screen while its condition does; the alert is raised once when the
// condition has held for the rule's minutes (inside the rule's open hours), reminded every
// remind_hours while it stays, and recovered once when it clears — numeric rules only once
// the value is back past a margin (disk +2 points, temperature −3 °C), so a value hovering
// at the threshold does not flap. A condition that cannot be told (the screen is offline, so
// its status is old; an old screen reports no health; the hall is closed) changes nothing:
// no raise, no reminder, no recovery.
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "console/store.hpp"

namespace kiosk::console {

// The rules, by kind, in the order the page lists them.
inline constexpr const char* kAlertKinds[] = {"offline", "standing", "refused", "stale", "disk", "temperature", "uniform", "version"};

struct AlertRule {
    std::string kind;          // one of kAlertKinds
    bool enabled = false;
    double minutes = 0;        // how long the condition holds before the alert (offline, standing: "for N minutes"); decimals allowed
    double threshold = 0;      // stale: hours; disk: free %; temperature: °C; unused by the others
    double remind_hours = 0;   // a reminder this often while the alert is open; 0: none
    int open_from = 0;         // the hall's open hours, minutes of the day [from, until); from == until: all day
    int open_until = 0;
    int weekdays = 0x7f;       // bit 0 Monday … bit 6 Sunday
};

// The rules as a console starts with them (offline on, 08:30–17:30 Monday to Friday; the rest off).
std::vector<AlertRule> default_alert_rules();
// The stored rules over the defaults: one per kind, in kAlertKinds' order.
std::vector<AlertRule> merged_alert_rules(const std::vector<AlertRule>& stored);
// A rule from the page's form, checked: the error in Chinese says what to change.
Result<AlertRule> alert_rule_from_json(const nlohmann::json& form);
nlohmann::json alert_rule_json(const AlertRule& rule);
// The rule's name for people (屏幕离线, 磁盘空间不足, …) and what it watches, in a sentence.
std::string alert_rule_name(const std::string& kind);
std::string alert_rule_words(const AlertRule& rule);
// Whether `now` is inside the rule's open hours (in `zone`), and when that stretch began.
std::optional<std::time_t> open_since(const AlertRule& rule, std::time_t now, const std::string& zone);

// An alert not yet cleared, as the store keeps it.
struct OpenAlert {
    std::int64_t id = 0;
    std::string rule, screen;
    std::time_t since = 0;       // when the condition began
    std::time_t raised_at = 0;
    std::time_t last_reminded = 0;  // 0: never
};

struct AlertEvent {
    std::string event;  // raised | reminder | recovered
    std::string rule, screen;
    std::int64_t alert = 0;  // the open alert a reminder or recovery is for (0 for raised)
    std::time_t since = 0;   // when the condition began
    std::string title, text;  // Chinese, for people (the screen by its name)
};

// What the engine remembers between evaluations: since when each (rule, screen) condition
// has held without an alert yet. Kept in memory by the worker: after a restart a condition
// waits its minutes again (offline counts from the screen's state change, kept in the store).
using AlertPending = std::map<std::pair<std::string, std::string>, std::time_t>;

struct AlertInput {
    std::vector<AlertRule> rules;
    std::vector<ScreenRecord> screens;
    std::vector<OpenAlert> open;
    std::time_t now = 0;
    std::string zone;  // the office's time zone: open hours, times in messages, the screens' fetch times
    std::function<std::string(const std::string&)> name;  // a screen's name (DisplayNames)
};

// The events due at input.now, and `pending` brought up to date.
std::vector<AlertEvent> evaluate_alerts(const AlertInput& input, AlertPending& pending);

}  // namespace kiosk::console
