// The console's parts without a server or a browser: the checker's messages placed beside
// fields, the audit diff, CSV cells, the login throttle, passwords, the signing key's
// permissions, and the store (append-only audit, plays counted once, sessions).
#include <catch2/catch.hpp>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "config/config.hpp"
#include "fleet/publisher.hpp"
#include "console/auth.hpp"
#include "console/console.hpp"
#include "console/logic.hpp"
#include "console/names.hpp"
#include "console/service.hpp"
#include "console/store.hpp"
#include "console/views.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {
config::KioskConfig office() {
    config::KioskConfig cfg = config::default_config();
    cfg.time_zone = "Asia/Shanghai";
    return cfg;
}
}  // namespace

TEST_CASE("console: the checker's messages land beside the field they concern", "[console]") {
    const json playlist = {{"version", 1},
                           {"items",
                            {{{"id", "a"}, {"text", "甲\n正文"}},
                             {{"id", "b"}, {"text", "乙\n正文"}, {"schedule", {{"hours", {"08:30-12:00", "8:30-25:00"}}}}},
                             {{"id", "c"}, {"source", "file:x.txt"}}}}};
    const auto errors = check_playlist(playlist, office(), 200 * 1024);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].item == 1);
    CHECK(errors[0].field == "schedule.hours");
    CHECK(errors[0].index == 1);
    CHECK(errors[0].message.find("8:30-25:00") != std::string::npos);
    CHECK(errors[1].item == 2);  // a published playlist has no file: sources
    CHECK(errors[1].field == "source");

    const json good = {{"version", 1}, {"items", {{{"id", "a"}, {"text", "甲\n正文"}, {"page_seconds", "auto"}}}}};
    CHECK(check_playlist(good, office(), 200 * 1024).empty());
    // Too big to publish: refused before the checker runs.
    json big = good;
    big["items"][0]["text"] = std::string(300 * 1024, 'x');
    const auto too_big = check_playlist(big, office(), 200 * 1024);
    REQUIRE(too_big.size() == 1);
    CHECK(too_big[0].item == -1);
}

TEST_CASE("console: the checker's issues carry their item, field and list element as values", "[console]") {
    // The same issues `kiosk check` prints, line for line.
    const std::string text = R"({
  "colour": "red",
  "items": [
    {"id": "x: y", "text": "甲", "schedule": {"weekdays": ["mon", "tue", "sun!"]}},
    {"id": "b", "title": 5, "text": "乙"}
  ]
})";
    const auto check = config::check_playlist(text, "playlist", office(), false);
    CHECK_FALSE(check.playlist);
    REQUIRE(check.issues.size() == 3);
    CHECK(check.issues[0].item == -1);  // an unknown key of the playlist itself
    CHECK(check.issues[0].field == "colour");
    const auto& weekday = check.issues[1];
    CHECK(weekday.item == 0);
    CHECK(weekday.item_id == "x: y");
    CHECK(weekday.field == "schedule.weekdays");
    CHECK(weekday.index == 2);
    CHECK(weekday.line == 4);
    CHECK(check.issues[2].item == 1);
    CHECK(check.issues[2].field == "title");
    auto joined = config::parse_playlist(text, "playlist", office(), false);
    REQUIRE_FALSE(joined);
    std::string lines;
    for (const auto& i : check.issues) lines += (lines.empty() ? "" : "\n") + i.text();
    CHECK(joined.error().message == lines);
}

TEST_CASE("console: a playlist's diff shows what changed and little else", "[console]") {
    const json before = {{"items", {{{"id", "a"}, {"title", "甲"}}, {{"id", "b"}, {"title", "乙"}}}}};
    json after = before;
    after["items"][1]["title"] = "丙";
    const std::string d = json_diff(before, after);
    CHECK(d.find("-       \"title\": \"乙\"") != std::string::npos);
    CHECK(d.find("+       \"title\": \"丙\"") != std::string::npos);
    CHECK(d.find("\"甲\"") == std::string::npos);  // unchanged and not next to a change
    CHECK(json_diff(before, before).empty());
    CHECK(json_diff(nullptr, before).rfind("+ {", 0) == 0);  // the first publication: all added
}

TEST_CASE("console: CSV cells are quoted and never formulas", "[console]") {
    CHECK(csv_cell("plain") == "plain");
    CHECK(csv_cell("a,b") == "\"a,b\"");
    CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_cell("line\nbreak") == "\"line\nbreak\"");
    CHECK(csv_cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
    CHECK(csv_cell("+1") == "'+1");
}

