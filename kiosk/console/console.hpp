#pragma once
// kiosk-console: the one owner of the console's parts — settings, the office's kiosk.json,
// the store, the fleet link (and through it the signing key) and the HTTP server — and the
// web page's API. Only console/ includes httplib and sqlite3.
#include <memory>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "console/settings.hpp"

namespace kiosk::console {

class Store;
class FleetLink;
class AlertWorker;
class WarningDesk;
struct Routes;

class Console {
public:
    // Reads the office's kiosk.json, checks and loads the signing key, opens the database.
    // Nothing is listening yet.
    static Result<std::unique_ptr<Console>> open(const ConsoleSettings& settings);
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    // Serves until stop() (from another thread; the console's main calls it on SIGTERM).
    Status serve();
    void stop();

    Store& store() { return *store_; }

private:
    Console() = default;
    ConsoleSettings settings_;
    config::ConfigSnapshot office_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<FleetLink> fleet_;
    std::unique_ptr<AlertWorker> alerts_;  // evaluates the alert rules and delivers (console/alerts); stops before the link goes
    std::unique_ptr<Routes> routes_;  // the HTTP server and its handlers
    std::unique_ptr<WarningDesk> warnings_;  // official warnings (console/warning_desk): uses the routes' service; gone first
};


}  // namespace kiosk::console
