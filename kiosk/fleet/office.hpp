#pragma once
// The office's side of the broker: publishes signed desired state (retained, QoS 1) and
// watches what the screens say (state, status, acks). Used by `kiosk fleet …` and by the
// tests and benchmark; connects with the office's certificate (CN "office"), which the
// broker's ACL lets write desired state and read every screen.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"

struct mosquitto;

namespace kiosk::fleet {

struct ScreenMessage {
    std::string screen_id;
    std::string leaf;     // state, status, ack, screenshot, plays
    std::string payload;
    bool retained = false;
    std::chrono::steady_clock::time_point at;
};

class OfficeClient {
public:
    // Connected (CONNACK received) within `timeout`, or an error saying why not. `client_id`
    // must be unique per connection (the broker drops an older one with the same id).
    // `keep_session`: the broker keeps this client id's subscriptions and queues what they
    // match (QoS 1) while it is away — a console that restarts loses no screen's plays.
    static Result<std::unique_ptr<OfficeClient>> connect(const config::Fleet& broker, const std::string& client_id,
                                                         std::chrono::milliseconds timeout, bool keep_session = false);
    ~OfficeClient();
    OfficeClient(const OfficeClient&) = delete;
    OfficeClient& operator=(const OfficeClient&) = delete;

    // A retained QoS 1 publish, acknowledged by the broker within `timeout`.
    Status publish(const std::string& topic, const std::string& payload, bool retain,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Subscribes to every screen's topics (kiosk/v1/screen/+/#); messages are kept until taken.
    Status watch_screens(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    std::deque<ScreenMessage> take();
    // Waits until a message arrives or `timeout` passes; true when one is there.
    bool wait(std::chrono::milliseconds timeout);
    // The broker's session is up (libmosquitto reconnects by itself after a loss).
    bool connected();
    // How many times the session was established: a change means a new session, whose
    // broker may have lost the subscriptions and retained documents of the last one.
    int connections();
    // The documents the broker keeps retained under kiosk/v1/desired/# (topic -> bytes):
    // subscribed, collected until `quiet` passes with nothing new (at most `limit`), and
    // unsubscribed again.
    Result<std::map<std::string, std::string>> retained_desired(std::chrono::milliseconds quiet,
                                                                std::chrono::milliseconds limit);

private:
    OfficeClient() = default;
    struct Deleter {
        void operator()(mosquitto* m) const;
    };
    std::unique_ptr<mosquitto, Deleter> mosq_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool connected_ = false;
    int connack_ = -1;
    int connections_ = 0;
    int subacks_ = 0, unsubacks_ = 0;
    bool collecting_desired_ = false;
    std::map<std::string, std::string> desired_;  // while collecting
    std::chrono::steady_clock::time_point desired_at_{};
    std::deque<int> acked_mids_;
    bool subscribed_ = false;
    std::deque<ScreenMessage> messages_;
};

}  // namespace kiosk::fleet
