// The console's sessions over a working day (sliding on use, an absolute limit from the
// login, quiet on the database), changes waiting for approval that an editor sends again
// (the earlier one superseded) and where the editor's latest change stands, and the 紧急
// test for a notice's form.
#include <catch2/catch.hpp>
#include <sodium.h>
#include <sqlite3.h>

#include <filesystem>

#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "console/approvals.hpp"
#include "console/auth.hpp"
#include "console/fleet_link.hpp"
#include "console/service.hpp"
#include "console/settings.hpp"
#include "console/names.hpp"
#include "console/store.hpp"
#include "fleet/publisher.hpp"
#include "fleet/signed.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {
// The expiry as the database holds it (what Store::session wrote, or did not).
std::int64_t stored_expiry(const fs::path& db, const std::string& token) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "SELECT expires FROM sessions WHERE token = ?", -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_text(st, 1, token.c_str(), -1, SQLITE_TRANSIENT);
    std::int64_t out = -1;
    if (sqlite3_step(st) == SQLITE_ROW) out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}
}  // namespace

TEST_CASE("console sessions: a clerk at work stays in, up to the absolute limit, an idle one is out", "[console][sessions]") {
    REQUIRE(sodium_init() >= 0);
    test::TempDir tmp;
    const fs::path db = tmp.path() / "console.db";
    auto opened = Store::open(db);
    REQUIRE(opened);
    Store& store = **opened;
    REQUIRE(add_user(store, "li", "editor", "editor-pass-1"));
    // 08:30 login (t = 0 here), 4 h after the last use, 12 h at most.
    const SessionLimits limits{4 * 3600, 12 * 3600};
    const std::time_t login = 1'000'000;
    Session s{random_token(), "li", random_token(), Role::editor, login + limits.idle, login};
    REQUIRE(store.add_session(s));

    // At work every hour, the clerk's session moves on with them.
    for (std::time_t t = login + 3600; t <= login + 7 * 3600; t += 3600) {
        auto got = store.session(s.token, t, limits);
        REQUIRE(got);
        CHECK(got->expires == t + limits.idle);
        CHECK(stored_expiry(db, s.token) == t + limits.idle);
    }
    // Quiet: uses within a minute of the last write do not write again.
    const std::time_t written = stored_expiry(db, s.token);
    REQUIRE(store.session(s.token, login + 7 * 3600 + 30, limits));
    CHECK(stored_expiry(db, s.token) == written);
    REQUIRE(store.session(s.token, login + 7 * 3600 + 59, limits));
    CHECK(stored_expiry(db, s.token) == written);
    REQUIRE(store.session(s.token, login + 7 * 3600 + 60, limits));
    CHECK(stored_expiry(db, s.token) == written + 60);

    // A background refresh (idle 0) keeps nothing alive.
    const SessionLimits background{0, limits.absolute};
    REQUIRE(store.session(s.token, login + 7 * 3600 + 1800, background));
    CHECK(stored_expiry(db, s.token) == written + 60);

    // The slide never passes the absolute limit: 20:30 it ends, however busy.
    auto late = store.session(s.token, login + 11 * 3600, limits);
    REQUIRE(late);
    CHECK(late->expires == login + limits.absolute);
    CHECK(store.session(s.token, login + limits.absolute - 1, limits));
    CHECK_FALSE(store.session(s.token, login + limits.absolute, limits));

    // An admin who shortens the limit ends sessions older than it at once.
    Session t{random_token(), "li", random_token(), Role::editor, login + limits.idle, login};
    REQUIRE(store.add_session(t));
    REQUIRE(store.session(t.token, login + 3 * 3600, limits));
    CHECK_FALSE(store.session(t.token, login + 3 * 3600, {limits.idle, 2 * 3600}));

    // Idle past the window: out, and a later request does not bring it back.
    Session u{random_token(), "li", random_token(), Role::editor, login + limits.idle, login};
    REQUIRE(store.add_session(u));
    REQUIRE(store.session(u.token, login + 3600, limits));  // slid to 05:00 after the login
    CHECK_FALSE(store.session(u.token, login + 3600 + limits.idle, limits));
    CHECK_FALSE(store.session(u.token, login + 3600 + limits.idle + 10, limits));
}

