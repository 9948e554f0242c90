// 播放记录 and 操作日志 in words a clerk reads: the playlist change summary (items added,
// removed, moved; time slots, days, titles changed), showings counted apart from pages (a
// batch sent twice counted once; the kiosk's own counter), titles kept after an item leaves
// the playlist, the answer sentence, and old English audit entries rendered in Chinese.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "console/changes.hpp"
#include "console/names.hpp"
#include "console/store.hpp"
#include "console/views.hpp"
#include "fleet/plays.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {
json item(const std::string& id, const std::string& title, json schedule = nullptr) {
    json i = {{"id", id}, {"title", title}, {"source", "https://www.example.gov.cn/" + id + ".html"}, {"page_seconds", 20}};
    if (!schedule.is_null()) i["schedule"] = schedule;
    return i;
}
json playlist(std::initializer_list<json> items) { return {{"version", 1}, {"items", json(items)}}; }

}  // namespace

TEST_CASE("records: a playlist edit summarised in Chinese", "[console][records]") {
    const json before = playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), item("b", "收费标准"), item("c", "人员名单")});

    SECTION("time slot changed") {
        const json after = playlist({item("a", "办事指南", {{"hours", {"08:30-17:00"}}}), item("b", "收费标准"), item("c", "人员名单")});
        CHECK(playlist_change_summary(before, after) == "第 1 项「办事指南」时段 08:30-12:00 → 08:30-17:00");
    }
    SECTION("a slot removed: all day") {
        const json after = playlist({item("a", "办事指南"), item("b", "收费标准"), item("c", "人员名单")});
        CHECK(playlist_change_summary(before, after) == "第 1 项「办事指南」时段 08:30-12:00 → 全天");
    }
    SECTION("added and removed") {
        const json after = playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), item("b", "收费标准"), item("d", "2019年年度报告")});
        CHECK(playlist_change_summary(before, after) == "删除「人员名单」\n新增第 3 项「2019年年度报告」");
    }
    SECTION("moved") {
        const json after = playlist({item("c", "人员名单"), item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), item("b", "收费标准")});
        CHECK(playlist_change_summary(before, after) == "「人员名单」从第 3 项移到第 1 项");
    }
    SECTION("days changed") {
        const json after = playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}, {"weekdays", {"mon", "tue", "wed", "thu", "fri"}}}),
                                     item("b", "收费标准", {{"weekdays", {"sat", "sun"}}}), item("c", "人员名单")});
        CHECK(playlist_change_summary(before, after) ==
              "第 1 项「办事指南」播放日 每天 → 星期一至五\n第 2 项「收费标准」播放日 每天 → 星期六、日");
    }
    SECTION("title changed, seconds, off") {
        json b2 = item("b", "收费标准（2027）");
        b2["page_seconds"] = "auto";
        b2["enabled"] = false;
        const json after = playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), b2, item("c", "人员名单")});
        CHECK(playlist_change_summary(before, after) == "第 2 项「收费标准（2027）」标题「收费标准」→「收费标准（2027）」，每页 20 秒 → 自动，停播");
    }
    SECTION("nothing, and the first publication") {
        CHECK(playlist_change_summary(before, before) == "没有改动");
        CHECK(playlist_change_summary(nullptr, playlist({item("a", "办事指南")})) == "第一次发布，共 1 项\n新增第 1 项「办事指南」");
    }
    SECTION("never an id or a JSON path") {
        const json after = playlist({json{{"id", "item-x"}, {"text", "今天下午停电\n请改日办理"}}});
        const std::string s = playlist_change_summary(before, after);
        CHECK(s.find("新增第 1 项「今天下午停电」") != std::string::npos);
        CHECK(s.find("item-") == std::string::npos);
        CHECK(s.find("\"") == std::string::npos);
    }
    SECTION("a 新旧对照 item: its type, its two texts and its 施行日期 in the form's words") {
        json compare = item("b", "政府信息公开条例");
        compare.erase("source");
        compare["kind"] = "compare";
        compare["old"] = "https://www.example.gov.cn/2007.html";
        compare["new"] = "https://www.example.gov.cn/2019.html";
        const json after = playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), compare, item("c", "人员名单")});
        CHECK(playlist_change_summary(before, after) ==
              "第 2 项「政府信息公开条例」标题「收费标准」→「政府信息公开条例」，类型 自动判断 → 新旧对照，"
              "修订前的文本改为 https://www.example.gov.cn/2007.html，修订后的文本改为 https://www.example.gov.cn/2019.html");
        json dated = compare;
        dated["effective"] = "2019-05-15";
        dated["new"] = "https://www.example.gov.cn/2019b.html";
        CHECK(playlist_change_summary(after, playlist({item("a", "办事指南", {{"hours", {"08:30-12:00"}}}), dated, item("c", "人员名单")})) ==
              "第 2 项「政府信息公开条例」修订后的文本改为 https://www.example.gov.cn/2019b.html，施行日期 未填 → 2019-05-15");
    }
}

