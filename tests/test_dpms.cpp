// The screen of a closed hall, on SDL's dummy video driver: show_black() presents one black
// frame and then nothing (no present for the progress bar or a due sample, no sample of the
// meant black page), the next show() draws and samples again; and the dpms power backend
// refuses a driver that has no display server to switch, saying what it needs. The backend
// against a real X server: tests/dpms_x11_check.cpp, run by tests/test_dpms_x11.py.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "app/library.hpp"
#include "render/screen.hpp"
#include "support.hpp"

using namespace kiosk;

namespace {
std::unique_ptr<render::Screen> open_dummy_screen(const config::KioskConfig& cfg) {
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    render::ScreenOptions options;
    options.windowed = true;
    options.window_width = 320;
    options.window_height = 180;
    auto screen = render::Screen::open(options, test::fonts(), cfg.theme);
    REQUIRE(screen.ok());
    return std::move(*screen);
}

text::Page page_saying(app::Library& library, const char* text) {
    content::Document doc;
    doc.blocks.push_back(content::text_block(content::Role::paragraph, text));
    config::PlaylistItem item;
    item.id = text;
    library.add(item, doc);
    library.lay_out(320, 180);
    return library.page_with_chrome(library.items().back(), 0, 0);
}
}  // namespace

TEST_CASE("dpms: on SDL's dummy driver the backend is refused, saying it needs X11 or KMSDRM", "[render][screen][dpms]") {
    config::KioskConfig cfg;
    auto screen = open_dummy_screen(cfg);
    auto backend = screen->dpms_backend();
    REQUIRE_FALSE(backend.ok());
    const std::string& message = backend.error().message;
    CHECK_THAT(message, Catch::Contains("x11") && Catch::Contains("KMSDRM") && Catch::Contains("dummy"));
    CHECK_THAT(message, Catch::Contains("another power backend"));
}

TEST_CASE("dpms: a black screen presents one frame, samples nothing, and the next page draws and samples again", "[render][screen][dpms]") {
    config::KioskConfig cfg;
    auto screen = open_dummy_screen(cfg);
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    const text::Page page = page_saying(library, "办事大厅今日开放");
    screen->set_frame_sample_interval(std::chrono::milliseconds(100));
    screen->show(page, library.geometry());
    auto before = screen->frames();
    REQUIRE(before.sampled_at != 0);  // the first present of a page samples it
    CHECK_FALSE(before.uniform);
    CHECK_FALSE(before.black);

    screen->show_black();
    const auto black = screen->frames();
    CHECK(black.black);
    CHECK(black.last_minute == before.last_minute + 1);  // the one black frame
    CHECK_FALSE(black.uniform);                          // not judged: it is meant
    CHECK(screen->until_sample() == render::Screen::kNoSampleDue);
    int w = 0, h = 0;
    const auto shot = screen->snapshot(w, h);
    REQUIRE(shot.size() == static_cast<size_t>(w) * static_cast<size_t>(h));
    REQUIRE(w == 320);
    CHECK(std::all_of(shot.begin(), shot.end(), [](uint32_t p) { return (p & 0xFFFFFFu) == 0; }));

    // What would present while a page is up presents nothing now: the progress bar, a due
    // sample, the loop waking (well past the 100 ms sample interval).
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    screen->set_progress(0.5);
    screen->sample_now();
    CHECK(screen->wait(std::chrono::milliseconds(300)) == render::Screen::Wake::timeout);
    const auto still = screen->frames();
    CHECK(still.last_minute == black.last_minute);
    CHECK(still.sampled_at == before.sampled_at);
    CHECK(still.black);
    CHECK(screen->until_sample() == render::Screen::kNoSampleDue);

    // Awake: the page is drawn (with the progress bar kept meanwhile) and sampled at once.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a new second for sampled_at
    screen->show(page, library.geometry());
    const auto awake = screen->frames();
    CHECK_FALSE(awake.black);
    CHECK(awake.last_minute == still.last_minute + 1);
    CHECK(awake.sampled_at > before.sampled_at);
    CHECK_FALSE(awake.uniform);
    CHECK(screen->until_sample() > std::chrono::milliseconds(0));
    const auto page_shot = screen->snapshot(w, h);
    const uint32_t accent = 0xFF000000u | (cfg.theme.accent.r << 16) | (cfg.theme.accent.g << 8) | cfg.theme.accent.b;
    CHECK(page_shot[static_cast<size_t>(h - 1) * static_cast<size_t>(w) + 10] == accent);  // the bar, half full
    CHECK(page_shot != shot);
}
