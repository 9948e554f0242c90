// The hall's calendar from the office, through a real Mosquitto (TLS, the shipped ACL) to a
// real headless kiosk: `kiosk fleet publish calendar` to all, then to the screen's group (the
// screen keeps both, the group's in force), a calendar with a bad date refused at the desk
// (file:line:col) and by the screen (the checker's message, a clerk's words), a clearing,
// and the kept calendar still there after a restart with no broker.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "app/fleet_calendar.hpp"
#include "fleet/desired_store.hpp"
#include "fleet/topics.hpp"
#include "fleet_office.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace fleet_test;

namespace {

// The screen's ack of the calendar document for `scope` of generation > `after`.
std::optional<json> calendar_ack(Office& office, const std::string& screen, const std::string& scope, std::uint64_t after = 0) {
    const std::string topic = fleet::desired_topic(scope, "calendar");
    auto m = office.await(screen, "ack", [&](const std::string& p) {
        const json a = json::parse(p, nullptr, false);
        return a.is_object() && a.value("topic", "") == topic && a.value("gen", std::uint64_t{0}) > after;
    }, 20);
    return m ? std::optional<json>(json::parse(m->payload)) : std::nullopt;
}

// A test calendar (its dates are made up for the test; see docs/fleet.md).
std::string calendar(const std::string& name, const std::string& first_date) {
    return json{{"format", "kiosk-calendar/1"},
                {"name", name},
                {"days", {{{"date", first_date}, {"until", "2031-02-16"}, {"closed", true}, {"name", "春节"}},
                          {{"date", "2031-02-08"}, {"open", "mon"}, {"name", "春节调休上班"}}}}}
        .dump(2);
}

const std::vector<std::string> kScopes = {"all", "group/floor/1", "screen/s1"};

// The run loop's word on the calendar in force (status.power.calendar, app/hall_power) turns
// to `want`: it re-read the calendar when FleetSync::calendar_changed() said so. A kiosk
// whose status has no power object yet (built without the run loop's part) is not asked.
bool in_force_becomes(const fs::path& screen_dir, const std::string& want) {
    REQUIRE(test::wait_for([&] { return status_json(screen_dir).is_object(); }, 20));
    if (!status_json(screen_dir).contains("power")) {
        WARN("this kiosk's status has no power object: the calendar in force is not checked in the run loop");
        return true;
    }
    return test::wait_for([&] {
        const json s = status_json(screen_dir);
        return s.is_object() && s.contains("power") && s["power"].value("calendar", "") == want;
    }, 20);
}

}  // namespace

