// The alert engine (console/alert_rules) without a clock or a network: every rule raised
// once after its minutes, reminded, recovered; numeric rules that hover at the threshold do
// not flap; open hours; unknown conditions change nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "base/zone_time.hpp"
#include "console/alert_rules.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {

const std::string kZone = "Asia/Shanghai";
// Monday 2026-12-07 10:00 in Shanghai.
const std::time_t kMonday10 = zone_time::from_local(2026, 12, 7, 10, 0, 0, kZone);

AlertRule rule(const std::string& kind, double minutes, double threshold = 0, double remind = 0) {
    AlertRule r;
    r.kind = kind;
    r.enabled = true;
    r.minutes = minutes;
    r.threshold = threshold;
    r.remind_hours = remind;
    return r;  // all day, every day
}

json status(json extra = json::object()) {
    json s = {{"format", "kiosk-status/1"},
              {"version", "1.4.0"},
              {"current", {{"standing", false}, {"item", "guide"}}},
              {"playlist", {{"refused", json::array()}}},
              {"items", json::array()}};
    for (auto& [k, v] : extra.items()) s[k] = v;
    return s;
}

json health(double free_percent, json temperature, bool uniform = false) {
    return {{"temperature_c", temperature},
            {"disk", {{"free_percent", free_percent}}},
            {"frames", {{"last_minute", 3600}, {"uniform", uniform}, {"colour", uniform ? "#000000" : ""}}}};
}

ScreenRecord screen(const std::string& id, const std::string& state, std::time_t since, json st = status()) {
    ScreenRecord s;
    s.id = id;
    s.state = state;
    s.state_since = since;
    s.heard = since;
    s.status = std::move(st);
    return s;
}

// One evaluation with the open alerts the events so far leave (as the store would keep them).
struct Run {
    explicit Run(std::vector<AlertRule> r) : rules(std::move(r)) {}
    std::vector<AlertRule> rules;
    std::vector<OpenAlert> open;
    AlertPending pending;
    std::int64_t next_id = 1;
    std::vector<AlertEvent> all;

    std::vector<AlertEvent> at(std::time_t now, const std::vector<ScreenRecord>& screens) {
        AlertInput in{rules, screens, open, now, kZone, [](const std::string& id) { return id == "hall-1f-east" ? "1楼东侧屏" : id; }};
        auto events = evaluate_alerts(in, pending);
        for (const auto& e : events) {
            if (e.event == "raised") open.push_back({next_id++, e.rule, e.screen, e.since, now, 0});
            for (auto& a : open)
                if (a.id == e.alert && e.event == "reminder") a.last_reminded = now;
            if (e.event == "recovered")
                open.erase(std::remove_if(open.begin(), open.end(), [&](const OpenAlert& a) { return a.id == e.alert; }), open.end());
            all.push_back(e);
        }
        return events;
    }
    int count(const std::string& event) const {
        return static_cast<int>(std::count_if(all.begin(), all.end(), [&](const AlertEvent& e) { return e.event == event; }));
    }
};

}  // namespace

TEST_CASE("alerts: offline raised once after its minutes, reminded, recovered", "[alerts]") {
    Run run{{rule("offline", 5, 0, 1)}};
    const std::time_t down = kMonday10 - 60;
    CHECK(run.at(kMonday10, {screen("hall-1f-east", "offline", down)}).empty());  // 1 minute: not yet
    auto raised = run.at(kMonday10 + 4 * 60, {screen("hall-1f-east", "offline", down)});
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].event == "raised");
    CHECK(raised[0].text == "【告警】1楼东侧屏 已离线 5 分钟（自 09:59 起）。请到现场检查屏幕电源和网络。");
    CHECK(raised[0].text.find("hall-1f-east") == std::string::npos);
    // Raised once: the next evaluations say nothing until the reminder is due.
    for (int m = 5; m < 64; m += 3) CHECK(run.at(kMonday10 + m * 60, {screen("hall-1f-east", "offline", down)}).empty());
    auto reminded = run.at(kMonday10 + 64 * 60, {screen("hall-1f-east", "offline", down)});
    REQUIRE(reminded.size() == 1);
    CHECK(reminded[0].event == "reminder");
    CHECK(reminded[0].text.rfind("【提醒】1楼东侧屏 仍然离线，已 1 小时 5 分钟", 0) == 0);
    auto back = run.at(kMonday10 + 70 * 60, {screen("hall-1f-east", "online", kMonday10 + 70 * 60)});
    REQUIRE(back.size() == 1);
    CHECK(back[0].event == "recovered");
    CHECK(back[0].text == "【已恢复】1楼东侧屏 恢复在线（离线 1 小时 11 分钟）。");
    CHECK(run.at(kMonday10 + 71 * 60, {screen("hall-1f-east", "online", kMonday10 + 70 * 60)}).empty());
    CHECK(run.count("raised") == 1);
}

