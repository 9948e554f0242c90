#pragma once
// The console's end of the broker: one office connection with a kept session (the broker
// queues what the screens send while the console is restarting), a thread that files every
// screen's state, status, screenshot and plays into the store and keeps a summary of each
// screen for the 屏幕 page, and the one place that publishes: every document the console
// sends goes through publish(), journalled first and signed with the office's key. The
// link reconnects by itself after any loss, and reconciles the broker with the journal.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <vector>
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
#include "fleet/publisher.hpp"

namespace kiosk::fleet {
class OfficeClient;
}

namespace kiosk::console {

class ItemNames;

// What became of one action's documents: written to the journal always; sent when the
// broker confirmed them, else sent when the link is back (reconcile).
struct Delivery {
    std::vector<fleet::Publication> publications;
    std::vector<std::int64_t> ids;  // their ids in the journal (a receipt's id)
    bool sent = false;
    std::string why_not;  // when not sent: what the broker said
};

class FleetLink {
public:
    FleetLink(config::Fleet broker, fleet::Publisher publisher, Store& store);
    ~FleetLink();  // stops the thread and disconnects
    FleetLink(const FleetLink&) = delete;
    FleetLink& operator=(const FleetLink&) = delete;

    void start();
    // Connected, subscribed and reconciled with the broker: what is published now is sent now.
    bool connected();

    // The one way the console publishes: `make` builds the action's intent (its documents
    // prepared with the generations `last` gives, its audit entries, its records), the store
    // writes it whole, then the documents go to the broker and are marked sent. One action
    // at a time, so the broker gets every key's documents in generation order. An error
    // means nothing was written.
    using Make = std::function<Result<Intent>(const fleet::Publisher& publisher, const Store::LastGeneration& last)>;
    Result<Delivery> publish(const Make& make);

    // Every screen's record as last heard, sorted by id.
    std::vector<ScreenRecord> screens();

private:
    void run();
    // A new session with the broker: subscribe to the screens and bring the broker's
    // retained documents up to the journal's newest (after a broker lost its data, or a
    // console died between writing and sending).
    Status start_session(fleet::OfficeClient& client);
    void file(const std::string& screen, const std::string& leaf, const std::string& payload, std::time_t now);
    // A screen's ack kept for the receipt of the publication it answers.
    void file_ack(const std::string& screen, const std::string& payload, std::time_t now);
    // Receipts whose screens have all answered, or that are two minutes old: their counts
    // go into the audit log (once each).
    void log_receipts(std::time_t now);

    const config::Fleet broker_;
    const fleet::Publisher publisher_;
    Store& store_;  // borrowed: the Console owns both
    // What the console calls items, for plays filed without a title (rebuilt every 10 s at
    // most; the fleet thread's own).
    std::shared_ptr<const ItemNames> play_names_;
    std::time_t play_names_at_ = 0;
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    std::mutex publishing_;  // one action's record-and-send (or a reconcile) at a time
    std::shared_ptr<fleet::OfficeClient> client_;  // replaced by run() after a loss
    std::map<std::string, ScreenRecord> screens_;  // the store's screens, kept in memory for the 屏幕 page
    bool stopping_ = false;
    bool session_ready_ = false;  // start_session() done for the client's current session
    std::thread thread_;  // run(); joined by the destructor
};

}  // namespace kiosk::console
