// The scheduler with an injected clock: no window, no sleeping. Times are Asia/Shanghai
// (UTC+8, no daylight saving); 2026-11-27 is a Friday.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "base/zone_time.hpp"
#include "schedule/scheduler.hpp"

using namespace kiosk;
using namespace kiosk::schedule;
using config::PlaylistItem;

namespace {

std::time_t at_time(const char* local) { return *zone_time::parse_time("--now", local, "Asia/Shanghai"); }
Now at(const char* local) { return make_now(at_time(local), 8 * 3600); }

PlaylistItem item(const char* id, int priority = 0) {
    PlaylistItem it;
    it.id = id;
    it.source = std::string("file:") + id + ".txt";
    it.priority = priority;
    return it;
}

Settings settings() {
    Settings s;
    s.default_dwell = config::Dwell{false, 20};
    s.trusted_after = at_time("2026-01-01T00:00");
    return s;
}

ContentState pages(std::initializer_list<std::pair<const char*, int>> counts) {
    ContentState c;
    for (auto [id, n] : counts) c[id] = ItemContent{n, std::vector<int>(static_cast<size_t>(n), 400)};
    return c;
}

// Runs the scheduler from `start` for `steps` decisions; returns "id:page" (or "standing").
std::vector<std::string> run(const config::Playlist& pl, const ContentState& content, std::time_t start,
                             int steps, std::vector<double>* seconds = nullptr, History* out = nullptr) {
    std::vector<std::string> seen;
    History h;
    double t = static_cast<double>(start);
    for (int i = 0; i < steps; ++i) {
        Now now = make_now(static_cast<std::time_t>(t), 8 * 3600);
        Decision d = decide(pl, content, now, h, settings());
        h = record(std::move(h), d, now);
        seen.push_back(d.slot.standing() ? "standing"
                                         : d.slot.item_id + ":" + std::to_string(d.slot.page) + (d.slot.interrupt ? "!" : ""));
        if (seconds) seconds->push_back(d.seconds);
        t += d.seconds;
    }
    if (out) *out = h;
    return seen;
}

}  // namespace

TEST_CASE("make_now splits local day, second and weekday", "[schedule]") {
    Now n = at("2026-11-27T00:00:30");
    CHECK(n.weekday == 4);  // Friday
    CHECK(n.local_second == 30);
    CHECK(at("2026-11-28T00:00").local_day == n.local_day + 1);
    CHECK(at("2026-11-30T12:00").weekday == 0);  // Monday
    CHECK(make_now(0, 8 * 3600).weekday == 3);    // 1970-01-01 was a Thursday
}

TEST_CASE("the rotation walks every page of every item in order and wraps round", "[schedule]") {
    config::Playlist pl;
    pl.items = {item("a"), item("empty"), item("b")};
    auto seen = run(pl, pages({{"a", 2}, {"empty", 0}, {"b", 1}}), at_time("2026-11-27T09:00"), 5);
    CHECK(seen == std::vector<std::string>{"a:0", "a:1", "b:0", "a:0", "a:1"});
}

TEST_CASE("disabled items and items with no content are skipped, nothing left shows the standing page", "[schedule]") {
    config::Playlist pl;
    pl.items = {item("a"), item("b")};
    pl.items[0].enabled = false;
    CHECK(run(pl, pages({{"a", 3}, {"b", 0}}), at_time("2026-11-27T09:00:15"), 2) ==
          std::vector<std::string>{"standing", "standing"});
    // The standing page is re-decided at the next minute.
    std::vector<double> secs;
    run(pl, pages({}), at_time("2026-11-27T09:00:15"), 2, &secs);
    CHECK(secs[0] == 45);
    CHECK(secs[1] == 60);
}

TEST_CASE("an empty playlist shows the standing page, never black", "[schedule]") {
    config::Playlist pl;
    Decision d = decide(pl, {}, at("2026-11-27T09:00"), {}, settings());
    CHECK(d.slot.standing());
    CHECK(d.seconds > 0);
}

TEST_CASE("date ranges include both ends, in local time", "[schedule]") {
    PlaylistItem it = item("a");
    it.schedule.from_day = at("2026-11-27T12:00").local_day;
    it.schedule.until_day = at("2026-11-28T12:00").local_day;
    CHECK_FALSE(in_schedule(it, at("2026-11-26T23:59:59"), true));
    CHECK(in_schedule(it, at("2026-11-27T00:00"), true));
    CHECK(in_schedule(it, at("2026-11-28T23:59:59"), true));
    CHECK_FALSE(in_schedule(it, at("2026-11-29T00:00"), true));
}

