#include "console/alert_rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "health/status.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {

// How far back past the threshold a numeric value must come before its alert clears.
constexpr double kDiskMargin = 2.0, kTemperatureMargin = 3.0;

const char* const kDays[] = {"一", "二", "三", "四", "五", "六", "日"};

std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", x);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

std::string clock(int minutes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

std::string hhmm(std::time_t t, const std::string& zone) { return zone_time::format_iso_local(t, zone).substr(11, 5); }

// 5 分钟, 2 小时 10 分钟, 3 天 4 小时; under a minute 不到 1 分钟.
std::string duration(std::time_t seconds) {
    if (seconds < 60) return "不到 1 分钟";
    const long m = static_cast<long>(seconds / 60);
    if (m < 60) return std::to_string(m) + " 分钟";
    if (m < 24 * 60) return std::to_string(m / 60) + " 小时" + (m % 60 ? " " + std::to_string(m % 60) + " 分钟" : "");
    return std::to_string(m / 1440) + " 天" + ((m % 1440) / 60 ? " " + std::to_string((m % 1440) / 60) + " 小时" : "");
}

std::string clip(const std::string& s, std::size_t chars) {
    const std::u32string u = utf8::decode(s);
    return u.size() <= chars ? s : utf8::encode(u.substr(0, chars)) + "…";
}

std::string weekdays_words(int mask) {
    if ((mask & 0x7f) == 0x7f) return "每天";
    if ((mask & 0x7f) == 0x1f) return "周一至周五";
    if ((mask & 0x7f) == 0x3f) return "周一至周六";
    std::string out = "每周";
    for (int i = 0; i < 7; ++i)
        if (mask & (1 << i)) out += kDays[i];
    return mask & 0x7f ? out : "不在任何一天";
}

// What one rule says about one screen now.
struct Check {
    enum State { unknown, holds, between, clear } state = unknown;
    std::time_t since = 0;  // when the condition began, when the screen's record says (else the engine's memory)
    std::string value;      // the measured thing, for the message (12%, 72 °C, the reason, the version)
    std::string extra;      // a second fact (the stale item's last update, the fleet's version)
};

const json* object_at(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_object() ? &j[key] : nullptr;
}

const json* health_of(const ScreenRecord& s) { return object_at(s.status, "health"); }

std::optional<double> number_at(const json* j, const char* key) {
    if (!j || !j->contains(key) || !(*j)[key].is_number()) return std::nullopt;
    const double v = (*j)[key].get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

bool offline(const std::string& state) { return state == "offline" || state == "disconnected"; }

// A screen online but silent this long is not playing for anyone we can see: it repeats an
// unchanged status every 60 s, so three missed are not chance (the 屏幕 page's 无响应).
constexpr std::time_t kSilentSeconds = 180;

// The fleet's most common version, when one version is more common than every other and at
// least two screens report one.
std::optional<std::string> fleet_version(const std::vector<ScreenRecord>& screens) {
    std::map<std::string, int> count;
    int reporting = 0;
    for (const auto& s : screens)
        if (s.status.is_object() && s.status.contains("version") && s.status["version"].is_string() &&
            !s.status["version"].get<std::string>().empty()) {
            ++count[s.status["version"].get<std::string>()];
            ++reporting;
        }
    if (reporting < 2) return std::nullopt;
    std::string best;
    int most = 0;
    bool tie = false;
    for (const auto& [v, n] : count) {
        if (n > most) best = v, most = n, tie = false;
        else if (n == most) tie = true;
    }
    if (tie) return std::nullopt;
    return best;
}

Check check(const AlertRule& rule, const ScreenRecord& s, const std::optional<std::string>& fleet_ver, std::time_t now,
            const std::string& zone) {
    Check c;
    if (rule.kind == "offline") {
        if (offline(s.state)) {
            c.state = Check::holds, c.since = s.state_since ? s.state_since : s.heard;
        } else if (s.state == "online" && s.heard > 0 && now - s.heard > kSilentSeconds) {
            // Connected but saying nothing: a hung kiosk (the broker still sees its socket) or
            // a hall whose link to the city is cut (its screens' last will never comes here).
            c.state = Check::holds, c.since = s.heard, c.value = "silent";
        } else if (s.state == "online") {
            c.state = Check::clear;
        }
        return c;
    }
    // The rest read the status: only a screen online now says what it shows now.
    if (s.state != "online") return c;
    auto report = status::from_json(s.status);
    if (!report) return c;
    // A panel asleep while the hall is closed (issue 28) shows nothing on purpose: its black
    // frame, its standing page and its slower fetching say nothing about a fault, so those
    // rules cannot be told (an alert open from the day stays, without reminders, until the
    // panel wakes and says). Disk, temperature, a refused playlist and the version still can.
    const bool asleep = report->power && report->power->state == "asleep";
    if (asleep && (rule.kind == "standing" || rule.kind == "uniform" || rule.kind == "stale")) return c;
    if (rule.kind == "standing") {
        c.state = report->current.standing ? Check::holds : Check::clear;
    } else if (rule.kind == "refused") {
        c.state = report->playlist.refused.empty() ? Check::clear : Check::holds;
        if (!report->playlist.refused.empty()) {
            const std::string& why = report->playlist.refused.front();
            const bool chinese = std::any_of(why.begin(), why.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
            c.value = chinese ? clip(utf8::sanitize(why), 80) : "屏幕检查后没有采用，详情见屏幕日志";
        }
    } else if (rule.kind == "stale") {
        c.state = Check::clear;
        std::time_t oldest = 0;
        for (const auto& it : report->items) {
            if (!it.fetch || it.fetch->withdrawn || it.fetch->last_success.empty()) continue;
            std::string text = it.fetch->last_success;
            if (text.size() > 10) text[10] = 'T';
            auto t = zone_time::parse_time("last_success", text, zone);
            if (!t || (oldest && *t >= oldest)) continue;
            oldest = *t;
            c.value = clip(utf8::sanitize(it.title.empty() ? it.id : it.title), 30);
        }
        const auto limit = static_cast<std::time_t>(rule.threshold * 3600);
        if (oldest && now - oldest > limit) {
            c.state = Check::holds;
            c.since = oldest + limit;
            c.extra = zone_time::format_iso_local(oldest, zone).substr(5, 11);
        }
    } else if (rule.kind == "disk") {
        auto free = number_at(object_at(health_of(s) ? *health_of(s) : json(), "disk"), "free_percent");
        if (!free) return c;
        c.value = number(*free) + "%";
        c.state = *free < rule.threshold ? Check::holds : *free >= rule.threshold + kDiskMargin ? Check::clear : Check::between;
    } else if (rule.kind == "temperature") {
        auto t = number_at(health_of(s), "temperature_c");
        if (!t) return c;
        c.value = number(*t) + " °C";
        c.state = *t > rule.threshold ? Check::holds : *t <= rule.threshold - kTemperatureMargin ? Check::clear : Check::between;
    } else if (rule.kind == "uniform") {
        const json* frames = health_of(s) ? object_at(*health_of(s), "frames") : nullptr;
        if (!frames || !frames->contains("uniform") || !(*frames)["uniform"].is_boolean()) return c;
        c.state = (*frames)["uniform"].get<bool>() ? Check::holds : Check::clear;
        if (frames->contains("colour") && (*frames)["colour"].is_string()) c.value = clip((*frames)["colour"].get<std::string>(), 9);
    } else if (rule.kind == "version") {
        if (!fleet_ver || report->version.empty()) return c;
        c.value = clip(report->version, 40);
        c.extra = clip(*fleet_ver, 40);
        c.state = report->version == *fleet_ver ? Check::clear : Check::holds;
    }
    return c;
}

struct Words {
    std::string raised, reminder, recovered;
};

// The messages of one rule for one screen: what happened, since when, and what to do.
Words words(const AlertRule& rule, const std::string& name, const Check& c, std::time_t since, std::time_t now, const std::string& zone) {
    const std::string at = hhmm(since, zone), held = duration(now - since);
    const std::string n = name;
    if (rule.kind == "offline" && c.value == "silent")
        return {n + " 已 " + held + "没有任何消息（最后一次 " + at + "），可能死机，或大厅与这里的网络中断。请到现场查看屏幕，必要时重启。",
                n + " 仍然没有消息，已 " + held + "（最后一次 " + at + "）。请到现场查看屏幕，必要时重启。",
                n + " 恢复在线（" + held + "没有消息）。"};
    if (rule.kind == "offline")
        return {n + " 已离线 " + held + "（自 " + at + " 起）。请到现场检查屏幕电源和网络。",
                n + " 仍然离线，已 " + held + "（自 " + at + " 起）。请到现场检查屏幕电源和网络。",
                n + " 恢复在线（离线 " + held + "）。"};
    if (rule.kind == "standing")
        return {n + " 显示待机画面已 " + held + "（自 " + at + " 起），没有在播放节目。请在「节目单」页检查这块屏幕的节目单和播放时段。",
                n + " 仍在显示待机画面，已 " + held + "（自 " + at + " 起）。请在「节目单」页检查这块屏幕的节目单和播放时段。",
                n + " 不再显示待机画面，恢复播放节目（待机 " + held + "）。"};
    if (rule.kind == "refused")
        return {n + " 没有采用新发布的节目单（" + c.value + "），仍在播放原来的。请在「节目单」页改正后重新发布。",
                n + " 仍没有采用新发布的节目单（自 " + at + " 起）。请在「节目单」页改正后重新发布。",
                n + " 已采用节目单，恢复正常。"};
    if (rule.kind == "stale")
        return {n + " 上的「" + c.value + "」已超过 " + number(rule.threshold) + " 小时没有更新（最后一次取到是 " + c.extra +
                    "）。请检查这个网页是否还能打开，以及屏幕的网络。",
                n + " 上的「" + c.value + "」仍没有更新（最后一次取到是 " + c.extra + "）。请检查这个网页是否还能打开，以及屏幕的网络。",
                n + " 上的内容已重新取到，恢复正常。"};
    if (rule.kind == "disk")
        return {n + " 的磁盘剩余空间只有 " + c.value + "（低于 " + number(rule.threshold) + "%）。请联系信息科清理这块屏幕的缓存或更换存储。",
                n + " 的磁盘剩余空间仍只有 " + c.value + "（自 " + at + " 起）。请联系信息科清理这块屏幕的缓存或更换存储。",
                n + " 的磁盘剩余空间回到 " + c.value + "，恢复正常。"};
    if (rule.kind == "temperature")
        return {n + " 的温度为 " + c.value + "（高于 " + number(rule.threshold) + " °C）。请检查机柜通风和风扇，必要时先关掉屏幕。",
                n + " 的温度仍为 " + c.value + "（自 " + at + " 起）。请检查机柜通风和风扇，必要时先关掉屏幕。",
                n + " 的温度降到 " + c.value + "，恢复正常。"};
    if (rule.kind == "uniform")
        return {n + " 的画面是一整片纯色" + (c.value.empty() ? "" : "（" + c.value + "）") + "，已 " + held +
                    "，屏幕可能没有正常显示。请到现场查看，必要时重启这块屏幕。",
                n + " 的画面仍是一整片纯色（自 " + at + " 起）。请到现场查看，必要时重启这块屏幕。",
                n + " 的画面恢复正常。"};
    if (rule.kind == "version")
        return {n + " 的程序版本是 " + c.value + "，与多数屏幕（" + c.extra + "）不同。请安排把这块屏幕升级到 " + c.extra + "。",
                n + " 的程序版本仍是 " + c.value + "，多数屏幕是 " + c.extra + "。请安排升级。",
                n + " 的程序版本已与多数屏幕一致（" + c.value + "）。"};
    return {};
}

AlertEvent event(const char* kind, const AlertRule& rule, const std::string& screen, const std::string& name, std::int64_t alert,
                 std::time_t since, const std::string& sentence) {
    const std::string head = std::string(kind) == "raised" ? "【告警】" : std::string(kind) == "reminder" ? "【提醒】" : "【已恢复】";
    // 已离线不到 1 分钟, not 已离线 不到 1 分钟.
    std::string text = head + sentence;
    for (std::size_t at; (at = text.find(" 不到 1 分钟")) != std::string::npos;) text.erase(at, 1);
    return {kind, rule.kind, screen, alert, since, head + name + "：" + alert_rule_name(rule.kind), text};
}

}  // namespace

std::vector<AlertRule> default_alert_rules() {
    const int from = 8 * 60 + 30, until = 17 * 60 + 30, workdays = 0x1f;
    return {
        {"offline", true, 5, 0, 4, from, until, workdays},
        {"standing", false, 15, 0, 4, from, until, workdays},
        {"refused", false, 0, 0, 24, 0, 0, 0x7f},
        {"stale", false, 0, 24, 24, 0, 0, 0x7f},
        {"disk", false, 10, 10, 24, 0, 0, 0x7f},
        {"temperature", false, 5, 75, 4, 0, 0, 0x7f},
        {"uniform", false, 3, 0, 4, from, until, workdays},
        {"version", false, 60, 0, 24, 0, 0, 0x7f},
    };
}

std::vector<AlertRule> merged_alert_rules(const std::vector<AlertRule>& stored) {
    std::vector<AlertRule> rules = default_alert_rules();
    for (auto& r : rules)
        for (const auto& s : stored)
            if (s.kind == r.kind) r = s;
    return rules;
}

std::string alert_rule_name(const std::string& kind) {
    if (kind == "offline") return "屏幕离线";
    if (kind == "standing") return "一直显示待机画面";
    if (kind == "refused") return "节目单没有被采用";
    if (kind == "stale") return "网页内容长时间没有更新";
    if (kind == "disk") return "磁盘空间不足";
    if (kind == "temperature") return "温度过高";
    if (kind == "uniform") return "画面是一整片纯色";
    if (kind == "version") return "程序版本与多数屏幕不同";
    return "告警";
}

std::string alert_rule_words(const AlertRule& r) {
    std::string what;
    const std::string after = number(r.minutes) + " 分钟";
    if (r.kind == "offline") what = "屏幕离线或没有响应超过 " + after;
    else if (r.kind == "standing") what = "屏幕显示待机画面超过 " + after;
    else if (r.kind == "refused") what = "屏幕没有采用新发布的节目单";
    else if (r.kind == "stale") what = "网页内容超过 " + number(r.threshold) + " 小时没有更新";
    else if (r.kind == "disk") what = "磁盘剩余空间低于 " + number(r.threshold) + "%，持续 " + after;
    else if (r.kind == "temperature") what = "温度高于 " + number(r.threshold) + " °C，持续 " + after;
    else if (r.kind == "uniform") what = "画面是一整片纯色，持续 " + after;
    else if (r.kind == "version") what = "程序版本与多数屏幕不同，持续 " + after;
    const std::string hours = r.open_from == r.open_until ? "全天" : clock(r.open_from) + "–" + clock(r.open_until);
    what += "（" + weekdays_words(r.weekdays) + " " + hours + "）";
    what += r.remind_hours > 0 ? "，未恢复时每 " + number(r.remind_hours) + " 小时提醒一次" : "，不重复提醒";
    return what;
}

std::optional<std::time_t> open_since(const AlertRule& rule, std::time_t now, const std::string& zone) {
    const std::tm tm = zone_time::local_fields(now, zone);
    const int day = (tm.tm_wday + 6) % 7;  // Monday 0
    if (!(rule.weekdays & (1 << day))) return std::nullopt;
    const int minute = tm.tm_hour * 60 + tm.tm_min;
    const int from = rule.open_from == rule.open_until ? 0 : rule.open_from;
    if (rule.open_from != rule.open_until && (minute < rule.open_from || minute >= rule.open_until)) return std::nullopt;
    return zone_time::from_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, from / 60, from % 60, 0, zone);
}

json alert_rule_json(const AlertRule& r) {
    json days = json::array();
    for (int i = 0; i < 7; ++i)
        if (r.weekdays & (1 << i)) days.push_back(i + 1);
    return {{"kind", r.kind},
            {"name", alert_rule_name(r.kind)},
            {"words", alert_rule_words(r)},
            {"enabled", r.enabled},
            {"minutes", r.minutes},
            {"threshold", r.threshold},
            {"remind_hours", r.remind_hours},
            {"open_from", clock(r.open_from == r.open_until ? 0 : r.open_from)},
            {"open_until", clock(r.open_from == r.open_until ? 24 * 60 : r.open_until)},
            {"weekdays", days}};
}

Result<AlertRule> alert_rule_from_json(const json& form) {
    if (!form.is_object()) return make_error("请填写告警规则");
    AlertRule r;
    r.kind = form.contains("kind") && form["kind"].is_string() ? form["kind"].get<std::string>() : "";
    if (std::find_if(std::begin(kAlertKinds), std::end(kAlertKinds), [&](const char* k) { return r.kind == k; }) == std::end(kAlertKinds))
        return make_error("没有这种告警规则，请刷新页面后再试");
    const std::string name = "「" + alert_rule_name(r.kind) + "」";
    r.enabled = form.contains("enabled") && form["enabled"].is_boolean() && form["enabled"].get<bool>();
    auto num = [&](const char* key, double lo, double hi, const std::string& what, double& out) -> Status {
        if (!form.contains(key) || !form[key].is_number() || !std::isfinite(form[key].get<double>()) || form[key].get<double>() < lo ||
            form[key].get<double>() > hi)
            return make_error(name + "：" + what + "要填 " + number(lo) + " 到 " + number(hi) + " 之间的数");
        out = form[key].get<double>();
        return Ok{};
    };
    if (auto st = num("minutes", 0, 10080, "持续分钟数", r.minutes); !st) return st.error();
    if (auto st = num("remind_hours", 0, 168, "提醒间隔（小时，0 为不提醒）", r.remind_hours); !st) return st.error();
    if (r.kind == "stale") {
        if (auto st = num("threshold", 0.01, 720, "小时数", r.threshold); !st) return st.error();
    } else if (r.kind == "disk") {
        if (auto st = num("threshold", 1, 95, "剩余空间百分比", r.threshold); !st) return st.error();
    } else if (r.kind == "temperature") {
        if (auto st = num("threshold", 30, 120, "温度（°C）", r.threshold); !st) return st.error();
    }
    auto minutes_of = [&](const char* key, int& out) -> Status {
        const std::string t = form.contains(key) && form[key].is_string() ? form[key].get<std::string>() : "";
        int h = -1, m = -1;
        char tail = 0;
        if (t.size() != 5 || std::sscanf(t.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
            (h == 24 && m != 0))
            return make_error(name + "：开放时间要写成 08:30 这样的时刻");
        out = h * 60 + m;
        return Ok{};
    };
    if (auto st = minutes_of("open_from", r.open_from); !st) return st.error();
    if (auto st = minutes_of("open_until", r.open_until); !st) return st.error();
    if (r.open_from == 0 && r.open_until == 24 * 60) r.open_until = 0;  // 00:00–24:00: all day
    if (r.open_from > r.open_until && r.open_until != 0) return make_error(name + "：开放时间的开始要早于结束（不支持跨过半夜）");
    if (r.open_until == 0 && r.open_from != 0) return make_error(name + "：开放时间的开始要早于结束（不支持跨过半夜）");
    r.weekdays = 0;
    if (form.contains("weekdays") && form["weekdays"].is_array())
        for (const auto& d : form["weekdays"])
            if (d.is_number_integer() && d.get<int>() >= 1 && d.get<int>() <= 7) r.weekdays |= 1 << (d.get<int>() - 1);
    if (r.enabled && r.weekdays == 0) return make_error(name + "：请至少选一天");
    return r;
}

std::vector<AlertEvent> evaluate_alerts(const AlertInput& in, AlertPending& pending) {
    std::vector<AlertEvent> out;
    const auto fleet_ver = fleet_version(in.screens);
    auto name_of = [&](const std::string& id) { return in.name ? in.name(id) : id; };
    for (const auto& rule : in.rules) {
        for (const auto& s : in.screens) {
            const auto key = std::make_pair(rule.kind, s.id);
            const auto open = std::find_if(in.open.begin(), in.open.end(), [&](const OpenAlert& a) { return a.rule == rule.kind && a.screen == s.id; });
            const std::string name = name_of(s.id);
            if (!rule.enabled) {
                pending.erase(key);
                if (open != in.open.end())
                    out.push_back({"recovered", rule.kind, s.id, open->id, open->since, "【已关闭】" + name + "：" + alert_rule_name(rule.kind),
                                   "【已关闭】" + name + "：「" + alert_rule_name(rule.kind) + "」规则已停用，这条告警不再跟踪。"});
                continue;
            }
            const Check c = check(rule, s, fleet_ver, in.now, in.zone);
            const auto window = open_since(rule, in.now, in.zone);
            if (open != in.open.end()) {
                pending.erase(key);
                // A recovery is told whenever it happens; a reminder only while the hall is open.
                if (c.state == Check::clear) {
                    out.push_back(event("recovered", rule, s.id, name, open->id, open->since, words(rule, name, c, open->since, in.now, in.zone).recovered));
                } else if (c.state == Check::holds && window && rule.remind_hours > 0) {
                    const std::time_t last = std::max(open->raised_at, open->last_reminded);
                    if (in.now - last >= static_cast<std::time_t>(rule.remind_hours * 3600))
                        out.push_back(event("reminder", rule, s.id, name, open->id, open->since, words(rule, name, c, open->since, in.now, in.zone).reminder));
                }
                continue;
            }
            if (c.state != Check::holds || !window) {
                pending.erase(key);
                continue;
            }
            const std::time_t since = c.since ? c.since : pending.emplace(key, in.now).first->second;
            if (in.now - std::max(since, *window) >= static_cast<std::time_t>(std::llround(rule.minutes * 60))) {
                out.push_back(event("raised", rule, s.id, name, 0, since, words(rule, name, c, since, in.now, in.zone).raised));
                pending.erase(key);
            }
        }
    }
    return out;
}

}  // namespace kiosk::console
