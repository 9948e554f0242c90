// Malformed kiosk.json and playlist.json files, each with the exact message an operator
// sees (tests/fixtures/config-errors/NAME.json and NAME.expected). KIOSK_UPDATE_GOLDEN=1
// writes the .expected files; read every one before committing it.
#include <catch2/catch.hpp>

#include "checks.hpp"
#include "config/config.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk::config;

namespace {
KioskConfig test_config() {
    KioskConfig cfg;
    cfg.file = "/etc/kiosk/kiosk.json";
    cfg.network.allowed_hosts = {"www.changchun.gov.cn", ".jl.gov.cn"};
    return cfg;
}
}  // namespace

TEST_CASE("every malformed config file is refused with file:line:col, path and expectation", "[config]") {
    const fs::path dir = fs::path(KIOSK_TEST_FIXTURES) / "config-errors";
    size_t checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        const std::string stem = entry.path().stem().string();
        const bool is_playlist = stem.rfind("playlist-", 0) == 0;
        test::TempDir tmp;
        const fs::path file = tmp.path() / (is_playlist ? "playlist.json" : "kiosk.json");
        fs::copy_file(entry.path(), file);
        std::string message;
        if (is_playlist) {
            auto r = load_playlist(file, test_config());
            REQUIRE_FALSE(r.ok());
            message = r.error().message;
        } else {
            auto r = load_kiosk_config(file);
            REQUIRE_FALSE(r.ok());
            message = r.error().message;
        }
        INFO(stem);
        test::check_golden(dir / (stem + ".expected"), message + "\n");
        // Every line points at a place: FILE:LINE:COL.
        CHECK(message.find(file.filename().string() + ":") == 0);
        ++checked;
    }
    CHECK(checked >= 30);
}

TEST_CASE("a good playlist with schedules and a notice loads", "[config]") {
    auto pl = parse_playlist(R"({
      "version": 1,
      "items": [
        {"id": "guide", "source": "https://www.changchun.gov.cn/g.html", "refresh": "6h", "page_seconds": "auto",
         "schedule": {"from": "2026-01-01", "until": "2026-12-31", "weekdays": ["mon", "fri"],
                      "hours": ["08:30-12:00", "22:00-02:00"]}, "priority": 5},
        {"id": "holiday", "kind": "notice", "source": "https://rs.jl.gov.cn/n.html",
         "start": "2026-12-31T18:00", "expires": "2027-01-03T09:00", "interrupt": {"every_minutes": 15}}
      ]})", "playlist.json", test_config(), false);
    REQUIRE(pl.ok());
    const auto& g = pl->items[0];
    CHECK(g.refresh_seconds == 6 * 3600);
    CHECK(g.page_seconds->automatic);
    CHECK(g.schedule.weekdays == 0b0010001);
    REQUIRE(g.schedule.hours.size() == 2);
    CHECK(g.schedule.hours[1].start == 22 * 60);
    CHECK(g.schedule.hours[1].end == 2 * 60);
    CHECK(g.priority == 5);
    const auto& n = pl->items[1];
    REQUIRE(n.notice);
    CHECK(n.notice->start == 1798711200);  // 2026-12-31 18:00 in Asia/Shanghai = 10:00 UTC
    CHECK(n.notice->interrupt == Interrupt::every);
    CHECK(n.notice->every_minutes == 15);
}

TEST_CASE("a notice may run in the ticker and carry an official warning's level", "[config][warning_look]") {
    auto pl = parse_playlist(R"({
      "items": [
        {"id": "snow", "kind": "notice", "title": "长春市气象台发布暴雪橙色预警", "text": "预计今天夜间有大雪。",
         "start": "2026-12-07T08:00", "expires": "2026-12-08T08:00", "interrupt": "now", "style": "urgent",
         "level": "orange"},
        {"id": "wind", "kind": "notice", "text": "长春市气象台发布大风蓝色预警",
         "start": "2026-12-07T08:00", "expires": "2026-12-08T08:00", "interrupt": "ticker", "level": "blue"},
        {"id": "plain", "kind": "notice", "text": "午间不休息",
         "start": "2026-12-07T08:00", "expires": "2026-12-08T08:00", "interrupt": "ticker"}
      ]})", "playlist.json", test_config(), false);
    REQUIRE(pl.ok());
    REQUIRE(pl->items.size() == 3);
    CHECK(pl->items[0].notice->level == kiosk::warning::Level::orange);
    CHECK(pl->items[0].notice->urgent);
    CHECK(pl->items[0].notice->interrupt == Interrupt::at_once);
    CHECK(pl->items[1].notice->interrupt == Interrupt::ticker);
    CHECK(pl->items[1].notice->level == kiosk::warning::Level::blue);
    CHECK(pl->items[2].notice->interrupt == Interrupt::ticker);
    CHECK(pl->items[2].notice->level == kiosk::warning::Level::none);

    for (const char* bad : {R"("none")", R"("")", R"(3)", R"("Orange")"}) {
        auto r = parse_playlist(std::string(R"({"items": [{"id": "n", "kind": "notice", "text": "x",
            "start": "2026-12-07T08:00", "expires": "2026-12-08T08:00", "level": )") + bad + "}]}",
                                "playlist.json", test_config(), false);
        INFO(bad);
        REQUIRE(!r.ok());
        CHECK(r.error().message.find("items[0] (\"n\").level: ") != std::string::npos);
        CHECK(r.error().message.find("\"blue\", \"yellow\", \"orange\" or \"red\"") != std::string::npos);
    }
}

TEST_CASE("file: sources are refused in a playlist published on the web", "[config]") {
    const std::string text = R"({"items": [{"id": "a", "source": "file:/etc/passwd"}]})";
    CHECK(parse_playlist(text, "playlist.json", test_config(), true).ok());
    auto remote = parse_playlist(text, "playlist.json", test_config(), false);
    REQUIRE(!remote.ok());
    CHECK(remote.error().message ==
          "playlist.json:1:24: items[0] (\"a\").source: \"file:/etc/passwd\": file: sources are allowed only in a "
          "playlist on this machine");
}

TEST_CASE("all errors of a file are reported, not just the first", "[config]") {
    auto pl = parse_playlist(R"({"items": [{"id": "a", "source": "ftp://x"}, {"id": "b", "sauce": "y"}]})",
                             "playlist.json", test_config(), true);
    REQUIRE(!pl.ok());
    CHECK(std::count(pl.error().message.begin(), pl.error().message.end(), '\n') == 2);
}
