#pragma once
// What clerks call screens, groups and scopes: the names an admin gave them (1楼东侧屏,
// 一楼大厅), else a readable default (floor/1 → 1 楼). Every place a clerk reads a screen or a
// scope (the scope picker, receipts, plays, the log, the CSVs) asks here, never prints the id.
// A snapshot of the store's names, taken once per request.
#include <map>
#include <string>
#include <utility>

#include "base/result.hpp"
#include "console/store.hpp"

namespace kiosk::console {

class DisplayNames {
public:
    explicit DisplayNames(Store& store);
    explicit DisplayNames(std::map<std::pair<std::string, std::string>, std::string> names);

    // The screen's name, else its id.
    std::string screen(const std::string& id) const;
    // The group's name, else "N 楼" for floor/N, else the group's id.
    std::string group(const std::string& id) const;
    // A scope as text ("all", "group/floor/1", "screen/hall-1f"): 全部屏幕, the group's or the
    // screen's name; anything else as given.
    std::string scope(const std::string& scope) const;
    // Whether the admin named it (the 屏幕 page shows the id beside a name for IT).
    bool named(const std::string& kind, const std::string& id) const;

private:
    std::map<std::pair<std::string, std::string>, std::string> names_;  // (kind, id) -> name
};

// A name an admin gives: kind "screen" or "group", the screen's or group's id, the name
// trimmed (spaces, full-width ones too), at most kMaxDisplayName characters, no control
// characters; empty removes the name. An error says in Chinese what to change.
inline constexpr std::size_t kMaxDisplayName = 30;
struct NameChange {
    std::string kind, id, name;
};
Result<NameChange> check_display_name(const std::string& kind, const std::string& id, const std::string& name);

}  // namespace kiosk::console
