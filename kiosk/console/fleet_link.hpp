#pragma once
// The console's end of the broker: one office connection with a kept session (the broker
// queues what the screens send while the console is restarting), a thread that files every
// screen's state, status, screenshot and plays into the store and keeps a summary of each
// screen for the 屏幕 page, and the one place that signs: every document the console
// publishes goes through publish(), signed with the office's key.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "config/config.hpp"
#include "console/store.hpp"

namespace kiosk::fleet {
class OfficeClient;
}

namespace kiosk::console {

// What the 屏幕 page shows of one screen, from its state and last status.
nlohmann::json screen_summary(const ScreenRecord& record, std::time_t now);

class FleetLink {
public:
    // `secret_key`: base64, read from the office's signing key file (checked by the caller).
    FleetLink(config::Fleet broker, std::string secret_key, std::string kid, Store& store);
    ~FleetLink();  // stops the thread and disconnects
    FleetLink(const FleetLink&) = delete;
    FleetLink& operator=(const FleetLink&) = delete;

    void start();
    bool connected();

    struct Published {
        std::uint64_t gen = 0;
    };
    // Signs `body` as a document of `kind` for `scope` and publishes it retained; the broker
    // has it when this returns.
    Result<Published> publish(const std::string& scope, const std::string& kind, const nlohmann::json& body,
                              std::time_t lifetime, const std::string& notice_id = "");

    // Every screen's summary, as a JSON array sorted by id.
    nlohmann::json screens(std::time_t now);

private:
    void run();
    void file(const std::string& screen, const std::string& leaf, const std::string& payload, std::time_t now);

    const config::Fleet broker_;
    const std::string secret_key_, kid_;
    Store& store_;  // borrowed: the Console owns both
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    std::shared_ptr<fleet::OfficeClient> client_;  // replaced by run() until a connection holds
    std::map<std::string, ScreenRecord> screens_;  // the store's screens, kept in memory for the 屏幕 page
    std::uint64_t last_gen_ = 0;
    bool stopping_ = false;
    std::thread thread_;  // run(); joined by the destructor
};

}  // namespace kiosk::console
