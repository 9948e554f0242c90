// `kiosk run` with a fast page clock, for the soak test. The kiosk itself reads no test
// hook (no flag, no environment variable changes its time); this program is the test's
// own: it hands the run loop a clock whose pages turn SPEEDUP times faster.
// usage: fast_clock_kiosk SPEEDUP CONFIG  (windowed 480x270; SDL_VIDEODRIVER=dummy)
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "app/runner.hpp"
#include "base/i18n.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fputs("usage: fast_clock_kiosk SPEEDUP CONFIG\n", stderr);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    kiosk::i18n::init();
    kiosk::app::RunOptions options;
    options.clock.speedup = std::atof(argv[1]);
    if (options.clock.speedup < 1) return 2;
    options.config = argv[2];
    options.screen.windowed = true;
    options.screen.window_width = 480;
    options.screen.window_height = 270;
    return kiosk::app::run_kiosk(options);
}