TEST_CASE("an overnight window belongs to the day it starts on", "[schedule]") {
    PlaylistItem it = item("night");
    it.schedule.weekdays = 1 << 4;  // Friday
    it.schedule.hours = {{22 * 60, 2 * 60}};
    CHECK(in_schedule(it, at("2026-11-27T23:00"), true));         // Friday night
    CHECK(in_schedule(it, at("2026-11-28T01:59"), true));         // after midnight: still Friday's
    CHECK_FALSE(in_schedule(it, at("2026-11-28T02:00"), true));   // the window's end is exclusive
    CHECK_FALSE(in_schedule(it, at("2026-11-28T23:00"), true));   // Saturday night
    CHECK_FALSE(in_schedule(it, at("2026-11-27T01:00"), true));   // Thursday's night
    CHECK_FALSE(in_schedule(it, at("2026-11-27T21:59:59"), true));
}

TEST_CASE("a time window ends at midnight exactly with 24:00", "[schedule]") {
    PlaylistItem it = item("evening");
    it.schedule.hours = {{18 * 60, 24 * 60}};
    CHECK(in_schedule(it, at("2026-11-27T23:59:59"), true));
    CHECK_FALSE(in_schedule(it, at("2026-11-28T00:00"), true));
}

TEST_CASE("the highest priority with something to show plays, overlapping equals share", "[schedule]") {
    config::Playlist pl;
    PlaylistItem morning = item("morning", 5);
    morning.schedule.hours = {{9 * 60, 10 * 60}};
    PlaylistItem also = item("also", 5);
    also.schedule.hours = {{9 * 60 + 30, 11 * 60}};
    pl.items = {item("base"), morning, also};
    auto content = pages({{"base", 1}, {"morning", 1}, {"also", 1}});
    CHECK(run(pl, content, at_time("2026-11-27T08:59:30"), 3) ==
          std::vector<std::string>{"base:0", "base:0", "morning:0"});
    CHECK(run(pl, content, at_time("2026-11-27T09:30"), 3) ==
          std::vector<std::string>{"morning:0", "also:0", "morning:0"});
    CHECK(run(pl, content, at_time("2026-11-27T10:30"), 2) == std::vector<std::string>{"also:0", "also:0"});
    CHECK(run(pl, content, at_time("2026-11-27T11:00"), 1) == std::vector<std::string>{"base:0"});
    // A higher priority with no content does not silence the rest.
    CHECK(run(pl, pages({{"base", 1}, {"morning", 0}}), at_time("2026-11-27T09:10"), 1) ==
          std::vector<std::string>{"base:0"});
}

TEST_CASE("a notice interrupts at once when it starts, then the rotation resumes", "[schedule]") {
    config::Playlist pl;
    PlaylistItem notice = item("notice");
    notice.kind = "notice";
    notice.notice = config::NoticeTiming{at_time("2026-11-27T09:00:50"), at_time("2026-11-27T09:10"),
                                         config::Interrupt::at_once, 0};
    pl.items = {item("a"), notice};
    std::vector<double> secs;
    auto seen = run(pl, pages({{"a", 5}, {"notice", 2}}), at_time("2026-11-27T09:00"), 7, &secs);
    // a:2 is cut short at 09:00:50; the notice's two pages follow; then a goes on at page 3,
    // and the notice takes its turn in the rotation while it lasts.
    CHECK(seen == std::vector<std::string>{"a:0", "a:1", "a:2", "notice:0!", "notice:1!", "a:3", "a:4"});
    CHECK(secs[2] == 10);
    // A kiosk started while the notice runs shows it first, then in its turn.
    CHECK(run(pl, pages({{"a", 5}, {"notice", 2}}), at_time("2026-11-27T09:02"), 8) ==
          std::vector<std::string>{"notice:0!", "notice:1!", "a:0", "a:1", "a:2", "a:3", "a:4", "notice:0"});
}

TEST_CASE("a notice goes away by itself when it expires", "[schedule]") {
    config::Playlist pl;
    PlaylistItem notice = item("notice");
    notice.notice = config::NoticeTiming{at_time("2026-11-27T08:00"), at_time("2026-11-27T09:00"),
                                         config::Interrupt::at_once, 0};
    pl.items = {item("a"), notice};
    auto content = pages({{"a", 1}, {"notice", 1}});
    CHECK(run(pl, content, at_time("2026-11-27T08:59:30"), 3) ==
          std::vector<std::string>{"notice:0!", "a:0", "a:0"});
    CHECK_FALSE(in_schedule(notice, at("2026-11-27T09:00"), true));
}

