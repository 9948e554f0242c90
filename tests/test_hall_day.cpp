// The hall's day as a pure function: opening hours, margins, lunch, overnight ranges, the
// calendar's holidays and 调休 days, a zone with daylight saving. No clock is read: times are
// instants made from local times, the zone comes in as its offset function.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>

#include "base/zone_time.hpp"
#include "config/calendar.hpp"
#include "schedule/hall_day.hpp"

using namespace kiosk;
using namespace kiosk::schedule;
using config::OpeningHours;
using config::TimeRange;

namespace {

const std::string kShanghai = "Asia/Shanghai";
const std::string kBerlin = "Europe/Berlin";

std::time_t at(const char* local, const std::string& zone = kShanghai) { return *zone_time::parse_time("--now", local, zone); }
UtcOffsetAt zone_offset(const std::string& zone) {
    return [zone](std::time_t t) { return zone_time::offset_at(t, zone); };
}
const UtcOffsetAt kUtc8 = [](std::time_t) { return 8L * 3600; };
std::string local(std::time_t t, const std::string& zone = kShanghai) { return zone_time::format_iso_local(t, zone); }

TimeRange range(const char* text) {
    auto r = config::read_time_range(text);
    REQUIRE(r.problem == config::TimeRangeReading::Problem::none);
    return {r.start, r.end};
}

// Monday to Friday 08:30-12:00 and 13:00-17:00; 15 minutes before, 10 after.
OpeningHours office(bool lunch_on = true) {
    OpeningHours o;
    o.configured = true;
    for (int d = 0; d < 5; ++d) o.week.days[static_cast<size_t>(d)] = {range("08:30-12:00"), range("13:00-17:00")};
    o.on_over_lunch = lunch_on;
    o.on_before_minutes = 15;
    o.off_after_minutes = 10;
    return o;
}

config::HallCalendar calendar(const std::string& text) {
    auto cal = config::parse_calendar(text, "calendar.json");
    INFO((cal ? "" : cal.error().message));
    REQUIRE(cal);
    return std::move(*cal);
}

std::vector<std::string> lines(const std::vector<PowerChange>& changes, const std::string& zone = kShanghai) {
    std::vector<std::string> out;
    for (const auto& c : changes)
        out.push_back(local(c.at, zone) + (c.on ? " on" : " off " + c.reason) + (c.day_name.empty() ? "" : " " + c.day_name));
    return out;
}

// The same question asked the slow way: is local minute m of day d inside one of the hours
// (with margins) of day d or the day before (an overnight range)? Lunch on fills a day's gaps.
bool reference_on(const OpeningHours& o, std::time_t t) {
    const long local = static_cast<long>(t) + 8 * 3600;
    const long day = local / 86400, minute = (local % 86400) / 60;
    for (long d : {day - 1, day, day + 1}) {
        const int wd = static_cast<int>(((d % 7) + 7 + 3) % 7);
        auto hours = o.week.days[static_cast<size_t>(wd)];
        if (hours.empty()) continue;
        std::vector<std::pair<long, long>> spans;
        for (auto r : hours) spans.push_back({r.start, r.end <= r.start ? r.end + 1440 : r.end});
        if (o.on_over_lunch) spans = {{spans.front().first, spans.back().second}};
        for (auto [s, e] : spans) {
            const long m = minute + (day - d) * 1440;
            if (m >= s - o.on_before_minutes && m < e + o.off_after_minutes) return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("a year of office days: on 08:15, off 17:10, weekends asleep", "[hall_day]") {
    const OpeningHours o = office();
    const std::time_t from = at("2026-01-01T00:00"), to = at("2027-01-01T00:00");
    const auto changes = power_changes(o, nullptr, from, to, kUtc8);
    // 261 weekdays in 2026; each has one on and one off (lunch stays on).
    REQUIRE(changes.size() == 2 * 261);
    int weekend_offs = 0;
    for (size_t i = 0; i < changes.size(); i += 2) {
        const std::string on = local(changes[i].at), off = local(changes[i + 1].at);
        INFO(on << " / " << off);
        CHECK(changes[i].on);
        CHECK(on.substr(10) == " 08:15:00");
        CHECK(!changes[i + 1].on);
        CHECK(off.substr(0, 10) == on.substr(0, 10));
        CHECK(off.substr(10) == " 17:10:00");
        const Now n = make_now(changes[i].at, 8 * 3600);
        CHECK(n.weekday < 5);
        if (n.weekday == 4) {
            CHECK(changes[i + 1].reason == kClosedWeekend);  // Friday evening: asleep over the weekend
            ++weekend_offs;
        } else {
            CHECK(changes[i + 1].reason == kClosedAfterHours);
        }
    }
    CHECK(weekend_offs == 52);
    // Every 7 minutes of the year: power_at agrees with the slow reference, and its since and
    // until are the changes before and after.
    size_t next = 0;
    int checked = 0;
    for (std::time_t t = from; t < to; t += 7 * 60) {
        while (next < changes.size() && changes[next].at <= t) ++next;
        const PowerState s = power_at(o, nullptr, t, kUtc8);
        if (s.on != reference_on(o, t)) FAIL("power_at disagrees with the reference at " << local(t));
        if (next > 0 && s.since != changes[next - 1].at) FAIL("since at " << local(t));
        if (next < changes.size() && s.until != changes[next].at) FAIL("until at " << local(t));
        if (next > 0 && s.on != changes[next - 1].on) FAIL("state at " << local(t));
        ++checked;
    }
    CHECK(checked > 70000);

    const PowerState sat = power_at(o, nullptr, at("2026-12-12T10:00"), kUtc8);
    CHECK_FALSE(sat.on);
    CHECK(sat.reason == kClosedWeekend);
    CHECK(local(sat.since) == "2026-12-11 17:10:00");
    CHECK(local(sat.until) == "2026-12-14 08:15:00");
    CHECK(asleep_words(sat, kShanghai) == "休眠（周末，12月14日 08:15 开启）");
    const PowerState night = power_at(o, nullptr, at("2026-12-07T17:10"), kUtc8);
    CHECK_FALSE(night.on);
    CHECK(night.reason == kClosedAfterHours);
    CHECK(asleep_words(night, kShanghai) == "休眠（下班，12月8日 08:15 开启）");
    const PowerState morning = power_at(o, nullptr, at("2026-12-08T08:14:59"), kUtc8);
    CHECK_FALSE(morning.on);
    CHECK(morning.reason == kClosedAfterHours);
    CHECK(power_at(o, nullptr, at("2026-12-08T08:15"), kUtc8).on);
    CHECK(asleep_words(power_at(o, nullptr, at("2026-12-08T09:00"), kUtc8), kShanghai).empty());
}

TEST_CASE("lunch off: asleep between a day's ranges, 午休", "[hall_day]") {
    const OpeningHours o = office(false);
    const auto changes = power_changes(o, nullptr, at("2026-12-08T00:00"), at("2026-12-09T00:00"), kUtc8);
    CHECK(lines(changes) == std::vector<std::string>{"2026-12-08 08:15:00 on", "2026-12-08 12:10:00 off 午休",
                                                     "2026-12-08 12:45:00 on", "2026-12-08 17:10:00 off 下班"});
    const PowerState lunch = power_at(o, nullptr, at("2026-12-08T12:30"), kUtc8);
    CHECK_FALSE(lunch.on);
    CHECK(lunch.reason == kClosedLunch);
    CHECK(local(lunch.until) == "2026-12-08 12:45:00");
    CHECK(power_at(o, nullptr, at("2026-12-08T17:05"), kUtc8).reason.empty());
    CHECK(power_at(o, nullptr, at("2026-12-08T17:30"), kUtc8).reason == kClosedAfterHours);
    // A lunch shorter than the margins leaves the panel on.
    OpeningHours short_lunch = o;
    for (int d = 0; d < 5; ++d) short_lunch.week.days[static_cast<size_t>(d)] = {range("08:30-12:00"), range("12:20-17:00")};
    CHECK(power_changes(short_lunch, nullptr, at("2026-12-08T00:00"), at("2026-12-09T00:00"), kUtc8).size() == 2);
}

TEST_CASE("an overnight range belongs to the day it starts", "[hall_day]") {
    OpeningHours o = office();
    o.week.days[5] = {range("20:00-02:00")};  // Saturday night
    const auto changes = power_changes(o, nullptr, at("2026-12-11T12:00"), at("2026-12-15T00:00"), kUtc8);
    CHECK(lines(changes) == std::vector<std::string>{"2026-12-11 17:10:00 off 下班", "2026-12-12 19:45:00 on",
                                                     "2026-12-13 02:10:00 off 周末", "2026-12-14 08:15:00 on",
                                                     "2026-12-14 17:10:00 off 下班"});
    CHECK(power_at(o, nullptr, at("2026-12-13T01:00"), kUtc8).on);
    const PowerState sun = power_at(o, nullptr, at("2026-12-13T03:00"), kUtc8);
    CHECK(sun.reason == kClosedWeekend);
    CHECK(local(sun.since) == "2026-12-13 02:10:00");
    // A Tuesday closed by the week is a rest day, not a weekend.
    o.week.days[1].clear();
    CHECK(power_at(o, nullptr, at("2026-12-08T10:00"), kUtc8).reason == kClosedRestDay);
}

TEST_CASE("a holiday week with two 调休 Saturdays", "[hall_day][calendar]") {
    // A made-up arrangement in the shape the State Council publishes (not real dates).
    const auto cal = calendar(R"({"format": "kiosk-calendar/1", "days": [
        {"date": "2027-09-25", "open": "mon", "name": "国庆节调休上班"},
        {"date": "2027-10-01", "until": "2027-10-07", "closed": true, "name": "国庆节"},
        {"date": "2027-10-09", "open": "fri", "name": "国庆节调休上班"}]})");
    const OpeningHours o = office(false);
    const auto changes = power_changes(o, &cal, at("2027-09-24T00:00"), at("2027-10-12T00:00"), kUtc8);
    CHECK(lines(changes) == std::vector<std::string>{
                                "2027-09-24 08:15:00 on", "2027-09-24 12:10:00 off 午休", "2027-09-24 12:45:00 on",
                                "2027-09-24 17:10:00 off 下班",
                                "2027-09-25 08:15:00 on 国庆节调休上班", "2027-09-25 12:10:00 off 午休 国庆节调休上班",
                                "2027-09-25 12:45:00 on 国庆节调休上班", "2027-09-25 17:10:00 off 周末",
                                "2027-09-27 08:15:00 on", "2027-09-27 12:10:00 off 午休", "2027-09-27 12:45:00 on",
                                "2027-09-27 17:10:00 off 下班",
                                "2027-09-28 08:15:00 on", "2027-09-28 12:10:00 off 午休", "2027-09-28 12:45:00 on",
                                "2027-09-28 17:10:00 off 下班",
                                "2027-09-29 08:15:00 on", "2027-09-29 12:10:00 off 午休", "2027-09-29 12:45:00 on",
                                "2027-09-29 17:10:00 off 下班",
                                "2027-09-30 08:15:00 on", "2027-09-30 12:10:00 off 午休", "2027-09-30 12:45:00 on",
                                "2027-09-30 17:10:00 off 节假日 国庆节",
                                "2027-10-08 08:15:00 on", "2027-10-08 12:10:00 off 午休", "2027-10-08 12:45:00 on",
                                "2027-10-08 17:10:00 off 下班",
                                "2027-10-09 08:15:00 on 国庆节调休上班", "2027-10-09 12:10:00 off 午休 国庆节调休上班",
                                "2027-10-09 12:45:00 on 国庆节调休上班", "2027-10-09 17:10:00 off 周末",
                                "2027-10-11 08:15:00 on", "2027-10-11 12:10:00 off 午休", "2027-10-11 12:45:00 on",
                                "2027-10-11 17:10:00 off 下班"});
    const PowerState holiday = power_at(o, &cal, at("2027-10-03T12:00"), kUtc8);
    CHECK_FALSE(holiday.on);
    CHECK(holiday.reason == kClosedHoliday);
    CHECK(holiday.day_name == "国庆节");
    CHECK(local(holiday.since) == "2027-09-30 17:10:00");
    CHECK(local(holiday.until) == "2027-10-08 08:15:00");
    CHECK(asleep_words(holiday, kShanghai) == "休眠（国庆节，10月8日 08:15 开启）");
    // The Saturday after the holiday, before the 调休 day opens, and the Sunday after it.
    CHECK(power_at(o, &cal, at("2027-10-09T07:00"), kUtc8).reason == kClosedAfterHours);
    CHECK(power_at(o, &cal, at("2027-10-10T10:00"), kUtc8).reason == kClosedWeekend);
    const PowerState workday = power_at(o, &cal, at("2027-09-25T10:00"), kUtc8);
    CHECK(workday.on);
    CHECK(workday.day_name == "国庆节调休上班");
    // A holiday without a name says 节假日.
    const auto unnamed = calendar(R"({"format": "kiosk-calendar/1", "days": [{"date": "2026-12-08", "closed": true}]})");
    CHECK(asleep_words(power_at(o, &unnamed, at("2026-12-08T10:00"), kUtc8), kShanghai) == "休眠（节假日，12月9日 08:15 开启）");

    // A weekend just before a holiday sleeps for the holiday.
    const auto spring = calendar(R"({"format": "kiosk-calendar/1", "days": [
        {"date": "2027-02-06", "open": "mon", "name": "春节调休上班"},
        {"date": "2027-02-08", "until": "2027-02-14", "closed": true, "name": "春节"}]})");
    CHECK(lines(power_changes(o, &spring, at("2027-02-06T17:00"), at("2027-02-15T09:00"), kUtc8)) ==
          std::vector<std::string>{"2027-02-06 17:10:00 off 节假日 春节", "2027-02-15 08:15:00 on"});
    CHECK(asleep_words(power_at(o, &spring, at("2027-02-07T10:00"), kUtc8), kShanghai) == "休眠（周末，2月15日 08:15 开启）");
    // Also when the plan ends before the wake.
    CHECK(lines(power_changes(o, &spring, at("2027-02-06T17:00"), at("2027-02-06T18:00"), kUtc8)) ==
          std::vector<std::string>{"2027-02-06 17:10:00 off 节假日 春节"});

