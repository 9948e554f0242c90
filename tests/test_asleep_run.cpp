// The hall's day with running kiosks (issue 28; SDL's dummy driver): a fast-clock run that
// sleeps over lunch and wakes at the planned minutes, an urgent notice waking an asleep panel
// within a second (a normal one not), and a power backend that fails while the black page
// stands in.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/fetch_worker.hpp"
#include "app/hall_power.hpp"
#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "schedule/hall_day.hpp"
#include "server_thread.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kZone = "Asia/Shanghai";
constexpr const char* kFakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

// A hall with the week's hours 08:30–12:00 and 13:00–17:00, margins 15 before and 10 after;
// `extra` goes over kiosk.json (the opening's lunch, a power backend, other hours).
struct Hall {
    test::TempDir dir;
    fs::path runtime = dir.path() / "run";
    fs::path state = dir.path() / "state";
    std::string config = (dir.path() / "kiosk.json").string();
    fs::path playlist = dir.path() / "playlist.json";
    explicit Hall(const json& opening, const json& extra = json::object()) {
        fs::copy_file(KIOSK_TEST_CORPUS, dir.path() / "report.txt");
        json cfg = {{"time_zone", kZone},
                    {"page_seconds", 5},
                    {"opening", opening},
                    {"paths", {{"runtime", runtime.string()}, {"state", state.string()}, {"cache", (dir.path() / "cache").string()}}}};
        cfg.update(extra);
        test::write_file(config, cfg.dump());
        write_playlist(json::array());
    }
    // The corpus as the rotation, with `more` items after it.
    void write_playlist(const json& more) const {
        json items = {{{"id", "report"}, {"source", "file:report.txt"}}};
        for (const auto& m : more) items.push_back(m);
        test::write_file(playlist, json{{"items", items}}.dump());
    }
    json status() const { return test::status_of(runtime); }
    std::string power_state() const {
        const json s = status();
        return s.is_object() && s.contains("power") ? s["power"].value("state", "") : "";
    }
};

json weekdays(const json& ranges) {
    json week = json::object();
    for (const char* d : {"mon", "tue", "wed", "thu", "fri"}) week[d] = ranges;
    week["sat"] = json::array();
    week["sun"] = json::array();
    return week;
}

std::string local(std::time_t t) { return kiosk::zone_time::format_iso_local(t, kZone); }

std::time_t at(const std::string& iso) {
    auto t = kiosk::zone_time::parse_time("test", iso, kZone);
    REQUIRE(t.ok());
    return *t;
}

// The environment of a kiosk whose wall clock starts at `start` (UTC) and runs 60 times as
// fast; the monotonic clock is left alone (libfaketime's faked one stalls condition waits),
// so the fast_clock_kiosk divides its wall-clock waits by the same 60.
std::vector<std::string> fast_clock_env(const std::string& start_utc) {
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    return {"SDL_VIDEODRIVER=dummy",
            "TZ=UTC",
            std::string("LD_PRELOAD=") + kFakeTimeLibrary,
            "FAKETIME=@" + start_utc + " x60",
            "FAKETIME_DONT_FAKE_MONOTONIC=1",
            "FAKETIME_NO_CACHE=1",
            "ASAN_OPTIONS=" + (asan.empty() ? std::string() : asan + ":") + "verify_asan_link_order=0"};
}

std::vector<json> proof_of_play(const fs::path& file) {
    std::vector<json> plays;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (auto j = json::parse(line, nullptr, false); !j.is_discarded()) plays.push_back(j);
    return plays;
}

}  // namespace

