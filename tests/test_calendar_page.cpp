// The 开放时间 page's pure parts (console/calendar_page) and the store's calendars: what a clerk
// types tidied, errors placed beside the row or weekday in Chinese, the next 14 days from the
// screens' own schedule function, the 屏幕 page's words for an asleep screen, and the draft
// and published calendar kept per scope.
#include <catch2/catch.hpp>

#include "base/zone_time.hpp"
#include "console/calendar_page.hpp"
#include "console/store.hpp"
#include "console/views.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {

const std::string kZone = "Asia/Shanghai";

json week_calendar(json days = json::array()) {
    return {{"format", "kiosk-calendar/1"},
            {"hours",
             {{"mon", {"08:30-12:00", "13:00-17:00"}},
              {"tue", {"08:30-12:00", "13:00-17:00"}},
              {"wed", {"08:30-12:00", "13:00-17:00"}},
              {"thu", {"08:30-12:00", "13:00-17:00"}},
              {"fri", {"08:30-12:00", "13:00-17:00"}},
              {"sat", json::array()},
              {"sun", json::array()}}},
            {"lunch", "off"},
            {"on_before_minutes", 15},
            {"off_after_minutes", 10},
            {"days", days}};
}

bool chinese(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

TEST_CASE("calendar page: what a clerk types is tidied where the intent is clear", "[console][calendar]") {
    const json typed = {{"hours", {{"mon", {"8:30-12:00", "１３：００－１７：００", " "}}, {"sat", {"9:00 至 12:00"}}}},
                        {"lunch", "off"},
                        {"on_before_minutes", " 20 "},
                        {"surprise", true},
                        {"days",
                         {{{"date", "2027-2-10"}, {"until", "2027/2/16"}, {"closed", true}, {"name", " 春节 "}},
                          {{"date", "２０２７年２月７日"}, {"until", "2027-02-07"}, {"open", "mon"}},
                          {{"date", "2027-12-31"}, {"hours", {"8:30-12:00"}}}}}};
    const json t = tidy_calendar(typed);
    CHECK(t["format"] == "kiosk-calendar/1");
    CHECK(t["hours"]["mon"] == json({"08:30-12:00", "13:00-17:00"}));
    CHECK(t["hours"]["sat"] == json({"09:00-12:00"}));
    CHECK(t["hours"]["sun"] == json::array());
    CHECK(t["lunch"] == "off");
    CHECK(t["on_before_minutes"] == 20);
    CHECK_FALSE(t.contains("surprise"));
    CHECK(t["days"][0] == json({{"date", "2027-02-10"}, {"until", "2027-02-16"}, {"closed", true}, {"name", "春节"}}));
    CHECK(t["days"][1] == json({{"date", "2027-02-07"}, {"open", "mon"}}));  // until == date: one day
    CHECK(t["days"][2]["hours"] == json({"08:30-12:00"}));
    CHECK(check_calendar_form(t, "group/floor/1").empty());
}

TEST_CASE("calendar page: errors beside the row or weekday, in the page's words", "[console][calendar]") {
    json c = week_calendar({{{"date", "2027-02-10"}, {"until", "2027-02-16"}, {"closed", true}, {"name", "春节"}},
                            {{"date", "2027-02-12"}, {"closed", true}},
                            {{"date", "2027-02-20"}, {"until", "2027-02-19"}, {"open", "mon"}},
                            {{"date", "2027-02-30"}, {"closed", true}},
                            {{"date", "2027-03-01"}, {"open", "someday"}},
                            {{"date", "2027-03-02"}, {"hours", json::array()}},
                            {{"date", "2027-03-03"}}});
    c["hours"]["tue"] = {"08:30-12:00", "8点半到12点"};
    c["off_after_minutes"] = 200;
    const auto errors = check_calendar_form(tidy_calendar(c), "all");
    auto find = [&](int item, const std::string& field) {
        for (const auto& e : errors)
            if (e.item == item && e.field == field) return e.message;
        return std::string();
    };
    CHECK(find(1, "date").find("与第 1 行（春节）重叠") != std::string::npos);
    CHECK(find(2, "until") == "「到」的日期不能早于「从」的日期");
    CHECK(find(3, "date").find("要写成 年-月-日") != std::string::npos);
    CHECK(find(4, "open") == "请选择按星期几的时间上班");
    CHECK(find(5, "hours").find("至少要填一个时段") != std::string::npos);
    CHECK(find(6, "kind").find("请选择类型") != std::string::npos);
    CHECK(find(-1, "hours.tue").find("星期二：时段「8点半到12点」") != std::string::npos);
    CHECK(find(-1, "off_after_minutes").find("0 到 180") != std::string::npos);
    for (const auto& e : errors) {
        CHECK(chinese(e.message));
        CHECK(e.message.find("days[") == std::string::npos);  // never a JSON path
    }
    // Sixty-one days at most in a row.
    const auto long_row = check_calendar_form(tidy_calendar(week_calendar({{{"date", "2027-01-01"}, {"until", "2027-03-15"}, {"closed", true}}})), "all");
    REQUIRE(long_row.size() == 1);
    CHECK(long_row[0].field == "until");
}

TEST_CASE("calendar page: the next 14 days as the screens will live them", "[console][calendar]") {
    // Monday 2026-12-07 10:00 in Shanghai; Tuesday a holiday, Saturday a 调休 working day.
    const std::time_t now = zone_time::from_local(2026, 12, 7, 10, 0, 0, kZone);
    const json c = week_calendar({{{"date", "2026-12-08"}, {"closed", true}, {"name", "春节"}},
                                  {{"date", "2026-12-12"}, {"open", "mon"}, {"name", "春节调休上班"}},
                                  {{"date", "2026-12-16"}, {"hours", {"09:00-11:00"}}, {"name", "年末半天"}}});
    auto parsed = config::parse_calendar(c.dump(2), "fleet:all");
    REQUIRE(parsed);
    const json days = next_days(*parsed, now, kZone);
    REQUIRE(days.size() == 14);
    CHECK(days[0]["date"] == "2026-12-07");
    CHECK(days[0]["weekday"] == "星期一");
    CHECK(days[0]["today"] == true);
    CHECK(days[0]["on"] == true);
    // Lunch off: two stretches, each with its margins (on 15 min before, off 10 min after).
    CHECK(days[0]["text"] == "开启 08:15–12:10，12:45–17:10");
    CHECK(days[1]["text"] == "休眠（节假日：春节）");
    CHECK(days[1]["kind"] == "holiday");
    CHECK(days[5]["weekday"] == "星期六");
    CHECK(days[5]["on"] == true);
    CHECK(days[5]["text"] == days[0]["text"]);
    CHECK(days[5]["note"] == "调休上班：春节调休上班（按星期一的时间）");
    CHECK(days[6]["text"] == "休眠（周末）");
    CHECK(days[9]["text"] == "开启 08:45–11:10");
    CHECK(days[9]["kind"] == "special");
    CHECK(days[13]["date"] == "2026-12-20");
    // Lunch kept on: one stretch.
    json on = c;
    on["lunch"] = "on";
    auto kept = config::parse_calendar(on.dump(2), "fleet:all");
    REQUIRE(kept);
    CHECK(next_days(*kept, now, kZone)[0]["text"] == "开启 08:15–17:10");
}

TEST_CASE("calendar page: a change in words for the audit log", "[console][calendar]") {
    json after = week_calendar({{{"date", "2027-02-10"}, {"until", "2027-02-16"}, {"closed", true}, {"name", "春节"}}});
    after["hours"]["sat"] = {"09:00-12:00"};
    const std::string s = calendar_change_summary(week_calendar(), after);
    CHECK(s.find("星期六 休息 → 09:00-12:00") != std::string::npos);
    CHECK(s.find("新增 2027-02-10 到 2027-02-16 放假（关闭）「春节」") != std::string::npos);
    CHECK(calendar_change_summary(after, after) == "内容没有变化");
    // The first for a scope: what it is, not a change from nothing.
    const std::string first = calendar_change_summary(json(), after);
    CHECK(first.find("星期一 08:30-12:00、13:00-17:00") != std::string::npos);
    CHECK(first.find("休息 →") == std::string::npos);
    CHECK(first.find("午休时屏幕：关闭") != std::string::npos);
    CHECK(first.find("开门前提前 15 分钟亮屏，下班后 10 分钟关屏") != std::string::npos);
}

TEST_CASE("screens page: a panel asleep is 休眠（…） and not a problem, woken and a power problem said", "[console][calendar][power]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    const std::time_t now = zone_time::from_local(2026, 12, 7, 20, 0, 0, kZone);
    auto screen = [&](json power) {
        ScreenRecord r;
        r.id = "s-1";
        r.state = "online";
        r.state_since = now - 3600;
        r.heard = now - 30;
        r.status = {{"format", "kiosk-status/1"}, {"current", {{"standing", true}}}, {"power", power}};
        return screen_summary(r, now, ItemNames(store), DisplayNames(store), kZone);
    };
    const json asleep = screen({{"state", "asleep"}, {"reason", "节假日"}, {"day_name", "春节"}, {"wakes", "2026-12-08 08:15:00"}});
    CHECK(asleep["state"] == "asleep");
    CHECK(asleep["state_text"] == "休眠（春节，12月8日 08:15 开启）");  // schedule::asleep_words: a holiday by its name
    CHECK(asleep["problem"] == false);
    const json woken = screen({{"state", "woken"}, {"reason", "下班"}});
    CHECK(woken["state"] == "woken");
    CHECK(woken["state_text"] == "紧急通知唤醒中");
    const json broken = screen({{"state", "on"}, {"problem", "串口 /dev/ttyUSB0 打不开，屏幕改为显示黑色画面"}});
    CHECK(broken["state"] == "online");
    CHECK(broken["problem"] == true);
    REQUIRE(broken["problems"].size() == 1);
    CHECK(broken["problems"][0]["kind"] == "power");
    CHECK(broken["problems"][0]["text"] == "串口 /dev/ttyUSB0 打不开，屏幕改为显示黑色画面");
    // The page's summary: all fine, one of them asleep.
    ScreenRecord r;
    r.id = "s-1";
    r.state = "online";
    r.heard = now - 30;
    r.status = {{"format", "kiosk-status/1"}, {"power", {{"state", "asleep"}, {"reason", "下班"}, {"wakes", "2026-12-08 08:15:00"}}}};
    const json page = screens_page({r}, now, ItemNames(store), DisplayNames(store), kZone);
    CHECK(page["summary"]["text"] == "共 1 块屏幕，全部正常（其中 1 块休眠）。");
    CHECK(page["summary"]["asleep"] == 1);
    // Offline is offline, whatever its last status said: it will not wake either.
    r.state = "offline";
    CHECK(screens_page({r}, now, ItemNames(store), DisplayNames(store), kZone)["screens"][0]["state"] == "offline");
}

TEST_CASE("store: a scope's calendar draft and what was published, a clearing keeps the draft", "[console][calendar]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK_FALSE(store.calendar("group/floor/1"));
    const json draft = week_calendar();
    REQUIRE(store.save_calendar_draft("group/floor/1", draft, "li", 100));
    auto c = store.calendar("group/floor/1");
    REQUIRE(c);
    CHECK(c->draft == draft);
    CHECK(c->published.is_null());
    CHECK(c->draft_by == "li");
    auto publish = [&](json published, std::uint64_t gen) {
        return store.record_intent([&](const Store::LastGeneration&) -> Result<Intent> {
            Intent in;
            in.calendar = CalendarRecord{"group/floor/1", published, "wang", 200, published, gen, 200, "wang"};
            in.audit.push_back({0, 200, "wang", "", "publish_calendar", "group/floor/1", ""});
            return in;
        });
    };
    json published = draft;
    published["lunch"] = "on";
    REQUIRE(publish(published, 3));
    c = store.calendar("group/floor/1");
    REQUIRE(c);
    CHECK(c->published == published);
    CHECK(c->draft == published);  // what was published is what the page shows next
    CHECK(c->gen == 3);
    CHECK(c->published_by == "wang");
    REQUIRE(publish(json(), 4));  // cleared
    c = store.calendar("group/floor/1");
    REQUIRE(c);
    CHECK(c->published.is_null());
    CHECK(c->draft == published);
    CHECK(c->gen == 4);
    CHECK(store.calendar_scopes() == std::vector<std::string>{"group/floor/1"});
}
