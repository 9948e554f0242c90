#include "fleet/office.hpp"

#include "fleet/mosquitto_api.hpp"

#include <algorithm>

#include "fleet/topics.hpp"

namespace kiosk::fleet {

void OfficeClient::Deleter::operator()(mosquitto* m) const { libmosquitto().mosquitto_destroy(m); }

Result<std::unique_ptr<OfficeClient>> OfficeClient::connect(const config::Fleet& broker, const std::string& client_id,
                                                           std::chrono::milliseconds timeout, bool keep_session) {
    if (const MosquittoApi& lib = libmosquitto(); !lib.error.empty()) return make_error("fleet: " + lib.error);
    std::unique_ptr<OfficeClient> c(new OfficeClient());
    c->mosq_.reset(libmosquitto().mosquitto_new(client_id.c_str(), !keep_session, c.get()));
    mosquitto* m = c->mosq_.get();
    if (!m) return make_error("fleet: cannot create the MQTT client");
    libmosquitto().mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    libmosquitto().mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);  // documents go out at once, not after Nagle's wait
    auto file_or_null = [](const std::string& f) { return f.empty() ? nullptr : f.c_str(); };
    if (int rc = libmosquitto().mosquitto_tls_set(m, broker.ca_file.c_str(), nullptr, file_or_null(broker.cert_file), file_or_null(broker.key_file), nullptr))
        return make_error(std::string("fleet: TLS files: ") + libmosquitto().mosquitto_strerror(rc));
    libmosquitto().mosquitto_tls_opts_set(m, 1, "tlsv1.2", nullptr);
    libmosquitto().mosquitto_connect_callback_set(m, [](mosquitto*, void* self, int rc) {
        auto* me = static_cast<OfficeClient*>(self);
        std::lock_guard lock(me->mutex_);
        me->connack_ = rc;
        me->connected_ = rc == 0;
        if (rc == 0) ++me->connections_;
        me->changed_.notify_all();
    });
    libmosquitto().mosquitto_disconnect_callback_set(m, [](mosquitto*, void* self, int) {
        auto* me = static_cast<OfficeClient*>(self);
        std::lock_guard lock(me->mutex_);
        me->connected_ = false;
        me->changed_.notify_all();
    });
    libmosquitto().mosquitto_publish_callback_set(m, [](mosquitto*, void* self, int mid) {
        auto* me = static_cast<OfficeClient*>(self);
        std::lock_guard lock(me->mutex_);
        me->acked_mids_.push_back(mid);
        me->changed_.notify_all();
    });
    libmosquitto().mosquitto_subscribe_callback_set(m, [](mosquitto*, void* self, int, int, const int*) {
        auto* me = static_cast<OfficeClient*>(self);
        std::lock_guard lock(me->mutex_);
        me->subscribed_ = true;
        ++me->subacks_;
        me->changed_.notify_all();
    });
    libmosquitto().mosquitto_unsubscribe_callback_set(m, [](mosquitto*, void* self, int) {
        auto* me = static_cast<OfficeClient*>(self);
        std::lock_guard lock(me->mutex_);
        ++me->unsubacks_;
        me->changed_.notify_all();
    });
    libmosquitto().mosquitto_message_callback_set(m, [](mosquitto*, void* self, const mosquitto_message* msg) {
        auto* me = static_cast<OfficeClient*>(self);
        const std::string topic = msg->topic ? msg->topic : "";
        const std::string desired = std::string(kTopicRoot) + "desired/";
        if (topic.rfind(desired, 0) == 0) {
            std::lock_guard lock(me->mutex_);
            if (!me->collecting_desired_ || !msg->retain || me->desired_.size() >= 100000) return;
            me->desired_[topic] = std::string(static_cast<const char*>(msg->payload), static_cast<size_t>(std::max(0, msg->payloadlen)));
            me->desired_at_ = std::chrono::steady_clock::now();
            me->changed_.notify_all();
            return;
        }
        const std::string prefix = std::string(kTopicRoot) + "screen/";
        if (topic.rfind(prefix, 0) != 0) return;
        const std::string rest = topic.substr(prefix.size());
        const size_t slash = rest.find('/');
        if (slash == std::string::npos) return;
        ScreenMessage sm{rest.substr(0, slash), rest.substr(slash + 1),
                         std::string(static_cast<const char*>(msg->payload), static_cast<size_t>(std::max(0, msg->payloadlen))),
                         msg->retain, std::chrono::steady_clock::now()};
        std::lock_guard lock(me->mutex_);
        if (me->messages_.size() < 100000) me->messages_.push_back(std::move(sm));
        me->changed_.notify_all();
    });
    if (int rc = libmosquitto().mosquitto_connect_async(m, broker.host.c_str(), broker.port, broker.keepalive_seconds))
        return make_error(broker.host + ":" + std::to_string(broker.port) + ": " + libmosquitto().mosquitto_strerror(rc));
    if (int rc = libmosquitto().mosquitto_loop_start(m)) return make_error(std::string("fleet: ") + libmosquitto().mosquitto_strerror(rc));
    std::unique_lock lock(c->mutex_);
    if (!c->changed_.wait_for(lock, timeout, [&] { return c->connack_ >= 0; }))
        return make_error(broker.host + ":" + std::to_string(broker.port) + ": no answer from the broker within " +
                          std::to_string(timeout.count()) + " ms");
    if (!c->connected_) return make_error(broker.host + ": the broker refused the office (" + libmosquitto().mosquitto_connack_string(c->connack_) + ")");
    lock.unlock();
    return c;
}

