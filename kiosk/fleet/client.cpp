#include "fleet/client.hpp"

#include "fleet/mosquitto_api.hpp"

#include <algorithm>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <nlohmann/json.hpp>

#include "fleet/ack.hpp"
#include "fleet/topics.hpp"
#include "base/log.hpp"

namespace kiosk::fleet {

void FleetClient::Deleter::operator()(mosquitto* m) const { libmosquitto().mosquitto_destroy(m); }

Result<std::unique_ptr<FleetClient>> FleetClient::start(const config::Fleet& fleet, Generations generations,
                                                        std::function<void()> wake) {
    // libmosquitto is opened and initialised here, the first time (fleet/mosquitto_api.hpp).
    if (const MosquittoApi& lib = libmosquitto(); !lib.error.empty()) return make_error("fleet: " + lib.error);
    std::unique_ptr<FleetClient> c(new FleetClient());
    c->fleet_ = fleet;
    c->wake_ = std::move(wake);
    c->generations_ = std::move(generations);
    c->mosq_.reset(libmosquitto().mosquitto_new(fleet.screen_id.c_str(), true, c.get()));
    mosquitto* m = c->mosq_.get();
    if (!m) return make_error("fleet: cannot create the MQTT client");
    libmosquitto().mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    libmosquitto().mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);  // an ack is one small packet: no 40 ms Nagle wait
    auto failed = [&](const char* step, int rc) {
        return make_error(std::string("fleet: ") + step + ": " + libmosquitto().mosquitto_strerror(rc));
    };
    if (int rc = libmosquitto().mosquitto_tls_set(m, fleet.ca_file.c_str(), nullptr, fleet.cert_file.c_str(), fleet.key_file.c_str(), nullptr))
        return failed("TLS files (fleet.ca_file, cert_file, key_file)", rc);
    if (int rc = libmosquitto().mosquitto_tls_opts_set(m, 1 /* verify the broker */, "tlsv1.2", nullptr)) return failed("TLS options", rc);
    const std::string will = screen_topic(fleet.screen_id, "state");
    if (int rc = libmosquitto().mosquitto_will_set(m, will.c_str(), 7, "offline", 1, true)) return failed("last will", rc);
    libmosquitto().mosquitto_connect_callback_set(m, [](mosquitto*, void* self, int rc) { static_cast<FleetClient*>(self)->on_connect(rc); });
    libmosquitto().mosquitto_disconnect_callback_set(m, [](mosquitto*, void* self, int rc) { static_cast<FleetClient*>(self)->on_disconnect(rc); });
    libmosquitto().mosquitto_publish_callback_set(m, [](mosquitto*, void* self, int mid) { static_cast<FleetClient*>(self)->on_publish(mid); });
    libmosquitto().mosquitto_message_callback_set(m, [](mosquitto*, void* self, const mosquitto_message* msg) {
        static_cast<FleetClient*>(self)->on_message(msg->topic ? msg->topic : "",
                                                     std::string_view(static_cast<const char*>(msg->payload),
                                                                      static_cast<size_t>(std::max(0, msg->payloadlen))));
    });
    libmosquitto().mosquitto_threaded_set(m, true);                 // our thread runs its loop
    c->thread_ = std::thread([raw = c.get()] { raw->run(); });
    return c;
}