TEST_CASE("a fast-clock day: the panel sleeps over lunch and wakes at the planned minutes", "[asleep][run][process]") {
    REQUIRE(fs::exists(kFakeTimeLibrary));
    Hall hall(json{{"hours", weekdays({"08:30-12:00", "13:00-17:00"})}, {"lunch", "off"}, {"on_before_minutes", 15},
               {"off_after_minutes", 10}, {"calendar", "calendar.json"}},
              {{"page_seconds", 600}});
    // The panel switched by a program (the command backend), which writes down what it was asked.
    const fs::path switched = hall.dir.path() / "panel-switched";
    {
        json cfg = json::parse(test::read_file(hall.config));
        cfg["power"] = {{"backend", "command"},
                        {"command", {{"program", std::string(KIOSK_TEST_FIXTURES) + "/power/panel-command.sh"}, {"args", {switched.string()}}}}};
        test::write_file(hall.config, cfg.dump());
    }
    // The calendar in force (a local file): an example holiday the next day, nothing today.
    test::write_file(hall.dir.path() / "calendar.json",
                     json{{"format", "kiosk-calendar/1"}, {"example", true},
                          {"days", {{{"date", "2026-12-08"}, {"closed", true}, {"name", "示例节日"}}}}}
                         .dump());

    // The plan, from the same functions `kiosk plan` asks: off at 12:10, on at 12:45.
    auto cfg = kiosk::config::load_kiosk_config(hall.config);
    REQUIRE(cfg.ok());
    const kiosk::app::PowerPlan plan = kiosk::app::power_plan(*cfg);
    REQUIRE(plan.calendar.error.empty());
    const auto changes = kiosk::schedule::power_changes(plan.opening, plan.calendar.calendar ? &*plan.calendar.calendar : nullptr,
                                                        at("2026-12-07T12:00"), at("2026-12-07T13:00"),
                                                        [](std::time_t t) { return kiosk::zone_time::offset_at(t, kZone); });
    REQUIRE(changes.size() == 2);
    CHECK_FALSE(changes[0].on);
    CHECK(changes[0].reason == "午休");
    CHECK(changes[1].on);
    const std::time_t sleeps = changes[0].at, wakes = changes[1].at;
    CHECK(local(sleeps) == "2026-12-07 12:10:00");
    CHECK(local(wakes) == "2026-12-07 12:45:00");

    // 12:05 in the hall (04:05 UTC), the clock running 60 times as fast: 45 fake minutes in
    // about 45 s. Each status seen is kept with its own time ("updated", the fake clock's).
    test::BackgroundKiosk kiosk({"60", hall.config}, fast_clock_env("2026-12-07 04:05:00"), hall.dir.path() / "log",
                                KIOSK_FAST_CLOCK_BINARY);
    std::string first_asleep, first_on_after, last_state;
    json asleep_status;
    const bool woke = test::wait_for(
        [&] {
            const json s = hall.status();
            if (!s.is_object() || !s.contains("power")) return false;
            const std::string st = s["power"].value("state", "");
            if (st == "asleep" && first_asleep.empty()) {
                first_asleep = s.value("updated", "");
                asleep_status = s;
            }
            if (st == "on" && !first_asleep.empty() && first_on_after.empty()) first_on_after = s.value("updated", "");
            last_state = st;
            return !first_on_after.empty();
        },
        test::kSanitized ? 120 : 80);
    INFO(kiosk.err());
    INFO("first asleep " << first_asleep << ", last state " << last_state);
    REQUIRE(woke);
    // Within a fake minute of the plan (a status is written at once when the panel changes).
    CHECK(at(first_asleep.substr(0, 10) + "T" + first_asleep.substr(11)) >= sleeps);
    CHECK(at(first_asleep.substr(0, 10) + "T" + first_asleep.substr(11)) < sleeps + 60);
    CHECK(at(first_on_after.substr(0, 10) + "T" + first_on_after.substr(11)) >= wakes);
    CHECK(at(first_on_after.substr(0, 10) + "T" + first_on_after.substr(11)) < wakes + 60);
    // What the office reads while it sleeps.
    const json power = asleep_status["power"];
    CHECK(power["reason"] == "午休");
    CHECK(power["wakes"] == "2026-12-07 12:45:00");
    CHECK(power["since"] == "2026-12-07 12:10:00");
    CHECK(power["backend"] == "command");
    CHECK(power["panel"] == "off");  // what the program read back
    CHECK(power["problem"] == "");
    CHECK(power["calendar"] == (hall.dir.path() / "calendar.json").string());
    CHECK(asleep_status["current"]["standing"] == true);
    // The log says so too.
    const std::string log = kiosk.err();
    CHECK(log.find("panel asleep (午休); it wakes at 2026-12-07 12:45:00") != std::string::npos);
    CHECK(log.find("panel on; it sleeps at 2026-12-07 12:10:00") != std::string::npos);
    CHECK(log.find("panel on; it sleeps at 2026-12-07 17:10:00") != std::string::npos);
    // The panel was switched on at start, off at lunch and on again.
    CHECK(test::read_file(switched) == "on\noff\non\n");
    // No play began while it slept (the page up at 12:10 ended then and is logged).
    CHECK(kiosk.stop() == 0);
    const auto plays = proof_of_play(hall.state / "proof-of-play.log");
    REQUIRE_FALSE(plays.empty());
    bool before = false, after = false;
    for (const json& p : plays) {
        const std::string start = p["start"];
        INFO(start);
        CHECK((start < "2026-12-07 12:10:00" || start >= "2026-12-07 12:45:00"));
        before = before || start < "2026-12-07 12:10:00";
        after = after || start >= "2026-12-07 12:45:00";
    }
    CHECK(before);
    CHECK(after);
}