TEST_CASE("alerts: a screen connected but silent (hung, or its hall cut off) is raised as offline", "[alerts]") {
    Run run{{rule("offline", 5, 0, 1)}};
    // Heard at 10:00, then nothing: three missed statuses make it silent at 10:03, and the
    // rule's 5 minutes count from the last word.
    CHECK(run.at(kMonday10 + 4 * 60, {screen("hall-1f-east", "online", kMonday10)}).empty());
    auto raised = run.at(kMonday10 + 6 * 60, {screen("hall-1f-east", "online", kMonday10)});
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.rfind("【告警】1楼东侧屏 已 6 分钟没有任何消息（最后一次 10:00）", 0) == 0);
    auto back = run.at(kMonday10 + 9 * 60, {screen("hall-1f-east", "online", kMonday10 + 9 * 60)});
    REQUIRE(back.size() == 1);
    CHECK(back[0].event == "recovered");
}

TEST_CASE("alerts: offline for a few seconds (decimal minutes) and back before it raises says nothing", "[alerts]") {
    Run run{{rule("offline", 0.1)}};
    CHECK(run.at(kMonday10 + 3, {screen("s", "offline", kMonday10)}).empty());
    CHECK(run.at(kMonday10 + 5, {screen("s", "online", kMonday10 + 5)}).empty());
    CHECK(run.at(kMonday10 + 60, {screen("s", "online", kMonday10 + 5)}).empty());
    CHECK(run.at(kMonday10 + 70, {screen("s", "disconnected", kMonday10 + 60)}).size() == 1);  // 6 s of a stopped screen
    CHECK(run.all.size() == 1);
}

TEST_CASE("alerts: offline counts only inside the hall's open hours and days", "[alerts]") {
    AlertRule r = rule("offline", 5, 0, 1);
    r.open_from = 8 * 60 + 30;
    r.open_until = 17 * 60 + 30;
    r.weekdays = 0x1f;  // Monday to Friday
    Run run{{r}};
    const std::time_t seven = zone_time::from_local(2026, 12, 7, 7, 0, 0, kZone);
    const std::time_t opening = zone_time::from_local(2026, 12, 7, 8, 30, 0, kZone);
    CHECK(run.at(opening - 60, {screen("s", "offline", seven)}).empty());      // closed
    CHECK(run.at(opening + 4 * 60, {screen("s", "offline", seven)}).empty());  // open 4 minutes
    auto raised = run.at(opening + 5 * 60, {screen("s", "offline", seven)});
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.find("（自 07:00 起）") != std::string::npos);
    // After closing: no reminder; a recovery is still told.
    const std::time_t evening = zone_time::from_local(2026, 12, 7, 19, 0, 0, kZone);
    CHECK(run.at(evening, {screen("s", "offline", seven)}).empty());
    CHECK(run.at(evening + 60, {screen("s", "online", evening)}).size() == 1);
    // Sunday: nothing at all.
    Run sunday{{r}};
    const std::time_t sun = zone_time::from_local(2026, 12, 6, 10, 0, 0, kZone);
    CHECK(sunday.at(sun + 3600, {screen("s", "offline", sun)}).empty());
}

