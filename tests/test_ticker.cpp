// The ticker band (滚动字幕, issue 29) without a kiosk process: its geometry at three panel
// sizes and both positions, which notices run in it (and never as pages), its strip, and the
// screen on SDL's dummy driver drawing it where the geometry says and moving it by time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include "app/library.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "render/png_writer.hpp"
#include "render/screen.hpp"
#include "schedule/scheduler.hpp"
#include "schedule/ticker.hpp"
#include "support.hpp"
#include "text/ticker.hpp"

using namespace kiosk;

namespace {
schedule::Now at(const char* local) { return schedule::make_now(*zone_time::parse_time("--now", local, "Asia/Shanghai"), 8 * 3600); }
std::time_t utc(const char* local) { return *zone_time::parse_time("--now", local, "Asia/Shanghai"); }

config::PlaylistItem notice(const char* id, config::Interrupt interrupt, warning::Level level = warning::Level::none,
                            const char* from = "2026-11-27T08:00", const char* until = "2026-11-27T18:00") {
    config::PlaylistItem it;
    it.id = id;
    it.text = std::string(id) + "的内容";
    config::NoticeTiming t;
    t.start = utc(from);
    t.expires = utc(until);
    t.interrupt = interrupt;
    t.level = level;
    it.notice = t;
    return it;
}
config::PlaylistItem report(const char* id) {
    config::PlaylistItem it;
    it.id = id;
    it.source = std::string("file:") + id + ".txt";
    return it;
}
}  // namespace

TEST_CASE("ticker geometry: the band's height of the short side, the pages give it up, at three sizes and both positions", "[ticker]") {
    for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}, {1366, 768}}) {
        for (auto position : {config::TickerPosition::bottom, config::TickerPosition::top}) {
            INFO(w << "x" << h << (position == config::TickerPosition::top ? " top" : " bottom"));
            const text::PageGeometry full = text::resolve_geometry(config::Margins{}, w, h);
            config::TickerSettings ts;
            ts.position = position;
            ts.height = 0.07;
            const text::TickerGeometry g = text::ticker_geometry(full, ts);
            const int band = static_cast<int>(std::lround(0.07 * std::min(w, h)));
            CHECK(g.band_height == band);
            CHECK(g.band.width == static_cast<float>(w));
            CHECK(g.band.height == static_cast<float>(band));
            CHECK(g.page.width == w);
            CHECK(g.page.height == h - band);  // the band's height given up
            CHECK(g.page.header.y == full.header.y);
            CHECK(g.page.footer.y + g.page.footer.height == static_cast<float>(g.page.height));
            CHECK(g.page.body.height == full.body.height - static_cast<float>(band));
            // The page and the band share no row: the page's rows are [page_y, page_y + page height).
            if (position == config::TickerPosition::bottom) {
                CHECK(g.band.y == static_cast<float>(h - band));
                CHECK(g.page_y == 0);
                CHECK(g.page_y + g.page.height <= g.band.y);
            } else {
                CHECK(g.band.y == 0);
                CHECK(g.page_y == band);
            }
        }
    }
    // At the limits of the setting: 0.05 and 0.2 of the short side.
    config::TickerSettings big;
    big.height = 0.2;
    CHECK(text::ticker_geometry(text::resolve_geometry(config::Margins{}, 1920, 1080), big).band_height == 216);
}

