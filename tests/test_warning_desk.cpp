// The console's 预警 desk (console/warning_desk): the fixture messages (tests/fixtures/warnings)
// through take() with a real Store in a temp folder and a real Service and FleetLink (no
// broker: what is published is journalled and queued, as the broker being down) — what is
// recorded, published, taken off, waits for approval or is refused, and the audit log.
#include <catch2/catch.hpp>
#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "config/config.hpp"
#include "console/fleet_link.hpp"
#include "console/service.hpp"
#include "console/settings.hpp"
#include "console/store.hpp"
#include "console/warning_desk.hpp"
#include "fleet/publisher.hpp"
#include "fleet/signed.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) { return test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "warnings" / name); }

fleet::KeyPair desk_key() {
    static const fleet::KeyPair key = fleet::generate_key_pair();
    return key;
}

struct Office {
    test::TempDir dir;
    std::unique_ptr<Store> store;
    config::Fleet broker;
    std::unique_ptr<FleetLink> link;
    ConsoleSettings settings;
    std::unique_ptr<Service> service;
    std::unique_ptr<WarningDesk> desk;
    const Actor admin{"wang", Role::admin, "127.0.0.1"}, approver{"zhao", Role::approver, "127.0.0.1"},
        editor{"li", Role::editor, "127.0.0.1"};

    Office() {
        REQUIRE(sodium_init() >= 0);
        auto opened = Store::open(dir.path() / "console.db");
        REQUIRE(opened);
        store = std::move(*opened);
        broker.enabled = true;
        broker.screen_id = "office";
        broker.host = "127.0.0.1";
        broker.port = test::free_port();  // nobody there: publications are queued
        link = std::make_unique<FleetLink>(broker, fleet::Publisher({"office-test", desk_key().secret_key}), *store);
        auto office = config::parse_kiosk_config(R"({"time_zone": "Asia/Shanghai"})", dir.path() / "office.json");
        REQUIRE(office);
        service = std::make_unique<Service>(settings, std::make_shared<const config::KioskConfig>(*office), *store, *link);
        desk = std::make_unique<WarningDesk>(WarningSettings{}, "Asia/Shanghai", *store, *service);
    }
    WarningRecord newest() {
        auto all = store->warnings(1);
        REQUIRE(!all.empty());
        return all.front();
    }
    std::vector<AuditEntry> audit(const std::string& action) {
        AuditFilter f;
        f.action = action;
        return store->audit_entries(f);
    }
    std::vector<NoticeRecord> notices() { return store->notices(std::time(nullptr)); }
};

const json kRules = {{"format", "warning-rules/1"},
                     {"regions", {{{"code", "2201"}, {"scopes", {"group/changchun"}}}}},
                     {"levels", {{"red", "publish"}, {"orange", "publish"}, {"yellow", "publish"}, {"blue", "approve"}, {"none", "approve"}}}};

}  // namespace

