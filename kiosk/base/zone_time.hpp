#pragma once
// Wall-clock time in a named time zone through ICU's TimeZone (tzdata compiled into ICU):
// never setenv("TZ"), which is process-global and races with every other thread (the fetch
// worker checks playlists while the frame loop formats the clock). Shared by config/,
// schedule/ callers and app/.
#include <ctime>
#include <string>

namespace kiosk::zone_time {

// Seconds east of UTC in `zone` at the instant `t` (DST included).
long offset_at(std::time_t t, const std::string& zone);

// The wall-clock fields in `zone` at `t`: tm_year … tm_sec, tm_wday, tm_yday; tm_gmtoff is
// the offset and tm_isdst whether summer time applies.
std::tm local_fields(std::time_t t, const std::string& zone);

// The instant of a wall-clock time in `zone` (month 1-12). In a repeated hour the earlier
// instant, in a skipped one the time as if the offset before the change applied.
std::time_t from_local(int year, int month, int day, int hour, int minute, int second, const std::string& zone);

}  // namespace kiosk::zone_time
