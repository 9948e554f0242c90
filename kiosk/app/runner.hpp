#pragma once
// `kiosk run`: the hall screen's loop.
#include <optional>
#include <string>

#include "render/screen.hpp"

namespace kiosk::app {

// How fast the run loop's pages turn against the wall clock. The kiosk runs at 1; a soak
// test passes a faster one (its own runner program: no flag or variable of `kiosk` sets it).
// Under a test's fast wall clock too (libfaketime "x60" with the monotonic clock left
// alone), the waits the run loop measures on the wall clock — until the hall closes or
// opens, the asleep status heartbeat — are divided by it.
struct PageClock {
    double speedup = 1.0;
};

struct RunOptions {
    std::optional<std::string> config;
    render::ScreenOptions screen;
    std::optional<int> rotate;  // overrides the config's rotation
    PageClock clock;
};

// `kiosk run`'s exit status after the office's remote restart (a `restart` document,
// docs/fleet.md): EX_TEMPFAIL, "try again". systemd/kiosk.service starts it again
// (Restart=always, RestartForceExitStatus=75) and counts it as a clean stop
// (SuccessExitStatus=75). 0 is SIGTERM's clean stop; 1 and 2 a failure to start.
inline constexpr int kExitRestart = 75;

int run_kiosk(const RunOptions& options);

}  // namespace kiosk::app
