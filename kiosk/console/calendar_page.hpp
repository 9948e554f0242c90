#pragma once
// The 开放时间 page's pure parts (issue 28), tested without a server: the calendar as the
// page sends it (a kiosk-calendar/1 object), tidied where the clerk's intent is clear, checked
// with the errors placed beside the row or weekday they concern in Chinese, the next days as
// the screens will live them (the screens' own schedule::power_at / power_changes), and a
// summary of a change for the audit log.
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/calendar.hpp"
#include "console/logic.hpp"

namespace kiosk::console {

// The page's rows and weekdays, as `FieldError`s: `item` is the row of "days" (its index as
// sent), or -1 for the week ("hours.mon" … "hours.sun", `index` the range), the margins
// ("on_before_minutes", "off_after_minutes"), "lunch", or the calendar as a whole ("").
// `field` within a row: "date", "until", "kind", "open", "hours", "name".

// What the page sends, tidied: the format set; dates with one-digit months or days, full-width
// digits or 2027/2/10 read as 2027-02-10; each time range in its one form (8:30-12:00 and
// ０８：３０－１２：００ become 08:30-12:00, config::read_time_range); names trimmed. Unknown keys
// are dropped: what is published is what the page shows.
nlohmann::json tidy_calendar(const nlohmann::json& calendar);

// Checked as a screen will check it (config::check_calendar after the page's own checks, which
// say in the page's words what to change). Empty: the screens will take it.
std::vector<FieldError> check_calendar_form(const nlohmann::json& calendar, const std::string& scope);

// A starting calendar for a scope never edited: the office's kiosk.json hours when it has
// them, else a typical hall's week (Monday to Friday 08:30-12:00, 13:00-17:00).
nlohmann::json starting_calendar(const config::OpeningHours& office);

// The next `days` days from `now`'s day (in `zone`): for each its date, 星期, whether the panel
// is on, and when ("开启 08:15–12:10，12:50–17:10" or "休眠（节假日：春节）"), with what the
// calendar says about the day (调休上班（按星期一的时间）, 特别时间, the entry's name).
nlohmann::json next_days(const config::HallCalendar& calendar, std::time_t now, const std::string& zone, int days = 14);

// A change to a scope's calendar in words, for the audit log: the hours per weekday that
// changed, lunch, margins, rows added or removed (春节 2027-02-10 到 2027-02-16 放假).
std::string calendar_change_summary(const nlohmann::json& before, const nlohmann::json& after);

// One row of "days" in words: 2027-02-10 到 2027-02-16 放假（春节）.
std::string calendar_row_words(const nlohmann::json& row);

}  // namespace kiosk::console