TEST_CASE("alerts: standing page for N minutes, from the engine's own memory", "[alerts]") {
    Run run{{rule("standing", 10)}};
    json standing = status({{"current", {{"standing", true}}}});
    CHECK(run.at(kMonday10, {screen("s", "online", 0, standing)}).empty());
    CHECK(run.at(kMonday10 + 9 * 60, {screen("s", "online", 0, standing)}).empty());
    CHECK(run.at(kMonday10 + 10 * 60, {screen("s", "online", 0, standing)}).size() == 1);
    auto back = run.at(kMonday10 + 11 * 60, {screen("s", "online", 0, status())});
    REQUIRE(back.size() == 1);
    CHECK(back[0].text == "【已恢复】s 不再显示待机画面，恢复播放节目（待机 11 分钟）。");
    // Standing that stops before its minutes starts again from zero.
    Run again{{rule("standing", 10)}};
    again.at(kMonday10, {screen("s", "online", 0, standing)});
    again.at(kMonday10 + 5 * 60, {screen("s", "online", 0, status())});
    CHECK(again.at(kMonday10 + 12 * 60, {screen("s", "online", 0, standing)}).empty());
}

TEST_CASE("alerts: a screen offline tells nothing about its old status", "[alerts]") {
    Run run{{rule("standing", 1), rule("disk", 0, 10)}};
    json st = status({{"current", {{"standing", true}}}, {"health", health(3, 50)}});
    run.at(kMonday10, {screen("s", "offline", kMonday10, st)});
    CHECK(run.at(kMonday10 + 3600, {screen("s", "offline", kMonday10, st)}).empty());
    // Raised while online, then offline: no recovery from an old status.
    run.at(kMonday10 + 3600, {screen("s", "online", kMonday10, st)});
    CHECK(run.at(kMonday10 + 3700, {screen("s", "online", kMonday10, st)}).size() == 1);  // standing 1 min
    CHECK(run.open.size() == 2);
    CHECK(run.at(kMonday10 + 4000, {screen("s", "offline", kMonday10 + 3900, status())}).empty());
    CHECK(run.open.size() == 2);
}

TEST_CASE("alerts: refused playlist raised at once and recovered once it is taken", "[alerts]") {
    Run run{{rule("refused", 0)}};
    json refused = status({{"playlist", {{"refused", {"第 3 项：时段 25:00 不是时刻"}}}}});
    auto raised = run.at(kMonday10, {screen("s", "online", 0, refused)});
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.find("第 3 项：时段 25:00 不是时刻") != std::string::npos);
    CHECK(run.at(kMonday10 + 60, {screen("s", "online", 0, status())}).size() == 1);
    // An English reason is not passed on.
    Run english{{rule("refused", 0)}};
    auto e = english.at(kMonday10, {screen("s", "online", 0, status({{"playlist", {{"refused", {"item 3: bad hours"}}}}}))});
    REQUIRE(e.size() == 1);
    CHECK(e[0].text.find("bad hours") == std::string::npos);
}

TEST_CASE("alerts: content stale for N hours from the items' last success", "[alerts]") {
    Run run{{rule("stale", 0, 2)}};
    auto with_success = [](const std::string& t) {
        return status({{"items", {{{"id", "w"}, {"title", "办事指南"}, {"fetch", {{"last_success", t}, {"failures", 3}}}}}}});
    };
    CHECK(run.at(kMonday10, {screen("s", "online", 0, with_success("2026-12-07 08:30:00"))}).empty());  // 1.5 h
    auto raised = run.at(kMonday10, {screen("s", "online", 0, with_success("2026-12-07 07:30:00"))});
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.find("「办事指南」已超过 2 小时没有更新（最后一次取到是 12-07 07:30）") != std::string::npos);
    CHECK(run.at(kMonday10 + 60, {screen("s", "online", 0, with_success("2026-12-07 10:00:30"))}).size() == 1);
}