TEST_CASE("records: the log's old English entries read in Chinese", "[console][records]") {
    const DisplayNames names({{{"screen", "hall-1f"}, "1楼东侧屏"}, {{"group", "floor/1"}, "一楼大厅"}});
    const auto name_of = [](const std::string& id) { return id == "notice/n1@group/floor/1" ? "通知：今天停电" : id; };
    AuditEntry e{1, 0, "li", "127.0.0.1", "publish_playlist", "group/floor/1", "approved, edited by wang\n- \"a\"\n+ \"b\"\n"};
    std::string diff;
    CHECK(audit_detail_words(e, name_of, &diff) == "审核通过（修改人：wang）\n节目单有改动（旧记录，只存了技术格式的改动）");
    CHECK(diff == "- \"a\"\n+ \"b\"\n");
    CHECK(audit_target_words(e, names) == "一楼大厅");
    CHECK(action_name("publish_playlist") == "发布节目单");
    CHECK(action_name("approve") == "批准");
    CHECK(action_name("reject") == "退回");
    CHECK(action_name("login") == "登录");

    e = {2, 0, "zhang", "", "approve", "notice", "#7 by li"};
    CHECK(audit_detail_words(e, name_of) == "第 7 号修改，提交人：li");
    CHECK(audit_target_words(e, names) == "通知");
    e = {3, 0, "li", "", "clear_notice", "group/floor/1", "id n1"};
    CHECK(audit_detail_words(e, name_of) == "撤下「通知：今天停电」");
    e = {4, 0, "li", "", "publish_notice", "screen/hall-1f", "approved, written by li\nid n2\n紧急 插播 until 2026-12-07 18:00\n\n今天停电"};
    CHECK(audit_detail_words(e, name_of) == "审核通过（撰写人：li）\n紧急 插播 显示到 2026-12-07 18:00\n今天停电");
    CHECK(audit_target_words(e, names) == "1楼东侧屏");
    e = {5, 0, "admin", "", "update_user", "li", "role approver password "};
    CHECK(audit_detail_words(e, name_of) == "角色改为审核，重设密码");
    e = {6, 0, "li", "", "login_failed", "li", "locked for 15 minutes"};
    CHECK(audit_detail_words(e, name_of) == "连续输错，已锁定 15 分钟");
    e = {7, 0, "li", "", "submit_playlist", "group/floor/1", "waiting for approval (#12)\n  {\n-   \"x\": 1\n"};
    CHECK(audit_detail_words(e, name_of).rfind("等待审核（第 12 号）\n", 0) == 0);
    e = {8, 0, "li", "", "refresh", "screen/hall-1f", "{}"};
    CHECK(audit_detail_words(e, name_of) == "全部内容");
    CHECK(audit_user_words("(command line)") == "命令行");
    CHECK(audit_address_words("local") == "本机");
    CHECK(audit_user_words("li") == "li");
}