void FleetClient::run() {
    mosquitto* m = mosq_.get();
    std::mt19937 random(std::random_device{}());
    for (;;) {
        // Non-blocking connect, then libmosquitto's loop one step at a time until the
        // connection ends. Not mosquitto_loop_forever: on a lost connection it retries by
        // itself, overwriting the state a stop sets — a screen whose broker had gone could
        // not be stopped (found by the benchmark: kiosks hung at SIGTERM).
        int rc = libmosquitto().mosquitto_connect_async(m, fleet_.host.c_str(), fleet_.port, fleet_.keepalive_seconds);
        std::optional<std::chrono::steady_clock::time_point> give_up;
        while (rc == MOSQ_ERR_SUCCESS) {
            rc = libmosquitto().mosquitto_loop(m, 1000, 1);
            std::lock_guard lock(mutex_);
            if (!stop_) continue;
            // Stopping: the loop sends `disconnected` and DISCONNECT, then the broker closes
            // the connection; a broker that does not answer is given two seconds.
            if (!give_up) give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            if (std::chrono::steady_clock::now() > *give_up) break;
        }
        std::unique_lock lock(mutex_);
        connected_ = false;
        if (stop_) return;
        const int attempt = std::min(failed_attempts_++, 6);
        const double pause = std::min(60.0, double(1 << attempt)) * std::uniform_real_distribution<double>(0.5, 1.5)(random);
        log::once(log::Level::warning, "fleet", "loop " + std::to_string(rc),
                  fleet_.host + ":" + std::to_string(fleet_.port) + ": " + libmosquitto().mosquitto_strerror(rc) + "; trying again");
        stopping_.wait_for(lock, std::chrono::duration<double>(pause), [&] { return stop_; });
        if (stop_) return;
    }
}

FleetClient::~FleetClient() {
    mosquitto* m = mosq_.get();
    if (!m) return;
    if (connected()) {
        const std::string topic = screen_topic(fleet_.screen_id, "state");
        libmosquitto().mosquitto_publish(m, nullptr, topic.c_str(), 12, "disconnected", 1, true);
    }
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    stopping_.notify_all();
    room_.notify_all();
    libmosquitto().mosquitto_disconnect(m);  // after the publish (the loop keeps their order); ends the loop
    if (thread_.joinable()) thread_.join();
}

std::map<std::string, std::uint64_t> FleetClient::applied() const {
    std::lock_guard lock(mutex_);
    // Playlists, refreshes and screenshots: a few per scope. Each notice's generation is
    // left out (up to kMaxNoticesPerScope a scope): the status lists the notices in force.
    auto all = generations_.all();
    std::erase_if(all, [](const auto& kv) { return kv.first.find("|notice|") != std::string::npos; });
    return all;
}

bool FleetClient::connected() const {
    std::lock_guard lock(mutex_);
    return connected_;
}

void FleetClient::on_connect(int rc) {
    if (rc != 0) {
        log::once(log::Level::warning, "fleet", "connack " + std::to_string(rc),
                  fleet_.host + ": the broker refused the connection (" + libmosquitto().mosquitto_connack_string(rc) + ")");
        return;
    }
    {
        std::lock_guard lock(mutex_);
        connected_ = true;
        ++connections_;
        failed_attempts_ = 0;
    }
    log::info("fleet", "connected to " + fleet_.host + ":" + std::to_string(fleet_.port) + " as " + fleet_.screen_id);
    publish("state", "online", true);
    for (const auto& topic : desired_subscriptions(fleet_)) libmosquitto().mosquitto_subscribe(mosq_.get(), nullptr, topic.c_str(), 1);
    wake_();  // the run loop sends its status now
}

int FleetClient::connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
}

void FleetClient::on_disconnect(int rc) {
    std::lock_guard lock(mutex_);
    if (connected_ && rc != 0) log::warn("fleet", fleet_.host + ": connection lost; reconnecting");
    connected_ = false;
}

void FleetClient::on_publish(int mid) {
    // Not a wake-up: the run loop asks at its next page. Message ids wrap at 65535, so each
    // PUBACK is numbered: only one after the publish counts for it.
    bool awaited = false;
    {
        std::lock_guard lock(mutex_);
        delivered_[mid] = ++pubacks_;
        awaited = mid == awaited_mid_;
    }
    if (awaited) wake_();  // a batch of plays is through: the next one can go
}

