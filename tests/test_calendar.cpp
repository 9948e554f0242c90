// The hall's calendar (kiosk-calendar/1) and kiosk.json's "opening" and "power": what they
// read to, their errors with places (tests/fixtures/calendar-errors/NAME.json and
// NAME.expected; KIOSK_UPDATE_GOLDEN=1 writes them — read each one), their budgets, and what
// `kiosk check` and `kiosk plan` print of them.
#include <catch2/catch.hpp>

#include "checks.hpp"
#include "config/calendar.hpp"
#include "config/config.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk::config;
using test::run_kiosk;

namespace {
std::string errors_of(const std::string& text) {
    auto cal = parse_calendar(text, "calendar.json");
    REQUIRE_FALSE(cal);
    return cal.error().message;
}
}  // namespace

TEST_CASE("a calendar reads to its days, sorted", "[calendar]") {
    auto cal = parse_calendar(R"({"format": "kiosk-calendar/1", "name": "示例安排",
      "hours": {"mon": ["08:30-12:00", "13:00-17:00"], "sat": []},
      "lunch": "off", "on_before_minutes": 20, "off_after_minutes": 5,
      "days": [
        {"date": "2027-12-31", "hours": ["8:30-12:00"], "name": "年末半天"},
        {"date": "2027-02-07", "open": "mon", "name": "春节调休上班"},
        {"date": "2027-02-10", "until": "2027-02-16", "closed": true, "name": "春节"}]})",
                              "calendar.json");
    INFO((cal ? "" : cal.error().message));
    REQUIRE(cal);
    CHECK(cal->where == "calendar.json");
    CHECK_FALSE(cal->example);
    CHECK(cal->name == "示例安排");
    REQUIRE(cal->week);
    CHECK(cal->week->days[0].size() == 2);
    CHECK(cal->week->days[1].empty());  // a weekday left out is closed
    CHECK(cal->on_over_lunch == false);
    CHECK(cal->on_before_minutes == 20);
    CHECK(cal->off_after_minutes == 5);
    REQUIRE(cal->days.size() == 3);
    CHECK(cal->days[0].name == "春节调休上班");
    CHECK(cal->days[0].kind == CalendarDay::Kind::open_as);
    CHECK(cal->days[0].as_weekday == 0);
    CHECK(cal->days[1].kind == CalendarDay::Kind::closed);
    CHECK(cal->days[1].last_day - cal->days[1].first_day == 6);
    CHECK(cal->days[2].kind == CalendarDay::Kind::open_hours);
    CHECK(cal->days[2].hours.front().start == 8 * 60 + 30);
    // The bundled example reads, and says it is one.
    auto example = load_calendar(fs::path(KIOSK_SOURCE_DIR) / "config" / "calendar.example.json");
    INFO((example ? "" : example.error().message));
    REQUIRE(example);
    CHECK(example->example);
    CHECK(example->days.size() >= 3);
}

TEST_CASE("every malformed calendar is refused with file:line:col, the entry and what is wrong", "[calendar]") {
    const fs::path dir = fs::path(KIOSK_TEST_FIXTURES) / "calendar-errors";
    size_t checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        const std::string stem = entry.path().stem().string();
        INFO(stem);
        auto cal = load_calendar(entry.path());
        REQUIRE_FALSE(cal);
        test::check_golden(dir / (stem + ".expected"), cal.error().message + "\n");
        CHECK(cal.error().message.find(entry.path().filename().string() + ":") == 0);
        ++checked;
    }
    CHECK(checked >= 8);
}

TEST_CASE("calendar issues carry the entry's index and field for the console", "[calendar]") {
    const CalendarCheck check = check_calendar("{\"format\": \"kiosk-calendar/1\", \"days\": [\n"
                                               "  {\"date\": \"2027-02-10\", \"until\": \"2027-02-16\", \"closed\": true, \"name\": \"春节\"},\n"
                                               "  {\"date\": \"2027-02-12\", \"open\": \"sat\"}]}",
                                               "calendar.json");
    CHECK_FALSE(check.calendar);
    REQUIRE(check.issues.size() == 1);
    const Issue& i = check.issues[0];
    CHECK(i.item == 1);
    CHECK(i.list == "days");
    CHECK(i.item_id == "2027-02-12");
    CHECK(i.field == "date");
    CHECK(i.line == 3);
    CHECK(i.text() == "calendar.json:3:4: days[1] (\"2027-02-12\").date: its days overlap those of 春节 (2027-02-10 to "
                      "2027-02-16); a day has only one entry");
}

