// The screen itself, on SDL's dummy video driver: a fade or slide takes its ~0.4 s of
// compositing and ends on the new page, "none" flips at once; the progress bar fills the
// page's bottom strip in proportion and redraws nothing else.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "app/content_source.hpp"
#include "app/library.hpp"
#include "render/page_painter.hpp"
#include "render/png_writer.hpp"
#include "render/screen.hpp"
#include "support.hpp"

using namespace kiosk;

namespace {
text::Page page_saying(app::Library& library, const char* text) {
    content::Document doc;
    doc.blocks.push_back(content::text_block(content::Role::paragraph, text));
    config::PlaylistItem item;
    item.id = text;
    library.add(item, doc);
    library.lay_out(320, 180);
    return library.page_with_chrome(library.items().back(), 0, 0);
}

// A 320x180 window on SDL's dummy driver with the default theme.
std::unique_ptr<render::Screen> open_screen(const config::KioskConfig& cfg) {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    render::ScreenOptions options;
    options.windowed = true;
    options.window_width = 320;
    options.window_height = 180;
    auto screen = render::Screen::open(options, test::fonts(), cfg.theme);
    REQUIRE(screen.ok());
    return std::move(*screen);
}
}  // namespace

TEST_CASE("screen: transitions take their time and end on the new page, the progress bar fills its strip", "[render][screen]") {
    config::KioskConfig cfg;
    auto screen = open_screen(cfg);
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    const text::Page a = page_saying(library, "甲页");
    const text::Page b = page_saying(library, "乙页内容更长一些，第二页");
    const auto geometry = library.geometry();

    auto timed_show = [&](const text::Page& p, render::Screen::Transition t) {
        const auto start = std::chrono::steady_clock::now();
        screen->show(p, geometry, t);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    timed_show(a, render::Screen::Transition::none);
    int w = 0, h = 0;
    const auto shot_a = screen->snapshot(w, h);
    REQUIRE(w == 320);
    REQUIRE(shot_a.size() == 320u * 180u);
    CHECK(timed_show(b, render::Screen::Transition::fade) >= 0.38);
    const auto shot_b = screen->snapshot(w, h);
    CHECK(shot_b != shot_a);  // ended on the new page
    CHECK(timed_show(a, render::Screen::Transition::slide) >= 0.38);
    CHECK(screen->snapshot(w, h) == shot_a);
    CHECK(timed_show(b, render::Screen::Transition::none) < 0.3);
    CHECK(screen->snapshot(w, h) == shot_b);

    // Progress: the bottom row is accent up to the share left, background after it.
    screen->set_progress(0.5);
    auto shot = screen->snapshot(w, h);
    const uint32_t accent = 0xFF000000u | (cfg.theme.accent.r << 16) | (cfg.theme.accent.g << 8) | cfg.theme.accent.b;
    const uint32_t background = 0xFF000000u | (cfg.theme.background.r << 16) | (cfg.theme.background.g << 8) | cfg.theme.background.b;
    const size_t bottom = static_cast<size_t>(h - 1) * static_cast<size_t>(w);
    CHECK(shot[bottom + 10] == accent);
    CHECK(shot[bottom + 150] == accent);
    CHECK(shot[bottom + 170] == background);
    CHECK(shot[bottom + 310] == background);
    screen->set_progress(0.25);
    shot = screen->snapshot(w, h);
    CHECK(shot[bottom + 70] == accent);
    CHECK(shot[bottom + 90] == background);
    // Above the strip nothing changed.
    for (size_t i = 0; i < bottom - 4 * static_cast<size_t>(w); ++i)
        if (shot[i] != shot_b[i]) {
            FAIL("pixel " << i << " changed");
            break;
        }
}

// Issue 14, bug 1: a reload's colours apply to the page on screen at once (the run loop
// calls set_theme and shows the page again), not only from the next restart.
TEST_CASE("screen: a new theme redraws the page in its colours", "[render][screen]") {
    config::KioskConfig cfg;
    auto screen = open_screen(cfg);
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    const text::Page page = page_saying(library, "甲页");
    screen->show(page, library.geometry());
    int w = 0, h = 0;
    // A pixel of background: the body's lower right corner, away from any text.
    const auto at = [&](const std::vector<uint32_t>& shot) {
        return shot[static_cast<size_t>((h * 3 / 4) * w + w - 20)] & 0xFFFFFF;
    };
    const auto before = screen->snapshot(w, h);
    const auto bg = cfg.theme.background;
    CHECK(at(before) == (uint32_t{bg.r} << 16 | uint32_t{bg.g} << 8 | bg.b));
    config::Theme dark = cfg.theme;
    dark.background = config::Color{0x10, 0x20, 0x30};
    screen->set_theme(dark);
    screen->show(page, library.geometry());
    const auto after = screen->snapshot(w, h);
    CHECK(at(after) == 0x102030u);
}

// The screen and `kiosk render` paint with one painter into plain pixels (the PNG a band of
// rows at a time, the screen uploading its bands into the page texture): what a PNG shows
// is what the panel shows, to the byte, text, table rules, pictures and placeholders alike.
TEST_CASE("screen: the page on screen is the PNG's page, pixel for pixel", "[render][screen]") {
    config::KioskConfig cfg;
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    render::ScreenOptions options;
    options.windowed = true;
    options.window_width = 800;
    options.window_height = 450;
    auto opened = render::Screen::open(options, test::fonts(), cfg.theme);
    REQUIRE(opened.ok());
    auto& screen = *opened;
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    for (const char* fixture : {"photo-article.html", "report-2021-tables.html"}) {
        auto doc = app::load_local_file(std::filesystem::path(KIOSK_TEST_FIXTURES) / "portal" / fixture);
        REQUIRE(doc.ok());
        config::PlaylistItem item;
        item.id = fixture;
        library.add(item, *doc);
    }
    library.lay_out(screen->page_width(), screen->page_height());
    screen->set_pictures(&library.pictures());
    REQUIRE(library.pictures().size() >= 1);
    render::PagePainter painter(test::fonts(), cfg.theme);
    painter.set_pictures(&library.pictures());
    test::TempDir dir;
    int compared = 0;
    bool picture = false, rules = false;
    for (const auto& shown : library.items()) {
        for (int n = 0; n < std::min(3, static_cast<int>(shown.pages.size())); ++n) {
            INFO(shown.item.id << " page " << n + 1);
            const text::Page page = library.page_with_chrome(shown, n, 0);
            for (const auto& im : page.images) picture = picture || !im.placeholder;
            rules = rules || !page.rules.empty();
            auto files = render::render_pages_to_png(test::fonts(), cfg.theme, library.geometry(), {page},
                                                     render::PngRequest{dir.path(), "p", 0, &library.pictures()});
            REQUIRE(files.ok());
            const test::Image png = test::read_png(files->at(0));
            screen->show(page, library.geometry());
            int w = 0, h = 0;
            const auto shot = screen->snapshot(w, h);
            REQUIRE(w == png.width);
            REQUIRE(h == png.height);
            size_t differing = 0;
            for (size_t i = 0; i < shot.size(); ++i) {
                const uint32_t p = shot[i];
                const unsigned char* q = &png.rgb[3 * i];
                if (((p >> 16) & 0xFF) != q[0] || ((p >> 8) & 0xFF) != q[1] || (p & 0xFF) != q[2]) ++differing;
            }
            CHECK(differing == 0);
            // Both paint in bands of rows; the page painted whole at once is the same.
            std::vector<uint32_t> whole(static_cast<size_t>(w) * static_cast<size_t>(h));
            painter.paint(page, library.geometry(), render::Canvas(whole.data(), w, 0, h, w));
            CHECK(std::mismatch(whole.begin(), whole.end(), shot.begin()).first == whole.end());
            ++compared;
        }
    }
    CHECK(compared >= 4);
    CHECK(picture);  // the photo was drawn, not only placeholders
    CHECK(rules);    // and a table's rules
}