TEST_CASE("alerts: disk under N percent does not flap at the threshold", "[alerts]") {
    Run run{{rule("disk", 2, 10, 0)}};
    auto at = [&](int minute, double free) {
        return run.at(kMonday10 + minute * 60, {screen("s", "online", 0, status({{"health", health(free, nullptr)}}))});
    };
    CHECK(at(0, 9.5).empty());
    CHECK(at(1, 10.2).empty());  // back over: the wait starts again
    CHECK(at(2, 9.9).empty());
    CHECK(at(3, 9.9).empty());
    auto raised = at(4, 9.8);
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.find("9.8%（低于 10%）") != std::string::npos);
    // Hovering around 10 %: no recovery, no second alert.
    for (int m = 5; m < 40; ++m) CHECK(at(m, m % 2 ? 10.5 : 9.7).empty());
    auto back = at(40, 12.1);
    REQUIRE(back.size() == 1);
    CHECK(back[0].event == "recovered");
    CHECK(run.count("raised") == 1);
}

TEST_CASE("alerts: temperature over N degrees with a margin, unknown without a thermal zone", "[alerts]") {
    Run run{{rule("temperature", 0, 70, 2)}};
    auto at = [&](int minute, json t) {
        return run.at(kMonday10 + minute * 60, {screen("s", "online", 0, status({{"health", health(50, t)}}))});
    };
    CHECK(at(0, nullptr).empty());
    CHECK(at(1, 69.9).empty());
    REQUIRE(at(2, 71.5).size() == 1);
    CHECK(at(3, 68.0).empty());  // within 3 °C: still open
    CHECK(at(4, 72.0).empty());
    CHECK(at(5, nullptr).empty());  // unknown: nothing
    CHECK(at(122, 71.0).size() == 1);  // reminder after 2 hours
    CHECK(run.all.back().event == "reminder");
    auto back = at(123, 66.5);
    REQUIRE(back.size() == 1);
    CHECK(back[0].text == "【已恢复】s 的温度降到 66.5 °C，恢复正常。");
    // An old screen's status has no health: nothing.
    Run old{{rule("temperature", 0, 70)}};
    CHECK(old.at(kMonday10, {screen("s", "online", 0, status())}).empty());
}

TEST_CASE("alerts: a uniform frame held for its minutes", "[alerts]") {
    Run run{{rule("uniform", 1)}};
    auto at = [&](int second, bool uniform) {
        return run.at(kMonday10 + second, {screen("s", "online", 0, status({{"health", health(50, 40, uniform)}}))});
    };
    CHECK(at(0, true).empty());
    CHECK(at(30, false).empty());
    CHECK(at(40, true).empty());
    CHECK(at(90, true).empty());
    auto raised = at(100, true);
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].text.find("一整片纯色（#000000）") != std::string::npos);
    CHECK(at(110, false).size() == 1);
}

TEST_CASE("alerts: a version different from the fleet's most common", "[alerts]") {
    Run run{{rule("version", 0)}};
    auto v = [](const std::string& version) { return status({{"version", version}}); };
    auto events = run.at(kMonday10, {screen("a", "online", 0, v("1.4.0")), screen("b", "online", 0, v("1.4.0")),
                                     screen("c", "online", 0, v("1.3.2"))});
    REQUIRE(events.size() == 1);
    CHECK(events[0].screen == "c");
    CHECK(events[0].text.find("1.3.2，与多数屏幕（1.4.0）不同") != std::string::npos);
    // A tie has no most common version: nothing raised, nothing cleared.
    Run tie{{rule("version", 0)}};
    CHECK(tie.at(kMonday10, {screen("a", "online", 0, v("1.4.0")), screen("c", "online", 0, v("1.3.2"))}).empty());
    CHECK(run.at(kMonday10 + 60, {screen("a", "online", 0, v("1.4.0")), screen("b", "online", 0, v("1.4.0")),
                                  screen("c", "online", 0, v("1.4.0"))})
              .size() == 1);
}

