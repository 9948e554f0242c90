// The office end without a broker: the fleet's vocabulary (scopes, notice item ids), the
// publisher's generations (never back, even with the clock set back an hour), and the
// console's journal (one transaction per action, a decided change never published twice,
// a failed write fails the action, databases of the first schema migrated).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "console/fleet_link.hpp"
#include "console/service.hpp"
#include "console/settings.hpp"
#include "console/store.hpp"
#include "fleet/generations.hpp"
#include "fleet/notice.hpp"
#include "fleet/publisher.hpp"
#include "fleet/scope.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A clock the test sets.
struct TestClock {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'800'000'000);
    fleet::Publisher::Clock fn() {
        return [this] { return now; };
    }
};

fleet::KeyPair office_key() {
    static const fleet::KeyPair key = fleet::generate_key_pair();
    return key;
}

std::vector<config::TrustedKey> trusted() { return {{"office-test", office_key().public_key}}; }

fleet::Order notice_order(const std::string& id) {
    fleet::Order o;
    o.scope = *fleet::Scope::group("floor/1");
    o.kind = "notice";
    o.notice_id = id;
    o.body = {{"text", "今天下午停电。"}, {"until", 1'800'003'600}, {"interrupt", false}, {"style", "normal"}};
    o.lifetime = 3600;
    return o;
}

// A database as the first console made it: its schema and no user_version.
void make_first_schema_database(const fs::path& file) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    const auto sql = test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "console" / "schema-1.sql");
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    INFO((message ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("office: a scope is all, a group or a screen, and says whom it reaches", "[fleet][office]") {
    CHECK(fleet::Scope::parse("all") == fleet::Scope::all());
    const auto floor = fleet::Scope::parse("group/floor/1");
    REQUIRE(floor);
    CHECK(floor->kind() == fleet::Scope::Kind::group);
    CHECK(floor->name() == "floor/1");
    CHECK(floor->str() == "group/floor/1");
    CHECK(floor->label() == "分组 floor/1");
    CHECK(floor->specificity() == 1);
    CHECK(floor->reaches("hall-1f", {"floor/1", "hall"}));
    CHECK_FALSE(floor->reaches("hall-3f", {"floor/3"}));
    const auto screen = fleet::Scope::parse("screen/hall-1f");
    REQUIRE(screen);
    CHECK(screen->label() == "屏幕 hall-1f");
    CHECK(screen->reaches("hall-1f", {}));
    CHECK_FALSE(screen->reaches("hall-2f", {}));
    CHECK(fleet::Scope::all().reaches("anything", {}));
    CHECK(fleet::Scope::all().label() == "全部屏幕");
    for (const char* bad : {"", "everyone", "group/", "screen/", "screen/a/b", "group/+", "group/#", "screen/a b", "All"})
        CHECK_FALSE(fleet::Scope::parse(bad));
    CHECK(fleet::valid_scope("group/floor/1"));
    CHECK_FALSE(fleet::valid_scope("screen/a/b"));
}

TEST_CASE("office: a notice's item id is built and read in one place", "[fleet][office]") {
    const fleet::NoticeRef ref{*fleet::Scope::group("floor/1"), "n2026-12-07-09-30-abc123"};
    CHECK(ref.item_id() == "notice/n2026-12-07-09-30-abc123@group/floor/1");
    const auto back = fleet::NoticeRef::parse_item_id(ref.item_id());
    REQUIRE(back);
    CHECK(*back == ref);
    CHECK(fleet::notice_item_id("screen/hall-1f", "x") == "notice/x@screen/hall-1f");
    for (const char* bad : {"item-1", "notice/", "notice/x", "notice/@all", "notice/x@nowhere", "notice/a b@all"})
        CHECK_FALSE(fleet::NoticeRef::parse_item_id(bad));
}

TEST_CASE("office: generations never go back, even with the office's clock set back an hour", "[fleet][office]") {
    TestClock clock;
    fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());
    const auto order = notice_order("n1");
    auto first = publisher.prepare(order, 0);
    REQUIRE(first);
    CHECK(first->gen == 1'800'000'000'000ull);  // the time in ms while the clock is ahead
    CHECK(first->key() == order.key());
    CHECK(first->topic == "kiosk/v1/desired/group/floor/1/notice/n1");

    clock.now -= 1h;  // NTP corrects the office's clock, or another PC takes over
    auto second = publisher.prepare(order, first->gen);
    REQUIRE(second);
    CHECK(second->gen == first->gen + 1);
    // A screen that applied the first takes the second (it was refused as "replayed" when
    // the generation was the wall clock).
    const fleet::Arrival arrival{"group/floor/1", "notice", "n1"};
    const std::time_t screen_now = 1'800'000'000 - 1800;
    CHECK(fleet::verify(second->document, trusted(), arrival, screen_now, first->gen));
    CHECK_FALSE(fleet::verify(first->document, trusted(), arrival, screen_now, second->gen));

    clock.now += 2h;  // the clock ahead again: the time once more
    auto third = publisher.prepare(order, second->gen);
    REQUIRE(third);
    CHECK(third->gen == 1'800'003'600'000ull);
    CHECK(fleet::next_generation(5, 3) == 6);
    CHECK(fleet::next_generation(5, 9) == 9);
}

TEST_CASE("office: the publisher refuses orders no screen would take, and knows its own documents", "[fleet][office]") {
    TestClock clock;
    fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());
    fleet::Order no_id = notice_order("");
    CHECK_FALSE(publisher.prepare(no_id, 0));
    fleet::Order bad_id = notice_order("a/b");
    CHECK_FALSE(publisher.prepare(bad_id, 0));
    fleet::Order huge;
    huge.kind = "playlist";
    huge.body = {{"text", std::string(300 * 1024, 'x')}};
    auto refused = publisher.prepare(huge, 0);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("at most 256 KB") != std::string::npos);

    auto p = publisher.prepare(notice_order("n1"), 0);
    REQUIRE(p);
    const std::time_t now = 1'800'000'000;
    CHECK(publisher.own_generation(p->topic, p->document, now) == p->gen);
    // Another office's document, or ours on another topic, is not taken for ours.
    fleet::Publisher stranger({"office-test", fleet::generate_key_pair().secret_key}, clock.fn());
    auto theirs = stranger.prepare(notice_order("n1"), 0);
    REQUIRE(theirs);
    CHECK_FALSE(publisher.own_generation(theirs->topic, theirs->document, now));
    CHECK_FALSE(publisher.own_generation("kiosk/v1/desired/all/notice/n1", p->document, now));
    CHECK_FALSE(publisher.own_generation(p->topic, p->document, now + 7200));  // expired

    const auto id = fleet::new_notice_id(now, "Asia/Shanghai");
    CHECK(id.rfind("n2027-01-15-", 0) == 0);
    CHECK(config::topic_safe_name(id, false));
    CHECK(id != fleet::new_notice_id(now, "Asia/Shanghai"));
}

