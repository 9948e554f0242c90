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
#include "console/preview.hpp"
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
        in.notices.push_back({"n1", "group/floor/1", "今天下午停电，暂停办理业务。", "", "li", 100, 1, 0, false, false, "turn"});
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
    const auto s = screen_summary(screen, 1000, names, DisplayNames(store));
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

namespace {
ScreenRecord screen_of(const std::string& id, const std::string& state, json items = json::array(), std::time_t heard = 990) {
    ScreenRecord r;
    r.id = id;
    r.state = state;
    r.state_since = 900;
    r.heard = heard;
    r.status = {{"format", "kiosk-status/1"},
                {"current", {{"standing", false}, {"item", "a"}, {"page", 1}, {"of", 2}}},
                {"items", items},
                {"fleet", {{"enabled", true}, {"hall", "政务大厅"}, {"groups", {"floor/1"}}}}};
    return r;
}
}  // namespace

TEST_CASE("console: the 屏幕 page puts problems first and counts each screen once, by its worst", "[console][screens]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    REQUIRE(store.set_display_name("screen", "c-err", "1楼东侧屏"));
    REQUIRE(store.set_display_name("group", "floor/1", "一楼大厅"));
    const ItemNames items(store);
    const DisplayNames display(store);
    const json refused = {{{"id", "a"}, {"title", "办事指南"}, {"error", "waiting for the first fetch (no cached copy of \"a\")"},
                           {"reason", "还没有取到内容：连接被拒绝（服务器没有在这个端口上服务）"}}};
    const json stale = {{{"id", "a"}, {"title", "办事指南"}, {"error", ""},
                         {"fetch", {{"failures", 2}, {"last_error", "HTTP 404 (not found)"}, {"reason", "网页不存在（404）"}}}}};
    const json english_only = {{{"id", "a"}, {"title", "办事指南"}, {"error", "the server refused or did not answer the connection"}}};
    std::vector<ScreenRecord> screens = {
        screen_of("a-fine", "online"),
        screen_of("b-off", "disconnected", refused),  // what it last said does not make it red
        screen_of("c-err", "online", refused),
        screen_of("d-lost", "offline"),
        screen_of("e-stale", "online", stale),
        screen_of("f-quiet", "online", json::array(), 700),  // nothing for 300 s
        screen_of("g-old", "online", english_only),
    };
    const json page = screens_page(screens, 1000, items, display);
    std::vector<std::string> order;
    for (const auto& s : page["screens"]) order.push_back(s["id"]);
    // Offline, then silent, then errors, then stale content, then shut down, then fine.
    CHECK(order == std::vector<std::string>{"d-lost", "f-quiet", "c-err", "g-old", "e-stale", "b-off", "a-fine"});
    CHECK(page["summary"]["text"] == "共 7 块屏幕：1 块离线，1 块无响应，2 块出错，1 块内容过期，1 块已关机。");
    CHECK(page["summary"]["problems"] == 5);
    const auto& by = [&](const std::string& id) -> const json& {
        for (const auto& s : page["screens"])
            if (s["id"] == id) return s;
        FAIL("no screen " << id);
        return page;
    };
    CHECK(by("a-fine")["state_text"] == "在线");
    CHECK(by("a-fine")["problem"] == false);
    CHECK(by("a-fine")["can_act"] == true);
    CHECK(by("b-off")["state_text"] == "已关机（正常关闭）");
    CHECK(by("b-off")["problem"] == false);
    CHECK(by("b-off")["can_act"] == false);
    CHECK(by("b-off")["why_not"] == "这块屏幕已关机，开机连上后才能截屏和立即刷新");
    CHECK(by("d-lost")["state_text"] == "离线（连接中断）");
    CHECK(by("d-lost")["problem"] == true);
    CHECK(by("d-lost")["why_not"] == "这块屏幕离线（连接中断），恢复连接后才能截屏和立即刷新");
    CHECK(by("f-quiet")["state_text"] == "无响应");
    // The names an admin gave; the id stays beside them.
    CHECK(by("c-err")["name"] == "1楼东侧屏");
    CHECK(by("c-err")["named"] == true);
    CHECK(by("c-err")["floor_name"] == "一楼大厅");
    CHECK(by("c-err")["problems"][0]["text"] == "还没有取到内容：连接被拒绝（服务器没有在这个端口上服务）");
    CHECK(by("c-err")["problems"][0]["title"] == "办事指南");
    CHECK(by("e-stale")["problems"][0]["kind"] == "stale");
    CHECK(by("e-stale")["problems"][0]["text"] == "网页不存在（404）；仍在显示上次取到的内容");
    // A screen that says only English: the clerk still reads Chinese, never the English.
    const std::string old_text = by("g-old")["problems"][0]["text"];
    CHECK(old_text.find("refused") == std::string::npos);
    CHECK(old_text.rfind("出错了", 0) == 0);
    CHECK(page["floors"] == json::array({{{"floor", "1"}, {"name", "一楼大厅"}}}));
    CHECK(page["groups"][0]["name"] == "一楼大厅");
    CHECK(page["halls"] == json::array({"政务大厅"}));
    CHECK(screens_page({screen_of("a", "online")}, 1000, items, display)["summary"]["text"] == "共 1 块屏幕，全部正常。");
    // A playlist the screen cannot fetch: content out of date, the cause in Chinese.
    ScreenRecord portal = screen_of("p", "online");
    portal.status["playlist"] = {{"fetch_error", "HTTP 503 (server error)"}, {"fetch_reason", "门户服务器出错（503）"}};
    const json p = screen_summary(portal, 1000, items, display);
    CHECK(p["problems"][0]["text"] == "门户服务器出错（503）；仍在播放上次取到的节目单");
    CHECK(p["rank"] == 3);
    // A screen whose state was never heard (or is one this console does not know) is counted apart.
    CHECK(screens_page({screen_of("a", "online"), screen_of("b", "")}, 1000, items, display)["summary"]["text"] ==
          "共 2 块屏幕：1 块还没有消息。");
}

