// The playlist checker's words as a clerk reads them (beside a field of the console's form,
// or from `kiosk check`): what to do, naming the field as the form labels it, never a JSON
// path or a raw JSON value; and what a clerk types read where the intent is clear (8:30,
// a Chinese input method's ０８：３０－１２：００, spaces).
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "console/logic.hpp"
#include "content/text_import.hpp"
#include "support.hpp"

using nlohmann::json;
using namespace kiosk;

namespace {
config::KioskConfig office() {
    config::KioskConfig cfg = config::default_config();
    cfg.time_zone = "Asia/Shanghai";
    return cfg;
}

// The one message the console shows for a one-item playlist.
console::FieldError only_error(const json& item) {
    const json playlist = {{"version", 1}, {"items", json::array({item})}};
    const auto errors = console::check_playlist(console::tidy_playlist(playlist), office(), 200 * 1024);
    REQUIRE(errors.size() == 1);
    return errors[0];
}
}  // namespace

TEST_CASE("playlist words: each mistake says what to do, beside its field, with no JSON in it", "[words]") {
    struct Case {
        json item;
        std::string field, message;
    };
    const std::vector<Case> cases = {
        {{{"id", "a"}, {"text", ""}}, "text", "fill in the text, or upload a file"},
        {{{"id", "a"}, {"text", " \n\t\u3000 "}}, "text", "fill in the text, or upload a file"},  // only spaces
        {{{"id", "a"}, {"source", "  "}}, "source", "fill in the web address, like https://www.changchun.gov.cn/…"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"weekdays", json::array()}}}}, "schedule.weekdays",
         "choose at least one day of the week"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"from", "2026-12-05"}, {"until", "2026-12-01"}}}}, "schedule.until",
         "the end date must be on or after the start date"},
        {{{"id", "a"}, {"text", "正文"}, {"page_seconds", 0}}, "page_seconds",
         "seconds per page must be more than 0 and at most 3600, or choose automatic"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"from", "2026/12/05"}}}}, "schedule.from",
         "write the start date as year-month-day, like 2026-01-31"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"hours", {"830-1200"}}}}}, "schedule.hours",
         "time range \"830-1200\": write \"830\" as hours:minutes, like 08:30"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"hours", {"8:00-25:00"}}}}}, "schedule.hours",
         "time range \"8:00-25:00\": there is no time \"25:00\" (hours 00 to 24, minutes 00 to 59)"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"hours", {"08:30"}}}}}, "schedule.hours",
         "time range \"08:30\": write it as start-end, like 08:30-12:00"},
        {{{"id", "a"}, {"text", "正文"}, {"schedule", {{"hours", {"9:00-09:00"}}}}}, "schedule.hours",
         "time range \"9:00-09:00\": its start and end are the same; make the end later"},
    };
    for (const auto& c : cases) {
        INFO(c.item.dump());
        const auto e = only_error(c.item);
        CHECK(e.item == 0);
        CHECK(e.field == c.field);
        CHECK(e.message == c.message);
        // Never the programmer's words of before: a raw value, a JSON list, a key name.
        for (const char* raw : {"\"\"", "[]", "non-empty", "\"from\"", "\"auto\"", "items[", "0 is"})
            CHECK(e.message.find(raw) == std::string::npos);
    }
}

TEST_CASE("playlist words: a time range is read as the clerk meant it", "[words]") {
    for (const char* typed : {"08:30-12:00", "8:30-12:00", "08：30－12：00", "８:３０－１２:００", "8:30 至 12:00", " 08:30 - 12:00 ",
                              "8:30~12:00", "8:30～12:00", "8:30—12:00", "8:30——12:00", "8:30到12:00", "\u300008:30-12:00\u3000"}) {
        INFO(typed);
        const auto r = config::read_time_range(typed);
        CHECK(r.problem == config::TimeRangeReading::Problem::none);
        CHECK(r.normal == "08:30-12:00");
        CHECK(r.start == 8 * 60 + 30);
        CHECK(r.end == 12 * 60);
    }
    CHECK(config::read_time_range("22:00-2:00").normal == "22:00-02:00");  // past midnight, as before
    CHECK(config::read_time_range("0:00-24:00").normal == "00:00-24:00");
    using P = config::TimeRangeReading::Problem;
    CHECK(config::read_time_range("830-1200").problem == P::not_a_time);
    CHECK(config::read_time_range("830-1200").part == "830");
    CHECK(config::read_time_range("8:3-12:00").problem == P::not_a_time);
    CHECK(config::read_time_range("8:30").problem == P::no_separator);
    CHECK(config::read_time_range("8:30-9:00-10:00").problem == P::no_separator);
    CHECK(config::read_time_range("08:60-12:00").problem == P::no_such_time);
    CHECK(config::read_time_range("24:00-08:00").problem == P::starts_at_24);
    CHECK(config::read_time_range("").problem == P::no_separator);

    CHECK(config::read_time_range("08:30" + std::string(100, ' ') + "-12:00").normal == "08:30-12:00");
    // A long mistake is quoted shortened in the message.
    const auto long_one = only_error({{"id", "a"}, {"text", "正文"}, {"schedule", {{"hours", {std::string(500, '9') + "-12:00"}}}}});
    CHECK(long_one.message.size() < 200);
    CHECK(config::trimmed("  \u3000正文\n ") == "正文");
    CHECK(config::trimmed(" \t\n").empty());
}

