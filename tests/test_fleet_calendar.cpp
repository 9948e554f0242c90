// The fleet's calendars kept on a screen (fleet/desired_store): one per scope, the most
// specific in force, dropped by a clearing, a damaged copy passed over; the run loop told
// once when a new fleet section moves the screen to groups with another calendar; the
// words a clerk reads for a refused one.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "app/fleet_calendar.hpp"
#include "app/fleet_sync.hpp"
#include "app/playlist_state.hpp"
#include "fleet/desired_store.hpp"
#include "fleet/publisher.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

TEST_CASE("fleet calendars: kept per scope, the most specific in force, a clearing drops one", "[fleet][calendar]") {
    test::TempDir dir;
    const fs::path state = dir.path() / "state";
    const std::vector<std::string> scopes = {"all", "group/floor/1", "screen/s1"};
    CHECK_FALSE(fleet::best_calendar(state, scopes));
    REQUIRE(fleet::keep_calendar(state, {"all", 5, R"({"format": "kiosk-calendar/1", "name": "all"})"}).ok());
    REQUIRE(fleet::keep_calendar(state, {"group/floor/1", 7, R"({"format": "kiosk-calendar/1", "name": "floor"})"}).ok());
    REQUIRE(fleet::keep_calendar(state, {"group/floor/2", 9, R"({"format": "kiosk-calendar/1", "name": "other"})"}).ok());
    CHECK(fs::exists(state / "fleet" / "calendars" / "all.json"));
    CHECK(fs::exists(state / "fleet" / "calendars" / "group~floor~1.json"));
    auto best = fleet::best_calendar(state, scopes);
    REQUIRE(best);
    CHECK(best->scope == "group/floor/1");
    CHECK(best->gen == 7);
    CHECK(best->text == R"({"format": "kiosk-calendar/1", "name": "floor"})");
    // The screen's own is the most specific of all.
    REQUIRE(fleet::keep_calendar(state, {"screen/s1", 11, R"({"format": "kiosk-calendar/1", "name": "s1"})"}).ok());
    CHECK(fleet::best_calendar(state, scopes)->scope == "screen/s1");
    fleet::drop_calendar(state, "screen/s1");
    CHECK_FALSE(fs::exists(state / "fleet" / "calendars" / "screen~s1.json"));
    CHECK(fleet::best_calendar(state, scopes)->scope == "group/floor/1");
    // A damaged copy (cut short by a full disk, say) is passed over for the next scope's.
    test::write_file(state / "fleet" / "calendars" / "group~floor~1.json", R"({"format": "kiosk-fleet-calendar/1", "scope": "gr)");
    CHECK(fleet::best_calendar(state, scopes)->scope == "all");
    fleet::drop_calendar(state, "group/floor/1");
    fleet::drop_calendar(state, "all");
    CHECK_FALSE(fleet::best_calendar(state, scopes));
    // Calendars and playlists are kept apart.
    CHECK_FALSE(fleet::best_playlist(state, {"group/floor/2"}));
    CHECK(fleet::best_calendar(state, {"group/floor/2"})->gen == 9);
}

TEST_CASE("fleet calendars: the calendar topic of each scope", "[fleet][calendar]") {
    for (const std::string scope : {"all", "group/floor/1", "screen/s1"}) {
        INFO(scope);
        const std::string topic = fleet::desired_topic(scope, "calendar");
        CHECK(topic == "kiosk/v1/desired/" + scope + "/calendar");
        const auto a = fleet::parse_desired_topic(topic);
        REQUIRE(a);
        CHECK(a->kind == "calendar");
        CHECK(a->scope == scope);
        CHECK(a->notice_id.empty());
    }
    // A notice may not be called "calendar": its topic would read as the calendar's.
    fleet::Publisher office({"office-test", fleet::generate_key_pair().secret_key});
    fleet::Order order{fleet::Scope::all(), "notice", "calendar", nlohmann::json::object(), 60};
    auto p = office.prepare(order, 0);
    REQUIRE_FALSE(p);
    CHECK(p.error().message.find("not a notice id") != std::string::npos);
    order.notice_id = "calendar-2027";
    CHECK(office.prepare(order, 0));
}