TEST_CASE("console: a screenshot request times out, and one older than the screen's last change is marked old", "[console][screens]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    const ItemNames items(**opened);
    const DisplayNames display(**opened);
    ScreenRecord r = screen_of("a", "online");
    r.screenshot_at = 500;
    CHECK(screen_summary(r, 1000, items, display)["screenshot"] == "current");
    r.content_changed = 600;  // a notice came after the screenshot
    CHECK(screen_summary(r, 1000, items, display)["screenshot"] == "old");
    CHECK(screen_summary(r, 1000, items, display)["screenshot_text"] == "旧截屏（之后画面已变）");
    r.screenshot_asked = 990;
    CHECK(screen_summary(r, 1000, items, display)["screenshot"] == "waiting");
    const json late = screen_summary(r, 990 + kScreenshotWait + 1, items, display);
    CHECK(late["screenshot"] == "late");
    CHECK(late["screenshot_text"].get<std::string>().rfind("截屏没有回来：", 0) == 0);
    r.state = "offline";
    CHECK(screen_summary(r, 990 + kScreenshotWait + 1, items, display)["screenshot_text"] ==
          "截屏没有回来：这块屏幕离线（连接中断），恢复连接后才能截屏和立即刷新");
    // The status's content, not its page turns, is what changes a screen's picture.
    json a = screen_of("a", "online").status, b = a;
    b["current"]["page"] = 2;
    CHECK(content_fingerprint(a) == content_fingerprint(b));
    b["fleet"]["notices"] = {"notice/n1@all"};
    CHECK(content_fingerprint(a) != content_fingerprint(b));
}

TEST_CASE("console: an admin's names are checked and trimmed", "[console][screens]") {
    auto ok = check_display_name("screen", "hall-1f", "　1楼东侧屏 ");
    REQUIRE(ok);
    CHECK(ok->name == "1楼东侧屏");
    CHECK(check_display_name("group", "floor/1", "一楼大厅"));
    CHECK(check_display_name("screen", "hall-1f", "")->name.empty());
    CHECK(check_display_name("hall", "x", "y").error().message == "只能给屏幕或分组起名");
    CHECK(check_display_name("screen", "../x", "y").error().message == "没有这块屏幕或这个分组");
    CHECK(check_display_name("screen", "a", "一\n二").error().message == "名称里不能有换行或控制字符");
    CHECK(check_display_name("screen", "a", std::string(31 * 3, 'x')).error().message == "名称太长：最多 30 个字");
}

TEST_CASE("预览失败: the clerk reads kiosk's reason, not the screen's English log lines before it", "[console][compare]") {
    using kiosk::console::preview_failure_reason;
    const std::string err =
        "kiosk error [content] waiting for the first fetch (no cached copy of \"preview\"); skipped\n"
        "kiosk: preview: the comparison could not be made: 修订后的文本里没有找到“第一条”这样的条文编号，不能逐条对照\n";
    CHECK(preview_failure_reason(err) == "修订后的文本里没有找到“第一条”这样的条文编号，不能逐条对照");
    CHECK(preview_failure_reason("kiosk: cannot open the font\n") == "cannot open the font");
    CHECK(preview_failure_reason("") == "");
}