TEST_CASE("alerts: a rule turned off closes its open alerts once", "[alerts]") {
    Run run{{rule("offline", 0)}};
    REQUIRE(run.at(kMonday10, {screen("s", "offline", kMonday10)}).size() == 1);
    run.rules[0].enabled = false;
    auto closed = run.at(kMonday10 + 10, {screen("s", "offline", kMonday10)});
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].event == "recovered");
    CHECK(closed[0].text.find("规则已停用") != std::string::npos);
    CHECK(run.at(kMonday10 + 20, {screen("s", "offline", kMonday10)}).empty());
}

TEST_CASE("alerts: the rules form checked in Chinese", "[alerts]") {
    json form = {{"kind", "disk"}, {"enabled", true}, {"minutes", 10}, {"threshold", 15}, {"remind_hours", 0},
                 {"open_from", "00:00"}, {"open_until", "24:00"}, {"weekdays", {1, 2, 3, 4, 5, 6, 7}}};
    auto r = alert_rule_from_json(form);
    REQUIRE(r);
    CHECK(r->threshold == 15);
    CHECK(r->open_from == r->open_until);  // all day
    CHECK(alert_rule_words(*r) == "磁盘剩余空间低于 15%，持续 10 分钟（每天 全天），不重复提醒");
    form["threshold"] = 0;
    CHECK(alert_rule_from_json(form).error().message == "「磁盘空间不足」：剩余空间百分比要填 1 到 95 之间的数");
    form["threshold"] = 15;
    form["open_from"] = "18:00";
    form["open_until"] = "08:00";
    CHECK(!alert_rule_from_json(form));
    form["kind"] = "nonsense";
    CHECK(!alert_rule_from_json(form));
    CHECK(merged_alert_rules({*r}).size() == std::size(kAlertKinds));
    CHECK(merged_alert_rules({*r})[4].threshold == 15);
}

TEST_CASE("alerts: the store keeps an alert, its deliveries, a failed attempt's retry and the audit entries", "[alerts]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    CHECK(store.schema_version() == kSchemaVersion);
    const std::time_t t = kMonday10;
    auto id = store.record_alert({"raised", 0, "offline", "s", t - 300, t, "【告警】s：屏幕离线", "【告警】s 已离线 5 分钟"},
                                 {"it-wecom", "it-mail"}, {0, t, "(alerts)", "local", "alert_raised", "screen/s", ""});
    REQUIRE(id);
    REQUIRE(store.alerts(true).size() == 1);
    CHECK(store.alerts(true)[0].since == t - 300);
    auto due = store.due_deliveries(t);
    REQUIRE(due.size() == 2);
    CHECK(due[0].rule == "offline");
    CHECK(due[0].screen == "s");
    REQUIRE(store.delivery_attempted(due[0].id, true, "", t + 1, 0, {0, t + 1, "(alerts)", "local", "alert_delivered", "screen/s", "x"}));
    REQUIRE(store.delivery_attempted(due[1].id, false, "连不上邮件服务器", t + 1, t + 61,
                                     {0, t + 1, "(alerts)", "local", "alert_delivery_failed", "screen/s", "y"}));
    CHECK(store.due_deliveries(t + 60).empty());  // the retry waits its minute
    auto retry = store.due_deliveries(t + 61);
    REQUIRE(retry.size() == 1);
    CHECK(retry[0].attempts == 1);
    CHECK(retry[0].last_error == "连不上邮件服务器");
    // Recovered once: a second recovery of the same alert writes nothing.
    REQUIRE(store.record_alert({"recovered", *id, "offline", "s", t - 300, t + 100, "【已恢复】", "【已恢复】s 恢复在线"}, {"it-wecom"},
                               {0, t + 100, "(alerts)", "local", "alert_recovered", "screen/s", ""}));
    CHECK(!store.record_alert({"recovered", *id, "offline", "s", t - 300, t + 101, "【已恢复】", "again"}, {"it-wecom"},
                              {0, t + 101, "(alerts)", "local", "alert_recovered", "screen/s", ""}));
    CHECK(store.alerts(true).empty());
    REQUIRE(store.alerts(false).size() == 1);
    CHECK(store.alerts(false)[0].recovery_text == "【已恢复】s 恢复在线");
    CHECK(store.deliveries_of(*id).size() == 3);
    AuditFilter f;
    f.action = "alert_recovered";
    CHECK(store.audit_entries(f).size() == 1);
    // A rule saved, read back.
    REQUIRE(store.set_alert_rule("disk", alert_rule_json(default_alert_rules()[4]), {0, t, "wang", "127.0.0.1", "alert_rule", "disk", ""}));
    REQUIRE(store.alert_rules().size() == 1);
    CHECK(alert_rule_from_json(store.alert_rules()[0])->threshold == 10);
    // Pruned only 400 days after it cleared.
    REQUIRE(store.prune_alerts(t + 399 * 86400));
    CHECK(store.alerts(false).size() == 1);
    REQUIRE(store.prune_alerts(t + 401 * 86400));
    CHECK(store.alerts(false).empty());
    CHECK(store.deliveries_of(*id).empty());
}

