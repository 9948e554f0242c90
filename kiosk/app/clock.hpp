#pragma once
// Wall-clock times in the configured time zone (Asia/Shanghai by default). GCC 12 has no
// std::chrono time zones, so this goes through ICU's TimeZone (base/zone_time), never the
// process-global TZ.
#include <ctime>
#include <string>

#include "base/result.hpp"

namespace kiosk::app {

// ISO 8601: 2026-11-27, 2026-11-27T09:30, 2026-11-27T09:30:00, with optional Z or ±HH:MM.
// Without an offset the time is read in `zone`. Errors name `option` (e.g. "--now").
Result<std::time_t> parse_time(const std::string& option, const std::string& text, const std::string& zone);

// The zone's offset from UTC at `when`, in seconds (east positive).
long utc_offset(std::time_t when, const std::string& zone);

// "2026-11-27 09:30:00" in `zone` (for status and plan output).
std::string format_iso_local(std::time_t when, const std::string& zone);

// "2026年11月27日 星期五 09:30" in `zone`.
std::string format_clock(std::time_t when, const std::string& zone);
// "11月27日 09:30": when content was updated, for the footer.
std::string format_short_time(std::time_t when, const std::string& zone);

}  // namespace kiosk::app
