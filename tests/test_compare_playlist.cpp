// 新旧对照 in the playlist (issue 30): "kind": "compare" with its two texts ("old", "new") or
// one published 对照表 ("source"), and its effective date; each mistake refused with a message
// that says what to do, beside its field, in Chinese under zh_CN (kiosk check, the console).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kiosk;

namespace {
config::KioskConfig office() {
    config::KioskConfig cfg = config::default_config();
    cfg.file = "/etc/kiosk/kiosk.json";
    cfg.time_zone = "Asia/Shanghai";
    cfg.network.allowed_hosts = {"www.gov.cn", ".jl.gov.cn"};
    return cfg;
}

config::PlaylistCheck check(const json& item, bool local = true) {
    const json playlist = {{"version", 1}, {"items", json::array({item})}};
    return config::check_playlist(playlist.dump(2), "playlist.json", office(), local);
}

const json kTexts = {{"id", "tiaoli"}, {"kind", "compare"}, {"title", "政府信息公开条例新旧对照"},
                     {"old", "file:tiaoli-2007.txt"}, {"new", "file:tiaoli-2019.txt"}};
json with(json item, const json& more) {
    item.update(more);
    return item;
}
json without(json item, const char* key) {
    item.erase(key);
    return item;
}
}  // namespace

TEST_CASE("compare playlist: the two texts, a published table, the effective date are read", "[compare_playlist]") {
    auto texts = check(with(kTexts, {{"effective", " 2019-05-15 "}}));
    REQUIRE(texts.issues.empty());
    const config::PlaylistItem& t = texts.playlist->items.at(0);
    CHECK(t.kind == "compare");
    CHECK(t.old_source == "file:tiaoli-2007.txt");
    CHECK(t.new_source == "file:tiaoli-2019.txt");
    CHECK(t.source.empty());
    CHECK(t.effective == "2019-05-15");

    // As a clerk writes the date, and with an input method's full-width digits.
    for (const char* date : {"2019年5月15日", "2019年05月15日", "２０１９年５月１５日", "2019-5-15"}) {
        INFO(date);
        auto c = check(with(kTexts, {{"effective", date}}));
        REQUIRE(c.issues.empty());
        CHECK(c.playlist->items[0].effective == date);
    }
    // Left blank: read from the new text.
    auto blank = check(with(kTexts, {{"effective", ""}}));
    REQUIRE(blank.issues.empty());
    CHECK(blank.playlist->items[0].effective.empty());

    // One published 对照表 page; one side on the portal and one on this machine.
    auto table = check({{"id", "duizhao"}, {"kind", "compare"}, {"source", "https://www.gov.cn/zhengce/duizhao.html"}});
    REQUIRE(table.issues.empty());
    CHECK(table.playlist->items[0].source == "https://www.gov.cn/zhengce/duizhao.html");
    CHECK(table.playlist->items[0].old_source.empty());
    auto mixed = check(with(kTexts, {{"new", " https://www.gov.cn/zhengce/2019-04/15/content_5382991.htm "}}), true);
    REQUIRE(mixed.issues.empty());
    CHECK(mixed.playlist->items[0].new_source == "https://www.gov.cn/zhengce/2019-04/15/content_5382991.htm");
    // Published on the portal (not on this machine): two web texts are fine.
    auto web = check(with(kTexts, {{"old", "https://www.gov.cn/a.htm"}, {"new", "https://sft.jl.gov.cn/b.htm"}}), false);
    CHECK(web.issues.empty());
}