TEST_CASE("records: a showing is every page of an item, in order", "[console][records]") {
    fleet::ShowingCounter c;
    // Three pages, twice: two showings.
    int done = 0;
    for (int round = 0; round < 2; ++round)
        for (int p = 0; p < 3; ++p) done += c.shown("a", p, 3);
    CHECK(done == 2);
    // A notice between two pages does not break the showing (the rotation resumes).
    CHECK_FALSE(c.shown("a", 0, 3));
    CHECK(c.shown("notice/n1@all", 0, 1));  // a one-page notice: a showing each time
    CHECK_FALSE(c.shown("a", 1, 3));
    CHECK(c.shown("a", 2, 3));
    // Entered midway (the screen started, or a page was skipped): not complete.
    CHECK_FALSE(c.shown("b", 1, 2));
    CHECK_FALSE(c.shown("a", 0, 3));
    CHECK_FALSE(c.shown("a", 2, 3));
    CHECK_FALSE(c.shown("a", 1, 3));
}

TEST_CASE("records: plays counted as showings and pages, titles kept, a question answered", "[console][records]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    auto made = store.record_intent([](const Store::LastGeneration&) -> Result<Intent> {
        Intent in;
        in.playlist = PublishedPlaylist{"group/floor/1", playlist({item("item-mxcs3qfyd4", "2019年年度报告")}), 1, 1, "li"};
        return in;
    });
    REQUIRE(made);
    REQUIRE(store.set_display_name("screen", "hall-1f", "1楼东侧屏"));

    // Two showings of a three-page item on 12-06, the second batch sent twice; one page of
    // a third showing cut short; the screen sends no title (an older screen): the console's
    // name at filing time is kept.
    auto page = [](int n, int p, bool complete, const std::string& day = "2026-12-06") {
        return json{{"id", "hall-1f-" + std::to_string(n)}, {"item", "item-mxcs3qfyd4"}, {"start", day + "T09:00:00"},
                    {"seconds", 5.0}, {"page", p}, {"of", 3}, {"complete", complete}};
    };
    json first = {page(1, 1, false), page(2, 2, false), page(3, 3, true)};
    json second = {page(4, 1, false), page(5, 2, false), page(6, 3, true), page(7, 1, false)};
    name_plays(first, ItemNames(store));
    name_plays(second, ItemNames(store));
    CHECK(first[0]["title"] == "2019年年度报告");
    CHECK(store.add_plays("hall-1f", first, 1000).value() == 3);
    CHECK(store.add_plays("hall-1f", second, 1001).value() == 4);
    CHECK(store.add_plays("hall-1f", second, 1002).value() == 0);  // its PUBACK was lost: sent again

    // The item leaves the playlist: its plays keep the name.
    auto removed = store.record_intent([](const Store::LastGeneration&) -> Result<Intent> {
        Intent in;
        in.playlist = PublishedPlaylist{"group/floor/1", playlist({item("other", "办事指南")}), 2, 2, "li"};
        return in;
    });
    REQUIRE(removed);
    const ItemNames names(store);
    CHECK(names.name("item-mxcs3qfyd4") == "item-mxcs3qfyd4");  // the console no longer knows it…
    // …a screen's own title wins, and a later day's plays from a screen that sends titles.
    json third = {page(8, 1, false, "2026-12-07"), page(9, 2, false, "2026-12-07"), page(10, 3, true, "2026-12-07")};
    for (auto& r : third) r["title"] = "2019年年度报告";
    name_plays(third, names);
    CHECK(store.add_plays("hall-1f", third, 1003).value() == 3);

    PlaysQuery q;
    q.items = matching_items("2019", store.play_items(), names);
    REQUIRE(q.items);
    CHECK(*q.items == std::vector<std::string>{"item-mxcs3qfyd4"});
    CHECK(matching_items("年度 报告", store.play_items(), names)->size() == 1);
    CHECK(matching_items("2018", store.play_items(), names)->empty());
    const DisplayNames dn(store);
    q.screens = matching_screens("1楼", store.play_screens(), dn);
    CHECK(*q.screens == std::vector<std::string>{"hall-1f"});
    CHECK(*matching_screens("hall-1f", store.play_screens(), dn) == std::vector<std::string>{"hall-1f"});
    q.from_day = q.until_day = "2026-12-06";
    const auto rows = store.plays(q);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].plays == 7);     // pages
    CHECK(rows[0].showings == 2);  // whole showings
    CHECK(play_name(rows[0], names) == "2019年年度报告");

    const json answer = plays_answer(rows, names, dn, "1楼", "2019", "2026-12-06", "2026-12-07");
    REQUIRE(answer["sentences"].size() == 1);
    CHECK(answer["sentences"][0] == "「2019年年度报告」昨天在 1楼东侧屏 完整播放 2 次（共 7 页）");
    CHECK(answer["showings"] == 2);
    const json none = plays_answer({}, names, dn, "1楼", "2018", "2026-12-06", "2026-12-07");
    CHECK(none["found"] == false);
    CHECK(none["sentences"][0].get<std::string>().find("没有「2018」的播放记录") != std::string::npos);

    const std::string csv = plays_csv(store.plays(PlaysQuery{}), names, dn);
    CHECK(csv.find("日期,屏幕,内容,完整播放次数,显示页数,播放时长（秒）") != std::string::npos);
    CHECK(csv.find("2026-12-06,1楼东侧屏,2019年年度报告,2,7,35.0") != std::string::npos);
    CHECK(csv.find("item-mxcs3qfyd4") == std::string::npos);
    CHECK(csv.find("hall-1f") == std::string::npos);

    CHECK(day_words("2026-12-07", "2026-12-07") == "今天");
    CHECK(day_words("2026-11-30", "2026-12-01") == "昨天");
    CHECK(day_words("2026-12-01", "2026-12-07") == "12月1日");
    CHECK(day_words("2025-12-31", "2026-01-05") == "2025年12月31日");
}

