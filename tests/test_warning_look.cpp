// An official warning's look on the urgent page (issue 29): the band in the level's colour
// (warning::level_colors) saying the warning's title, or as much of it as fits one line —
// always with the level's words — and an ordinary urgent notice as before.
#include <catch2/catch.hpp>

#include <set>

#include "app/library.hpp"
#include "base/utf8.hpp"
#include "fleet/notice.hpp"
#include "render/png_writer.hpp"
#include "support.hpp"
#include "text/layout_json.hpp"

using namespace kiosk;

namespace {

struct Shown {
    text::Page page;
    text::PageGeometry geometry;
    std::string band_words;
    float band_px = 0;
    const text::Line* band = nullptr;
};

// A notice item laid out by the Library (as the screen does) and its first page with chrome.
Shown warning_page(const config::PlaylistItem& item, int w, int h) {
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    content::Document doc;
    doc.title = item.title;
    doc.blocks.push_back(content::text_block(content::Role::paragraph, item.text));
    library.add(item, doc);
    library.lay_out(w, h);
    Shown s;
    s.geometry = library.geometry();
    REQUIRE(library.items().size() == 1);
    REQUIRE_FALSE(library.items().front().pages.empty());
    s.page = library.page_with_chrome(library.items().front(), 0, 1'800'000'000);
    for (const auto& c : s.page.chrome)
        if (c.chrome_role == "alert") {
            s.band_words = utf8::encode(c.text);
            s.band_px = c.font_size;
        }
    return s;
}

config::PlaylistItem notice(const std::string& title, warning::Level level, bool urgent = true) {
    config::PlaylistItem item;
    item.id = "warn";
    item.kind = "notice";
    item.title = title;
    item.text = "预计今天夜间到明天白天，我市大部地区有大到暴雪，请减少外出，注意交通安全。";
    config::NoticeTiming t;
    t.start = 1'700'000'000;
    t.expires = 1'900'000'000;
    t.urgent = urgent;
    t.level = level;
    item.notice = t;
    return item;
}

uint32_t pixel(const test::Image& im, int x, int y) {
    const unsigned char* p = &im.rgb[3 * (static_cast<size_t>(y) * static_cast<size_t>(im.width) + static_cast<size_t>(x))];
    return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}

}  // namespace

TEST_CASE("warning look: the band words are the title, else the part after 发布, else the level", "[warning_look]") {
    using warning::Level;
    CHECK(text::warning_band_words(Level::orange, "长春市气象台发布暴雪橙色预警") ==
          std::vector<std::string>{"长春市气象台发布暴雪橙色预警", "暴雪橙色预警", "橙色预警"});
    CHECK(text::warning_band_words(Level::red, "") == std::vector<std::string>{"红色预警"});
    CHECK(text::warning_band_words(Level::red, "红色预警") == std::vector<std::string>{"红色预警"});
    // A title without the level's words: the level comes first.
    CHECK(text::warning_band_words(Level::yellow, "道路结冰预警") ==
          std::vector<std::string>{"黄色预警　道路结冰预警", "黄色预警"});
}

TEST_CASE("warning look: the band takes the level's colour and words at every size", "[warning_look][urgent]") {
    using warning::Level;
    test::TempDir dir;
    const std::string longest = "吉林省长春市朝阳区气象台发布道路结冰红色预警信号";
    int rendered = 0;
    for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1366, 768}}) {
        for (Level level : {Level::blue, Level::yellow, Level::orange, Level::red}) {
            const std::string words = warning::level_words(level);
            for (const std::string& title : {"长春市气象台发布暴雪" + words + "预警", longest}) {
                if (title == longest && level != Level::red) continue;
                INFO(w << "x" << h << " " << title);
                Shown s = warning_page(notice(title, level), w, h);
                REQUIRE(s.page.alert_band);
                CHECK(s.page.alert_level == level);
                // The band says the warning, with its level, never 紧急通知, whole on one line
                // inside the body's margins, and no smaller than 0.6 of the band's usual size.
                const auto tried = text::warning_band_words(level, title);
                CHECK(std::find(tried.begin(), tried.end(), s.band_words) != tried.end());
                CHECK(s.band_words.find(words) != std::string::npos);
                const text::Line* band = nullptr;
                for (const auto& c : s.page.chrome)
                    if (c.chrome_role == "alert") band = &c;
                REQUIRE(band);
                const float margin = s.geometry.body.x;
                CHECK(band->x >= margin - 1);
                CHECK(band->x + band->width <= static_cast<float>(w) - margin + 1);
                const float full = std::round(s.page.alert_band->height * 0.5f);
                CHECK(band->font_size >= 0.6f * full - 1);
                CHECK(band->font_size <= full);
                // Its glyphs sit inside the band.
                CHECK(band->y - band->font_size >= s.page.alert_band->y);
                CHECK(band->y + 0.3f * band->font_size <= s.page.alert_band->y + s.page.alert_band->height);
                // The title is not said twice: the body does not start with it.
                for (const auto& l : s.page.lines) CHECK(utf8::encode(l.text).find("气象台发布") == std::string::npos);
                // On the 1920-wide landscape page the ordinary title is whole.
                if (w == 1920 && title != longest) CHECK(s.band_words == title);
                // In portrait the ordinary title (14 characters) is whole too, a little smaller.
                if (w == 1080 && title != longest) CHECK(s.band_words == title);
                // The longest realistic title gives way to its part after 发布 on the portrait page.
                if (title == longest && w == 1080) CHECK(s.band_words == "道路结冰红色预警信号");

                // The painted band: the level's colour left of the words, the text colour in them.
                const auto colours = warning::level_colors(level);
                auto files = render::render_pages_to_png(test::fonts(), config::KioskConfig{}.theme, s.geometry, {s.page},
                                                         render::PngRequest{dir.path(), "w" + std::to_string(rendered), 0, nullptr});
                REQUIRE(files.ok());
                ++rendered;
                const test::Image png = test::read_png(files->at(0));
                const int mid = static_cast<int>(s.page.alert_band->height / 2);
                CHECK(pixel(png, 2, mid) == colours.band);
                CHECK(pixel(png, w - 3, 2) == colours.band);
                int text_px = 0;
                for (int x = static_cast<int>(band->x); x < static_cast<int>(band->x + band->width); ++x)
                    for (int y = 0; y < static_cast<int>(s.page.alert_band->height); ++y) text_px += pixel(png, x, y) == colours.text;
                CHECK(text_px > 500);
                // Below the band, the page's own background, not the level's colour.
                CHECK(pixel(png, 2, static_cast<int>(s.page.alert_band->height) + 4) != colours.band);
            }
        }
    }
    CHECK(rendered == 15);
}