FleetClient::Tracked FleetClient::publish_tracked(const std::string& leaf, const std::string& payload) {
    Tracked t;
    {
        std::lock_guard lock(mutex_);
        if (!connected_) return t;
        t.since = pubacks_;
    }
    const std::string topic = screen_topic(fleet_.screen_id, leaf);
    if (libmosquitto().mosquitto_publish(mosq_.get(), &t.mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false) !=
        MOSQ_ERR_SUCCESS)
        t.mid = -1;
    bool already = false;
    {
        std::lock_guard lock(mutex_);
        awaited_mid_ = t.mid;
        // On loopback the PUBACK can come back before the id is noted as awaited: its wake
        // would be lost, and the next batch wait for the next page.
        auto it = delivered_.find(t.mid);
        already = t.mid >= 0 && it != delivered_.end() && it->second > t.since;
    }
    if (already) wake_();
    return t;
}

bool FleetClient::delivered(const Tracked& t) const {
    std::lock_guard lock(mutex_);
    auto it = delivered_.find(t.mid);
    return t.mid >= 0 && it != delivered_.end() && it->second > t.since;
}

void FleetClient::on_message(const std::string& topic, std::string_view payload) {
    auto arrival = parse_desired_topic(topic);
    if (!arrival || payload.empty()) return;  // not desired state, or a retained message cleared
    Incoming in;
    in.arrival = *arrival;
    in.topic = topic;
    {
        std::unique_lock lock(mutex_);
        // A flood waits here, on the network thread (the broker holds the rest), until the
        // run loop has taken some: the queue's memory stays bounded whatever arrives.
        room_.wait(lock, [&] { return stop_ || incoming_.size() < kMaxQueuedDocuments; });
        if (stop_) return;
        const std::string key = generation_key(*arrival);
        const auto pending = pending_.find(key);
        const std::uint64_t last = std::max(generations_.last(key), pending == pending_.end() ? 0 : pending->second);
        in.document = verify(payload, fleet_.trusted_keys, *arrival, std::time(nullptr), last);
        if (in.document) pending_[key] = in.document->gen;
        incoming_.push_back(std::move(in));
    }
    wake_();
}

std::deque<Incoming> FleetClient::take(std::size_t most) {
    std::deque<Incoming> out;
    bool more = false;
    {
        std::lock_guard lock(mutex_);
        while (!incoming_.empty() && out.size() < most) {
            out.push_back(std::move(incoming_.front()));
            incoming_.pop_front();
        }
        more = !incoming_.empty();
    }
    room_.notify_all();
    if (more) wake_();  // the rest at the next turn of the run loop, after a look at its events
    return out;
}

void FleetClient::acknowledge(const Incoming& in, bool applied, const std::string& reason, const std::string& outcome,
                              const std::string& words) {
    const std::string how = outcome.empty() ? outcome_of(applied, reason) : outcome;
    nlohmann::json ack = {{"topic", in.topic}, {"result", applied ? "applied" : "refused"}, {"reason", reason},
                          {"outcome", how}, {"at", static_cast<long long>(std::time(nullptr))}};
    if (!words.empty()) ack["words"] = words;
    else if (!applied && how != kAckReplayed) ack["words"] = refusal_words(reason);
    if (in.document) {
        ack["id"] = in.document->id;
        ack["kind"] = in.document->kind;
        ack["gen"] = in.document->gen;
        std::lock_guard lock(mutex_);
        const std::string key = generation_key(in.arrival);
        if (applied && generations_.last(key) < in.document->gen)  // not already by record_applied()
            if (auto st = generations_.record(key, in.document->gen, in.document->expires); !st)
                log::error("fleet", st.error().message + " (the document may be applied again after a restart)");
        // Acknowledged: from now on the generations file decides (a refused document may come
        // again and be looked at afresh).
        if (auto it = pending_.find(key); it != pending_.end() && it->second == in.document->gen) pending_.erase(it);
    }
    publish("ack", ack.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false);
}

Status FleetClient::record_applied(const Incoming& in) {
    if (!in.document) return make_error("a refused document is not recorded");
    std::lock_guard lock(mutex_);
    return generations_.record(generation_key(in.arrival), in.document->gen, in.document->expires);
}

void FleetClient::publish(const std::string& leaf, const std::string& payload, bool retain) {
    const std::string topic = screen_topic(fleet_.screen_id, leaf);
    libmosquitto().mosquitto_publish(mosq_.get(), nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, retain);
}

}  // namespace kiosk::fleet
