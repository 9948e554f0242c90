#pragma once
// `kiosk run`: the hall screen's loop.
#include <optional>
#include <string>

#include "render/screen.hpp"

namespace kiosk::app {

// How fast the run loop's pages turn against the wall clock. The kiosk runs at 1; a soak
// test passes a faster one (its own runner program: no flag or variable of `kiosk` sets it).
struct PageClock {
    double speedup = 1.0;
};

struct RunOptions {
    std::optional<std::string> config;
    render::ScreenOptions screen;
    std::optional<int> rotate;  // overrides the config's rotation
    PageClock clock;
};

int run_kiosk(const RunOptions& options);

}  // namespace kiosk::app