    // The 14 days ahead as the console and kiosk plan list them.
    const auto days = days_ahead(o, &cal, at("2027-09-24T09:00"), 14, kUtc8);
    REQUIRE(days.size() == 14);
    CHECK(day_words(days[0], kShanghai) == "9月24日 周五 开放 08:30-12:00 13:00-17:00 屏幕 08:15-12:10、12:45-17:10");
    CHECK(day_words(days[1], kShanghai) ==
          "9月25日 周六 调休上班 08:30-12:00 13:00-17:00（国庆节调休上班） 屏幕 08:15-12:10、12:45-17:10");
    CHECK(day_words(days[2], kShanghai) == "9月26日 周日 闭馆（周末）");
    CHECK(day_words(days[7], kShanghai) == "10月1日 周五 闭馆（国庆节）");
    CHECK(days[7].reason == kClosedHoliday);
    CHECK(days[7].from_calendar);
    CHECK(days[1].adjusted);
    CHECK(days[1].weekday == 5);
    CHECK(days[14 - 1].day == days[0].day + 13);
}

TEST_CASE("Europe/Berlin on its change days: the panel still wakes at 08:15 local", "[hall_day]") {
    OpeningHours o = office();
    o.week.days[6] = {range("08:30-12:00")};     // open on Sundays too, so the change days are open
    o.week.days[5] = {range("22:00-06:00")};     // and a Saturday night across the change
    const UtcOffsetAt berlin = zone_offset(kBerlin);
    for (const char* day : {"2027-03-28", "2027-10-31"}) {
        const std::string d = day;
        const auto changes = power_changes(o, nullptr, at((d + "T00:00").c_str(), kBerlin), at((d + "T23:59").c_str(), kBerlin), berlin);
        INFO(day);
        CHECK(lines(changes, kBerlin) == std::vector<std::string>{d + " 06:10:00 off 下班", d + " 08:15:00 on",
                                                                  d + " 12:10:00 off 下班"});
        REQUIRE(changes.size() == 3);
        CHECK(changes[1].at == zone_time::from_local(2027, d[6] == '3' ? 3 : 10, d[6] == '3' ? 28 : 31, 8, 15, 0, kBerlin));
        // The night's span is an hour shorter or longer in real time, as the clocks say.
        const auto night = power_changes(o, nullptr, at((d + "T00:00").c_str(), kBerlin) - 6 * 3600, changes[0].at + 1, berlin);
        REQUIRE(night.size() >= 2);
        const long minutes = (night.back().at - night[night.size() - 2].at) / 60;
        CHECK(minutes == (d[6] == '3' ? 8 * 60 + 25 - 60 : 8 * 60 + 25 + 60));  // 21:45 to 06:10
    }
    // Every minute of March 28th agrees with its since/until.
    const std::time_t a = at("2027-03-28T00:00", kBerlin);
    const auto changes = power_changes(o, nullptr, a - 86400, a + 2 * 86400, berlin);
    for (std::time_t t = a; t < a + 86400; t += 60) {
        const PowerState s = power_at(o, nullptr, t, berlin);
        auto next = std::find_if(changes.begin(), changes.end(), [&](const PowerChange& c) { return c.at > t; });
        REQUIRE(next != changes.end());
        if (s.until != next->at || s.on == next->on) FAIL("at " << local(t, kBerlin));
    }
    const PowerState before = power_at(o, nullptr, at("2027-03-28T07:00", kBerlin), berlin);
    CHECK(asleep_words(before, kBerlin) == "休眠（下班，3月28日 08:15 开启）");
}

