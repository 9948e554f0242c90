#include "schedule/ticker.hpp"

#include <algorithm>

namespace kiosk::schedule {

bool is_ticker_item(const config::PlaylistItem& item) {
    return item.notice && item.notice->interrupt == config::Interrupt::ticker;
}

namespace {
// Red first: the order the band runs them in.
int severity_rank(warning::Level level) {
    switch (level) {
        case warning::Level::red: return 0;
        case warning::Level::orange: return 1;
        case warning::Level::yellow: return 2;
        case warning::Level::blue: return 3;
        case warning::Level::none: break;
    }
    return 4;
}
}  // namespace

std::vector<TickerEntry> ticker_items(const config::Playlist& playlist, const Now& now, bool clock_trusted) {
    std::vector<TickerEntry> out;
    for (const auto& item : playlist.items)
        if (is_ticker_item(item) && in_schedule(item, now, clock_trusted)) out.push_back({item.id, item.notice->level});
    std::stable_sort(out.begin(), out.end(),
                     [](const TickerEntry& a, const TickerEntry& b) { return severity_rank(a.level) < severity_rank(b.level); });
    return out;
}

std::time_t ticker_next_change(const config::Playlist& playlist, const Now& now) {
    std::time_t next = 0;
    auto consider = [&](std::time_t t) {
        if (t > now.utc && (next == 0 || t < next)) next = t;
    };
    for (const auto& item : playlist.items) {
        if (!is_ticker_item(item) || !item.enabled) continue;
        consider(item.notice->start);
        consider(item.notice->expires);
        // Hours and days of a schedule: looked at again at the next minute.
        if (item.schedule.constrained()) consider(now.utc - now.local_second % 60 + 60);
    }
    return next;
}

}  // namespace kiosk::schedule
