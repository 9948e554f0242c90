#include "schedule/hall_day.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "base/zone_time.hpp"

// The hall's day as the panel's on spans: each local day's ranges (from the calendar, else the
// week) widened by the margins, in local minutes; merged; turned into instants through the
// zone's offset (a DST change day has 23 or 25 hours and the on time stays at local 08:15).
namespace kiosk::schedule {
namespace {
using config::CalendarDay;
using config::HallCalendar;
using config::OpeningHours;
using config::TimeRange;

constexpr long kDayMinutes = 24 * 60;
constexpr int kLookDays = 400;  // since/until are looked for this far
constexpr int kMaxChangeDays = 800;

int weekday_of(int day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }  // 1970-01-01: Thursday

struct DayInfo {
    bool all_day = false;             // hours not configured: on from midnight to midnight
    std::vector<TimeRange> ranges;    // the hall's ranges, by start
    const char* closed = nullptr;     // a closed day: why
    std::string name;                 // the calendar entry's name
    const CalendarDay* entry = nullptr;
};

struct LocalSpan {
    long from = 0, to = 0;  // local minutes since 1970-01-01 00:00 local
    int day = 0;            // the day whose range begins it
};

struct Span {
    std::time_t from = 0, to = 0;
    int day = 0;
};

struct Reason {
    std::string reason, name;
};

// The hall as the functions below ask it: one day, a local time as an instant, an instant's day.
class Hall {
public:
    Hall(const OpeningHours& opening, const HallCalendar* calendar, const UtcOffsetAt& offset)
        : o_(config::effective_opening(opening, calendar)), cal_(calendar), offset_(offset) {}

    const OpeningHours& opening() const { return o_; }
    bool always_on() const { return !o_.configured && (!cal_ || cal_->days.empty()); }

    const CalendarDay* entry(int day) const {
        if (!cal_) return nullptr;
        const auto& days = cal_->days;
        auto it = std::upper_bound(days.begin(), days.end(), day, [](int d, const CalendarDay& e) { return d < e.first_day; });
        if (it == days.begin()) return nullptr;
        --it;
        return day <= it->last_day ? &*it : nullptr;
    }

    DayInfo day(int d) const {
        DayInfo info;
        const int weekday = weekday_of(d);
        auto from_week = [&](int wd, const char* empty_reason) {
            if (!o_.configured) {
                info.all_day = true;
                return;
            }
            info.ranges = o_.week.days[static_cast<size_t>(wd)];
            if (info.ranges.empty()) info.closed = empty_reason;
        };
        if (const CalendarDay* e = entry(d)) {
            info.entry = e;
            info.name = e->name;
            switch (e->kind) {
                case CalendarDay::Kind::closed: info.closed = kClosedHoliday; break;
                case CalendarDay::Kind::open_as: from_week(e->as_weekday, kClosedRestDay); break;
                case CalendarDay::Kind::open_hours: info.ranges = e->hours; break;
            }
        } else {
            from_week(weekday, weekday >= 5 ? kClosedWeekend : kClosedRestDay);
        }
        std::sort(info.ranges.begin(), info.ranges.end(), [](const TimeRange& a, const TimeRange& b) { return a.start < b.start; });
        return info;
    }

    // The instant of a local minute: in a repeated hour the earlier one, in a skipped one as
    // if the offset before the change applied (zone_time::from_local's rule).
    std::time_t instant(long local_minutes) const {
        const std::time_t local = static_cast<std::time_t>(local_minutes) * 60;
        const long before = offset_(local - 86400), after = offset_(local + 86400);
        if (before == after) return local - before;
        const std::time_t tb = local - before, ta = local - after;
        const bool vb = offset_(tb) == before, va = offset_(ta) == after;
        if (vb && va) return std::min(tb, ta);
        return va && !vb ? ta : tb;
    }

    Now now(std::time_t t) const { return make_now(t, offset_(t)); }

    // The day's ranges as local spans with their margins (lunch on: one span).
    void local_spans(int d, const DayInfo& info, std::vector<LocalSpan>& out) const {
        const long base = static_cast<long>(d) * kDayMinutes;
        if (info.all_day) {
            out.push_back({base, base + kDayMinutes, d});
            return;
        }
        std::vector<LocalSpan> spans;
        for (const TimeRange& r : info.ranges)
            spans.push_back({base + r.start, base + r.end + (r.end <= r.start ? kDayMinutes : 0), d});
        if (o_.on_over_lunch && spans.size() > 1) {
            LocalSpan all = spans.front();
            for (const LocalSpan& s : spans) all.to = std::max(all.to, s.to);
            spans = {all};
        }
        for (LocalSpan& s : spans) out.push_back({s.from - o_.on_before_minutes, s.to + o_.off_after_minutes, d});
    }