TEST_CASE("the calendar's hours override kiosk.json's (a fleet calendar over the local one)", "[hall_day][calendar]") {
    const OpeningHours local_hours = office();
    const auto fleet = calendar(R"({"format": "kiosk-calendar/1", "name": "全市统一作息",
        "hours": {"mon": ["09:00-16:00"], "tue": ["09:00-16:00"], "wed": ["09:00-16:00"], "thu": ["09:00-16:00"],
                  "fri": ["09:00-16:00"], "sat": ["09:00-12:00"]},
        "lunch": "off", "on_before_minutes": 30, "off_after_minutes": 0,
        "days": [{"date": "2026-12-09", "hours": ["09:00-11:00"], "name": "半天"}]})");
    const OpeningHours eff = config::effective_opening(local_hours, &fleet);
    CHECK(eff.configured);
    CHECK_FALSE(eff.on_over_lunch);
    CHECK(eff.on_before_minutes == 30);
    CHECK(eff.off_after_minutes == 0);
    CHECK(eff.week.days[5].size() == 1);
    const std::time_t from = at("2026-12-07T00:00"), to = at("2026-12-13T00:00");
    const auto changes = power_changes(local_hours, &fleet, from, to, kUtc8);
    CHECK(lines(changes) == std::vector<std::string>{
                                "2026-12-07 08:30:00 on", "2026-12-07 16:00:00 off 下班",
                                "2026-12-08 08:30:00 on", "2026-12-08 16:00:00 off 下班",
                                "2026-12-09 08:30:00 on 半天", "2026-12-09 11:00:00 off 下班 半天",
                                "2026-12-10 08:30:00 on", "2026-12-10 16:00:00 off 下班",
                                "2026-12-11 08:30:00 on", "2026-12-11 16:00:00 off 下班",
                                "2026-12-12 08:30:00 on", "2026-12-12 12:00:00 off 周末"});
    // Asked with the effective hours or with kiosk.json's, the answer is the same.
    CHECK(lines(power_changes(eff, &fleet, from, to, kUtc8)) == lines(changes));
    // Without the fleet's calendar the local hours apply again.
    CHECK(local(power_changes(local_hours, nullptr, from, to, kUtc8).front().at) == "2026-12-07 08:15:00");
    // A calendar without hours keeps kiosk.json's week.
    const auto only_days = calendar(R"({"format": "kiosk-calendar/1", "days": []})");
    CHECK(config::effective_opening(local_hours, &only_days).on_before_minutes == 15);
}