TEST_CASE("office: the CLI's generations are kept in its state folder", "[fleet][office]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "office" / "published.json";
    TestClock clock;
    fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());
    const auto order = notice_order("n1");
    std::uint64_t gen = 0;
    {
        auto ledger = fleet::Generations::open(file);
        REQUIRE(ledger);
        auto p = publisher.prepare(order, ledger->last(order.key()));
        REQUIRE(p);
        REQUIRE(ledger->record(p->key(), p->gen));
        gen = p->gen;
    }
    clock.now -= 1h;
    auto ledger = fleet::Generations::open(file);  // the next `kiosk fleet` run
    REQUIRE(ledger);
    CHECK(ledger->last(order.key()) == gen);
    auto p = publisher.prepare(order, ledger->last(order.key()));
    REQUIRE(p);
    CHECK(p->gen == gen + 1);
}

TEST_CASE("office: the console journals an action whole, and a decided change is never published twice", "[console][office]") {
    test::TempDir dir;
    auto opened = console::Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    console::Store& store = **opened;
    CHECK(store.schema_version() == console::kSchemaVersion);
    TestClock clock;
    fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());

    console::PendingChange change;
    change.kind = "notice";
    change.scope = "group/floor/1";
    change.after = {{"text", "停电"}, {"id", "n1"}};
    change.author = "zhang";
    auto pending = store.add_pending(change);
    REQUIRE(pending);

    auto approve = [&](const std::string& by) {
        return store.record_intent([&](const console::Store::LastGeneration& last) -> Result<console::Intent> {
            const auto order = notice_order("n1");
            auto p = publisher.prepare(order, last(order.key()));
            if (!p) return p.error();
            console::Intent in;
            in.publications.push_back(*p);
            in.notices.push_back({"n1", "group/floor/1", "停电", "", by, 1'800'003'600, 1'800'000'000, 0, false, false, "turn"});
            in.audit.push_back({0, 1'800'000'000, by, "127.0.0.1", "approve", "notice", "#1"});
            in.decision = console::Intent::Decision{*pending, "approved", by, "", 1'800'000'000};
            return in;
        });
    };
    auto first = approve("li");
    REQUIRE(first);
    REQUIRE(first->size() == 1);
    // A second approval (a retry after a crash, two approvers at once) is refused whole: no
    // document, no notice row, no audit entry.
    auto second = approve("wang");
    REQUIRE_FALSE(second);
    CHECK(second.error().message == "这项修改已经处理过了");
    auto latest = store.latest_publications(1'800'000'000);
    REQUIRE(latest.size() == 1);
    CHECK_FALSE(latest[0].sent);
    CHECK(latest[0].topic == "kiosk/v1/desired/group/floor/1/notice/n1");
    CHECK(store.audit_entries({}).size() == 1);
    CHECK(store.notices(1'800'000'000).size() == 1);
    CHECK(store.pending(*pending)->state == "approved");
    REQUIRE(store.mark_sent(latest[0].id));
    CHECK(store.latest_publications(1'800'000'000)[0].sent);

    // The next document for that key is newer, whatever the clock says; the journal's
    // newest is what the broker should hold.
    clock.now -= 1h;
    auto clear = store.record_intent([&](const console::Store::LastGeneration& last) -> Result<console::Intent> {
        auto order = notice_order("n1");
        order.body = {{"cleared", true}};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        console::Intent in;
        in.publications.push_back(*p);
        in.cleared.emplace_back("n1", "group/floor/1");
        return in;
    });
    REQUIRE(clear);
    latest = store.latest_publications(1'800'000'000 - 3600);
    REQUIRE(latest.size() == 1);
    CHECK(latest[0].gen == 1'800'000'000'001ull);
    CHECK(store.notices(1'800'000'000).empty());
    // Expired documents are not restored to the broker.
    CHECK(store.latest_publications(1'900'000'000).empty());
}

TEST_CASE("office: a write the database refuses fails the action and leaves nothing behind", "[console][office]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "console.db";
    auto opened = console::Store::open(file, 100);
    REQUIRE(opened);
    console::Store& store = **opened;
    REQUIRE(store.audit({0, 1, "li", "127.0.0.1", "login", "li", ""}));
    // Another process holds the write lock (a backup, a second console, a stuck tool): the
    // store cannot write for as long as it does.
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto audit = store.audit({0, 2, "li", "127.0.0.1", "logout", "li", ""});
    REQUIRE_FALSE(audit);
    CHECK(audit.error().message.find("the audit log") != std::string::npos);
    TestClock clock;
    fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());
    bool made = false;
    auto intent = store.record_intent([&](const console::Store::LastGeneration& last) -> Result<console::Intent> {
        made = true;
        auto p = publisher.prepare(notice_order("n1"), last("x"));
        if (!p) return p.error();
        console::Intent in;
        in.publications.push_back(*p);
        return in;
    });
    CHECK_FALSE(intent);
    CHECK_FALSE(made);  // refused before anything was signed
    CHECK_FALSE(store.screen_state("hall-1f", "online", 3));
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(store.audit_entries({}).size() == 1);
    CHECK(store.latest_publications(0).empty());
    CHECK(store.audit({0, 4, "li", "127.0.0.1", "logout", "li", ""}));
}

TEST_CASE("office: a database of the first schema is migrated and keeps its records", "[console][office]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "console.db";
    make_first_schema_database(file);
    {
        auto opened = console::Store::open(file);
        REQUIRE(opened);
        console::Store& store = **opened;
        CHECK(store.schema_version() == console::kSchemaVersion);
        // What the first console wrote is still there.
        REQUIRE(store.user("admin"));
        CHECK(store.user("admin")->role == console::Role::admin);
        CHECK(store.playlist("group/floor/1").gen == 1764720000000ull);
        REQUIRE(store.audit_entries({}).size() == 1);
        CHECK(store.audit_entries({})[0].action == "publish_playlist");
        // And the new table works.
        TestClock clock;
        fleet::Publisher publisher({"office-test", office_key().secret_key}, clock.fn());
        auto in = store.record_intent([&](const console::Store::LastGeneration& last) -> Result<console::Intent> {
            auto p = publisher.prepare(notice_order("n1"), last(notice_order("n1").key()));
            if (!p) return p.error();
            console::Intent i;
            i.publications.push_back(*p);
            return i;
        });
        CHECK(in);
    }
    auto again = console::Store::open(file);  // opened again: nothing to migrate
    REQUIRE(again);
    CHECK((*again)->latest_publications(0).size() == 1);

    // A database from a newer console is refused, not changed.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto newer = console::Store::open(file);
    REQUIRE_FALSE(newer);
    CHECK(newer.error().message.find("newer kiosk-console") != std::string::npos);
}

TEST_CASE("office: the console keeps at most 50 routine and 10 urgent notices in force per scope", "[console][office]") {
    test::TempDir dir;
    auto opened = console::Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    console::Store& store = **opened;
    // No broker at this port: each notice is recorded and queued, which is all the bound needs.
    config::Fleet broker;
    broker.enabled = true;
    broker.screen_id = "office";
    broker.host = "127.0.0.1";
    broker.port = test::free_port();
    console::FleetLink link(broker, fleet::Publisher({"office-test", office_key().secret_key}), store);
    auto office = config::parse_kiosk_config(R"({"time_zone": "Asia/Shanghai"})", dir.path() / "office.json");
    REQUIRE(office);
    console::ConsoleSettings settings;
    settings.require_approval = false;
    console::Service service(settings, std::make_shared<const config::KioskConfig>(*office), store, link);
    const console::Actor clerk{"zhang", console::Role::editor, "127.0.0.1"};
    const std::string until = zone_time::format_iso_local(std::time(nullptr) + 7200, "Asia/Shanghai");
    auto post = [&](const std::string& id, const std::string& scope, bool urgent) {
        return service.post_notice(clerk, {{"id", id}, {"text", "通知" + id}, {"until", until}, {"urgent", urgent}, {"scopes", {scope}}});
    };
    for (size_t i = 0; i < fleet::kMaxNoticesPerScope; ++i) {
        const auto o = post("n" + std::to_string(i), "all", false);
        INFO(o.message);
        REQUIRE(o.kind != console::Outcome::Kind::invalid);
    }
    const auto over = post("n-over", "all", false);
    CHECK(over.kind == console::Outcome::Kind::invalid);
    CHECK(over.message.find("「全部屏幕」已有 50 条通知在显示") != std::string::npos);
    CHECK(over.message.find("撤下") != std::string::npos);
    // A new version of one in force is no extra notice; another scope has its own bound; a
    // warning is counted apart, so routine notices never keep it out.
    CHECK(post("n7", "all", false).kind != console::Outcome::Kind::invalid);
    CHECK(post("n-floor", "group/floor/1", false).kind != console::Outcome::Kind::invalid);
    for (size_t i = 0; i < fleet::kMaxUrgentNoticesPerScope; ++i)
        CHECK(post("u" + std::to_string(i), "all", true).kind != console::Outcome::Kind::invalid);
    const auto urgent_over = post("u-over", "all", true);
    CHECK(urgent_over.kind == console::Outcome::Kind::invalid);
    CHECK(urgent_over.message.find("10 条紧急通知") != std::string::npos);
    // Taking one off makes room.
    CHECK(service.clear_notice(clerk, "n3", "all").kind != console::Outcome::Kind::invalid);
    CHECK(post("n-over", "all", false).kind != console::Outcome::Kind::invalid);
}
