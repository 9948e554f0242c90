// The 告警 page's API: open and past alerts with every delivery's state, the channels IT set
// in console.json (name and kind only: their addresses and secrets stay out of the browser)
// with a test message each, and the rules an admin edits. The worker (console/alerts) does
// the rest.
#include "console/alerts.hpp"
#include "console/routes.hpp"

namespace kiosk::console {

namespace {

std::string event_words(const std::string& event) {
    if (event == "raised") return "告警";
    if (event == "reminder") return "提醒";
    if (event == "recovered") return "恢复";
    if (event == "test") return "测试";
    return event;
}

const AlertChannel* channel_of(const ConsoleSettings& settings, const std::string& id) {
    for (const auto& c : settings.alert_channels)
        if (c.id == id) return &c;
    return nullptr;
}

}  // namespace

void Routes::alert_routes() {
    httplib::Server& s = *server;
    s.Get("/api/alerts", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const std::string& zone = office->time_zone;
        const DisplayNames names(store);
        auto when = [&](std::time_t t) { return t ? zone_time::format_short_time(t, zone) : std::string(); };
        auto delivery_json = [&](const AlertDelivery& d) {
            const AlertChannel* c = channel_of(settings, d.channel);
            std::string state;
            if (d.delivered_at) state = "已送达 " + when(d.delivered_at);
            else if (d.attempts == 0) state = "正在发送";
            else if (d.next_at) state = "发送失败：" + d.last_error + "，将在 " + zone_time::format_iso_local(d.next_at, zone).substr(11, 5) + " 重试";
            else state = "发送失败：" + d.last_error + "，不再重试";
            return json{{"channel", c ? c->name : "已删除的渠道"}, {"event", event_words(d.event)}, {"state", state},
                        {"ok", d.delivered_at != 0}, {"failed", !d.delivered_at && d.attempts > 0}, {"attempts", d.attempts}};
        };
        auto alert_json = [&](const AlertRecord& a) {
            json deliveries = json::array();
            for (const auto& d : store.deliveries_of(a.id)) deliveries.push_back(delivery_json(d));
            return json{{"rule", alert_rule_name(a.rule)}, {"screen", names.screen(a.screen)}, {"since", when(a.since)},
                        {"raised", when(a.raised_at)}, {"cleared", when(a.cleared_at)}, {"reminded", when(a.last_reminded)},
                        {"text", a.text}, {"recovery", a.recovery_text}, {"open", a.cleared_at == 0}, {"deliveries", deliveries}};
        };
        json open = json::array(), past = json::array(), channels = json::array(), rules = json::array();
        for (const auto& a : store.alerts(true, 500)) open.push_back(alert_json(a));
        for (const auto& a : store.alerts(false, 100)) past.push_back(alert_json(a));
        const auto tests = store.deliveries_of(0, 200);
        for (const auto& c : settings.alert_channels) {
            json ch = {{"id", c.id}, {"name", c.name}, {"kind", channel_kind_words(c.kind)}, {"test", nullptr}};
            for (const auto& d : tests)  // newest first: the channel's last test
                if (d.channel == c.id) {
                    ch["test"] = delivery_json(d);
                    break;
                }
            channels.push_back(ch);
        }
        for (const auto& r : current_alert_rules(store)) rules.push_back(alert_rule_json(r));
        send_json(res, {{"open", open}, {"past", past}, {"channels", channels}, {"rules", rules},
                        {"can_edit", session->role == Role::admin}});
    });
    // An admin saves one rule (audited with what it now says).
    s.Post("/api/alerts/rules", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        auto rule = alert_rule_from_json(body_json(req));
        if (!rule) return send_error(res, 422, rule.error().message);
        json stored = alert_rule_json(*rule);
        stored.erase("name");
        stored.erase("words");
        const std::string words = (rule->enabled ? "开启：" : "关闭：") + alert_rule_words(*rule);
        if (auto st = store.set_alert_rule(rule->kind, stored, {0, std::time(nullptr), session->user, address(req), "alert_rule", rule->kind, words}); !st)
            return send_error(res, 503, "没有保存：控制台的数据库写不进去（" + st.error().message + "）。请通知管理员检查磁盘。");
        send_json(res, {{"ok", true}, {"message", "已保存「" + alert_rule_name(rule->kind) + "」：" + words}});
    });
    // A test message to one channel: queued, the worker sends it within seconds.
    s.Post("/api/alerts/test", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        const AlertChannel* c = channel_of(settings, str(body_json(req), "channel"));
        if (!c) return send_error(res, 404, "没有这个发送渠道，请刷新页面后再试");
        const std::time_t now = std::time(nullptr);
        const std::string title = "【测试】大厅屏幕控制台的告警测试";
        const std::string text = "【测试】这是 " + session->user + " 在 " + zone_time::format_short_time(now, office->time_zone) +
                                 " 从大厅屏幕控制台发出的测试消息。收到它，说明「" + c->name + "」能收到屏幕告警，不用处理。";
        auto id = store.record_alert({"test", 0, "", "", now, now, title, text}, {c->id},
                                     {0, now, session->user, address(req), "alert_test", c->name, ""});
        if (!id) return send_error(res, 503, "没有发送：控制台的数据库写不进去（" + id.error().message + "）。请通知管理员检查磁盘。");
        send_json(res, {{"ok", true}, {"message", "测试消息已排队，几秒内发往「" + c->name + "」，结果显示在下面"}});
    });
}

}  // namespace kiosk::console