TEST_CASE("a calendar's budgets are checked before the work", "[calendar]") {
    // Bytes: refused before parsing.
    std::string big = R"({"format": "kiosk-calendar/1", "name": ")" + std::string(300 * 1024, 'x') + "\"}";
    CHECK(errors_of(big) == "calendar.json:1:1: a calendar is at most 256 KB; this one is 301 KB");
    // Entries: refused before any is read.
    std::string many = R"({"format": "kiosk-calendar/1", "days": [)";
    for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + "{}";
    many += "]}";
    CHECK(errors_of(many) == "calendar.json:1:32: days: a calendar has at most 1000 entries; this one has 1001");
    // One entry at most 60 days; a name at most 40 characters.
    CHECK(errors_of(R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-01-01", "until": "2027-03-03", "closed": true}]})") ==
          "calendar.json:1:64: days[0] (\"2027-01-01\").until: the last day is at most 60 days after the date; this is 61 "
          "days after it");
    CHECK(parse_calendar(R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-01-01", "until": "2027-03-02", "closed": true}]})",
                         "calendar.json"));
    std::string long_name;
    for (int i = 0; i < 41; ++i) long_name += "节";
    CHECK(errors_of(R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-01-01", "closed": true, "name": ")" + long_name +
                    "\"}]}") == "calendar.json:1:80: days[0] (\"2027-01-01\").name: a name is at most 40 characters; this one has 41");
    // A file larger than the budget is not read at all.
    test::TempDir tmp;
    test::write_file(tmp.path() / "calendar.json", big);
    auto huge = load_calendar(tmp.path() / "calendar.json");
    REQUIRE_FALSE(huge);
    CHECK(huge.error().message.find("256 KB") != std::string::npos);
}

TEST_CASE("kiosk.json opening and power read to their settings", "[calendar][config]") {
    test::TempDir tmp;
    test::write_file(tmp.path() / "kiosk.json", R"({
      "opening": {"hours": {"mon": ["08:30-12:00", "13:00-17:00"], "tue": ["08：30－17：00"], "sat": []},
                  "lunch": "off", "on_before_minutes": 0, "off_after_minutes": 180, "calendar": "hall/calendar.json"},
      "power": {"backend": "serial",
                "serial": {"device": "/dev/ttyUSB0", "baud": 19200, "on": "ka 01 01\r", "off": "hex:AA 11 FE 01 00 10",
                           "query": "hex:aa11fe0100", "on_reply": "OK01", "timeout_seconds": 1.5},
                "command": {"program": "/usr/local/bin/panel-power", "args": ["--panel", "2"]},
                "cec": {"port": "RPI", "device": 0}}})");
    auto cfg = load_kiosk_config(tmp.path() / "kiosk.json");
    INFO((cfg ? "" : cfg.error().message));
    REQUIRE(cfg);
    const OpeningHours& o = cfg->opening;
    CHECK(o.configured);
    CHECK(o.week.days[0].size() == 2);
    CHECK(o.week.days[1].front().start == 8 * 60 + 30);  // a Chinese input method's full-width colon and dash
    CHECK(o.week.days[1].front().end == 17 * 60);
    CHECK(o.week.days[2].empty());
    CHECK_FALSE(o.on_over_lunch);
    CHECK(o.on_before_minutes == 0);
    CHECK(o.off_after_minutes == 180);
    CHECK(o.calendar == tmp.path() / "hall" / "calendar.json");
    const PowerSettings& p = cfg->power;
    CHECK(p.backend == PowerBackendKind::serial);
    CHECK(p.serial.device == "/dev/ttyUSB0");
    CHECK(p.serial.baud == 19200);
    CHECK(p.serial.on == "ka 01 01\r");
    CHECK(p.serial.off == std::string("\xAA\x11\xFE\x01\x00\x10", 6));
    CHECK(p.serial.query == std::string("\xAA\x11\xFE\x01\x00", 5));
    CHECK(p.serial.on_reply == "OK01");
    CHECK(p.serial.timeout_seconds == 1.5);
    CHECK(p.command.program == "/usr/local/bin/panel-power");
    CHECK(p.command.args == std::vector<std::string>{"--panel", "2"});
    CHECK(p.cec.port == "RPI");
    // Absent: always open, backend none.
    test::write_file(tmp.path() / "kiosk.json", "{}");
    auto plain = load_kiosk_config(tmp.path() / "kiosk.json");
    REQUIRE(plain);
    CHECK_FALSE(plain->opening.configured);
    CHECK(plain->opening.calendar.empty());
    CHECK(plain->power.backend == PowerBackendKind::none);
}