TEST_CASE("ticker items: ticker notices in force, the most severe first, never a page of the rotation", "[ticker]") {
    config::Playlist pl;
    pl.items.push_back(report("report"));
    pl.items.push_back(notice("plain", config::Interrupt::ticker));
    pl.items.push_back(notice("blue", config::Interrupt::ticker, warning::Level::blue));
    pl.items.push_back(notice("red", config::Interrupt::ticker, warning::Level::red));
    pl.items.push_back(notice("later", config::Interrupt::ticker, warning::Level::orange, "2026-11-27T12:00", "2026-11-27T13:00"));
    pl.items.push_back(notice("page-notice", config::Interrupt::none));
    auto off = notice("off", config::Interrupt::ticker, warning::Level::red);
    off.enabled = false;
    pl.items.push_back(off);

    auto ids = [](const std::vector<schedule::TickerEntry>& e) {
        std::vector<std::string> out;
        for (const auto& x : e) out.push_back(x.id);
        return out;
    };
    CHECK(ids(schedule::ticker_items(pl, at("2026-11-27T09:00"))) == std::vector<std::string>{"red", "blue", "plain"});
    CHECK(ids(schedule::ticker_items(pl, at("2026-11-27T12:30"))) == std::vector<std::string>{"red", "later", "blue", "plain"});
    CHECK(ids(schedule::ticker_items(pl, at("2026-11-27T19:00"))).empty());  // all expired
    CHECK(ids(schedule::ticker_items(pl, at("2026-11-27T09:00"), false)).empty());  // the clock not believed yet
    CHECK(schedule::ticker_next_change(pl, at("2026-11-27T09:00")) == utc("2026-11-27T12:00"));

    // The scheduler plays the report and the page notice, never a ticker notice, however long it runs.
    schedule::ContentState content;
    for (const auto& it : pl.items) content[it.id] = schedule::ItemContent{2, {100, 100}};
    schedule::Settings settings;
    settings.default_dwell = config::Dwell{false, 20};
    schedule::History h;
    std::time_t t = utc("2026-11-27T09:00");
    std::set<std::string> played;
    for (int i = 0; i < 40; ++i) {
        const auto now = schedule::make_now(t, 8 * 3600);
        const auto d = schedule::decide(pl, content, now, h, settings);
        h = schedule::record(std::move(h), d, now);
        played.insert(d.slot.item_id);
        // A ticker notice that starts (12:00) cuts no page short.
        CHECK(t + static_cast<std::time_t>(d.seconds) != utc("2026-11-27T12:00"));
        t += std::max<std::time_t>(1, static_cast<std::time_t>(d.seconds));
        if (i == 20) t = utc("2026-11-27T11:59:50");
    }
    CHECK(played == std::set<std::string>{"report", "page-notice"});
}

TEST_CASE("ticker strip: title and text on one line, a marker and wide spacing, one loop wide", "[ticker]") {
    CHECK(text::ticker_line({"暴雪橙色预警", "长春市气象台发布\n暴雪橙色预警。\r\n请注意防范。", warning::Level::orange}) ==
          "暴雪橙色预警：长春市气象台发布 暴雪橙色预警。 请注意防范。");
    CHECK(text::ticker_line({"", "只有正文", warning::Level::none}) == "只有正文");
    const std::string long_text(1000, 'a');
    CHECK(utf8::decode(text::ticker_line({"", long_text, warning::Level::none})).size() == text::kTickerItemChars);

    const text::TickerStrip s = text::ticker_strip(test::fonts(),
                                                   {{"一", "甲甲甲", warning::Level::red}, {"二", "乙乙", warning::Level::none}}, 76, 4);
    REQUIRE(s.lines.size() == 2);
    REQUIRE(s.markers.size() == 2);
    CHECK(s.font_px == std::round(76 * 0.55f));
    CHECK(s.speed == Approx(4 * s.font_px));
    CHECK(s.markers[0].level == warning::Level::red);
    // Each item: its marker, then its text; three ems after each (the last one's before the loop).
    CHECK(s.lines[0].x > s.markers[0].box.x + s.markers[0].box.width);
    CHECK(s.markers[1].box.x - (s.lines[0].x + s.lines[0].width) == Approx(3 * s.font_px));
    CHECK(static_cast<float>(s.width) - (s.lines[1].x + s.lines[1].width) == Approx(3 * s.font_px).margin(1));
    // It enters from the right, then loops: a copy follows at the strip's width.
    CHECK(text::ticker_copies(s, 1000, 0).empty());  // at its start, just past the right edge
    CHECK(text::ticker_copies(s, 1000, 10) == std::vector<float>{990});
    const auto looped = text::ticker_copies(s, 1000, 1000 + 3.5 * s.width);
    REQUIRE(!looped.empty());
    CHECK(looped[0] <= 0);
    CHECK(looped[0] > -static_cast<float>(s.width));
    CHECK(looped.back() + static_cast<float>(s.width) >= 1000);
}

