#pragma once
// The hall's calendar of exceptions (kiosk-calendar/1): holidays (closed) and 调休 working
// days (open with a given weekday's hours, or hours of their own), optionally the week's
// hours and margins too (so a calendar the office publishes says everything the 开放时间 page
// shows). Read from a local file (kiosk.json "opening.calendar") or a signed fleet document
// (`kind: calendar`); checked like every other file: errors name the file, line:col, the entry
// and what is wrong. Budgets before the work: kMaxCalendarBytes, kMaxCalendarEntries.
//
//   {"format": "kiosk-calendar/1",
//    "example": true,                      // optional: an example, its dates are not real
//    "name": "2027年节假日安排",             // optional
//    "hours": {"mon": ["08:30-12:00", "13:00-17:00"], …},   // optional: replaces kiosk.json's
//    "lunch": "on"|"off", "on_before_minutes": 15, "off_after_minutes": 10,   // optional
//    "days": [
//      {"date": "2027-02-10", "until": "2027-02-16", "closed": true, "name": "春节"},
//      {"date": "2027-02-07", "open": "mon", "name": "春节调休上班"},
//      {"date": "2027-12-31", "hours": ["08:30-12:00"], "name": "年末半天"}]}
//
// Each entry has "date" (YYYY-MM-DD), optionally "until" (inclusive, at most 60 days on), and
// exactly one of "closed": true, "open": "mon"…"sun", "hours": [ranges]; "name" at most 40
// characters. Entries may not overlap.
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"

namespace kiosk::config {

inline constexpr std::size_t kMaxCalendarBytes = 256 * 1024;
inline constexpr std::size_t kMaxCalendarEntries = 1000;
inline constexpr const char* kCalendarFormat = "kiosk-calendar/1";

struct CalendarDay {
    int first_day = 0, last_day = 0;  // local days since 1970-01-01, inclusive
    enum class Kind { closed, open_as, open_hours } kind = Kind::closed;
    int as_weekday = 0;               // open_as: 0 Monday … 6 Sunday
    std::vector<TimeRange> hours;     // open_hours
    std::string name;                 // 春节, 国庆节调休上班 … ("" when not given)
};

struct HallCalendar {
    std::string where;                 // the file, or "fleet:SCOPE": for messages and status
    bool example = false;
    std::string name;
    std::optional<WeekHours> week;     // replaces kiosk.json's opening.hours when present
    std::optional<bool> on_over_lunch;
    std::optional<int> on_before_minutes, off_after_minutes;
    std::vector<CalendarDay> days;     // sorted by first_day, no overlaps
};

struct CalendarCheck {
    std::optional<HallCalendar> calendar;  // when there is no issue
    std::vector<Issue> issues;             // item = the entry's index in "days" (-1: the file)
};

// `name` is the file's name (or "fleet:SCOPE") for the messages.
CalendarCheck check_calendar(const std::string& text, const std::string& name);
// The same, its issues joined into one error (a line each, Issue::text()).
Result<HallCalendar> parse_calendar(const std::string& text, const std::string& name);
Result<HallCalendar> load_calendar(const std::filesystem::path& file);

// The hours in force: kiosk.json's, with what the calendar says about the week, lunch and
// margins put over them (a calendar with "hours" makes the hours configured).
OpeningHours effective_opening(const OpeningHours& configured, const HallCalendar* calendar);

}  // namespace kiosk::config