TEST_CASE("kiosk check checks the calendar kiosk.json names", "[calendar][cli][check][process]") {
    test::TempDir dir;
    const fs::path config = dir.path() / "kiosk.json";
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "text": "欢迎"}]})");
    test::write_file(config, R"({"opening": {"hours": {"mon": ["08:30-17:00"]}, "calendar": "calendar.json"}})");

    // Missing: said, with the key that names it.
    auto missing = run_kiosk({"check", "--config", config.string()});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("calendar.json: opening.calendar in kiosk.json: ") != std::string::npos);

    // Errors with their places, every one.
    test::write_file(dir.path() / "calendar.json", "{\"format\": \"kiosk-calendar/1\", \"days\": [\n"
                                                   "  {\"date\": \"2027-02-30\", \"closed\": true},\n"
                                                   "  {\"date\": \"2027-10-01\", \"open\": \"saturday\"}\n]}\n");
    auto bad = run_kiosk({"check", "--config", config.string()});
    INFO(bad.out << bad.err);
    CHECK(bad.status == 1);
    CHECK(bad.err.find("calendar.json:2:4: days[0] (\"2027-02-30\").date: write the date as year-month-day, like 2027-02-10") !=
          std::string::npos);
    CHECK(bad.err.find("calendar.json:3:26: days[1] (\"2027-10-01\").open: \"saturday\" is not the weekday whose hours the day "
                       "has: mon, tue, wed, thu, fri, sat or sun") != std::string::npos);
    auto zh = run_kiosk({"check", "--config", config.string()}, "LANGUAGE=zh_CN");
    CHECK(zh.status == 1);
    CHECK(zh.err.find("calendar.json:2:4: days[0] (\"2027-02-30\").date: 日期要写成 年-月-日，如 2027-02-10") != std::string::npos);

    // The example: accepted with a warning that its dates must be replaced.
    fs::copy_file(fs::path(KIOSK_SOURCE_DIR) / "config" / "calendar.example.json", dir.path() / "calendar.json",
                  fs::copy_options::overwrite_existing);
    auto example = run_kiosk({"check", "--config", config.string()});
    CHECK(example.status == 0);
    CHECK(example.out.find("calendar.json: warning: this calendar is an example (\"example\": true) and its dates are not the "
                           "hall's") != std::string::npos);
    auto example_zh = run_kiosk({"check", "--config", config.string()}, "LANGUAGE=zh_CN");
    CHECK(example_zh.out.find("示例") != std::string::npos);

    // A real one: OK with its count.
    test::write_file(dir.path() / "calendar.json",
                     R"({"format": "kiosk-calendar/1", "days": [{"date": "2027-10-01", "until": "2027-10-07", "closed": true}]})");
    auto good = run_kiosk({"check", "--config", config.string()});
    CHECK(good.status == 0);
    CHECK(good.out.find("calendar.json: OK, 1 entries") != std::string::npos);
}

TEST_CASE("kiosk plan shows the panel asleep and plays nothing then", "[calendar][cli][plan][process]") {
    test::TempDir dir;
    const fs::path config = dir.path() / "kiosk.json";
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "welcome", "text": "欢迎来到政务服务中心", "page_seconds": 600}]})");
    test::write_file(config, R"({"opening": {"hours": {"mon": ["08:30-17:00"], "tue": ["08:30-17:00"], "wed": ["08:30-17:00"],
                                                         "thu": ["08:30-17:00"], "fri": ["08:30-17:00"]},
                                             "calendar": "calendar.json"}})");
    test::write_file(dir.path() / "calendar.json",
                     R"({"format": "kiosk-calendar/1", "days": [{"date": "2026-12-09", "closed": true, "name": "示例闭馆日"}]})");
    // Monday 2026-12-07 16:00 for 48 hours: asleep Monday night, awake Tuesday, asleep over the closed Wednesday.
    auto r = run_kiosk({"plan", "--config", config.string(), "--from", "2026-12-07T16:00", "--hours", "48"});
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("12-07 17:10:00  12-08 08:15:00  panel asleep (下班)\n12-08 08:15:00                  panel on\n") !=
          std::string::npos);
    CHECK(r.out.find("12-08 17:10:00  12-09 16:00:00  panel asleep (示例闭馆日)") != std::string::npos);
    // Nothing plays between 17:10 and 08:15: the rows in between are the power rows alone.
    const size_t sleep = r.out.find("panel asleep (下班)"), wake = r.out.find("panel on");
    REQUIRE(sleep < wake);
    CHECK(r.out.substr(sleep, wake - sleep).find("welcome") == std::string::npos);
    CHECK(r.out.find("welcome", wake) != std::string::npos);  // and it plays again once awake
    CHECK(r.out.find("welcome", r.out.find("panel asleep (示例闭馆日)")) == std::string::npos);
    auto zh = run_kiosk({"plan", "--config", config.string(), "--from", "2026-12-07T16:00", "--hours", "48"}, "LANGUAGE=zh_CN");
    CHECK(zh.out.find("屏幕休眠（下班）") != std::string::npos);
    CHECK(zh.out.find("屏幕开启") != std::string::npos);
    // Starting while asleep: the first row says so.
    auto night = run_kiosk({"plan", "--config", config.string(), "--from", "2026-12-07T20:00", "--hours", "2"});
    CHECK(night.out.find("12-07 20:00:00  12-07 22:00:00  panel asleep (下班)") != std::string::npos);
}