TEST_CASE("playlist words: the checker and the console take what a clerk typed, in one form", "[words]") {
    // The kiosk reads a file the same way: 8:30 and a full-width range are the same as 08:30.
    const std::string text = R"({"version": 1, "items": [
      {"id": "a", "title": "  办事指南 ", "text": "  正文\n", "schedule": {"hours": ["8:30-12:00", "13：00－17：30"],
       "from": " 2026-12-01 "}}]})";
    const auto check = config::check_playlist(text, "playlist.json", office(), false);
    INFO((check.issues.empty() ? "" : check.issues[0].text()));
    REQUIRE(check.playlist);
    const auto& item = check.playlist->items.at(0);
    CHECK(item.title == "办事指南");
    CHECK(item.text == "正文");
    REQUIRE(item.schedule.hours.size() == 2);
    CHECK(item.schedule.hours[0].start == 8 * 60 + 30);
    CHECK(item.schedule.hours[1].start == 13 * 60);
    CHECK(item.schedule.hours[1].end == 17 * 60 + 30);
    CHECK(item.schedule.from_day);

    // The console publishes the tidy form (what the screens and the audit log then show).
    const json tidy = console::tidy_playlist(json::parse(text));
    const json& t = tidy["items"][0];
    CHECK(t["title"] == "办事指南");
    CHECK(t["text"] == "正文");
    CHECK(t["schedule"]["hours"] == json({"08:30-12:00", "13:00-17:30"}));
    CHECK(t["schedule"]["from"] == "2026-12-01");
    // A range it cannot read is left as typed (trimmed), for the checker to explain.
    const json bad = console::tidy_playlist({{"items", {{{"id", "a"}, {"schedule", {{"hours", {" 8点半-12点 "}}}}}}}});
    CHECK(bad["items"][0]["schedule"]["hours"][0] == "8点半-12点");
    CHECK(console::tidy_playlist(json("not a playlist")) == json("not a playlist"));
}

TEST_CASE("playlist words: kiosk check says the same, in Chinese under zh_CN and in English under C", "[words][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "kiosk.json", R"({"time_zone": "Asia/Shanghai"})");
    test::write_file(dir.path() / "playlist.json", R"({"version": 1, "items": [
  {"id": "a", "text": "   "},
  {"id": "b", "text": "正文", "schedule": {"weekdays": []}},
  {"id": "c", "text": "正文", "schedule": {"from": "2026-12-05", "until": "2026-12-01"}},
  {"id": "d", "text": "正文", "page_seconds": 0},
  {"id": "e", "text": "正文", "schedule": {"hours": ["8:30-12:00", "08：30－12：00", "8:00-25:00"]}}
]}
)");
    const std::string cfg = (dir.path() / "kiosk.json").string();
    auto zh = test::run_kiosk({"check", "--config", cfg}, "LANGUAGE=zh_CN LANG=zh_CN.UTF-8");
    INFO(zh.err);
    CHECK(zh.status == 1);
    CHECK(zh.err.find("items[0] (\"a\").text: 请填写文字或上传文件\n") != std::string::npos);
    CHECK(zh.err.find("items[1] (\"b\").schedule.weekdays: 星期至少要选一天\n") != std::string::npos);
    CHECK(zh.err.find("items[2] (\"c\").schedule.until: 结束日期不能早于开始日期\n") != std::string::npos);
    CHECK(zh.err.find("items[3] (\"d\").page_seconds: 每页显示秒数要大于 0、最多 3600，或选“自动”\n") != std::string::npos);
    CHECK(zh.err.find("items[4] (\"e\").schedule.hours[2]: 时段「8:00-25:00」里没有「25:00」这个时间（小时 00 到 24，分钟 00 到 59）\n") !=
          std::string::npos);
    // 8:30 and a full-width range are read, not refused: five mistakes, no more.
    CHECK(std::count(zh.err.begin(), zh.err.end(), '\n') == 5);

    auto en = test::run_kiosk({"check", "--config", cfg});
    INFO(en.err);
    CHECK(en.status == 1);
    CHECK(en.err.find("items[0] (\"a\").text: fill in the text, or upload a file\n") != std::string::npos);
    CHECK(en.err.find("items[2] (\"c\").schedule.until: the end date must be on or after the start date\n") != std::string::npos);
    CHECK(std::count(en.err.begin(), en.err.end(), '\n') == 5);
}