TEST_CASE("a notice set to every N minutes interrupts again after N minutes", "[schedule]") {
    config::Playlist pl;
    PlaylistItem notice = item("notice");
    notice.notice = config::NoticeTiming{at_time("2026-11-27T09:00"), at_time("2026-11-27T18:00"),
                                         config::Interrupt::every, 2};
    PlaylistItem notice_free = item("a", 1);  // a higher priority rotation: the notice only comes by interrupting
    pl.items = {notice_free, notice};
    auto seen = run(pl, pages({{"a", 1}, {"notice", 1}}), at_time("2026-11-27T09:00"), 16);
    // 20 s pages: the notice at 09:00:00, five pages of a, the notice again at 09:02:00.
    std::vector<std::string> expected = {"notice:0!"};
    for (int i = 0; i < 5; ++i) expected.push_back("a:0");
    expected.push_back("notice:0!");
    for (int i = 0; i < 5; ++i) expected.push_back("a:0");
    expected.push_back("notice:0!");
    for (int i = 0; i < 3; ++i) expected.push_back("a:0");
    CHECK(seen == expected);
}

TEST_CASE("before the wall clock is trustworthy, date-bound items wait and undated ones play", "[schedule]") {
    config::Playlist pl;
    PlaylistItem dated = item("dated");
    dated.schedule.from_day = 0;  // from 1970: would match any clock
    PlaylistItem notice = item("notice");
    notice.notice = config::NoticeTiming{0, at_time("2030-01-01T00:00"), config::Interrupt::at_once, 0};
    pl.items = {dated, notice, item("undated")};
    auto content = pages({{"dated", 1}, {"notice", 1}, {"undated", 1}});
    const std::time_t boot_1970 = 60;  // a dead RTC battery
    CHECK(run(pl, content, boot_1970, 3) == std::vector<std::string>{"undated:0", "undated:0", "undated:0"});
    CHECK(run(pl, content, at_time("2026-11-27T09:00"), 4) ==
          std::vector<std::string>{"notice:0!", "dated:0", "notice:0", "undated:0"});
}

TEST_CASE("auto dwell follows the characters on the page within the limits", "[schedule]") {
    PlaylistItem it = item("a");
    it.page_seconds = config::Dwell{true, 0};
    Settings s = settings();
    s.reading = config::Reading{300, 8, 60};
    ItemContent c{3, {600, 10, 5000}};
    CHECK(dwell_seconds(it, c, 0, s) == 60);  // 600 chars at 300/min is 120 s: clamped to 60
    CHECK(dwell_seconds(it, c, 1, s) == 8);
    s.reading.max_page_seconds = 200;
    CHECK(dwell_seconds(it, c, 0, s) == Approx(120));
    it.page_seconds = config::Dwell{false, 15};
    CHECK(dwell_seconds(it, c, 2, s) == 15);
}

TEST_CASE("the rotation resumes after the playlist loses the item it was on", "[schedule]") {
    config::Playlist pl;
    pl.items = {item("a"), item("b"), item("c")};
    History h;
    h.rotation = Slot{"gone", 3, false};
    Decision d = decide(pl, pages({{"a", 1}, {"b", 1}, {"c", 1}}), at("2026-11-27T09:00"), h, settings());
    CHECK(d.slot.item_id == "a");
    h.rotation = Slot{"b", 0, false};
    d = decide(pl, pages({{"a", 1}, {"b", 1}, {"c", 1}}), at("2026-11-27T09:00"), h, settings());
    CHECK(d.slot.item_id == "c");
}

