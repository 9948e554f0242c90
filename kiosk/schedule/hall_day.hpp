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

// One day as the hall and its panel will have it: the console's next 14 days and `kiosk plan`
// show these.
struct PowerSpan {
    std::time_t on = 0, off = 0;
};
struct DayPlan {
    int day = 0;                          // local days since 1970-01-01
    int year = 0, month = 0, mday = 0;    // that date
    int weekday = 0;                      // 0 Monday … 6 Sunday
    bool open = false;                    // the hall opens that day (all day when hours are not configured)
    bool all_day = false;                 // hours not configured: the panel stays on all day
    bool from_calendar = false;           // a calendar entry decides the day
    bool adjusted = false;                // 调休: a calendar "open": "sat" day, with that weekday's hours
    std::vector<config::TimeRange> hours; // the hall's ranges that day (empty: closed, or all day)
    std::vector<PowerSpan> on;            // the panel's on spans that begin this day (an end may be later)
    std::string reason;                   // a closed day: 周末 | 休息日 | 节假日; "" when open
    std::string name;                     // the calendar entry's name, "" if none
};

// `days` days (at most 400) from the local day of `from`.
std::vector<DayPlan> days_ahead(const config::OpeningHours& opening, const config::HallCalendar* calendar, std::time_t from,
                                int days, const UtcOffsetAt& offset);

// A day in one line: "12月8日 周二 开放 08:30-12:00 13:00-17:00（屏幕 08:15-17:10）",
// "12月9日 周三 闭馆（春节）", "12月12日 周六 闭馆（周末）". Times in `zone`.
std::string day_words(const DayPlan& day, const std::string& zone);

// For a clerk: "休眠（节假日，12月8日 08:15 开启）", "休眠（下班，明天 08:15 开启）" is NOT used:
// always the date. `zone` formats the time. An on state: "开启（17:10 休眠）" style is the caller's.
// A holiday with a name says the name instead of 节假日: "休眠（春节，2月17日 08:15 开启）"; with no
// wake within 400 days: "休眠（节假日）". "" for an on state.
// Why, in a word: the holiday's name for a named 节假日, else the reason (下班, 周末 …).
std::string closed_label(const std::string& reason, const std::string& day_name);

std::string asleep_words(const PowerState& state, const std::string& zone);

}  // namespace kiosk::schedule