TEST_CASE("warning desk: an Alert is published, its duplicate ignored, its Update replaces it, its Cancel takes it off", "[warning_desk]") {
    Office o;
    const std::time_t now = std::time(nullptr);
    // No rules saved: nothing maps, nothing is published.
    std::string said = o.desk->take(fixture("cap_alert_blizzard_orange.xml"), "file:a.xml", now);
    CHECK(o.newest().state == "ignored");
    CHECK(o.notices().empty());
    REQUIRE(o.desk->save_rules(o.editor, kRules).kind == Outcome::Kind::invalid);  // admins only
    REQUIRE(o.desk->save_rules(o.admin, kRules).kind == Outcome::Kind::done);
    REQUIRE(o.audit("warning_rules").size() == 1);
    CHECK(o.audit("warning_rules")[0].detail.find("2201") != std::string::npos);

    // A second copy of the ignored one is a duplicate; a fresh store for the real run below.
    said = o.desk->take(fixture("cap_alert_blizzard_orange.xml"), "file:b.xml", now);
    CHECK(said.find("同一条消息已收到过") != std::string::npos);

    Office p;
    REQUIRE(p.desk->save_rules(p.admin, kRules).kind == Outcome::Kind::done);
    said = p.desk->take(fixture("cap_alert_blizzard_orange.xml"), "feed:吉林", now);
    INFO(said);
    auto w = p.newest();
    CHECK(w.state == "published");
    CHECK(w.identifier == "cn.12379.220100.20261207061000.blizzard.1");
    CHECK(w.level == "orange");
    CHECK(w.scopes == "group/changchun");
    auto on = p.notices();
    REQUIRE(on.size() == 1);
    CHECK(on[0].id == w.notice_id);
    CHECK(on[0].scope == "group/changchun");
    CHECK(on[0].urgent);
    const auto published = p.audit("warning_published");
    REQUIRE(published.size() == 1);
    CHECK(published[0].user == kWarningsUser);
    CHECK(published[0].detail.find(w.identifier) != std::string::npos);
    CHECK(published[0].detail.find(w.sender) != std::string::npos);
    CHECK(p.audit("publish_notice").size() == 1);

    // The same message again: recorded as a duplicate, nothing published.
    said = p.desk->take(fixture("cap_alert_blizzard_orange.xml"), "feed:吉林", now);
    CHECK(said.find("同一条消息已收到过") != std::string::npos);
    CHECK(p.audit("warning_published").size() == 1);

    // The Update: the same notice id, the first message marked replaced.
    said = p.desk->take(fixture("cap_update.xml"), "feed:吉林", now);
    INFO(said);
    auto u = p.newest();
    CHECK(u.state == "published");
    CHECK(u.notice_id == w.notice_id);
    CHECK(u.first_identifier == w.identifier);
    CHECK(p.store->warning(w.id)->state == "replaced");
    CHECK(p.audit("warning_published").size() == 2);
    on = p.notices();
    REQUIRE(on.size() == 1);
    CHECK(on[0].id == w.notice_id);

    // The Cancel: off every screen, both marked.
    said = p.desk->take(fixture("cap_cancel.xml"), "feed:吉林", now);
    INFO(said);
    CHECK(p.newest().state == "cancelled");
    CHECK(p.store->warning(u.id)->state == "cancelled");
    CHECK(p.notices().empty());
    const auto cancelled = p.audit("warning_cancelled");
    REQUIRE(cancelled.size() == 1);
    CHECK(cancelled[0].detail.find("cn.12379.220100.20261208120000.blizzard.3") != std::string::npos);
    CHECK(p.audit("clear_notice").size() == 1);

    // The overview as the page reads it.
    const json v = p.desk->overview(now, "approver");
    REQUIRE(v["messages"].size() == 4);
    CHECK(v["messages"][0]["state_words"] == "已解除");
    CHECK(v["messages"][0]["type_words"] == "解除");
    CHECK(v["messages"][3]["state_words"] == "已解除");  // the Cancel lifted the whole chain, the first version too
    CHECK(v["messages"][3]["level_words"] == "橙色");
    CHECK(v["messages"][3]["scopes"][0]["scope"] == "group/changchun");
    CHECK(v["waiting"] == 0);
    CHECK(v["drop_folder"].is_null());
    CHECK(v["rules"]["regions"][0]["code"] == "2201");
    CHECK(v["rules_saved_by"] == "wang");
}

TEST_CASE("warning desk: expired, exercise, outside the region are not published, and malformed, oversized, entity bomb refused", "[warning_desk]") {
    Office o;
    REQUIRE(o.desk->save_rules(o.admin, kRules).kind == Outcome::Kind::done);
    const std::time_t now = std::time(nullptr);
    o.desk->take(fixture("cap_alert_blizzard_expired.xml"), "file:x.xml", now);
    CHECK(o.newest().state == "expired");
    CHECK(o.newest().reason.find("已过期") != std::string::npos);
    o.desk->take(fixture("cap_exercise.xml"), "file:x.xml", now);  // no test screens in the rules
    CHECK(o.newest().state == "ignored");
    o.desk->take(fixture("cap_outside_region.xml"), "file:x.xml", now);
    CHECK(o.newest().state == "ignored");
    CHECK(o.newest().reason.find("110101") != std::string::npos);
    CHECK(o.audit("warning_ignored").size() == 3);  // the expired one too (listed as expired)
    CHECK(o.notices().empty());

    for (const std::string& bad : {fixture("malformed.xml"), fixture("entity_bomb.xml"), fixture("xxe.xml"),
                                  "<alert>" + std::string(300 * 1024, 'x') + "</alert>"}) {
        const std::string said = o.desk->take(bad, "file:bad.xml", now);
        CHECK(said.rfind("格式错误", 0) == 0);
        const auto w = o.newest();
        CHECK(w.state == "refused");
        CHECK(!w.reason.empty());
        CHECK(w.raw_size == static_cast<std::int64_t>(bad.size()));
        CHECK(w.raw.size() <= 256 * 1024);
    }
    CHECK(o.newest().reason.find("256 KB") != std::string::npos);
    CHECK(o.audit("warning_refused").size() == 4);
    CHECK(o.audit("publish_notice").empty());
    CHECK(o.notices().empty());
}