TEST_CASE("margins: none, and the most allowed", "[hall_day]") {
    OpeningHours o = office();
    o.on_before_minutes = 0;
    o.off_after_minutes = 0;
    CHECK(lines(power_changes(o, nullptr, at("2026-12-08T00:00"), at("2026-12-09T00:00"), kUtc8)) ==
          std::vector<std::string>{"2026-12-08 08:30:00 on", "2026-12-08 17:00:00 off 下班"});
    o.on_before_minutes = 180;
    o.off_after_minutes = 180;
    CHECK(lines(power_changes(o, nullptr, at("2026-12-08T00:00"), at("2026-12-09T00:00"), kUtc8)) ==
          std::vector<std::string>{"2026-12-08 05:30:00 on", "2026-12-08 20:00:00 off 下班"});
}

TEST_CASE("hours not configured: always on, except the calendar's closed days", "[hall_day][calendar]") {
    const OpeningHours none;
    const PowerState s = power_at(none, nullptr, at("2026-12-08T03:00"), kUtc8);
    CHECK(s.on);
    CHECK(s.until == 0);
    CHECK(s.since == 0);
    CHECK(power_changes(none, nullptr, at("2026-01-01T00:00"), at("2027-01-01T00:00"), kUtc8).empty());
    const auto cal = calendar(R"({"format": "kiosk-calendar/1", "example": true,
        "days": [{"date": "2026-12-25", "until": "2026-12-27", "closed": true, "name": "年终闭馆"}]})");
    CHECK(cal.example);
    CHECK(lines(power_changes(none, &cal, at("2026-12-01T00:00"), at("2027-01-01T00:00"), kUtc8)) ==
          std::vector<std::string>{"2026-12-25 00:00:00 off 节假日 年终闭馆", "2026-12-28 00:00:00 on"});
    const PowerState closed = power_at(none, &cal, at("2026-12-26T12:00"), kUtc8);
    CHECK(asleep_words(closed, kShanghai) == "休眠（年终闭馆，12月28日 00:00 开启）");
    const PowerState open = power_at(none, &cal, at("2026-12-08T12:00"), kUtc8);
    CHECK(open.on);
    CHECK(local(open.until) == "2026-12-25 00:00:00");
    CHECK(open.since == 0);  // on for more than 400 days before
    const auto days = days_ahead(none, &cal, at("2026-12-24T12:00"), 5, kUtc8);
    CHECK(day_words(days[0], kShanghai) == "12月24日 周四 开放 全天");
    CHECK(day_words(days[1], kShanghai) == "12月25日 周五 闭馆（年终闭馆）");
}