// Notice modes (紧急 / 插播 / 轮播), measured on a timeline: what is on screen when.
namespace {

struct Shown {
    double from = 0, seconds = 0;
    std::string what;  // "id:page", "!" when out of turn
};

// Decisions from `start` until `end`; `change(t, playlist)` may edit the playlist before
// each decision (a notice cleared), as the screen's playlist changes between pages.
std::vector<Shown> timeline(config::Playlist pl, const ContentState& content, std::time_t start, std::time_t end,
                            const std::function<void(double, config::Playlist&)>& change = {}) {
    std::vector<Shown> out;
    History h;
    for (double t = static_cast<double>(start); t < static_cast<double>(end);) {
        if (change) change(t, pl);
        Now now = make_now(static_cast<std::time_t>(t), 8 * 3600);
        Decision d = decide(pl, content, now, h, settings());
        h = record(std::move(h), d, now);
        out.push_back({t, d.seconds, d.slot.standing() ? "standing" : d.slot.item_id + ":" + std::to_string(d.slot.page) +
                                                                    (d.slot.interrupt ? "!" : "")});
        REQUIRE(d.seconds > 0);
        t += d.seconds;
    }
    return out;
}

// The share of [from, until) during which `id` was on screen.
double share(const std::vector<Shown>& tl, const std::string& id, double from, double until) {
    double on = 0;
    for (const Shown& s : tl) {
        if (s.what.rfind(id + ":", 0) != 0) continue;
        on += std::max(0.0, std::min(until, s.from + s.seconds) - std::max(from, s.from));
    }
    return on / (until - from);
}

PlaylistItem notice_item(const char* id, const char* start, const char* expires, config::Interrupt how) {
    PlaylistItem n = item(id);
    n.kind = "notice";
    n.notice = config::NoticeTiming{at_time(start), at_time(expires), how, 0};
    return n;
}

config::Playlist ten_items() {
    config::Playlist pl;
    for (const char* id : {"i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9"}) pl.items.push_back(item(id));
    return pl;
}

ContentState ten_pages(std::initializer_list<std::pair<const char*, int>> notices) {
    ContentState c = pages({{"i0", 1}, {"i1", 1}, {"i2", 1}, {"i3", 1}, {"i4", 1}, {"i5", 1}, {"i6", 1}, {"i7", 1}, {"i8", 1}, {"i9", 1}});
    for (auto [id, n] : notices) c[id] = ItemContent{n, std::vector<int>(static_cast<size_t>(n), 400)};
    return c;
}

std::vector<std::string> names(const std::vector<Shown>& tl) {
    std::vector<std::string> out;
    for (const Shown& s : tl) out.push_back(s.what);
    return out;
}

}  // namespace