TEST_CASE("text item titles: 标题 heads the page once, the text's lines are paragraphs", "[words]") {
    using content::Role;
    auto roles = [](const content::Document& d) {
        std::vector<Role> r;
        for (const auto& b : d.blocks) r.push_back(b.role);
        return r;
    };
    // No 标题: the first line is not special (before: a short first line was set as grey meta).
    const auto plain = content::import_typed_text("", "办事须知\n请带好本人身份证件。\n窗口：3 号");
    CHECK(roles(plain) == std::vector<Role>{Role::paragraph, Role::paragraph, Role::paragraph});
    CHECK(plain.title.empty());
    // A 标题: it heads the page; the same words as the text's first line (an upload, or a
    // habit) are shown once.
    const auto titled = content::import_typed_text("办事须知", "\n 办事须知 \n请带好本人身份证件。\n窗口：3 号");
    CHECK(roles(titled) == std::vector<Role>{Role::title, Role::paragraph, Role::paragraph});
    CHECK(titled.blocks[0].text == "办事须知");
    CHECK(titled.blocks[1].text == "请带好本人身份证件。");
    // A first line that is not the title stays.
    const auto other = content::import_typed_text("办事须知", "取号须知\n请取号。");
    CHECK(roles(other) == std::vector<Role>{Role::title, Role::paragraph, Role::paragraph});
    // Headings and articles are still recognised.
    const auto structured = content::import_typed_text("", "一、办理时间\n第一条　工作日办理。");
    CHECK(roles(structured) == std::vector<Role>{Role::heading, Role::article});
}

TEST_CASE("text item titles: the screen's layout shows the title once, render --count gives the pages' own N",
          "[words][process]") {
    test::TempDir dir;
    std::string body;
    for (int n = 1; n <= 30; ++n) body += "第" + std::to_string(n) + "条　办理业务请携带本人有效身份证件，按取号顺序到对应窗口办理。\\n";
    test::write_file(dir.path() / "kiosk.json", R"({"time_zone": "Asia/Shanghai"})");
    test::write_file(dir.path() / "playlist.json", R"({"version": 1, "items": [
  {"id": "guide", "title": "办事须知", "text": "办事须知\n)" + body + R"("}]})");
    const std::string cfg = (dir.path() / "kiosk.json").string();
    auto layout = test::run_kiosk({"layout", "--config", cfg, "--size", "960x540"});
    INFO(layout.err);
    REQUIRE(layout.status == 0);
    const json pages = json::parse(layout.out)["items"][0]["pages"];
    int titles = 0, mentions = 0;
    for (const auto& page : pages)
        for (const auto& line : page["lines"]) {
            titles += line["role"] == "title";
            mentions += line["text"].get<std::string>().find("办事须知") != std::string::npos;
        }
    CHECK(titles == 1);
    CHECK(mentions == 1);
    REQUIRE(pages.size() > 3);
    CHECK(pages[0]["of"] == pages.size());

    auto render = test::run_kiosk({"render", "--config", cfg, "--size", "960x540", "--pages", "2", "--count", "--out",
                                   (dir.path() / "out").string()},
                                  "SDL_VIDEODRIVER=dummy");
    INFO(render.err);
    REQUIRE(render.status == 0);
    CHECK(render.out.find("guide: " + std::to_string(pages.size()) + " pages\n") != std::string::npos);
    CHECK(std::count(render.out.begin(), render.out.end(), '\n') == 3);  // two pages drawn, and the count
}

TEST_CASE("playlist words: a 新旧对照 text left empty asks for its web address by the form's label", "[words][compare]") {
    config::KioskConfig cfg = office();
    cfg.network.allowed_hosts = {"www.changchun.gov.cn"};
    const auto errors_of = [&](const json& item) {
        return console::check_playlist(console::tidy_playlist({{"version", 1}, {"items", json::array({item})}}), cfg, 200 * 1024);
    };
    // The console's form sends both texts; the one left empty (or only spaces) is named.
    json item = {{"id", "tiaoli"}, {"kind", "compare"}, {"title", "政府信息公开条例"},
                 {"old", "https://www.changchun.gov.cn/2007.html"}, {"new", " \u3000"}};
    auto e = errors_of(item);
    REQUIRE(e.size() == 1);
    CHECK(e[0].item == 0);
    CHECK(e[0].field == "new");
    CHECK(e[0].message == "请填写修订后的文本的网址，如 https://www.changchun.gov.cn/…");
    item["old"] = "";
    item["new"] = "https://www.changchun.gov.cn/2019.html";
    e = errors_of(item);
    REQUIRE(e.size() == 1);
    CHECK(e[0].field == "old");
    CHECK(e[0].message == "请填写修订前的文本的网址，如 https://www.changchun.gov.cn/…");
    item["old"] = " https://www.changchun.gov.cn/2007.html ";
    item["effective"] = " 2019-05-15 ";
    CHECK(errors_of(item).empty());
    // Spaces around an address and a date are trimmed before it is published.
    const json tidy = console::tidy_playlist({{"version", 1}, {"items", json::array({item})}});
    CHECK(tidy["items"][0]["old"] == "https://www.changchun.gov.cn/2007.html");
    CHECK(tidy["items"][0]["effective"] == "2019-05-15");
}
