#pragma once
// `kiosk run`: the hall screen's loop.
#include <optional>
#include <string>

#include "render/screen.hpp"

namespace kiosk::app {

struct RunOptions {
    std::optional<std::string> config;
    render::ScreenOptions screen;
    std::optional<int> rotate;  // overrides the config's rotation
};

int run_kiosk(const RunOptions& options);

}  // namespace kiosk::app