TEST_CASE("modes: a 紧急 notice holds the screen from its start until it expires, then the playlist resumes where it was", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    // After the playlist's items, as a screen plays the fleet's notices; it starts mid-page.
    pl.items.push_back(notice_item("hold", "2026-11-27T09:00:50", "2026-11-27T09:10:05", config::Interrupt::hold));
    const auto tl = timeline(pl, ten_pages({{"hold", 1}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:12"));
    const double start = static_cast<double>(at_time("2026-11-27T09:00:50")), end = static_cast<double>(at_time("2026-11-27T09:10:05"));
    // 100 % of the time from its start to its end, though the playlist has ten items.
    CHECK(share(tl, "hold", start, end) == 1.0);
    // Not a moment before or after: the page before was cut at its start, its last page at its end.
    CHECK(share(tl, "hold", start - 50, start) == 0.0);
    CHECK(share(tl, "hold", end, end + 115) == 0.0);
    // The playlist then goes on where the hold found it (i2 was cut at 09:00:50): i3, i4, …
    std::vector<std::string> after;
    for (const Shown& s : tl)
        if (s.from >= end) after.push_back(s.what);
    REQUIRE(after.size() >= 3);
    CHECK(std::vector<std::string>(after.begin(), after.begin() + 3) == std::vector<std::string>{"i3:0", "i4:0", "i5:0"});
    CHECK(tl[2].what == "i2:0");
    CHECK(tl[2].seconds == 10);
    CHECK(tl[3].what == "hold:0!");
}

TEST_CASE("modes: two 紧急 notices take turns, each for all its pages, and the playlist waits until both end", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    pl.items.push_back(notice_item("one", "2026-11-27T09:00", "2026-11-27T09:05", config::Interrupt::hold));
    pl.items.push_back(notice_item("two", "2026-11-27T09:00", "2026-11-27T09:03", config::Interrupt::hold));
    const auto tl = timeline(pl, ten_pages({{"one", 2}, {"two", 1}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:06"));
    const auto seen = names(tl);
    REQUIRE(seen.size() >= 7);
    CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 7) ==
          std::vector<std::string>{"one:0!", "one:1!", "two:0!", "one:0!", "one:1!", "two:0!", "one:0!"});
    const double t0 = static_cast<double>(at_time("2026-11-27T09:00"));
    CHECK(share(tl, "one", t0, t0 + 180) + share(tl, "two", t0, t0 + 180) == 1.0);
    CHECK(share(tl, "two", t0, t0 + 180) > 0.3);
    // "two" over: only "one" until 09:05, then the playlist from its start.
    CHECK(share(tl, "one", t0 + 180, t0 + 300) == 1.0);
    std::vector<std::string> after;
    for (const Shown& s : tl)
        if (s.from >= t0 + 300) after.push_back(s.what);
    REQUIRE_FALSE(after.empty());
    CHECK(after.front() == "i0:0");
}

TEST_CASE("modes: once a 紧急 notice is cleared (gone from the playlist), the next page is the playlist's, where it was", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    pl.items.push_back(notice_item("hold", "2026-11-27T09:00:30", "2026-11-27T18:00", config::Interrupt::hold));
    const double cleared = static_cast<double>(at_time("2026-11-27T09:04"));
    const auto tl = timeline(pl, ten_pages({{"hold", 1}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:06"),
                             [&](double t, config::Playlist& p) {
                                 if (t >= cleared && p.items.size() == 11) p.items.pop_back();
                             });
    const double start = static_cast<double>(at_time("2026-11-27T09:00:30"));
    // Pages of 20 s from 09:00:30: the decision at 09:04:10 is the first after the clearing
    // (a screen re-decides at once when a notice it shows is cleared: FleetSync::take).
    CHECK(share(tl, "hold", start, cleared) == 1.0);
    std::vector<std::string> after;
    for (const Shown& s : tl)
        if (s.from >= cleared) after.push_back(s.what);
    REQUIRE(after.size() >= 2);
    CHECK(after[0] == "i2:0");  // i1 was cut at 09:00:30: the rotation goes on after it
    CHECK(after[1] == "i3:0");
}

TEST_CASE("modes: a 紧急 notice that cannot be shown (no pages, clock not believed) never blanks the screen", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    pl.items.push_back(notice_item("hold", "2026-11-27T09:00", "2026-11-27T18:00", config::Interrupt::hold));
    // Not laid out (yet): the playlist plays.
    auto tl = timeline(pl, ten_pages({{"hold", 0}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:01"));
    CHECK(names(tl) == std::vector<std::string>{"i0:0", "i1:0", "i2:0"});
    // A screen that booted with a flat clock battery: the dated notice waits, the playlist plays.
    pl.items.back().notice->start = 0;
    tl = timeline(pl, ten_pages({{"hold", 1}}), 60, 120);
    CHECK(names(tl) == std::vector<std::string>{"i0:0", "i1:0", "i2:0"});
}

TEST_CASE("modes: a 插播 notice shows once at once, then exactly once a rotation, in its turn", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    pl.items.push_back(notice_item("once", "2026-11-27T09:00:50", "2026-11-27T18:00", config::Interrupt::at_once));
    const auto tl = timeline(pl, ten_pages({{"once", 1}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:20"));
    const auto seen = names(tl);
    // At once: i2 cut short at its start, the notice out of turn, then i3 onwards.
    REQUIRE(seen.size() > 40);
    CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 5) ==
          std::vector<std::string>{"i0:0", "i1:0", "i2:0", "once:0!", "i3:0"});
    CHECK(tl[2].seconds == 10);
    // Then once in every rotation of eleven pages, after i9, never out of turn again.
    std::vector<size_t> at;
    for (size_t i = 4; i < seen.size(); ++i) {
        CHECK(seen[i] != "once:0!");
        if (seen[i] == "once:0") at.push_back(i);
    }
    REQUIRE(at.size() >= 3);
    for (size_t k = 0; k < at.size(); ++k) {
        CHECK(seen[at[k] - 1] == "i9:0");
        if (k > 0) CHECK(at[k] - at[k - 1] == 11);
    }
}

TEST_CASE("modes: a 轮播 notice waits for its turn after the playlist's items", "[schedule][modes]") {
    config::Playlist pl = ten_items();
    pl.items.push_back(notice_item("turn", "2026-11-27T09:00:50", "2026-11-27T18:00", config::Interrupt::none));
    const auto seen = names(timeline(pl, ten_pages({{"turn", 1}}), at_time("2026-11-27T09:00"), at_time("2026-11-27T09:10")));
    // Not at once (i2 plays its full 20 s), first after i9, once a rotation.
    REQUIRE(seen.size() >= 24);
    CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 12) ==
          std::vector<std::string>{"i0:0", "i1:0", "i2:0", "i3:0", "i4:0", "i5:0", "i6:0", "i7:0", "i8:0", "i9:0", "turn:0", "i0:0"});
    CHECK(std::count(seen.begin(), seen.begin() + 22, "turn:0") == 2);
    CHECK(std::none_of(seen.begin(), seen.end(), [](const std::string& s) { return s.back() == '!'; }));
}
