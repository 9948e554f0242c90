#include "power/backend.hpp"

#include "power/backends.hpp"

namespace kiosk::power {
namespace {

// `none`: the kiosk's own black page is all there is; nothing to switch, nothing to ask.
class NoneBackend final : public Backend {
public:
    const char* name() const override { return "none"; }
    Status set(bool) override { return Ok{}; }
    Result<Panel> query() override { return Panel::unknown; }
};

}  // namespace

Result<std::unique_ptr<Backend>> open_backend(const config::PowerSettings& settings) {
    switch (settings.backend) {
        case config::PowerBackendKind::none: return std::unique_ptr<Backend>(std::make_unique<NoneBackend>());
        case config::PowerBackendKind::command: return open_command(settings.command);
        case config::PowerBackendKind::serial: return open_serial(settings.serial);
        case config::PowerBackendKind::cec: return open_cec(settings.cec);
        case config::PowerBackendKind::dpms: break;
    }
    return make_error("power: the dpms backend belongs to the screen (render::Screen::dpms_backend), not open_backend");
}

const char* panel_word(Panel p) {
    switch (p) {
        case Panel::on: return "on";
        case Panel::off: return "off";
        case Panel::unknown: break;
    }
    return "unknown";
}

}  // namespace kiosk::power
