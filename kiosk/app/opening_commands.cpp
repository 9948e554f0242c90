#include "app/opening_commands.hpp"

#include "app/hall_power.hpp"

#include <cstdio>

#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"

namespace kiosk::app {
using i18n::format;

namespace {
std::string short_time(std::time_t t, const std::string& zone) {
    return zone_time::format_iso_local(t, zone).substr(5, 14);  // "11-27 09:30:00", as the plan's other rows
}
}  // namespace

bool check_opening_calendar(const config::KioskConfig& cfg) {
    const std::filesystem::path& file = cfg.opening.calendar;
    if (file.empty()) return true;
    const std::string name = utf8::printable(file.filename().string());
    auto text = files::read_regular_file(file, config::kMaxCalendarBytes);
    if (!text) {
        std::fprintf(stderr, "%s\n",
                     format(KIOSK_TR("{}: opening.calendar in {}: {}"),
                            {name, cfg.file.filename().string(), utf8::printable(text.error().message)})
                         .c_str());
        return false;
    }
    const config::CalendarCheck check = config::check_calendar(*text, file.filename().string());
    for (const config::Issue& issue : check.issues) std::fprintf(stderr, "%s\n", issue.text().c_str());
    if (!check.calendar) return false;
    if (check.calendar->example)
        std::printf("%s\n", format(KIOSK_TR("{}: warning: this calendar is an example (\"example\": true) and its dates are "
                                            "not the hall's: enter the State Council's arrangement for the year and remove "
                                            "\"example\""),
                                   {file.string()})
                                .c_str());
    else
        std::printf("%s\n", format(KIOSK_TR("{}: OK, {} entries"), {file.string(), std::to_string(check.calendar->days.size())}).c_str());
    return true;
}

// The calendar the running screen uses (app/hall_power: the fleet's best, else the local
// file), so `kiosk plan` shows the minutes the panel will really switch.
std::optional<config::HallCalendar> plan_calendar(const config::KioskConfig& cfg) {
    CalendarInForce in_force = calendar_in_force(cfg);
    if (!in_force.error.empty()) {
        std::fprintf(stderr, "%s\n", in_force.error.c_str());
        std::fprintf(stderr, "%s\n", KIOSK_TR("the calendar cannot be read: planned with the week's hours alone"));
    }
    return std::move(in_force.calendar);
}

std::vector<PlanRow> power_rows(const schedule::HallPlan& plan, const config::OpeningHours& opening,
                                const config::HallCalendar* calendar, std::time_t from, std::time_t end,
                                const std::string& zone) {
    std::vector<PlanRow> rows;
    auto asleep = [&](std::time_t at, const std::string& reason, const std::string& day_name, std::time_t wakes) {
        PlanRow row;
        row.at = at;
        row.rank = 2;
        row.start = short_time(at, zone);
        row.end = short_time(wakes ? std::min(wakes, end) : end, zone);
        row.what = format(KIOSK_TR("panel asleep ({})"), {schedule::closed_label(reason, day_name)});
        rows.push_back(std::move(row));
    };
    auto next_on = [&](size_t i) -> std::time_t {
        for (size_t k = i; k < plan.power.size(); ++k)
            if (plan.power[k].on) return plan.power[k].at;
        return 0;
    };
    const schedule::PowerState first = schedule::power_at(opening, calendar, from, [&](std::time_t t) {
        return zone_time::offset_at(t, zone);
    });
    if (!first.on && (plan.power.empty() || plan.power.front().at != from)) asleep(from, first.reason, first.day_name, next_on(0));
    for (size_t i = 0; i < plan.power.size(); ++i) {
        const schedule::PowerChange& c = plan.power[i];
        if (!c.on) {
            asleep(c.at, c.reason, c.day_name, next_on(i + 1));
            continue;
        }
        PlanRow row;
        row.at = c.at;
        row.rank = 0;
        row.start = short_time(c.at, zone);
        row.what = c.day_name.empty() ? std::string(KIOSK_TR("panel on")) : format(KIOSK_TR("panel on ({})"), {c.day_name});
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace kiosk::app