    // The panel's on spans from the days [lo, hi], merged, as instants. Only changes inside
    // reliable(lo, hi) are real: a span there cannot be touched by a day outside.
    std::vector<Span> spans(int lo, int hi) const {
        std::vector<LocalSpan> local;
        for (int d = lo; d <= hi; ++d) local_spans(d, day(d), local);
        std::stable_sort(local.begin(), local.end(), [](const LocalSpan& a, const LocalSpan& b) { return a.from < b.from; });
        std::vector<LocalSpan> merged;
        for (const LocalSpan& s : local) {
            if (!merged.empty() && s.from <= merged.back().to) merged.back().to = std::max(merged.back().to, s.to);
            else merged.push_back(s);
        }
        std::vector<Span> out;
        for (const LocalSpan& s : merged) {
            const Span span{instant(s.from), instant(s.to), s.day};
            if (span.to <= span.from) continue;  // inside a skipped hour
            if (!out.empty() && span.from <= out.back().to) out.back().to = std::max(out.back().to, span.to);
            else out.push_back(span);
        }
        return out;
    }
    // An instant in a day from lo + 2 to hi - 1 is only touched by ranges of the days [lo, hi]:
    // a day's spans reach at most 180 minutes before it and a day and 180 minutes after it.
    std::pair<std::time_t, std::time_t> reliable(int lo, int hi) const {
        return {instant(static_cast<long>(lo + 2) * kDayMinutes), instant(static_cast<long>(hi) * kDayMinutes)};
    }

    // Why the panel is off at `t`: its day closed, or a lunch gap, or after hours.
    Reason reason_at(std::time_t t) const {
        const int d = now(t).local_day;
        const DayInfo info = day(d);
        if (info.closed) return {info.closed, info.name};
        if (!o_.on_over_lunch && info.ranges.size() > 1) {
            const long base = static_cast<long>(d) * kDayMinutes;
            for (size_t i = 0; i + 1 < info.ranges.size(); ++i) {
                const TimeRange& a = info.ranges[i];
                const TimeRange& b = info.ranges[i + 1];
                if (a.end <= a.start) continue;
                const std::time_t off = instant(base + a.end + o_.off_after_minutes);
                const std::time_t on = instant(base + b.start - o_.on_before_minutes);
                if (t >= off && t < on) return {kClosedLunch, info.name};
            }
        }
        return {kClosedAfterHours, info.name};
    }