TEST_CASE("fleet calendars: a new fleet section that changes the calendar in force is news for the run loop, once",
          "[fleet][calendar]") {
    test::TempDir dir;
    auto make = [&](std::vector<std::string> groups, bool enabled = true) {
        config::KioskConfig c;
        c.paths.state = dir.path() / "state";
        c.paths.runtime = dir.path() / "run";
        c.paths.cache = dir.path() / "cache";
        c.fleet.enabled = enabled;
        c.fleet.screen_id = "s1";
        c.fleet.groups = std::move(groups);
        // No certificates: the client does not start (logged), which this test does not need.
        c.fleet.ca_file = (dir.path() / "none" / "ca.pem").string();
        return std::make_shared<const config::KioskConfig>(std::move(c));
    };
    REQUIRE(fleet::keep_calendar(dir.path() / "state", {"group/a", 3, R"({"format": "kiosk-calendar/1"})"}).ok());
    app::PlaylistState playlist(app::PlaylistSource::fleet("all"), dir.path() / "state");
    app::FleetSync sync(playlist, {[](const std::string&) { return false; }, [](const std::string&) {},
                                   [](std::size_t) -> Result<std::string> { return make_error("no screen"); }, [] { return std::string(); }});
    sync.start(make({"a"}), [] {});
    CHECK_FALSE(sync.calendar_changed());
    REQUIRE(app::fleet_calendar_in_force(*make({"a"})));
    CHECK(app::fleet_calendar_in_force(*make({"a"}))->scope == "group/a");
    // Moved to group b: group a's calendar is no longer this screen's.
    sync.reconfigure(make({"b"}));
    CHECK(sync.calendar_changed());
    CHECK_FALSE(sync.calendar_changed());  // once
    // Another group without a calendar: none was in force, none is.
    sync.reconfigure(make({"b", "c"}));
    CHECK_FALSE(sync.calendar_changed());
    sync.reconfigure(make({"c", "a"}));
    CHECK(sync.calendar_changed());
    // No fleet section: no fleet calendar is in force (kiosk.json's opening.calendar is).
    sync.reconfigure(make({"c", "a"}, false));
    CHECK(sync.calendar_changed());
    CHECK_FALSE(app::fleet_calendar_in_force(*make({"a"}, false)));
}

TEST_CASE("fleet calendars: a refusal in a clerk's words names the entry and says what to do", "[fleet][calendar]") {
    const auto body = nlohmann::json::parse(
        R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-02-10", "closed": true, "name": "春节"}, {"date": "2027-02-30", "open": "mon"}]})");
    config::Issue i;
    i.file = "fleet:all";
    i.item = 0;
    i.field = "date";
    i.message = "日期不存在";
    CHECK(app::calendar_refusal_words({i}, body) ==
          "这块屏幕的检查没有通过，仍按原来的开放时间开关屏幕：第 1 个特殊日期「春节」的日期：日期不存在；请改正后重新发布");
    i.item = 1;
    i.message = "2027-02-30 is not a date";  // English (the screen's language): not shown to a clerk
    CHECK(app::calendar_refusal_words({i}, body) ==
          "这块屏幕的检查没有通过，仍按原来的开放时间开关屏幕：第 2 个特殊日期（2027-02-30）的日期不对；请改正后重新发布");
    i.item = -1;
    i.field = "hours.mon";
    CHECK(app::calendar_refusal_words({i}, body) ==
          "这块屏幕的检查没有通过，仍按原来的开放时间开关屏幕：每周开放时间不对；请改正后重新发布");
    for (const std::string& words : {app::calendar_refusal_words({}, body), app::calendar_refusal_words({i}, nullptr)}) {
        INFO(words);
        CHECK(words.find("仍按原来的开放时间") != std::string::npos);
        CHECK(words.find("fleet:") == std::string::npos);  // no internal names
    }
}