TEST_CASE("an urgent notice wakes an asleep panel within a second, a normal one waits for opening", "[asleep][run][process]") {
    // Every day closed: the panel sleeps from the start.
    json closed = json::object();
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) closed[d] = json::array();
    Hall hall(json{{"hours", closed}});
    test::BackgroundKiosk kiosk({"run", "--config", hall.config}, {"SDL_VIDEODRIVER=dummy"}, hall.dir.path() / "log");
    REQUIRE(test::wait_for([&] { return hall.power_state() == "asleep"; }, 20));
    {
        const json s = hall.status();
        CHECK(s["power"]["wakes"] == "");  // no opening ahead
        CHECK(s["current"]["standing"] == true);
        CHECK((s["power"]["reason"] == "周末" || s["power"]["reason"] == "休息日"));
    }
    const std::time_t now = std::time(nullptr);

    // A normal notice: applied (the status says so), and the panel sleeps on.
    hall.write_playlist({{{"id", "routine"}, {"kind", "notice"}, {"text", "明天照常办理业务。"},
                          {"start", local(now - 60).replace(10, 1, "T")}, {"expires", local(now + 3600).replace(10, 1, "T")}}});
    // (The status written once the edit is applied: two items in the playlist.)
    REQUIRE(test::wait_for([&] { const json s = hall.status(); return s.is_object() && s["playlist"]["items"] == 2; }, 10));
    CHECK(hall.power_state() == "asleep");
    CHECK(hall.status()["current"]["standing"] == true);

    // An urgent notice: the panel wakes, only the notice plays. Timed from the file's write
    // (the playlist watch waits for 300 ms of quiet before it reads an edit).
    const std::time_t expires = std::time(nullptr) + 8;
    const auto written = Steady::now();
    hall.write_playlist({{{"id", "urgent"}, {"kind", "notice"}, {"text", "紧急通知：大厅今晚停电检修。"}, {"style", "urgent"},
                          {"interrupt", "hold"}, {"start", local(now - 60).replace(10, 1, "T")},
                          {"expires", local(expires).replace(10, 1, "T")}}});
    double woke_after = -1;
    while (Steady::now() - written < std::chrono::seconds(5)) {
        const json s = hall.status();
        if (s.is_object() && s["power"]["state"] == "woken" && s["current"]["item"] == "urgent") {
            woke_after = std::chrono::duration<double>(Steady::now() - written).count();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    INFO(kiosk.err());
    std::printf("urgent notice to an asleep panel: woken and on screen %.3f s after the playlist was written\n", woke_after);
    REQUIRE(woke_after >= 0);
    CHECK(woke_after <= 1.0);
    {
        const json s = hall.status();
        CHECK(s["power"]["state"] == "woken");
        CHECK(s["power"]["reason"] != "");
        CHECK(s["current"]["interrupt"] == true);
    }
    // Only the urgent notice plays while woken.
    REQUIRE(test::wait_for([&] { return hall.power_state() != "woken"; }, 20));  // it expired
    CHECK(hall.power_state() == "asleep");
    CHECK(std::time(nullptr) >= expires);
    for (const json& p : proof_of_play(hall.state / "proof-of-play.log")) CHECK(p["item"] == "urgent");
    CHECK(kiosk.err().find("panel woken for an urgent notice") != std::string::npos);
    CHECK(kiosk.running());
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("a power backend that fails: logged, the problem in the status, the black page stands in", "[asleep][run][process]") {
    json closed = json::object();
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) closed[d] = json::array();
    struct Case {
        const char* name;
        json power;
        const char* device;  // as the problem names it
    };
    const std::string failing = std::string(KIOSK_TEST_FIXTURES) + "/power/failing-command.sh";
    // DPMS on SDL's dummy driver is an error (it needs X11 or KMSDRM); a program that exits 3.
    for (const Case& c : {Case{"dpms", {{"backend", "dpms"}}, "DPMS"},
                          Case{"command", {{"backend", "command"}, {"command", {{"program", failing}}}}, "控制程序 "}}) {
        INFO(c.name);
        Hall hall(json{{"hours", closed}}, {{"power", c.power}});
        test::BackgroundKiosk kiosk({"run", "--config", hall.config}, {"SDL_VIDEODRIVER=dummy"}, hall.dir.path() / "log");
        REQUIRE(test::wait_for([&] { return hall.power_state() == "asleep"; }, 20));
        // Nothing drawn while asleep: the black frame, then no presents. Statuses written on
        // request (`kiosk refresh` wakes the loop) until one is 4 s into the kiosk's life.
        json s;
        REQUIRE(test::wait_for(
            [&] {
                test::run_kiosk({"refresh", "--config", hall.config});
                s = hall.status();
                return s.is_object() && s["uptime_seconds"].get<long>() >= 4 && s["power"]["problem"] != "";
            },
            20));
        INFO(s.dump(1));
        CHECK(s["power"]["backend"] == c.name);
        const std::string problem = s["power"]["problem"];
        CHECK(problem.find("屏幕电源控制失败：") == 0);
        CHECK(problem.find(c.device) != std::string::npos);
        CHECK(problem.find("已改为黑屏显示") != std::string::npos);
        CHECK(s["power"]["panel"] == "unknown");
        CHECK(s["power"]["state"] == "asleep");
        CHECK(s["pages_shown"] == 0);
        CHECK(s["health"]["frames"]["last_minute"].get<long>() >= 1);  // the black frame
        CHECK(s["health"]["frames"]["last_minute"].get<long>() <= 2);
        CHECK(kiosk.err().find(std::string("panel power (") + c.name + ") failed") != std::string::npos);
        // `kiosk render --now` at a closed time with a backend that switches the panel off: no page.
        CHECK(test::run_kiosk({"render", "--config", hall.config, "--out", (hall.dir.path() / "png").string(), "--now",
                               "2026-12-07T12:30", "--size", "320x180"})
                  .out.find("nothing to render") != std::string::npos);
        CHECK_FALSE(fs::exists(hall.dir.path() / "png" / "asleep-001.png"));
        // Alive, and `kiosk status` says it sleeps and why the switch failed.
        const auto st = test::run_kiosk({"status", "--config", hall.config}, "LANGUAGE=");
        CHECK(st.status == 0);
        CHECK(st.out.find("panel: asleep, the hall is closed (") != std::string::npos);
        CHECK(st.out.find(std::string("panel power (") + c.name + ") FAILED: 屏幕电源控制失败：") != std::string::npos);
        CHECK(kiosk.running());
        CHECK(kiosk.stop() == 0);
    }
}

TEST_CASE("kiosk render --now at a closed time: the black page with backend none", "[asleep][cli]") {
    Hall hall(json{{"hours", weekdays({"08:30-12:00", "13:00-17:00"})}, {"lunch", "off"}});
    const fs::path out = hall.dir.path() / "png";
    auto closed = test::run_kiosk({"render", "--config", hall.config, "--out", out.string(), "--now", "2026-12-07T12:30", "--size", "320x180"});
    INFO(closed.err);
    REQUIRE(closed.status == 0);
    CHECK(closed.out == (out / "asleep-001.png").string() + "\n");
    CHECK(closed.err.find("午休") != std::string::npos);
    CHECK(closed.err.find("2026-12-07 12:45:00") != std::string::npos);
    const test::Image png = test::read_png(out / "asleep-001.png");
    CHECK(png.width == 320);
    CHECK(png.height == 180);
    bool all_black = true;
    for (unsigned char c : png.rgb) all_black = all_black && c == 0;
    CHECK(all_black);
    // Open: the pages as before.
    auto open = test::run_kiosk({"render", "--config", hall.config, "--out", out.string(), "--now", "2026-12-07T10:30", "--size", "320x180", "--pages", "1"});
    CHECK(open.status == 0);
    CHECK(open.out.find("report-001.png") != std::string::npos);
}

TEST_CASE("asleep, web items are fetched at the slow pace, the published playlist at its own, all at once on waking", "[asleep][fetch][process]") {
    test::TempDir dir;
    kiosk::store::Cache cache(dir.path() / "cache");
    const std::string report = test::read_file(KIOSK_TEST_CORPUS);
    std::mutex mutex;
    std::map<std::string, int> asked;
    httplib::Server server;
    server.Get(R"(/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mutex);
            ++asked[req.path];
        }
        res.set_content(req.path == "/playlist.json" ? R"({"items": []})" : report, req.path == "/playlist.json" ? "application/json" : "text/plain; charset=utf-8");
    });
    test::ServerThread serving(server);
    auto count = [&](const std::string& path) {
        std::lock_guard lock(mutex);
        return asked[path];
    };
    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    kiosk::app::FetchWorker worker(policy, cache, [] {});
    // Both due every second.
    worker.set_jobs({{"report", serving.url("/report.txt"), 1, false, ""}, {"playlist", serving.url("/playlist.json"), 1, true, ""}});
    REQUIRE(test::wait_for([&] { return count("/report.txt") >= 2; }, 10));  // at its own pace while on
    worker.set_pace(kiosk::app::kAsleepFetchInterval);
    const int report_then = count("/report.txt") + 1;  // one under way may finish
    const int playlist_then = count("/playlist.json");
    // The playlist fetched three times more (it may carry an urgent notice): the item not again.
    REQUIRE(test::wait_for([&] { return count("/playlist.json") >= playlist_then + 3; }, 15));
    CHECK(count("/report.txt") <= report_then);
    // Waking: the pace back to normal and every item fetched now.
    const int before_wake = count("/report.txt");
    worker.set_pace(std::chrono::seconds(0));
    worker.refresh_now("");
    CHECK(test::wait_for([&] { return count("/report.txt") > before_wake; }, 5));
}