TEST_CASE("alerts: a panel asleep while the hall is closed trips no black-frame, standing or stale alert", "[alerts][power]") {
    // What a sleeping screen reports: the standing page, one black frame, a web item last
    // fetched yesterday evening (it fetches slower while asleep), power asleep.
    auto sleeping = [](const std::string& state) {
        return status({{"current", {{"standing", true}}},
                       {"health", health(50, 40, true)},
                       {"items", {{{"id", "w"}, {"title", "办事指南"}, {"fetch", {{"last_success", "2026-12-06 17:00:00"}, {"failures", 0}}}}}},
                       {"power", {{"state", state}, {"reason", "节假日"}, {"day_name", "春节"}, {"wakes", "2026-12-08 08:15:00"}}}});
    };
    Run run{{rule("uniform", 1), rule("standing", 1), rule("stale", 0, 2), rule("offline", 1)}};
    // Heard every minute, as an asleep kiosk still reports: hours of it raise nothing.
    for (int minute = 0; minute <= 180; minute += 3) {
        ScreenRecord s = screen("s", "online", kMonday10 - 3600, sleeping("asleep"));
        s.heard = kMonday10 + minute * 60;
        CHECK(run.at(kMonday10 + minute * 60, {s}).empty());
    }
    CHECK(run.open.empty());
    // The same status from a panel that is on (or woken for a notice) is a fault: all three raise.
    Run awake{{rule("uniform", 1), rule("standing", 1), rule("stale", 0, 2)}};
    awake.at(kMonday10, {screen("s", "online", 0, sleeping("on"))});  // stale at once (0 minutes)
    awake.at(kMonday10 + 120, {screen("s", "online", 0, sleeping("on"))});
    CHECK(awake.count("raised") == 3);
    Run woken{{rule("uniform", 1)}};
    woken.at(kMonday10, {screen("s", "online", 0, sleeping("woken"))});
    CHECK(woken.at(kMonday10 + 120, {screen("s", "online", 0, sleeping("woken"))}).size() == 1);
    // An alert open from the day is neither reminded nor recovered by the night's sleep;
    // the disk still speaks while asleep.
    Run day{{rule("uniform", 1, 0, 1), rule("disk", 0, 10)}};
    day.at(kMonday10, {screen("s", "online", 0, status({{"health", health(50, 40, true)}}))});
    REQUIRE(day.at(kMonday10 + 120, {screen("s", "online", 0, status({{"health", health(50, 40, true)}}))}).size() == 1);
    json low = sleeping("asleep");
    low["health"] = health(3, 40, true);
    auto night = day.at(kMonday10 + 3 * 3600, {screen("s", "online", 0, low)});
    REQUIRE(night.size() == 1);
    CHECK(night[0].rule == "disk");
    CHECK(day.open.size() == 2);
    // A silent asleep screen is still 无响应: sleeping is no reason to stop reporting.
    ScreenRecord quiet = screen("s", "online", kMonday10, sleeping("asleep"));
    Run silent{{rule("offline", 1)}};
    CHECK(silent.at(kMonday10 + 400, {quiet}).size() == 1);
}