TEST_CASE("warning desk: a blue warning waits, editors cannot approve, an approver publishes or rejects with a reason", "[warning_desk]") {
    Office o;
    json rules = kRules;
    rules["regions"] = {{{"code", "22"}, {"scopes", {"group/jilin"}}}};
    REQUIRE(o.desk->save_rules(o.admin, rules).kind == Outcome::Kind::done);
    const std::time_t now = std::time(nullptr);
    const std::string said = o.desk->take(fixture("cap_blue.xml"), "file:blue.xml", now);
    INFO(said);
    auto w = o.newest();
    REQUIRE(w.state == "waiting");
    CHECK(o.desk->waiting_count() == 1);
    CHECK(o.notices().empty());
    CHECK(o.desk->overview(now, "editor")["messages"][0]["can_decide"] == false);
    CHECK(o.desk->overview(now, "approver")["messages"][0]["can_decide"] == true);
    CHECK(o.desk->approve(o.editor, w.id).kind == Outcome::Kind::invalid);
    CHECK(o.desk->reject(o.approver, w.id, " ").kind == Outcome::Kind::invalid);
    const auto a = o.desk->approve(o.approver, w.id);
    INFO(a.message);
    CHECK((a.kind == Outcome::Kind::done || a.kind == Outcome::Kind::queued));
    CHECK(o.store->warning(w.id)->state == "published");
    auto on = o.notices();
    REQUIRE(on.size() == 1);
    CHECK(on[0].mode == "ticker");
    const auto approved = o.audit("warning_approved");
    REQUIRE(approved.size() == 1);
    CHECK(approved[0].user == "zhao");
    CHECK(approved[0].detail.find(w.identifier) != std::string::npos);
    CHECK(o.desk->approve(o.approver, w.id).kind == Outcome::Kind::not_found);  // decided already

    Office r;
    REQUIRE(r.desk->save_rules(r.admin, rules).kind == Outcome::Kind::done);
    r.desk->take(fixture("cap_blue.xml"), "file:blue.xml", now);
    const auto id = r.newest().id;
    CHECK(r.desk->reject(r.approver, id, "演练期间不发布").kind == Outcome::Kind::done);
    CHECK(r.store->warning(id)->state == "rejected");
    CHECK(r.audit("warning_rejected").size() == 1);
    CHECK(r.notices().empty());
}

TEST_CASE("warning desk: console.json warnings are checked", "[warning_desk]") {
    auto good = parse_warning_settings(json::parse(R"({"feeds": [{"name": "吉林", "url": "https://example.org/cap.xml", "every_seconds": 30}],
                                                     "drop_folder": "in"})"),
                                       "/etc/kiosk-console");
    REQUIRE(good);
    CHECK(good->feeds.size() == 1);
    CHECK(good->drop_folder == fs::path("/etc/kiosk-console/in"));
    CHECK(!parse_warning_settings(json::parse(R"({"feeds": [{"name": "a", "url": "https://x/", "every_seconds": 29}]})"), "/"));
    CHECK(!parse_warning_settings(json::parse(R"({"feeds": [{"name": "a", "url": "ftp://x/"}]})"), "/"));
    CHECK(!parse_warning_settings(json::parse(R"({"feeds": [{"url": "https://x/"}]})"), "/"));
    CHECK(!parse_warning_settings(json::parse(R"({"feed": []})"), "/"));
}