TEST_CASE("records: plays from a screen that reports no showings", "[console][records]") {
    // An older screen: page numbers only, no `of`, no `complete`: its first pages stand in.
    CHECK(completes_showing(json{{"page", 1}}) == 1);
    CHECK(completes_showing(json{{"page", 2}}) == 0);
    CHECK(completes_showing(json{{"page", 3}, {"of", 3}}) == 1);
    CHECK(completes_showing(json{{"page", 1}, {"of", 3}}) == 0);
    CHECK(completes_showing(json{{"page", 1}, {"of", 3}, {"complete", true}}) == 1);
    CHECK(completes_showing(json{{"page", 1}, {"standing", true}}) == 0);
}

TEST_CASE("records: rows counted before schema 4 say pages only", "[console][records]") {
    test::TempDir dir;
    {
        auto opened = Store::open(dir.path() / "console.db");
        REQUIRE(opened);
        const json old = {{{"id", "s-1"}, {"item", "a"}, {"start", "2026-12-06T09:00:00"}, {"seconds", 5.0}, {"page", 1}}};
        REQUIRE((*opened)->add_plays("hall-1f", old, 1000).value() == 1);
    }
    // As a schema-3 console left it: no showings counted, no title.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir.path() / "console.db").c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "UPDATE plays SET showings = NULL, title = ''", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    const auto rows = store.plays(PlaysQuery{});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].showings == -1);
    const ItemNames names(store);
    const DisplayNames dn(store);
    CHECK(plays_json(rows, names, dn)[0]["showings"].is_null());
    CHECK(plays_csv(rows, names, dn).find("2026-12-06,hall-1f,a,不详,1,5.0") != std::string::npos);
    CHECK(plays_answer(rows, names, dn, "", "a", "2026-12-06", "2026-12-06")["sentences"][0] ==
          "「a」今天在 hall-1f 显示了 1 页（这段时间的记录只数了页数）");
    // A play filed after the upgrade counts on from there.
    const json now = {{{"id", "s-2"}, {"item", "a"}, {"start", "2026-12-06T10:00:00"}, {"seconds", 5.0}, {"page", 1}, {"of", 1}, {"complete", true}}};
    REQUIRE(store.add_plays("hall-1f", now, 1001).value() == 1);
    CHECK(store.plays(PlaysQuery{})[0].showings == 1);
}
