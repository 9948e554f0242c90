#include "console/alerts.hpp"

#include <algorithm>
#include <cstdio>

#include "base/log.hpp"
#include "base/zone_time.hpp"
#include "console/fleet_link.hpp"
#include "console/names.hpp"
#include "console/store.hpp"

namespace kiosk::console {

std::vector<AlertRule> current_alert_rules(Store& store) {
    std::vector<AlertRule> stored;
    for (const auto& j : store.alert_rules())
        if (auto r = alert_rule_from_json(j)) stored.push_back(*r);
    return merged_alert_rules(stored);
}

std::string channel_kind_words(const std::string& kind) {
    if (kind == "wecom") return "企业微信群机器人";
    if (kind == "dingtalk") return "钉钉群机器人";
    if (kind == "webhook") return "通用网络接口";
    if (kind == "email") return "电子邮件";
    return "未知方式";
}

AlertWorker::AlertWorker(std::vector<AlertChannel> channels, std::string zone, Store& store, FleetLink& fleet,
                         std::chrono::milliseconds every)
    : channels_(std::move(channels)), zone_(std::move(zone)), store_(store), fleet_(fleet), every_(every) {}

AlertWorker::~AlertWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void AlertWorker::start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void AlertWorker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        tick(std::time(nullptr));
        lock.lock();
        stop_cv_.wait_for(lock, every_, [this] { return stopping_; });
    }
}

void AlertWorker::tick(std::time_t now) {
    const DisplayNames names(store_);
    AlertInput in;
    in.rules = current_alert_rules(store_);
    in.screens = fleet_.screens();
    for (const auto& a : store_.alerts(true, 10000)) in.open.push_back({a.id, a.rule, a.screen, a.since, a.raised_at, a.last_reminded});
    in.now = now;
    in.zone = zone_;
    in.name = [&names](const std::string& id) { return names.screen(id); };
    std::vector<std::string> ids;
    for (const auto& c : channels_) ids.push_back(c.id);
    for (const auto& e : evaluate_alerts(in, pending_)) {
        const std::string action = e.event == "raised" ? "alert_raised" : e.event == "reminder" ? "alert_reminder" : "alert_recovered";
        const AuditEntry entry{0, now, kAlertsUser, "local", action, "screen/" + e.screen, e.text};
        auto id = store_.record_alert({e.event, e.alert, e.rule, e.screen, e.since, now, e.title, e.text}, ids, entry);
        if (!id) log::error("alerts", "cannot record the " + e.event + " alert of " + e.rule + " on " + e.screen + ": " + id.error().message);
    }
    deliver_due(now);
    if (now - pruned_ >= 3600) {
        pruned_ = now;
        if (auto st = store_.prune_alerts(now); !st) log::warn("alerts", "cannot prune old alerts: " + st.error().message);
    }
}

void AlertWorker::deliver_due(std::time_t now) {
    const DisplayNames names(store_);
    for (const auto& d : store_.due_deliveries(now)) {
        const auto channel = std::find_if(channels_.begin(), channels_.end(), [&](const AlertChannel& c) { return c.id == d.channel; });
        // The log's object: the screen (by its name there), or for a test the channel.
        const std::string target = !d.screen.empty() ? "screen/" + d.screen : channel != channels_.end() ? channel->name : d.channel;
        if (channel == channels_.end()) {
            const std::string why = "这个发送渠道已从 console.json 中删除，不再发送";
            store_.delivery_attempted(d.id, false, why, now, 0, {0, now, kAlertsUser, "local", "alert_delivery_failed", target, d.channel + "：" + why});
            continue;
        }
        AlertMessage message{d.event, d.title, d.text, d.rule, d.screen, d.screen.empty() ? "" : names.screen(d.screen), now};
        const DeliveryOutcome out = deliver(*channel, message);
        const std::time_t after = std::time(nullptr);
        if (out.ok) {
            store_.delivery_attempted(d.id, true, "", after, 0,
                                      {0, after, kAlertsUser, "local", "alert_delivered", target, channel->name + "：" + d.title});
            continue;
        }
        const std::time_t next = next_attempt(d.attempts + 1, after);
        const std::string when = zone_time::format_iso_local(next, zone_).substr(11, 5);
        store_.delivery_attempted(d.id, false, out.detail, after, next,
                                  {0, after, kAlertsUser, "local", "alert_delivery_failed", target,
                                   channel->name + "：" + d.title + "\n发送失败：" + out.detail + "，将在 " + when + " 重试"});
        log::warn("alerts", "delivery to " + channel->id + " failed: " + out.detail);
    }
}

}  // namespace kiosk::console