TEST_CASE("power_at over a year is quick enough for a status every few seconds", "[hall_day]") {
    const auto cal = calendar(R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-10-01", "until": "2027-10-07", "closed": true}]})");
    const OpeningHours o = office();
    const UtcOffsetAt berlin = zone_offset(kBerlin);
    // The longest search: hours not configured, the calendar's holiday far away.
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) (void)power_at(OpeningHours{}, &cal, at("2026-12-08T12:00") + i * 3600, berlin);
    for (int i = 0; i < 200; ++i) (void)power_at(o, &cal, at("2026-12-08T12:00") + i * 3600, berlin);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    CHECK(ms < 5000);
    WARN("220 power_at calls in Europe/Berlin: " << ms << " ms");
}

TEST_CASE("power_at agrees with power_changes all through a year of holidays, lunches, nights and DST", "[hall_day]") {
    OpeningHours o = office(false);
    o.week.days[5] = {range("20:00-02:00")};
    o.week.days[6] = {range("09:00-11:00"), range("23:30-00:30")};
    const auto cal = calendar(R"({"format": "kiosk-calendar/1", "days": [
        {"date": "2027-02-06", "open": "mon", "name": "调休"},
        {"date": "2027-02-08", "until": "2027-02-14", "closed": true, "name": "春节"},
        {"date": "2027-03-28", "hours": ["01:30-03:30"], "name": "夏令时那天"},
        {"date": "2027-10-01", "until": "2027-10-07", "closed": true, "name": "国庆节"},
        {"date": "2027-10-31", "hours": ["01:30-03:30"], "name": "冬令时那天"}]})");
    const UtcOffsetAt berlin = zone_offset(kBerlin);
    const std::time_t from = at("2027-01-01T00:00", kBerlin), to = at("2028-01-01T00:00", kBerlin);
    const auto changes = power_changes(o, &cal, from, to, berlin);
    REQUIRE(changes.size() > 500);
    for (size_t i = 1; i < changes.size(); ++i)
        if (changes[i].at <= changes[i - 1].at || changes[i].on == changes[i - 1].on) FAIL("changes out of order at " << i);
    size_t next = 0;
    for (std::time_t t = from + 3 * 86400; t < to - 3 * 86400; t += 13 * 60) {
        while (next < changes.size() && changes[next].at <= t) ++next;
        const PowerState s = power_at(o, &cal, t, berlin);
        if (s.on != changes[next - 1].on || s.since != changes[next - 1].at || s.until != changes[next].at)
            FAIL("at " << local(t, kBerlin));
        if (!s.on && s.reason.empty()) FAIL("no reason at " << local(t, kBerlin));
    }
    // The DST days' own hours: 01:30 to 03:30 on the wall clock is one hour of real time in
    // spring (02:00-03:00 does not exist) and three in autumn (02:00-03:00 happens twice).
    auto span_of = [&](const char* day) {
        const std::time_t d = at(day, kBerlin);
        const auto c = power_changes(office(false), &cal, d, d + 86400, berlin);  // no Saturday night running into it
        REQUIRE(c.size() >= 2);
        return std::make_pair(local(c[0].at, kBerlin) + " - " + local(c[1].at, kBerlin), (c[1].at - c[0].at) / 60);
    };
    CHECK(span_of("2027-03-28T00:00") == std::make_pair(std::string("2027-03-28 01:15:00 - 2027-03-28 03:40:00"), 85L + 60L - 60L));
    CHECK(span_of("2027-10-31T00:00") == std::make_pair(std::string("2027-10-31 01:15:00 - 2027-10-31 03:40:00"), 85L + 60L + 60L));
}
