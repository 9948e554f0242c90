#pragma once
// Wall-clock time in a named time zone through ICU's TimeZone (tzdata compiled into ICU):
// never setenv("TZ"), which is process-global and races with every other thread (the fetch
// worker checks playlists while the frame loop formats the clock). Shared by config/,
// schedule/ callers and app/.
#include <ctime>
#include <string>

#include "base/result.hpp"

namespace kiosk::zone_time {

// Seconds east of UTC in `zone` at the instant `t` (DST included).
long offset_at(std::time_t t, const std::string& zone);

// The wall-clock fields in `zone` at `t`: tm_year … tm_sec, tm_wday, tm_yday; tm_gmtoff is
// the offset and tm_isdst whether summer time applies.
std::tm local_fields(std::time_t t, const std::string& zone);

// The instant of a wall-clock time in `zone` (month 1-12). In a repeated hour the earlier
// instant, in a skipped one the time as if the offset before the change applied.
std::time_t from_local(int year, int month, int day, int hour, int minute, int second, const std::string& zone);

// For people: `--now` and `--from` parsed, times written in a zone.
// ISO 8601: 2026-11-27, 2026-11-27T09:30, 2026-11-27T09:30:00, with optional Z or ±HH:MM.
// Without an offset the time is read in `zone`. Errors name `option` (e.g. "--now").
Result<std::time_t> parse_time(const std::string& option, const std::string& text, const std::string& zone);

// "2026-11-27 09:30:00" in `zone` (for status and plan output).
std::string format_iso_local(std::time_t when, const std::string& zone);

// "2026年11月27日 星期五 09:30" in `zone`.
std::string format_clock(std::time_t when, const std::string& zone);
// "11月27日 09:30": when content was updated, for the footer.
std::string format_short_time(std::time_t when, const std::string& zone);

}  // namespace kiosk::zone_time
