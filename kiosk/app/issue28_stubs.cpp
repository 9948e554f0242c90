// TEMPORARY (helper `asleep`, issue 28): stand-ins for what `backends` (power::open_backend,
// power::panel_word) builds, so the run loop links and
// its tests run before their branches merge. Delete this file (and its line in
// CMakeLists.txt) when merging it.
#include "power/backend.hpp"

namespace kiosk {

Result<std::unique_ptr<power::Backend>> power::open_backend(const config::PowerSettings&) {
    return make_error("power backends are not built yet (stand-in)");
}

const char* power::panel_word(power::Panel p) {
    switch (p) {
        case power::Panel::on: return "on";
        case power::Panel::off: return "off";
        case power::Panel::unknown: break;
    }
    return "unknown";
}

}  // namespace kiosk