TEST_CASE("console sessions: the limits come from console.json and the admin's setting", "[console][sessions]") {
    test::TempDir tmp;
    const fs::path file = tmp.path() / "console.json";
    auto write = [&](const std::string& text) {
        FILE* f = std::fopen(file.c_str(), "w");
        REQUIRE(f);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    };
    write(R"({"office_config": "office.json"})");
    auto s = load_settings(file);
    REQUIRE(s);
    CHECK(s->session_minutes == 240);
    CHECK(s->session_max_hours == 12);
    CHECK_FALSE(s->urgent_needs_approval);
    write(R"({"office_config": "office.json", "session_max_hours": 9, "urgent_needs_approval": true})");
    s = load_settings(file);
    REQUIRE(s);
    CHECK(s->session_max_hours == 9);
    CHECK(s->urgent_needs_approval);
    write(R"({"office_config": "office.json", "session_max_hours": 0})");
    CHECK_FALSE(load_settings(file));
}

TEST_CASE("console approvals: sent again, a change takes the place of the one waiting, the author sees where it stands",
          "[console][approvals]") {
    test::TempDir tmp;
    auto opened = Store::open(tmp.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    PendingChange c;
    c.kind = "playlist";
    c.scope = "group/floor/1";
    c.before = nullptr;
    c.after = {{"version", 1}, {"items", json::array()}};
    c.author = "li";
    c.created = 100;
    const auto first = store.add_pending(c, c.scope);
    REQUIRE(first);
    c.created = 200;
    const auto second = store.add_pending(c, c.scope);
    REQUIRE(second);
    CHECK(store.pending(*first)->state == "superseded");
    CHECK(store.pending(*second)->state == "pending");
    CHECK(store.pending_count() == 1);
    // Another author's change, or another scope, is not touched.
    PendingChange other = c;
    other.author = "chen";
    REQUIRE(store.add_pending(other, other.scope));
    CHECK(store.pending(*second)->state == "pending");
    CHECK(store.pending_count() == 2);
    // Notices: by the notice's id.
    PendingChange n;
    n.kind = "notice";
    n.scope = "all";
    n.before = nullptr;
    n.after = {{"id", "n1"}, {"text", "甲"}};
    n.author = "li";
    n.created = 300;
    const auto n1 = store.add_pending(n, "n1");
    n.after["text"] = "乙";
    const auto n2 = store.add_pending(n, "n1");
    REQUIRE(n1);
    REQUIRE(n2);
    CHECK(store.pending(*n1)->state == "superseded");
    CHECK(store.pending_of("li", 10).size() == 4);

    // Where li's change of the floor's playlist stands.
    PublishedPlaylist published;
    published.at = 50;
    auto mine = latest_playlist_change(store.pending_of("li", 10), "group/floor/1", published);
    REQUIRE(mine);
    CHECK(mine->id == *second);
    CHECK(change_json(*mine, "Asia/Shanghai", DisplayNames(store))["state_text"] == "等待审核");
    // Sent back with a reason: the author reads it.
    Intent in;
    in.decision = Intent::Decision{*second, "rejected", "zhao", "第 2 项的时段写错了", 250};
    REQUIRE(store.record_intent([&](const Store::LastGeneration&) -> Result<Intent> { return in; }));
    mine = latest_playlist_change(store.pending_of("li", 10), "group/floor/1", published);
    REQUIRE(mine);
    CHECK(change_json(*mine, "Asia/Shanghai", DisplayNames(store))["state_text"] == "已退回：第 2 项的时段写错了");
    // A version published after the decision: the old word says nothing about it.
    published.at = 400;
    CHECK_FALSE(latest_playlist_change(store.pending_of("li", 10), "group/floor/1", published));
}

TEST_CASE("console approvals: a notice is 紧急 by its mode or its urgent flag", "[console][approvals]") {
    CHECK(Service::is_urgent({{"mode", "hold"}}));
    CHECK(Service::is_urgent({{"urgent", true}}));
    CHECK_FALSE(Service::is_urgent({{"mode", "turn"}}));
    CHECK_FALSE(Service::is_urgent({{"urgent", "yes"}}));
    CHECK_FALSE(Service::is_urgent(json::object()));
}

namespace {
fleet::KeyPair approvals_key() {
    static const fleet::KeyPair key = fleet::generate_key_pair();
    return key;
}
}  // namespace

TEST_CASE("console status: the clerk's mistakes are 400 or 422, never 503, 退回 needs a reason, an editor's 紧急 notice goes at once",
          "[console][approvals]") {
    REQUIRE(sodium_init() >= 0);
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    // No broker at this port: what is published is recorded and queued.
    config::Fleet broker;
    broker.enabled = true;
    broker.screen_id = "office";
    broker.host = "127.0.0.1";
    broker.port = test::free_port();
    FleetLink link(broker, fleet::Publisher({"office-test", approvals_key().secret_key}), store);
    auto office = config::parse_kiosk_config(R"({"time_zone": "Asia/Shanghai"})", dir.path() / "office.json");
    REQUIRE(office);
    ConsoleSettings settings;
    settings.require_approval = true;
    Service service(settings, std::make_shared<const config::KioskConfig>(*office), store, link);
    const Actor editor{"li", Role::editor, "127.0.0.1"}, approver{"zhao", Role::approver, "127.0.0.1"};
    const std::string until = zone_time::format_iso_local(std::time(nullptr) + 7200, "Asia/Shanghai");

    CHECK(http_status(Outcome::Kind::unclear) == 400);
    CHECK(http_status(Outcome::Kind::invalid) == 422);
    CHECK(http_status(Outcome::Kind::failed) == 503);

    // No screen chosen: refused before it waits for approval (nothing pending).
    for (const json& scopes : {json::array(), json::array({"nowhere"}), json(nullptr)}) {
        const auto o = service.post_notice(editor, {{"text", "通知"}, {"until", until}, {"scopes", scopes}});
        CHECK(o.kind == Outcome::Kind::invalid);
        CHECK(http_status(o.kind) == 422);
    }
    CHECK(store.pending_count() == 0);
    CHECK(service.publish_playlist(editor, "", {{"version", 1}, {"items", json::array()}}).kind == Outcome::Kind::unclear);

    // An editor's routine notice waits; sent back only with a reason, which is kept.
    const auto waiting = service.post_notice(editor, {{"text", "三楼窗口暂停"}, {"until", until}, {"scopes", {"all"}}, {"mode", "turn"}});
    REQUIRE(waiting.kind == Outcome::Kind::pending);
    const std::int64_t id = waiting.detail["pending"].get<std::int64_t>();
    CHECK(service.decide(approver, id, false, "").kind == Outcome::Kind::invalid);
    CHECK(service.decide(approver, id, false, " \n ").kind == Outcome::Kind::invalid);
    CHECK(store.pending(id)->state == "pending");
    CHECK(service.decide(approver, id, false, "请写明是哪个窗口").kind == Outcome::Kind::done);
    CHECK(store.pending(id)->state == "rejected");
    CHECK(store.pending(id)->reason == "请写明是哪个窗口");

    // A 紧急 one (mode hold, or urgent) goes at once, listed for review until marked.
    const auto urgent = service.post_notice(editor, {{"text", "停电，暂停办理"}, {"until", until}, {"scopes", {"all"}}, {"mode", "hold"}});
    CHECK((urgent.kind == Outcome::Kind::done || urgent.kind == Outcome::Kind::queued));
    CHECK(store.pending_count() == 0);
    const auto open = service.unreviewed_urgent();
    REQUIRE(open.size() == 1);
    CHECK(open[0].user == "li");
    CHECK(open[0].detail.find("停电，暂停办理") != std::string::npos);
    CHECK(service.mark_reviewed(approver, open[0].target).kind == Outcome::Kind::done);
    CHECK(service.unreviewed_urgent().empty());
    CHECK(service.mark_reviewed(approver, open[0].target).kind == Outcome::Kind::not_found);
    // The admin asks for approval of those too: it waits.
    REQUIRE(store.set_setting("urgent_needs_approval", "1"));
    CHECK(service.post_notice(editor, {{"text", "又一条"}, {"until", until}, {"scopes", {"all"}}, {"urgent", true}}).kind ==
          Outcome::Kind::pending);
}