OfficeClient::~OfficeClient() {
    if (mosquitto* m = mosq_.get()) {
        libmosquitto().mosquitto_disconnect(m);
        libmosquitto().mosquitto_loop_stop(m, false);
    }
}

Status OfficeClient::publish(const std::string& topic, const std::string& payload, bool retain, std::chrono::milliseconds timeout) {
    int mid = 0;
    if (int rc = libmosquitto().mosquitto_publish(mosq_.get(), &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, retain))
        return make_error(topic + ": " + libmosquitto().mosquitto_strerror(rc));
    std::unique_lock lock(mutex_);
    const bool acked = changed_.wait_for(lock, timeout, [&] {
        return std::find(acked_mids_.begin(), acked_mids_.end(), mid) != acked_mids_.end();
    });
    if (!acked) return make_error(topic + ": the broker did not confirm within " + std::to_string(timeout.count()) + " ms");
    acked_mids_.erase(std::find(acked_mids_.begin(), acked_mids_.end(), mid));
    return Ok{};
}

Status OfficeClient::watch_screens(std::chrono::milliseconds timeout) {
    const std::string topic = std::string(kTopicRoot) + "screen/+/#";
    if (int rc = libmosquitto().mosquitto_subscribe(mosq_.get(), nullptr, topic.c_str(), 1)) return make_error(topic + ": " + libmosquitto().mosquitto_strerror(rc));
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return subscribed_; })) return make_error(topic + ": no SUBACK from the broker");
    return Ok{};
}

std::deque<ScreenMessage> OfficeClient::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(messages_, {});
}

int OfficeClient::connections() {
    std::lock_guard lock(mutex_);
    return connections_;
}

Result<std::map<std::string, std::string>> OfficeClient::retained_desired(std::chrono::milliseconds quiet,
                                                                          std::chrono::milliseconds limit) {
    const std::string topic = std::string(kTopicRoot) + "desired/#";
    int subacks = 0;
    {
        std::lock_guard lock(mutex_);
        collecting_desired_ = true;
        desired_.clear();
        desired_at_ = std::chrono::steady_clock::now();
        subacks = subacks_;
    }
    if (int rc = libmosquitto().mosquitto_subscribe(mosq_.get(), nullptr, topic.c_str(), 1)) return make_error(topic + ": " + libmosquitto().mosquitto_strerror(rc));
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    if (!changed_.wait_until(lock, deadline, [&] { return subacks_ > subacks; })) {
        collecting_desired_ = false;
        return make_error(topic + ": no SUBACK from the broker");
    }
    // Retained documents follow the SUBACK at once; the broker sends no end marker, so a
    // quiet moment ends the list (one that comes later is only republished needlessly).
    desired_at_ = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
        const auto until = std::min(deadline, desired_at_ + quiet);
        if (std::chrono::steady_clock::now() >= until) break;
        changed_.wait_until(lock, until);
    }
    collecting_desired_ = false;
    auto found = std::exchange(desired_, {});
    const int unsubacks = unsubacks_;
    lock.unlock();
    if (int rc = libmosquitto().mosquitto_unsubscribe(mosq_.get(), nullptr, topic.c_str())) return make_error(topic + ": " + libmosquitto().mosquitto_strerror(rc));
    lock.lock();
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return unsubacks_ > unsubacks; });
    return found;
}

bool OfficeClient::connected() {
    std::lock_guard lock(mutex_);
    return connected_;
}

bool OfficeClient::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return !messages_.empty(); });
}

}  // namespace kiosk::fleet