TEST_CASE("ticker on the screen: the band where the geometry says, the page beside it, moving by time and looping",
          "[ticker][render]") {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    config::KioskConfig cfg;
    render::ScreenOptions options;
    options.windowed = true;
    options.window_width = 480;
    options.window_height = 270;
    auto opened = render::Screen::open(options, test::fonts(), cfg.theme);
    REQUIRE(opened.ok());
    auto& screen = **opened;
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    // A page of text long enough to fill the body to its foot.
    content::Document doc;
    for (int i = 0; i < 30; ++i) doc.blocks.push_back(content::text_block(content::Role::paragraph, "报告正文，一段足够长的文字，用来占满整个页面的正文区域。"));
    config::PlaylistItem item;
    item.id = "report";
    library.add(item, doc);
    for (auto position : {config::TickerPosition::bottom, config::TickerPosition::top}) {
        INFO((position == config::TickerPosition::top ? "top" : "bottom"));
        config::TickerSettings ts;
        ts.position = position;
        ts.height = 0.1;
        library.set_ticker_band(ts);
        library.lay_out(480, 270);
        const auto g = *library.ticker_geometry();
        text::TickerStrip strip = text::ticker_strip(test::fonts(), {{"暴雪黄色预警", "长春市气象台发布暴雪黄色预警。", warning::Level::yellow},
                                                      {"通知", "今天下午三点停电检修，请各位办事群众合理安排时间。", warning::Level::none}},
                                                     g.band_height, 12);
        strip.speed = 600;  // fast, for the test: a loop in about two seconds
        screen.set_ticker(strip, g);
        screen.show(library.page_with_chrome(library.items().front(), 0, 0), library.geometry());
        REQUIRE(library.geometry().height == 270 - g.band_height);
        // Let the strip come in past the left edge (it enters from the right).
        std::this_thread::sleep_for(std::chrono::milliseconds(900));
        screen.ticker_frame();
        int w = 0, h = 0;
        const auto a = screen.snapshot(w, h);
        REQUIRE(w == 480);
        REQUIRE(h == 270);
        // KIOSK_TEST_SHOTS=DIR: the frame as a PNG, to look at.
        if (const char* shots = std::getenv("KIOSK_TEST_SHOTS"))
            REQUIRE(render::write_png(std::filesystem::path(shots) / (std::string("ticker-") + (position == config::TickerPosition::top ? "top" : "bottom") + ".png"),
                                      w, h, a.data(), w * 4).ok());
        const uint32_t band_bg = 0xFF000000u | (uint32_t{cfg.theme.text.r} << 16) | (uint32_t{cfg.theme.text.g} << 8) | cfg.theme.text.b;
        const uint32_t paper = 0xFF000000u | (uint32_t{cfg.theme.background.r} << 16) | (uint32_t{cfg.theme.background.g} << 8) | cfg.theme.background.b;
        const int by = static_cast<int>(g.band.y);
        auto count_in_rows = [&](const std::vector<uint32_t>& px, int y0, int y1, uint32_t colour) {
            long n = 0;
            for (int y = y0; y < y1; ++y)
                for (int x = 0; x < w; ++x) n += px[static_cast<size_t>(y * w + x)] == colour;
            return n;
        };
        // The band's rows are the band's colour (mostly) with its text; the page's rows have none of it.
        const long band_px = static_cast<long>(g.band_height) * w;
        CHECK(count_in_rows(a, by, by + g.band_height, band_bg) > band_px / 2);
        CHECK(count_in_rows(a, by, by + g.band_height, band_bg) < band_px);  // text in it
        const int py = g.page_y, ph = library.geometry().height;
        // Every row of the band is mostly the band's colour; no row of the page is (its text is
        // the same colour, but a row of text is mostly paper).
        for (int y = 0; y < h; ++y) {
            const bool in_band = y >= by && y < by + g.band_height;
            INFO("row " << y);
            const uint32_t accent = 0xFF000000u | (uint32_t{cfg.theme.accent.r} << 16) | (uint32_t{cfg.theme.accent.g} << 8) | cfg.theme.accent.b;
            if (in_band) {  // the band's colour (or its hairline), never the page's paper
                CHECK(count_in_rows(a, y, y + 1, paper) < w / 2);  // (its text is paper-coloured)
                CHECK(count_in_rows(a, y, y + 1, band_bg) + count_in_rows(a, y, y + 1, accent) > w / 4);
            } else {
                CHECK(count_in_rows(a, y, y + 1, band_bg) < w / 2);
            }
        }
        // The body's last line ends above the band (the pages are laid out for the smaller body).
        const auto& page = library.items().front().pages.front();
        float lowest = 0;
        for (const auto& line : page.lines) lowest = std::max(lowest, line.y);
        CHECK(lowest + static_cast<float>(py) < (position == config::TickerPosition::bottom ? g.band.y : 1e9f));
        CHECK(count_in_rows(a, py, py + ph, paper) > 0);
        // Two frames apart, the band moved (and the page did not).
        const double moved_a = screen.ticker_moved();
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
        screen.ticker_frame();
        const auto b = screen.snapshot(w, h);
        CHECK(screen.ticker_moved() > moved_a + 600 * 0.1);
        bool band_changed = false, page_changed = false;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const bool differs = a[static_cast<size_t>(y * w + x)] != b[static_cast<size_t>(y * w + x)];
                if (y >= by && y < by + g.band_height) band_changed |= differs;
                else page_changed |= differs;
            }
        CHECK(band_changed);
        CHECK_FALSE(page_changed);
        // It loops: after more than a loop the text is back in the band (copies keep it filled).
        const double loop_px = strip.width + 480;
        while (screen.ticker_moved() < loop_px + strip.width * 0.3) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        screen.ticker_frame();
        const auto c = screen.snapshot(w, h);
        CHECK(count_in_rows(c, by, by + g.band_height, band_bg) < band_px);
        CHECK(screen.frames().last_minute >= 3);
    }
    screen.clear_ticker();
    library.set_ticker_band(std::nullopt);
    library.lay_out(480, 270);
    CHECK(library.geometry().height == 270);
}

