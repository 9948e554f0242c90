#pragma once
// The hall's hours in `kiosk check` and `kiosk plan`: the calendar file kiosk.json names,
// checked with its places; the panel's on/off lines among the plan's plays.
#include <optional>
#include <string>
#include <vector>

#include "config/calendar.hpp"
#include "config/config.hpp"
#include "schedule/plan.hpp"

namespace kiosk::app {

// `kiosk check`: the calendar named by opening.calendar (if any). Prints its errors
// (FILE:LINE:COL: days[N] ("DATE").field: message) to stderr, a warning line when it is marked
// as an example, "FILE: OK, N entries" otherwise. False on an error.
bool check_opening_calendar(const config::KioskConfig& cfg);

// `kiosk plan`: the local calendar, or nothing with a warning on stderr when it cannot be read.
std::optional<config::HallCalendar> plan_calendar(const config::KioskConfig& cfg);

// One line of the plan: when, until when ("" for an event), what.
struct PlanRow {
    std::time_t at = 0;
    int rank = 1;  // at the same time: the panel waking (0) before plays (1) before it sleeping (2)
    std::string start, end, what;
};
// The panel's state at the plan's start (when asleep) and its changes, as rows.
std::vector<PlanRow> power_rows(const schedule::HallPlan& plan, const config::OpeningHours& opening,
                                const config::HallCalendar* calendar, std::time_t from, std::time_t end,
                                const std::string& zone);

}  // namespace kiosk::app
