#include "health/service_manager.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace kiosk::service {

void ready() { sd_notify(0, "READY=1"); }
void stopping() { sd_notify(0, "STOPPING=1"); }
void status(std::string_view line) { sd_notify(0, ("STATUS=" + std::string(line)).c_str()); }
void watchdog_ping() { sd_notify(0, "WATCHDOG=1"); }

std::chrono::milliseconds watchdog_interval() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::milliseconds::zero();
    return std::chrono::milliseconds(usec / 2000);
}

}  // namespace kiosk::service