TEST_CASE("ticker settings in kiosk.json: read, and refused with their place when out of range", "[ticker][config]") {
    test::TempDir dir;
    auto good = config::parse_kiosk_config(R"({"ticker": {"height": 0.1, "position": "top", "chars_per_second": 6}})",
                                           dir.path() / "kiosk.json");
    REQUIRE(good.ok());
    CHECK(good->ticker.height == 0.1);
    CHECK(good->ticker.position == config::TickerPosition::top);
    CHECK(good->ticker.chars_per_second == 6);
    auto defaults = config::parse_kiosk_config("{}", dir.path() / "kiosk.json");
    REQUIRE(defaults.ok());
    CHECK(defaults->ticker.position == config::TickerPosition::bottom);
    CHECK(defaults->ticker.height == 0.07);

    auto bad = config::parse_kiosk_config("{\"ticker\": {\n  \"height\": 0.5,\n  \"position\": \"left\",\n  \"chars_per_second\": 20,\n  \"speed\": 1}}",
                                          dir.path() / "kiosk.json");
    REQUIRE_FALSE(bad.ok());
    const std::string& m = bad.error().message;
    INFO(m);
    CHECK(m.find("kiosk.json:2:") != std::string::npos);  // height, on its line
    CHECK(m.find("0.05") != std::string::npos);
    CHECK(m.find("kiosk.json:3:") != std::string::npos);  // position
    CHECK(m.find("\"bottom\" or \"top\"") != std::string::npos);
    CHECK(m.find("kiosk.json:4:") != std::string::npos);  // chars_per_second
    CHECK(m.find("speed") != std::string::npos);          // an unknown key
}
