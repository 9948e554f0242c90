#pragma once
// Talking to systemd (sd_notify from libsystemd): READY when the first page is up,
// WATCHDOG pings from the frame loop only (a hung loop stops them and systemd restarts the
// kiosk), STOPPING on the way out, and a one-line STATUS. Outside systemd (no
// NOTIFY_SOCKET) every call does nothing.
#include <chrono>
#include <string_view>

namespace kiosk::service {

void ready();
void stopping();
void status(std::string_view line);
void watchdog_ping();

// How often the loop must ping: half of WatchdogSec, or nothing when no watchdog is set.
std::chrono::milliseconds watchdog_interval();

}  // namespace kiosk::service