TEST_CASE("compare playlist: each mistake is refused beside its field, saying what to do", "[compare_playlist]") {
    struct Case {
        json item;
        bool local;
        std::string field, message;
    };
    const std::string same = "a comparison takes either its two texts (before and after the revision) or one published "
                             "comparison table, not both: remove one";
    const std::vector<Case> cases = {
        {without(kTexts, "new"), true, "", "a comparison needs the revised text as well: fill in where the text after the revision is"},
        {without(kTexts, "old"), true, "",
         "a comparison needs the text before the revision as well: fill in where the old text is"},
        {with(kTexts, {{"source", "https://www.gov.cn/duizhao.html"}}), true, "source", same},
        {without(without(kTexts, "old"), "new"), true, "",
         "a comparison needs its texts: the text before and after the revision, or the address of a published comparison table"},
        {with(without(without(kTexts, "old"), "new"), {{"text", "第一条　……"}}), true, "text",
         "a comparison is read from its texts, not typed in: give the text before and after the revision, or the address "
         "of a published comparison table"},
        {with(kTexts, {{"new", "file:tiaoli-2007.txt"}}), true, "new",
         "the text before and after the revision are the same source: give the revised text here"},
        {with(kTexts, {{"old", "  "}}), true, "old",
         "fill in where the text before the revision is: a file, or a web address like https://www.gov.cn/…"},
        {with(kTexts, {{"new", ""}}), true, "new",
         "fill in where the revised text is: a file, or a web address like https://www.gov.cn/…"},
        {with(kTexts, {{"old", "https://evil.example.com/old.htm"}}), true, "old",
         "host \"evil.example.com\" is not in network.allowed_hosts of kiosk.json"},
        {kTexts, false, "old", "\"file:tiaoli-2007.txt\": file: sources are allowed only in a playlist on this machine"},
        {with(kTexts, {{"effective", "2019-02-30"}}), true, "effective",
         "effective date \"2019-02-30\": write it as year-month-day, like 2019-05-15 or 2019年5月15日"},
        {with(kTexts, {{"effective", "15/5/2019"}}), true, "effective",
         "effective date \"15/5/2019\": write it as year-month-day, like 2019-05-15 or 2019年5月15日"},
        {with(kTexts, {{"effective", "2019年13月1日"}}), true, "effective",
         "effective date \"2019年13月1日\": write it as year-month-day, like 2019-05-15 or 2019年5月15日"},
        {{{"id", "r"}, {"kind", "report"}, {"source", "file:r.txt"}, {"effective", "2019-05-15"}}, true, "effective",
         "only a comparison (\"kind\": \"compare\") has \"effective\""},
        {{{"id", "r"}, {"source", "file:r.txt"}, {"old", "file:old.txt"}}, true, "old",
         "only a comparison (\"kind\": \"compare\") has \"old\""},
    };
    for (const auto& c : cases) {
        INFO(c.item.dump());
        const auto r = check(c.item, c.local);
        CHECK_FALSE(r.playlist);
        REQUIRE(r.issues.size() == 1);
        CHECK(r.issues[0].item == 0);
        CHECK(r.issues[0].field == c.field);
        CHECK(r.issues[0].message == c.message);
        CHECK(r.issues[0].line > 0);  // placed: at its field, or at the item
    }
}

TEST_CASE("compare playlist: kiosk check finds a missing text file and says it all in Chinese", "[compare_playlist][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "kiosk.json", R"({"time_zone": "Asia/Shanghai"})");
    test::write_file(dir.path() / "tiaoli-2007.txt", "第一条　为了保障公民、法人和其他组织依法获取政府信息，制定本条例。\n");
    test::write_file(dir.path() / "playlist.json", R"({"version": 1, "items": [
  {"id": "tiaoli", "kind": "compare", "old": "file:tiaoli-2007.txt", "new": "file:tiaoli-2019.txt", "effective": "2019年5月15日"}
]}
)");
    const std::string cfg = (dir.path() / "kiosk.json").string();
    auto missing = test::run_kiosk({"check", "--config", cfg});
    INFO(missing.err);
    CHECK(missing.status == 1);
    CHECK(missing.err.find("items[0] (\"tiaoli\").new: " + (dir.path() / "tiaoli-2019.txt").string() + ": no such file") !=
          std::string::npos);
    CHECK(missing.err.find(".old:") == std::string::npos);  // the old text is there

    test::write_file(dir.path() / "playlist.json", R"({"version": 1, "items": [
  {"id": "a", "kind": "compare", "old": "file:tiaoli-2007.txt"},
  {"id": "b", "kind": "compare", "old": "file:tiaoli-2007.txt", "new": "file:tiaoli-2019.txt", "source": "file:duizhao.html"},
  {"id": "c", "kind": "compare", "old": "file:tiaoli-2007.txt", "new": "file:tiaoli-2019.txt", "effective": "2019.5.15"},
  {"id": "d", "source": "file:tiaoli-2007.txt", "new": "file:tiaoli-2019.txt"}
]}
)");
    auto zh = test::run_kiosk({"check", "--config", cfg}, "LANGUAGE=zh_CN LANG=zh_CN.UTF-8");
    INFO(zh.err);
    CHECK(zh.status == 1);
    CHECK(zh.err.find("items[0] (\"a\"): 新旧对照还缺修订后的文本：请填写修订后文本的位置\n") != std::string::npos);
    CHECK(zh.err.find("items[1] (\"b\").source: 新旧对照要么填写修订前和修订后两份文本，要么填写一个已发布的新旧对照表，"
                      "不能两样都填：请删去一样\n") != std::string::npos);
    CHECK(zh.err.find("items[2] (\"c\").effective: 施行日期“2019.5.15”看不懂：请写成年-月-日，如 2019-05-15 或 2019年5月15日\n") !=
          std::string::npos);
    CHECK(zh.err.find("items[3] (\"d\").new: 只有新旧对照（\"kind\": \"compare\"）才有 \"new\"\n") != std::string::npos);
    CHECK(std::count(zh.err.begin(), zh.err.end(), '\n') == 4);
}
