#pragma once
// The console's alert worker (issue 27): a thread, owned by the Console like the FleetLink's,
// that every few seconds evaluates the rules (console/alert_rules) over FleetLink::screens(),
// writes each event (the alert, a delivery per channel, the audit entry) and then sends what
// is due to every channel of console.json's alerts.channels (console/alert_channels'
// deliver()), trying a failed delivery again at next_attempt() — 1, 2, 4 … minutes, at most
// an hour apart. Every attempt, delivered or failed, is in the audit log.
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "console/alert_channels.hpp"
#include "console/alert_rules.hpp"

namespace kiosk::console {

class Store;
class FleetLink;

// The audit log's user for what the alert worker did (the 操作日志 says 告警系统).
inline constexpr const char* kAlertsUser = "(alerts)";

// The rules in force: the stored ones over the defaults.
std::vector<AlertRule> current_alert_rules(Store& store);
// "企业微信群机器人", "钉钉群机器人", "通用网络接口", "电子邮件".
std::string channel_kind_words(const std::string& kind);

class AlertWorker {
public:
    AlertWorker(std::vector<AlertChannel> channels, std::string zone, Store& store, FleetLink& fleet,
                std::chrono::milliseconds every = std::chrono::seconds(3));
    ~AlertWorker();  // stops the thread and joins it
    AlertWorker(const AlertWorker&) = delete;
    AlertWorker& operator=(const AlertWorker&) = delete;

    void start();
    // One round at `now`: the rules evaluated and their events written, then the deliveries
    // that are due attempted.
    void tick(std::time_t now);

private:
    void run();
    void deliver_due(std::time_t now);

    const std::vector<AlertChannel> channels_;
    const std::string zone_;
    Store& store_;       // borrowed: the Console owns both
    FleetLink& fleet_;
    const std::chrono::milliseconds every_;
    AlertPending pending_;  // the worker thread's own
    std::time_t pruned_ = 0;  // old alerts last pruned (once an hour)
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace kiosk::console
