#include "schedule/scheduler.hpp"

#include <algorithm>
#include <cmath>

#include "schedule/ticker.hpp"

namespace kiosk::schedule {
using config::Interrupt;
using config::PlaylistItem;

namespace {

long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool has_content(const ContentState& content, const std::string& id) {
    auto it = content.find(id);
    return it != content.end() && it->second.pages > 0;
}

const PlaylistItem* find_item(const config::Playlist& pl, const std::string& id) {
    for (const auto& item : pl.items)
        if (item.id == id) return &item;
    return nullptr;
}

bool notice_active(const PlaylistItem& item, const Now& now) {
    return item.notice && item.notice->start <= now.utc && now.utc < item.notice->expires;
}

// Does a notice want to interrupt the rotation now?
bool notice_due(const PlaylistItem& item, const Now& now, const History& history) {
    if (!item.notice || !notice_active(item, now)) return false;
    auto shown = history.notice_shown.find(item.id);
    switch (item.notice->interrupt) {
        case Interrupt::none:
        case Interrupt::ticker:  // never a page: the ticker band runs it (text/ticker)
        case Interrupt::hold: return false;  // a hold is no interruption: it has the screen (decide, step 0)
        case Interrupt::at_once: return shown == history.notice_shown.end() || shown->second < item.notice->start;
        case Interrupt::every:
            return shown == history.notice_shown.end() || shown->second < item.notice->start ||
                   now.utc - shown->second >= static_cast<std::time_t>(item.notice->every_minutes) * 60;
    }
    return false;
}

}  // namespace

Now make_now(std::time_t utc, long utc_offset_seconds) {
    Now n;
    n.utc = utc;
    const long local = static_cast<long>(utc) + utc_offset_seconds;
    n.local_day = static_cast<int>(floor_div(local, 86400));
    n.local_second = static_cast<int>(local - static_cast<long>(n.local_day) * 86400);
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    n.weekday = static_cast<int>(((n.local_day % 7) + 7 + 3) % 7);
    return n;
}

bool in_schedule(const PlaylistItem& item, const Now& now, bool clock_trusted) {
    if (!item.enabled) return false;
    const config::Schedule& s = item.schedule;
    // Before the clock can be believed, anything bound to a date or time is held back.
    if (!clock_trusted && (s.constrained() || item.notice)) return false;
    if (item.notice && !notice_active(item, now)) return false;

    const int minute = now.local_second / 60;
    // The day a window belongs to: after midnight, an overnight window is the previous day's.
    auto day_admits = [&](int day, int weekday) {
        if (s.from_day && day < *s.from_day) return false;
        if (s.until_day && day > *s.until_day) return false;
        return (s.weekdays >> weekday & 1) != 0;
    };
    if (s.hours.empty()) return day_admits(now.local_day, now.weekday);
    for (const auto& range : s.hours) {
        if (range.start < range.end) {
            if (minute >= range.start && minute < range.end && day_admits(now.local_day, now.weekday)) return true;
        } else {
            if (minute >= range.start && day_admits(now.local_day, now.weekday)) return true;
            if (minute < range.end && day_admits(now.local_day - 1, (now.weekday + 6) % 7)) return true;
        }
    }
    return false;
}

double dwell_seconds(const PlaylistItem& item, const ItemContent& content, int page, const Settings& settings) {
    const config::Dwell dwell = item.page_seconds.value_or(settings.default_dwell);
    if (!dwell.automatic) return dwell.seconds;
    const auto& r = settings.reading;
    double chars = page >= 0 && static_cast<size_t>(page) < content.chars_per_page.size()
                       ? content.chars_per_page[static_cast<size_t>(page)]
                       : 0;
    return std::clamp(chars / r.chars_per_minute * 60.0, r.min_page_seconds, r.max_page_seconds);
}

Decision decide(const config::Playlist& playlist, const ContentState& content, const Now& now,
                const History& history, const Settings& settings) {
    const bool trusted = now.utc >= settings.trusted_after;
    // A ticker notice is never a page (the band runs it): not in the rotation, never due.
    auto playable = [&](const PlaylistItem& item) {
        return !is_ticker_item(item) && in_schedule(item, now, trusted) && has_content(content, item.id);
    };

    Decision d;
    // 0. Notices that hold the screen: while one runs, only they show, in playlist order,
    // each for all its pages, the rotation waiting where it was.
    std::vector<size_t> holding;  // indices into playlist.items
    for (size_t i = 0; i < playlist.items.size(); ++i) {
        const PlaylistItem& item = playlist.items[i];
        if (item.notice && item.notice->interrupt == Interrupt::hold && playable(item)) holding.push_back(i);
    }
    if (!holding.empty()) {
        size_t next = 0;  // coming from the rotation: the first
        if (history.current && history.current->interrupt) {
            const std::string& was = history.current->item_id;
            size_t was_at = playlist.items.size();
            for (size_t i = 0; i < playlist.items.size(); ++i)
                if (playlist.items[i].id == was) was_at = i;
            if (auto it = std::find(holding.begin(), holding.end(), was_at); it != holding.end() &&
                history.current->page + 1 < content.at(was).pages) {
                d.slot = Slot{was, history.current->page + 1, true};  // its next page
            } else if (was_at < playlist.items.size()) {
                // After its last page (or when it stopped holding): the next one after it, round.
                auto after = std::upper_bound(holding.begin(), holding.end(), was_at);
                next = after == holding.end() ? 0 : static_cast<size_t>(after - holding.begin());
            }
        }
        if (d.slot.standing()) d.slot = Slot{playlist.items[holding[next]].id, 0, true};
    }
    // 1. A notice part-way through its interruption continues.
    if (d.slot.standing() && history.current && history.current->interrupt) {
        const PlaylistItem* item = find_item(playlist, history.current->item_id);
        if (item && playable(*item) && history.current->page + 1 < content.at(item->id).pages)
            d.slot = Slot{item->id, history.current->page + 1, true};
    }
    // 2. A notice that is due interrupts (the highest priority first, then playlist order).
    if (d.slot.standing()) {
        const PlaylistItem* due = nullptr;
        for (const auto& item : playlist.items)
            if (playable(item) && notice_due(item, now, history) && (!due || item.priority > due->priority))
                due = &item;
        if (due) d.slot = Slot{due->id, 0, true};
    }
    // 3. Otherwise the rotation: the highest priority that has something to show.
    if (d.slot.standing()) {
        std::vector<size_t> candidates;
        int top = INT32_MIN;
        for (size_t i = 0; i < playlist.items.size(); ++i) {
            if (!playable(playlist.items[i])) continue;
            top = std::max(top, playlist.items[i].priority);
            candidates.push_back(i);
        }
        std::erase_if(candidates, [&](size_t i) { return playlist.items[i].priority != top; });
        if (!candidates.empty()) {
            size_t resume_index = playlist.items.size();  // none: start at the first candidate
            if (history.rotation) {
                for (size_t i = 0; i < playlist.items.size(); ++i)
                    if (playlist.items[i].id == history.rotation->item_id) resume_index = i;
            }
            if (resume_index < playlist.items.size() &&
                std::find(candidates.begin(), candidates.end(), resume_index) != candidates.end() &&
                history.rotation->page + 1 < content.at(playlist.items[resume_index].id).pages) {
                d.slot = Slot{playlist.items[resume_index].id, history.rotation->page + 1, false};
            } else {
                size_t next = candidates.front();
                if (resume_index < playlist.items.size()) {
                    for (size_t i : candidates)
                        if (i > resume_index) {
                            next = i;
                            break;
                        }
                }
                d.slot = Slot{playlist.items[next].id, 0, false};
            }
        }
    }

    if (d.slot.standing()) {
        // Nothing scheduled: the standing page, re-decided at the next minute.
        d.seconds = std::max(1.0, settings.standing_seconds - now.local_second % 60);
    } else {
        const PlaylistItem* item = find_item(playlist, d.slot.item_id);
        d.seconds = dwell_seconds(*item, content.at(item->id), d.slot.page, settings);
    }
    // A notice's page ends when the notice does (a hold gives the screen back on time).
    if (const PlaylistItem* item = d.slot.standing() ? nullptr : find_item(playlist, d.slot.item_id);
        item && item->notice && item->notice->expires > now.utc)
        d.seconds = std::min(d.seconds, static_cast<double>(item->notice->expires - now.utc));
    // A notice that interrupts at once (or holds) cuts the page short at its start.
    if (trusted) {
        for (const auto& item : playlist.items) {
            if (!item.notice || item.notice->interrupt == Interrupt::none || is_ticker_item(item) || !item.enabled ||
                !has_content(content, item.id) || item.id == d.slot.item_id)
                continue;
            const double until = static_cast<double>(item.notice->start - now.utc);
            if (until > 0 && until < d.seconds) d.seconds = until;
        }
    }
    return d;
}

History record(History history, const Decision& decision, const Now& now) {
    history.current = decision.slot;
    if (!decision.slot.standing() && !decision.slot.interrupt) history.rotation = decision.slot;
    if (!decision.slot.standing() && decision.slot.page == 0) {
        // Any showing of a notice's first page counts as its showing.
        history.notice_shown[decision.slot.item_id] = now.utc;
    }
    return history;
}

}  // namespace kiosk::schedule