TEST_CASE("console: five failures lock an account and address for fifteen minutes", "[console]") {
    Throttle t;
    const std::time_t now = 1'800'000'000;
    for (int i = 0; i < 4; ++i) {
        t = after_failure(t, now + i);
        CHECK_FALSE(throttled(t, now + i));
    }
    t = after_failure(t, now + 4);
    CHECK(throttled(t, now + 5));
    CHECK(throttled(t, now + 4 + kLockSeconds - 1));
    CHECK_FALSE(throttled(t, now + 4 + kLockSeconds));
    // After the lock runs out, counting starts again.
    t = after_failure(t, now + 4 + kLockSeconds);
    CHECK(t.count == 1);
    CHECK_FALSE(throttled(t, now + 4 + kLockSeconds));
}

TEST_CASE("console: passwords are argon2id and verified", "[console]") {
    REQUIRE(sodium_init() >= 0);
    auto hash = hash_password("correct horse");
    REQUIRE(hash);
    CHECK(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(verify_password(*hash, "correct horse"));
    CHECK_FALSE(verify_password(*hash, "correct hors"));
    CHECK_FALSE(verify_password("", "correct horse"));
    CHECK_FALSE(hash_password("short"));
    CHECK(random_token().size() == 64);
    CHECK(random_token() != random_token());
    CHECK(same_token("abc", "abc"));
    CHECK_FALSE(same_token("abc", "abd"));
    CHECK_FALSE(same_token("", ""));
}

TEST_CASE("console: the signing key must be the console user's alone", "[console]") {
    test::TempDir tmp;
    const fs::path dir = tmp.path();
    const fs::path key = dir / "office.key";
    test::write_file(key, "secret");
    ::chmod(key.c_str(), 0644);
    auto loose = fleet::check_key_file(key, ::geteuid());
    REQUIRE_FALSE(loose);
    CHECK(loose.error().message.find("chmod 600") != std::string::npos);
    ::chmod(key.c_str(), 0600);
    CHECK(fleet::check_key_file(key, ::geteuid()));
    auto other = fleet::check_key_file(key, ::geteuid() + 1);
    REQUIRE_FALSE(other);
    CHECK(other.error().message.find("chown") != std::string::npos);
    CHECK_FALSE(fleet::check_key_file(dir / "missing.key", ::geteuid()));
}

TEST_CASE("console: the store keeps an append-only audit, counts each play once, ends sessions", "[console]") {
    REQUIRE(sodium_init() >= 0);
    test::TempDir tmp;
    const fs::path dir = tmp.path();
    auto opened = Store::open(dir / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    REQUIRE(add_user(store, "wang", "admin", "admin-pass-1"));
    CHECK_FALSE(add_user(store, "wang", "admin", "admin-pass-1"));  // taken
    CHECK_FALSE(add_user(store, "bad name", "admin", "admin-pass-1"));
    CHECK_FALSE(add_user(store, "li", "boss", "admin-pass-1"));
    CHECK(store.user("wang")->role == Role::admin);

    store.audit({0, 100, "wang", "127.0.0.1", "login", "wang", ""});
    store.audit({0, 200, "li", "127.0.0.1", "publish_playlist", "all", "+ x"});
    AuditFilter f;
    f.user = "li";
    REQUIRE(store.audit_entries(f).size() == 1);
    CHECK(store.audit_entries(f)[0].detail == "+ x");
    CHECK(store.audit_entries({}).size() == 2);

    const json batch = {{{"id", "s1-1"}, {"item", "a"}, {"start", "2026-12-03 09:00:00"}, {"seconds", 20.0}},
                        {{"id", "s1-2"}, {"item", "a"}, {"start", "2026-12-03 09:00:20"}, {"seconds", 20.0}},
                        {{"id", "s1-3"}, {"item", "b"}, {"start", "2026-12-04 09:00:00"}, {"seconds", 10.0}}};
    CHECK(store.add_plays("s1", batch, 1000).value() == 3);
    CHECK(store.add_plays("s1", batch, 1001).value() == 0);  // the same batch again (its PUBACK was lost)
    const auto rows = store.plays("s1", "a", "", "", 100);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].plays == 2);
    CHECK(rows[0].seconds == Approx(40.0));
    CHECK(rows[0].day == "2026-12-03");

    Session s{random_token(), "wang", random_token(), Role::admin, 5000};
    REQUIRE(store.add_session(s));
    CHECK(store.session(s.token, 4999));
    CHECK_FALSE(store.session(s.token, 5000));  // expired
    store.update_user("wang", std::nullopt, std::nullopt, true);
    CHECK_FALSE(store.session(s.token, 10));  // a disabled account has no session

    // The audit log refuses to be edited, even by a program that opens the database itself.
    opened->reset();
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir / "console.db").c_str(), &raw) == SQLITE_OK);
    char* message = nullptr;
    CHECK(sqlite3_exec(raw, "DELETE FROM audit", nullptr, nullptr, &message) != SQLITE_OK);
    REQUIRE(message);
    CHECK(std::string(message).find("append-only") != std::string::npos);
    sqlite3_free(message);
    CHECK(sqlite3_exec(raw, "UPDATE audit SET user = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(raw);
    auto again = Store::open(dir / "console.db");
    REQUIRE(again);
    CHECK((*again)->audit_entries({}).size() == 2);
}

TEST_CASE("console: JSON nesting is bounded before parsing", "[console]") {
    CHECK(json_nesting_within(R"({"a": [1, {"b": 2}]})", 3));
    CHECK_FALSE(json_nesting_within(R"({"a": [1, {"b": 2}]})", 2));
    CHECK(json_nesting_within(R"({"a": "[[[[[[[[\"[[["})", 1));  // brackets inside strings do not count
    CHECK_FALSE(json_nesting_within(std::string(100000, '['), 32));
}

TEST_CASE("console: items are named for people, never by an internal id when a name exists", "[console]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    auto made = store.record_intent([](const Store::LastGeneration&) -> Result<Intent> {
        Intent in;
        in.playlist = PublishedPlaylist{"group/floor/1", {{"version", 1}, {"items", {{{"id", "item-mxcs3qfyd4"}, {"title", "2019年年度报告"}}}}}, 1, 1, "li"};
        in.notices.push_back({"n1", "group/floor/1", "今天下午停电，暂停办理业务。", "", "li", 100, 1, 0, false, false});
        return in;
    });
    REQUIRE(made);
    const ItemNames names(store);
    CHECK(names.name("item-mxcs3qfyd4") == "2019年年度报告");
    CHECK(names.name("notice/n1@group/floor/1") == "通知：今天下午停电，暂停办理业务。");
    CHECK(names.name("notice/n9@all") == "通知 n9");  // one this console never published
    CHECK(names.name("(standing)") == "待机画面");
    CHECK(names.name("local-a") == "local-a");
    const auto rows = plays_json({{"hall-1f", "item-mxcs3qfyd4", "2026-12-06", 3, 60.0, "", -1}}, names);
    CHECK(rows[0]["name"] == "2019年年度报告");

    ScreenRecord screen;
    screen.id = "hall-1f";
    screen.state = "online";
    screen.status = {{"format", "kiosk-status/1"},
                     {"current", {{"standing", false}, {"item", "item-mxcs3qfyd4"}, {"page", 2}, {"of", 9}}},
                     {"items", {{{"id", "item-mxcs3qfyd4"}, {"title", "2019年年度报告"}}}},
                     {"fleet", {{"groups", {"floor/1"}}, {"notices", {"notice/n1@group/floor/1"}}}}};
    const auto s = screen_summary(screen, 1000, names);
    CHECK(s["floor"] == "1");
    CHECK(s["showing"]["title"] == "2019年年度报告");
    CHECK(s["showing"]["page"] == 2);
    CHECK(s["notices"] == json::array({"通知：今天下午停电，暂停办理业务。"}));
}

TEST_CASE("console: screens, groups and scopes by the names an admin gave them, kept in the store", "[console]") {
    test::TempDir dir;
    auto store = console::Store::open(dir.path() / "console.db");
    REQUIRE(store);
    REQUIRE((*store)->set_display_name("screen", "hall-1f", "1楼东侧屏"));
    REQUIRE((*store)->set_display_name("group", "floor/2", "二楼大厅"));
    console::DisplayNames names(**store);
    CHECK(names.scope("all") == "全部屏幕");
    CHECK(names.scope("screen/hall-1f") == "1楼东侧屏");
    CHECK(names.scope("screen/hall-2f") == "hall-2f");        // no name: the id, nothing made up
    CHECK(names.scope("group/floor/2") == "二楼大厅");
    CHECK(names.scope("group/floor/1") == "1 楼");            // a floor reads as one
    CHECK(names.group("east") == "east");
    CHECK(names.named("screen", "hall-1f"));
    CHECK_FALSE(names.named("screen", "hall-2f"));
    REQUIRE((*store)->set_display_name("screen", "hall-1f", ""));  // an empty name removes it
    CHECK(console::DisplayNames(**store).screen("hall-1f") == "hall-1f");
}
