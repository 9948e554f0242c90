#pragma once
// The panel's power switch, behind one small interface the run loop calls: `set` to turn the
// panel on or into standby, `query` to read back what the panel says. Backends: none (the
// kiosk's own black page only), cec (HDMI-CEC through libcec), serial (RS-232 commands of a
// commercial panel), command (a configured program run with on/off/query). dpms (X11 DPMS or
// KMSDRM's connector property) belongs to render/ (it needs SDL's window) and implements the
// same interface. A backend never throws; failures are values naming the device and what
// failed, and the run loop falls back to a black page.
#include <memory>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"

namespace kiosk::power {

enum class Panel { on, off, unknown };

// One owner: the run loop (declared after the screen it may use, so it goes first).
class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;  // "none", "cec", "serial", "command", "dpms"
    // Turn the panel on (true) or to standby (false). Bounded in time (the backend's timeout).
    virtual Status set(bool on) = 0;
    // What the panel reports; Panel::unknown when the device cannot say.
    virtual Result<Panel> query() = 0;
};

// none, cec, serial or command as configured (dpms: an error; the caller asks render/).
Result<std::unique_ptr<Backend>> open_backend(const config::PowerSettings& settings);

const char* panel_word(Panel p);  // "on", "off", "unknown" (status JSON)

}  // namespace kiosk::power