TEST_CASE("warning look: an ordinary urgent notice keeps its 紧急通知 band in the accent colour", "[warning_look][urgent]") {
    test::TempDir dir;
    const config::KioskConfig cfg;
    Shown s = warning_page(notice("停电通知", warning::Level::none), 1920, 1080);
    CHECK(s.band_words == "紧急通知");
    CHECK(s.page.alert_level == warning::Level::none);
    auto files = render::render_pages_to_png(test::fonts(), cfg.theme, s.geometry, {s.page},
                                             render::PngRequest{dir.path(), "u", 0, nullptr});
    REQUIRE(files.ok());
    const test::Image png = test::read_png(files->at(0));
    const uint32_t accent = (uint32_t{cfg.theme.accent.r} << 16) | (uint32_t{cfg.theme.accent.g} << 8) | cfg.theme.accent.b;
    CHECK(pixel(png, 2, 20) == accent);
}

TEST_CASE("warning look: a level alone (no urgent style) is set in the warning's look, and the layout JSON says so", "[warning_look]") {
    Shown s = warning_page(notice("长春市气象台发布大风黄色预警", warning::Level::yellow, false), 1920, 1080);
    CHECK(s.page.alert_band);
    CHECK(s.band_words == "长春市气象台发布大风黄色预警");
    // The JSON of `kiosk layout`: the band with its level and colours, the documented fields kept.
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    CHECK(library.sync([] {
              config::Playlist p;
              p.items.push_back(notice("长春市气象台发布暴雪橙色预警", warning::Level::orange));
              return p;
          }()).empty());
    library.lay_out(1920, 1080);
    const auto json = text::layout_json(1920, 1080, 0, library.all_pages(1'800'000'000));
    bool band = false;
    for (const auto& c : json["items"][0]["pages"][0]["chrome"])
        if (c["role"] == "alert-band") {
            band = true;
            CHECK(c["level"] == "orange");
            CHECK(c["colour"] == "#F07D00");
            CHECK(c["text_colour"] == "#1A1A1A");
            CHECK(c.contains("x"));
            CHECK(c.contains("height"));
        } else if (c["role"] == "alert") {
            CHECK(c["text"] == "长春市气象台发布暴雪橙色预警");
        }
    CHECK(band);
}

TEST_CASE("warning look: the office's 橙色 warning (interrupt, urgent, level) reaches the page", "[warning_look][fleet]") {
    fleet::FleetNotice n;
    n.scope = "all";
    n.id = "w1";
    n.received = 1'799'000'000;
    auto body = fleet::parse_notice_body(nlohmann::json{{"text", "预计今天夜间有暴雪。"},
                                                        {"until", 1'800'500'000},
                                                        {"mode", "interrupt"},
                                                        {"style", "urgent"},
                                                        {"level", "orange"}},
                                         1'799'000'000);
    REQUIRE(body.ok());
    n.body = *body;
    const config::PlaylistItem item = fleet::notice_item(n);
    REQUIRE(item.notice);
    CHECK(item.notice->interrupt == config::Interrupt::at_once);
    CHECK(item.notice->level == warning::Level::orange);
    CHECK(item.title == "橙色预警");  // untitled: the level's words, not 紧急通知
    Shown s = warning_page(item, 1080, 1920);
    CHECK(s.page.alert_level == warning::Level::orange);
    CHECK(s.band_words == "橙色预警");
}
