// The dpms backend against a real X server (tests/test_dpms_x11.py starts Xorg and sets
// DISPLAY and SDL_VIDEODRIVER=x11): a kiosk's screen opened on it, its dpms_backend(), and
// what `xset q` (the server's own account, not ours) says after each switch.
//   dpms_x11_check switch    the server has DPMS: off after show_black(), then on again,
//                            each confirmed by query() and by xset; idle timeouts at 0
//   dpms_x11_check refused   the server has no DPMS extension: the backend is an error
//                            that says so (the run loop then falls back to a black page)
// Exit 0 when every check held, 1 otherwise (each failure printed).
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "render/screen.hpp"
#include "text/fonts.hpp"

using namespace kiosk;

namespace {
int failures = 0;

void check(bool ok, const std::string& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
    if (!ok) ++failures;
}

std::string xset_q() {
    std::string out;
    if (FILE* p = popen("xset q 2>&1", "r")) {
        std::array<char, 512> buf{};
        while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
        pclose(p);
    }
    const auto at = out.find("DPMS (Energy Star):");
    return at == std::string::npos ? out : out.substr(at);
}

bool has(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }
}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode != "switch" && mode != "refused") {
        std::fprintf(stderr, "usage: dpms_x11_check switch|refused\n");
        return 2;
    }
    auto fonts = text::FontSet::open(text::FontRequest{});
    if (!fonts) {
        std::fprintf(stderr, "fonts: %s\n", fonts.error().message.c_str());
        return 1;
    }
    config::KioskConfig cfg;
    auto screen = render::Screen::open(render::ScreenOptions{}, **fonts, cfg.theme);
    if (!screen) {
        std::fprintf(stderr, "screen: %s\n", screen.error().message.c_str());
        return 1;
    }
    check((*screen)->display().driver == "x11", "the screen is on SDL's x11 driver (" + (*screen)->display().driver + ")");
    text::PageGeometry geometry;
    geometry.width = (*screen)->page_width();
    geometry.height = (*screen)->page_height();
    (*screen)->show(text::Page{}, geometry);

    auto backend = (*screen)->dpms_backend();
    if (mode == "refused") {
        check(!backend.ok(), "dpms_backend() is an error on a server without DPMS");
        if (!backend.ok()) {
            std::printf("message: %s\n", backend.error().message.c_str());
            check(has(backend.error().message, "no DPMS extension"), "the message says the server has no DPMS extension");
            check(has(backend.error().message, "another power backend"), "the message says what to do");
        }
        return failures == 0 ? 0 : 1;
    }

    if (!backend) {
        check(false, "dpms_backend(): " + backend.error().message);
        return 1;
    }
    check(std::strcmp((*backend)->name(), "dpms") == 0, "the backend is called dpms");
    std::string xset = xset_q();
    check(has(xset, "Standby: 0") && has(xset, "Suspend: 0") && has(xset, "Off: 0"),
          "the server's DPMS idle timeouts are 0 (the kiosk alone decides):\n" + xset);

    (*screen)->show_black();
    auto off = (*backend)->set(false);
    check(off.ok(), "set(false)" + (off.ok() ? std::string() : ": " + off.error().message));
    auto q = (*backend)->query();
    check(q.ok() && *q == power::Panel::off, "query() reads the panel off");
    xset = xset_q();
    check(has(xset, "Monitor is Off"), "xset says the monitor is off:\n" + xset);

    auto on = (*backend)->set(true);
    check(on.ok(), "set(true)" + (on.ok() ? std::string() : ": " + on.error().message));
    q = (*backend)->query();
    check(q.ok() && *q == power::Panel::on, "query() reads the panel on");
    xset = xset_q();
    check(has(xset, "Monitor is On"), "xset says the monitor is on:\n" + xset);
    (*screen)->show(text::Page{}, geometry);
    check(!(*screen)->frames().black, "the screen draws again");
    backend = make_error("closed");  // the backend goes before the screen
    return failures == 0 ? 0 : 1;
}
