#pragma once
// The timeline `kiosk plan` prints: the scheduler run forward over a span of time, its
// pages gathered into runs of one item, and cycles folded into one line with a count. Pure:
// the zone comes in as a function from a time to its UTC offset.
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "config/calendar.hpp"
#include "config/config.hpp"
#include "schedule/hall_day.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::schedule {

// One run of an item's consecutive pages (or of the standing page).
struct PlanRun {
    std::string item_id;  // empty: the standing page
    int first_page = 0, last_page = 0;  // 0-based
    int of = 0;                         // the item's pages
    bool interrupt = false;             // a notice, out of turn
    std::time_t start = 0, end = 0;
    bool standing() const { return item_id.empty(); }
    bool same_play(const PlanRun& o) const {
        return item_id == o.item_id && first_page == o.first_page && last_page == o.last_page && interrupt == o.interrupt;
    }
};

// A cycle of up to four runs played `times` times back to back.
struct PlanLine {
    std::vector<PlanRun> cycle;
    int times = 1;
    std::time_t start = 0, end = 0;
};

// What plays from `from` for `seconds`: the scheduler's own decisions, runs in order.
// Bounded to a million decisions (a page is never shorter than a second, so a month fits).
std::vector<PlanRun> simulate(const config::Playlist& playlist, const ContentState& content, std::time_t from,
                              double seconds, const Settings& settings, const UtcOffsetAt& offset);

// The same over the hall's day: plays only while the panel is on (the rotation starts afresh
// at each wake, as the kiosk's does), and the panel's changes in the span.
struct AwakeSpan {
    std::time_t from = 0, to = 0;
    std::vector<PlanRun> runs;  // fold each span's runs by itself: a cycle never spans a sleep
};
struct HallPlan {
    std::vector<AwakeSpan> awake;
    std::vector<PowerChange> power;
};
HallPlan simulate_hall(const config::Playlist& playlist, const ContentState& content, std::time_t from, double seconds,
                       const Settings& settings, const UtcOffsetAt& offset, const config::OpeningHours& opening,
                       const config::HallCalendar* calendar);

// Consecutive repeats of a cycle of up to four runs folded into one line (the longest span
// folded first).
std::vector<PlanLine> fold(const std::vector<PlanRun>& runs);

}  // namespace kiosk::schedule
