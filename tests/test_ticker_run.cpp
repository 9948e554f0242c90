// The ticker band with the real kiosk (SDL's dummy driver): a playlist with a ticker notice
// runs the band (frames at the refresh) while the report's pages turn, and the notice is
// never a page; `kiosk render --now` draws the band beside the page.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
json read_json_or_null(const fs::path& file) {
    try {
        return json::parse(test::read_file(file));
    } catch (...) {
        return nullptr;
    }
}

void write_hall(const fs::path& dir, const char* position) {
    std::string report = "年度报告\n";
    for (int i = 0; i < 40; ++i) report += "这是报告的正文第" + std::to_string(i + 1) + "段，一段足够长的文字，用来占满至少一行的宽度，好让报告有好几页。\n";
    test::write_file(dir / "a.txt", report);
    test::write_file(dir / "kiosk.json",
                     json{{"page_seconds", 1},
                          {"time_zone", "Asia/Shanghai"},
                          {"ticker", {{"height", 0.08}, {"position", position}, {"chars_per_second", 5}}},
                          {"paths", {{"runtime", (dir / "run").string()}, {"state", (dir / "state").string()}, {"cache", (dir / "cache").string()}}}}
                         .dump());
    test::write_file(dir / "playlist.json", R"({"items": [
        {"id": "a", "source": "file:a.txt"},
        {"id": "t", "kind": "notice", "title": "停电通知", "text": "今天下午三点停电检修，请各位办事群众合理安排时间。",
         "interrupt": "ticker", "start": "2026-01-01T08:00", "expires": "2099-01-01T08:00"}]})");
}
}  // namespace

TEST_CASE("ticker run: the band runs at the refresh while the report's pages turn, the notice never a page", "[ticker][process]") {
    test::TempDir dir;
    write_hall(dir.path(), "bottom");
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    const fs::path status_file = dir.path() / "run" / "status.json";
    std::set<int> pages_seen;
    std::set<std::string> items_seen;
    long frames = 0;
    // Pages 1, 2 and 3 of the report go up in turn while the band runs (frames at ~60 Hz: far
    // more than one a page).
    REQUIRE(test::wait_for([&] {
        const json s = read_json_or_null(status_file);
        if (!s.is_object() || !s.contains("current")) return false;
        if (!s["current"].value("standing", true)) {
            items_seen.insert(s["current"].value("item", ""));
            pages_seen.insert(s["current"].value("page", 0));
        }
        if (s.contains("health") && s["health"].contains("frames")) frames = s["health"]["frames"].value("last_minute", 0L);
        return pages_seen.size() >= 3 && frames >= 90;
    }, 40));
    INFO(kiosk.err());
    CHECK(items_seen == std::set<std::string>{"a"});
    CHECK(kiosk.err().find("ticker notice(s) run in the band") != std::string::npos);
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("ticker render: kiosk render --now draws the band beside the page, at the bottom or the top", "[ticker][process]") {
    for (const char* position : {"bottom", "top"}) {
        INFO(position);
        test::TempDir dir;
        write_hall(dir.path(), position);
        const auto out = dir.path() / "out";
        auto r = test::run_kiosk({"render", "--config", (dir.path() / "kiosk.json").string(), "--out", out.string(), "--size",
                                  "1920x1080", "--now", "2026-11-27T09:30", "--pages", "1"});
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.out.find("t-001.png") == std::string::npos);  // the ticker notice is no page
        const auto png = test::read_png(out / "a-001.png");
        REQUIRE(png.width == 1920);
        REQUIRE(png.height == 1080);
        const int band = 86;  // 0.08 of 1080
        const int y0 = std::string(position) == "top" ? 0 : 1080 - band;
        // The band: dark (the theme's text colour) with light text in it; the page: paper white.
        int dark = 0, light = 0;
        for (int y = y0 + 4; y < y0 + band - 4; ++y)
            for (int x = 0; x < 1920; x += 2) {
                const int l = png.luminance(x, y);
                dark += l < 60;
                light += l > 200;
            }
        CHECK(dark > (band - 8) * 960 / 2);
        CHECK(light > 200);
        const int page_mid = std::string(position) == "top" ? band + 500 : 500;
        CHECK(png.luminance(5, page_mid) > 200);
    }
}
