#pragma once
// What plays now and for how long: a pure function of (playlist, content, now, history).
// No clocks are read here; the caller passes the wall time for schedules and runs page
// timers on the monotonic clock, so a wall-clock jump neither stalls nor races the rotation.
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace kiosk::schedule {

// The configured zone's UTC offset at an instant (the caller asks the tz database).
using UtcOffsetAt = std::function<long(std::time_t)>;

struct Now {
    std::time_t utc = 0;
    int local_day = 0;     // days since 1970-01-01 in the configured time zone
    int local_second = 0;  // seconds since local midnight
    int weekday = 0;       // 0 Monday … 6 Sunday
};
// `utc_offset_seconds` is the zone's offset at that instant (the caller asks the tz database).
Now make_now(std::time_t utc, long utc_offset_seconds);

struct ItemContent {
    int pages = 0;                     // 0: nothing to show yet (not fetched, or failed)
    std::vector<int> chars_per_page;   // for `auto` dwell
};
using ContentState = std::map<std::string, ItemContent>;  // by item id

struct Settings {
    config::Dwell default_dwell;
    config::Reading reading;
    std::time_t trusted_after = 0;  // before this the wall clock is not believed
    double standing_seconds = 60;   // re-decide this often while nothing is scheduled
};

struct Slot {
    std::string item_id;  // empty: the standing page (hall name, date and time, welcome)
    int page = 0;         // 0-based
    bool interrupt = false;  // a notice shown out of turn
    bool standing() const { return item_id.empty(); }
    bool operator==(const Slot&) const = default;
};

struct Decision {
    Slot slot;
    double seconds = 0;  // how long it stays up (cut short for a notice that starts sooner)
};

struct History {
    std::optional<Slot> current;   // on screen now
    std::optional<Slot> rotation;  // the last page of the regular rotation shown (resume point)
    std::map<std::string, std::time_t> notice_shown;  // when each notice was last begun
};

// Whether the item's schedule (dates, weekdays, hours, notice window) admits `now`.
bool in_schedule(const config::PlaylistItem& item, const Now& now, bool clock_trusted);

double dwell_seconds(const config::PlaylistItem& item, const ItemContent& content, int page,
                     const Settings& settings);

Decision decide(const config::Playlist& playlist, const ContentState& content, const Now& now,
                const History& history, const Settings& settings);

// The history after `decision` went up at `now`.
History record(History history, const Decision& decision, const Now& now);

}  // namespace kiosk::schedule
