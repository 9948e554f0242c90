#pragma once
// Whether the panel is on at an instant: the hall's opening hours with their margins, the
// calendar's holidays and 调休 days, lunch kept on or not. Pure: the zone comes in as a
// function from an instant to its UTC offset (DST change days included), no clock is read.
// `kiosk plan`, the run loop and the console's 开放时间 page all ask these functions, so they
// show the same minutes.
#include <ctime>
#include <string>
#include <vector>

#include "config/calendar.hpp"
#include "config/config.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::schedule {

// Why the panel is off (Chinese: the words a clerk reads in the console and the status).
inline constexpr const char* kClosedAfterHours = "下班";   // before opening or after closing on an open day
inline constexpr const char* kClosedLunch = "午休";        // between a day's ranges, "lunch": "off"
inline constexpr const char* kClosedWeekend = "周末";      // Saturday or Sunday closed by the week's hours
inline constexpr const char* kClosedRestDay = "休息日";    // another weekday closed by the week's hours
inline constexpr const char* kClosedHoliday = "节假日";    // a calendar entry "closed"

struct PowerState {
    bool on = true;
    std::string reason;       // "" when on; else one of the kClosed… words
    std::string day_name;     // the calendar entry's name for the day (春节, 国庆节调休上班), "" if none
    std::time_t since = 0;    // when this state began (0: not within the 400 days looked back)
    std::time_t until = 0;    // the next change (0: none within the 400 days looked ahead)
};

struct PowerChange {
    std::time_t at = 0;
    bool on = false;
    std::string reason;       // when going off
    std::string day_name;
};

// The panel's state at `t`. With `opening` not configured and no calendar: always on.
PowerState power_at(const config::OpeningHours& opening, const config::HallCalendar* calendar, std::time_t t,
                    const UtcOffsetAt& offset);

// Every change in [from, to), in order (bounded: at most 8 a day).
std::vector<PowerChange> power_changes(const config::OpeningHours& opening, const config::HallCalendar* calendar,
                                       std::time_t from, std::time_t to, const UtcOffsetAt& offset);

// For a clerk: "休眠（节假日，12月8日 08:15 开启）", "休眠（下班，明天 08:15 开启）" is NOT used:
// always the date. `zone` formats the time. An on state: "开启（17:10 休眠）" style is the caller's.
std::string asleep_words(const PowerState& state, const std::string& zone);

}  // namespace kiosk::schedule
