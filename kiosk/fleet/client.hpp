#pragma once
// The screen's connection to the fleet's broker, on libmosquitto's own thread (never the
// frame loop's): TLS 1.2+ with this screen's client certificate, client id = screen id,
// keepalive from kiosk.json. The thread runs libmosquitto's loop a step at a time while
// the connection lasts; when it ends (a lost connection, a TLS or DNS error, a refusal) it
// connects again after a pause (1 s doubling to a minute, ±50 % jitter so a hall's screens
// do not all knock at once), for as long as the kiosk runs — and stops within two seconds
// when the kiosk does, broker or not. After every
// CONNACK it publishes `online` (retained) and subscribes to its scopes' desired state;
// its last will is `offline`; a clean stop publishes `disconnected` first.
// What arrives is verified here (signed.hpp) and queued for the run loop as documents
// accepted or refused; the run loop applies them at a page boundary and acks.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/generations.hpp"
#include "fleet/signed.hpp"

struct mosquitto;  // libmosquitto's handle, owned by FleetClient (only fleet/ includes mosquitto.h)

namespace kiosk::fleet {

struct Incoming {
    Arrival arrival;
    std::string topic;
    Result<Desired> document = make_error("");  // verified, or why it is refused
};

// What the run loop applies per turn, and the most verified documents queued for it
// before the network thread waits (with the broker holding the rest).
inline constexpr std::size_t kDocumentsPerTurn = 16;
inline constexpr std::size_t kMaxQueuedDocuments = 256;

class FleetClient {
public:
    // `wake`: called from the client's thread when something arrives (Screen::wake).
    static Result<std::unique_ptr<FleetClient>> start(const config::Fleet& fleet, Generations generations,
                                                      std::function<void()> wake);
    ~FleetClient();  // publishes `disconnected`, disconnects, joins the thread
    FleetClient(const FleetClient&) = delete;
    FleetClient& operator=(const FleetClient&) = delete;

    // At most `most` documents, oldest first; when more wait, wake() is called again so the
    // run loop turns (pages, SIGTERM) between one handful and the next.
    std::deque<Incoming> take(std::size_t most = kDocumentsPerTurn);
    // After the run loop applied (or refused) a document: the generation is recorded (only
    // for applied ones) and the ack published: applied or refused, the screen's reason, and
    // for the office's receipts the outcome (fleet/ack.hpp; "" derives it) and the words a
    // clerk reads ("" derives them from the reason).
    void acknowledge(const Incoming& in, bool applied, const std::string& reason, const std::string& outcome = "",
                     const std::string& words = "");
    // The generation of an accepted document recorded on disk (fsync) now, before the run
    // loop acts on it: for what cannot be undone or retried from inside, a restart. Its
    // acknowledge() after does not write it again.
    Status record_applied(const Incoming& in);
    // kiosk/v1/screen/{id}/{leaf}; QoS 1.
    void publish(const std::string& leaf, const std::string& payload, bool retain);
    // The same, QoS 1, not retained, to ask delivered() about (its PUBACK wakes the run loop) (mid -1: not sent, e.g. not
    // connected).
    struct Tracked {
        int mid = -1;
        std::uint64_t since = 0;  // PUBACKs seen before it was sent
    };
    Tracked publish_tracked(const std::string& leaf, const std::string& payload);
    // The broker has acknowledged (PUBACK) it.
    bool delivered(const Tracked& message) const;
    bool connected() const;
    // The generation applied per scope and kind (for the status report).
    std::map<std::string, std::uint64_t> applied() const;
    // How many times the broker has accepted this client (a change: it may have lost what
    // was retained from before, so the screen says everything again).
    int connections() const;

private:
    FleetClient() = default;
    void on_connect(int rc);
    void on_disconnect(int rc);
    void on_message(const std::string& topic, std::string_view payload);
    void on_publish(int mid);
    void run();  // the network thread

    struct Deleter {
        void operator()(mosquitto* m) const;
    };
    config::Fleet fleet_;
    std::function<void()> wake_;
    std::unique_ptr<mosquitto, Deleter> mosq_;  // one owner; destroyed after the loop stops
    mutable std::mutex mutex_;
    Generations generations_;  // guarded by mutex_
    std::deque<Incoming> incoming_;
    // The newest generation verified per key and not yet acknowledged: a second copy of a
    // document (QoS 1 redelivery; a bridge's queued copy and its retained one, back to back)
    // arriving before the first is applied is refused as replayed, not applied twice.
    std::map<std::string, std::uint64_t> pending_;
    std::map<int, std::uint64_t> delivered_;  // message id -> number of its latest PUBACK
    std::uint64_t pubacks_ = 0;
    int awaited_mid_ = -1;  // the last tracked message: its PUBACK wakes the run loop
    bool connected_ = false;
    int connections_ = 0;
    int failed_attempts_ = 0;  // since the last CONNACK: the pause before the next one
    bool stop_ = false;
    std::condition_variable stopping_;
    std::condition_variable room_;  // the queue has room again (or the client stops)
    std::thread thread_;  // last: started when everything above exists
};

}  // namespace kiosk::fleet