TEST_CASE("fleet: the hall's calendar published to all and to a group, the group's in force, a bad one refused, cleared, kept across a restart",
          "[fleet][calendar][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office.key);
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    const fs::path office_json = office_config(dir.path() / "office", broker, office.key);
    const fs::path state = s1.dir / "state";
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--config", office_json.string()});
        return test::run_kiosk(args);
    };

    // To every screen: in force on s1.
    test::write_file(dir.path() / "all.json", calendar("全市", "2031-02-10"));
    auto sent = run({"fleet", "publish", "calendar", (dir.path() / "all.json").string(), "--to", "all"});
    INFO(sent.err);
    REQUIRE(sent.status == 0);
    auto ack = calendar_ack(office, "s1", "all");
    REQUIRE(ack);
    CHECK((*ack)["result"] == "applied");
    CHECK((*ack)["outcome"] == "shown");
    CHECK((*ack)["kind"] == "calendar");
    const std::uint64_t all_gen = (*ack)["gen"];
    CHECK(fs::exists(state / "fleet" / "calendars" / "all.json"));
    auto best = fleet::best_calendar(state, kScopes);
    REQUIRE(best);
    CHECK(best->scope == "all");
    CHECK(json::parse(best->text)["name"] == "全市");
    CHECK(in_force_becomes(s1.dir, "fleet:all"));

    // To its group: more specific, in force; the one for all stays kept.
    test::write_file(dir.path() / "floor.json", calendar("一楼", "2031-02-11"));
    sent = run({"fleet", "publish", "calendar", (dir.path() / "floor.json").string(), "--to", "group/floor/1"});
    REQUIRE(sent.status == 0);
    ack = calendar_ack(office, "s1", "group/floor/1");
    REQUIRE(ack);
    CHECK((*ack)["result"] == "applied");
    best = fleet::best_calendar(state, kScopes);
    REQUIRE(best);
    CHECK(best->scope == "group/floor/1");
    CHECK(json::parse(best->text)["name"] == "一楼");
    CHECK(fleet::best_calendar(state, {"all"})->gen == all_gen);
    CHECK(in_force_becomes(s1.dir, "fleet:group/floor/1"));

    // A new one for all now: kept, but the group's stays in force, and the office is told.
    sent = run({"fleet", "publish", "calendar", (dir.path() / "all.json").string(), "--to", "all"});
    REQUIRE(sent.status == 0);
    ack = calendar_ack(office, "s1", "all", all_gen);
    REQUIRE(ack);
    CHECK((*ack)["result"] == "applied");
    CHECK((*ack)["outcome"] == "kept");
    CHECK((*ack)["words"] == "已收到，但这块屏幕按发给它所在分组的开放时间安排开关屏幕（更具体的优先）");
    CHECK(fleet::best_calendar(state, kScopes)->scope == "group/floor/1");
    CHECK(fleet::best_calendar(state, {"all"})->gen > all_gen);

    // A date that does not exist: refused at the desk with the file's line and column…
    test::write_file(dir.path() / "bad.json", calendar("一楼", "2031-02-30"));
    sent = run({"fleet", "publish", "calendar", (dir.path() / "bad.json").string(), "--to", "group/floor/1"});
    CHECK(sent.status == 1);
    INFO(sent.err);
    CHECK(sent.err.find((dir.path() / "bad.json").string() + ":5:") != std::string::npos);
    CHECK(sent.err.find("days[0]") != std::string::npos);
    CHECK(sent.err.find(".date: ") != std::string::npos);
    // …and by the screen, sent past the desk: the checker's message, a clerk's words; the
    // group's calendar stays in force.
    office.publish("group/floor/1", "calendar",
                   office.doc("group/floor/1", "calendar", std::uint64_t{1} << 60, json::parse(test::read_file(dir.path() / "bad.json"))));
    ack = calendar_ack(office, "s1", "group/floor/1");
    REQUIRE(ack);
    CHECK((*ack)["result"] == "refused");
    CHECK((*ack)["outcome"] == "refused");
    CHECK((*ack)["reason"].get<std::string>().find("fleet:group/floor/1:") == 0);
    CHECK((*ack)["reason"].get<std::string>().find("days[0]") != std::string::npos);
    CHECK((*ack)["reason"].get<std::string>().find(".date: ") != std::string::npos);
    CHECK((*ack)["words"].get<std::string>().find("这块屏幕的检查没有通过，仍按原来的开放时间开关屏幕：第 1 个特殊日期「春节」的日期") == 0);
    CHECK(json::parse(fleet::best_calendar(state, kScopes)->text)["name"] == "一楼");
    // An example's dates are not real: not published unless asked for.
    test::write_file(dir.path() / "example.json", R"({"format": "kiosk-calendar/1", "example": true, "days": []})");
    sent = run({"fleet", "publish", "calendar", (dir.path() / "example.json").string(), "--to", "all"});
    CHECK(sent.status == 1);
    CHECK(sent.err.find("example") != std::string::npos);

    // Cleared for the group: the calendar for all is in force again.
    sent = run({"fleet", "clear-calendar", "--to", "group/floor/1"});
    REQUIRE(sent.status == 0);
    ack = calendar_ack(office, "s1", "group/floor/1");
    REQUIRE(ack);
    CHECK((*ack)["result"] == "applied");
    CHECK_FALSE(fs::exists(state / "fleet" / "calendars" / "group~floor~1.json"));
    best = fleet::best_calendar(state, kScopes);
    REQUIRE(best);
    CHECK(best->scope == "all");
    CHECK(in_force_becomes(s1.dir, "fleet:all"));

    // No broker at boot: the kept calendar is this screen's still.
    CHECK(s1.kiosk->stop() == 0);
    broker.kill();
    fs::remove(s1.dir / "run" / "status.json");
    s1.start();
    REQUIRE(test::wait_for([&] { return status_json(s1.dir).is_object(); }, 20));
    const json st = status_json(s1.dir);
    CHECK(st["fleet"]["connected"] == false);
    best = fleet::best_calendar(state, kScopes);
    REQUIRE(best);
    CHECK(best->scope == "all");
    CHECK(json::parse(best->text)["name"] == "全市");
    CHECK(in_force_becomes(s1.dir, "fleet:all"));
    CHECK(s1.kiosk->stop() == 0);
}
