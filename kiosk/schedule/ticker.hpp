#pragma once
// Which notices run in the ticker band (滚动字幕, issue 29) at an instant: the playlist's
// notice items with "interrupt": "ticker" (the office's notices in mode ticker arrive as such,
// fleet::notice_item) that are in force — enabled, start ≤ now < expires, their schedule
// admitting now. Pure: the caller passes the instant; the text comes from the library.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "schedule/scheduler.hpp"
#include "warning/level.hpp"

namespace kiosk::schedule {

struct TickerEntry {
    std::string id;
    warning::Level level = warning::Level::none;
    bool operator==(const TickerEntry&) const = default;
};

// Whether the item is a ticker notice (whether in force or not): never a page.
bool is_ticker_item(const config::PlaylistItem& item);

// The ticker notices in force at `now`, the most severe first (red, orange, yellow, blue),
// then the rest, each group in playlist order. `clock_trusted` as for in_schedule: before the
// clock can be believed, no notice is in force.
std::vector<TickerEntry> ticker_items(const config::Playlist& playlist, const Now& now, bool clock_trusted = true);

// When the answer of ticker_items next changes after `now` (a notice starts or expires; the
// hour of a schedule is re-checked at the next minute): 0 when no ticker notice could change
// it. The run loop wakes for it.
std::time_t ticker_next_change(const config::Playlist& playlist, const Now& now);

}  // namespace kiosk::schedule