    // Why the panel goes off at `off` until `on` (0: not known): the first closed day it sleeps
    // through (周末, 节假日 with the day's name), else 下班 or 午休.
    Reason going_off(std::time_t off, std::time_t on) const {
        const int first = now(off).local_day;
        const int last = on ? now(on - 1).local_day : first + 1;
        for (int d = first; d <= last && d - first <= kLookDays; ++d) {
            const DayInfo info = day(d);
            if (info.closed) return {info.closed, info.name};
        }
        return reason_at(off);
    }

private:
    OpeningHours o_;
    const HallCalendar* cal_;
    const UtcOffsetAt& offset_;
};

}  // namespace

PowerState power_at(const config::OpeningHours& opening, const config::HallCalendar* calendar, std::time_t t,
                    const UtcOffsetAt& offset) {
    const Hall hall(opening, calendar, offset);
    PowerState state;
    if (hall.always_on()) return state;
    const int x = hall.now(t).local_day;
    if (const CalendarDay* e = hall.entry(x)) state.day_name = e->name;
    for (int w : {3, 12, 48, kLookDays + 2}) {
        const int lo = x - w - 2, hi = x + w + 1;
        const std::vector<Span> spans = hall.spans(lo, hi);
        const auto [zs, ze] = hall.reliable(lo, hi);
        // The first span that ends after t: t is in it, or before it.
        auto it = std::upper_bound(spans.begin(), spans.end(), t, [](std::time_t v, const Span& s) { return v < s.to; });
        state.on = it != spans.end() && it->from <= t;
        std::time_t since = 0, until = 0;
        if (state.on) {
            since = it->from;
            until = it->to;
        } else {
            since = it == spans.begin() ? 0 : std::prev(it)->to;
            until = it == spans.end() ? 0 : it->from;
        }
        state.since = since > zs && since < ze ? since : 0;
        state.until = until > zs && until < ze ? until : 0;
        if ((state.since && state.until) || w == kLookDays + 2) break;
    }
    if (!state.on) {
        Reason r = hall.reason_at(t);
        state.reason = r.reason;
    }
    return state;
}

std::vector<PowerChange> power_changes(const config::OpeningHours& opening, const config::HallCalendar* calendar,
                                       std::time_t from, std::time_t to, const UtcOffsetAt& offset) {
    std::vector<PowerChange> out;
    const Hall hall(opening, calendar, offset);
    if (hall.always_on() || to <= from) return out;
    const int first = hall.now(from).local_day;
    const int last = std::min(hall.now(to).local_day, first + kMaxChangeDays);
    const int lo = first - 3, hi = last + 2;
    const std::vector<Span> spans = hall.spans(lo, hi);
    const auto [zs, ze] = hall.reliable(lo, hi);
    const size_t cap = static_cast<size_t>(last - first + 1) * 8;
    for (size_t i = 0; i < spans.size() && out.size() < cap; ++i) {
        const Span& s = spans[i];
        if (s.from >= from && s.from < to && s.from > zs && s.from < ze) {
            PowerChange c;
            c.at = s.from;
            c.on = true;
            if (const CalendarDay* e = hall.entry(s.day)) c.day_name = e->name;
            out.push_back(std::move(c));
        }
        if (s.to >= from && s.to < to && s.to > zs && s.to < ze) {
            PowerChange c;
            c.at = s.to;
            Reason r = hall.going_off(s.to, i + 1 < spans.size() ? spans[i + 1].from : 0);
            c.reason = std::move(r.reason);
            c.day_name = std::move(r.name);
            out.push_back(std::move(c));
        }
    }
    return out;
}

std::vector<DayPlan> days_ahead(const config::OpeningHours& opening, const config::HallCalendar* calendar, std::time_t from,
                                int days, const UtcOffsetAt& offset) {
    std::vector<DayPlan> out;
    const Hall hall(opening, calendar, offset);
    days = std::clamp(days, 0, kLookDays);
    const int first = hall.now(from).local_day;
    const int lo = first - 3, hi = first + days + 2;
    const std::vector<Span> spans = hall.always_on() ? std::vector<Span>{} : hall.spans(lo, hi);
    for (int d = first; d < first + days; ++d) {
        const DayInfo info = hall.day(d);
        DayPlan p;
        p.day = d;
        const std::time_t noon = static_cast<std::time_t>(d) * 86400 + 43200;
        std::tm f{};
        gmtime_r(&noon, &f);
        p.year = f.tm_year + 1900;
        p.month = f.tm_mon + 1;
        p.mday = f.tm_mday;
        p.weekday = weekday_of(d);
        p.all_day = info.all_day;
        p.open = info.all_day || !info.ranges.empty();
        p.from_calendar = info.entry != nullptr;
        p.adjusted = info.entry && info.entry->kind == CalendarDay::Kind::open_as;
        p.hours = info.ranges;
        p.reason = info.closed ? info.closed : "";
        p.name = info.name;
        const std::time_t begin = hall.instant(static_cast<long>(d) * kDayMinutes);
        const std::time_t end = hall.instant(static_cast<long>(d + 1) * kDayMinutes);
        for (const Span& s : spans)
            if (s.from >= begin && s.from < end) p.on.push_back({s.from, s.to});
        out.push_back(std::move(p));
    }
    return out;
}

std::string day_words(const DayPlan& day, const std::string& zone) {
    static const char* const kWeekdays[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    std::string s = std::to_string(day.month) + "月" + std::to_string(day.mday) + "日 " + kWeekdays[day.weekday % 7] + " ";
    auto clock = [&](std::time_t t) {
        const std::tm f = zone_time::local_fields(t, zone);
        char buf[8];
        std::snprintf(buf, sizeof buf, "%02d:%02d", f.tm_hour % 100, f.tm_min % 100);
        return std::string(buf);
    };
    auto minutes = [](int m) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%02d:%02d", (m / 60) % 100, m % 60);
        return std::string(buf);
    };
    if (!day.open) {
        return s + "闭馆（" + closed_label(day.reason, day.name) + "）";
    }
    s += day.adjusted ? "调休上班" : "开放";
    if (day.all_day) return s + " 全天";
    for (const TimeRange& r : day.hours) s += " " + minutes(r.start) + "-" + minutes(r.end);
    if (!day.name.empty()) s += "（" + day.name + "）";
    if (!day.on.empty()) {
        s += " 屏幕";
        for (size_t i = 0; i < day.on.size(); ++i) s += (i ? "、" : " ") + clock(day.on[i].on) + "-" + clock(day.on[i].off);
    }
    return s;
}

std::string closed_label(const std::string& reason, const std::string& day_name) {
    return reason == kClosedHoliday && !day_name.empty() ? day_name : reason;
}

std::string asleep_words(const PowerState& state, const std::string& zone) {
    if (state.on) return "";
    const std::string why = closed_label(state.reason, state.day_name);
    if (!state.until) return "休眠（" + why + "）";
    return "休眠（" + why + "，" + zone_time::format_short_time(state.until, zone) + " 开启）";
}

}  // namespace kiosk::schedule
