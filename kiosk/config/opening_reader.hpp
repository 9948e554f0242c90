#pragma once
// config/'s readers of the hall's hours (kiosk.json "opening" and a calendar's week, lunch and
// margins) and of kiosk.json "power". Shared by config.cpp and calendar.cpp; not for other
// modules (config.hpp and calendar.hpp are config/'s interface).
#include <string>

#include "config/checker.hpp"
#include "config/config.hpp"

namespace kiosk::config::detail {

// At most this many time ranges a day (so a day has at most 8 power changes).
inline constexpr size_t kMaxRangesPerDay = 4;
// Byte strings sent to a panel ("on", "off", "query", the replies): at most this long.
inline constexpr size_t kMaxPanelBytes = 256;

// "mon" … "sun" -> 0 … 6; -1 for anything else.
int weekday_index(const std::string& name);
extern const char* const kWeekdayNames[7];

// obj[key] as a week of hours {"mon": ["08:30-12:00", …], …}; a day left out is closed.
bool read_week(Checker& c, const json& obj, const std::string& path, const char* key, WeekHours& out);
// A day's list of ranges at `path`; `allow_empty`: [] is a closed day.
bool read_ranges(Checker& c, const json& v, const std::string& path, bool allow_empty, std::vector<TimeRange>& out);
// obj["lunch"]: "on" | "off".
bool read_lunch(Checker& c, const json& obj, const std::string& path, bool& on_over_lunch);

// kiosk.json "opening" (the calendar's file name as written, resolved by the caller).
void read_opening(Checker& c, const json& v, OpeningHours& out, std::string& calendar);
// kiosk.json "power".
void read_power(Checker& c, const json& v, PowerSettings& out);

// "ka 01 01\r" as is, or "hex:AA 11 FE" as bytes; nullopt for bad hex.
std::optional<std::string> panel_bytes(const std::string& written);

}  // namespace kiosk::config::detail
