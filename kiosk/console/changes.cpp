#include "console/changes.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/utf8.hpp"
#include "console/alert_rules.hpp"
#include "fleet/scope.hpp"

namespace kiosk::console {
namespace {

using nlohmann::json;

constexpr std::size_t kMostLines = 60;

const json& items_of(const json& playlist) {
    static const json none = json::array();
    return playlist.is_object() && playlist.contains("items") && playlist["items"].is_array() ? playlist["items"] : none;
}

std::string text_of(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// At most `chars` characters of `s`, with … when cut.
std::string clip(const std::string& s, std::size_t chars) {
    const std::u32string u = utf8::decode(s);
    return u.size() <= chars ? s : utf8::encode(u.substr(0, chars)) + "…";
}

// What a clerk calls an item: its title, else its text's first line, else its address.
std::string item_title(const json& item) {
    std::string t = text_of(item, "title");
    if (t.empty()) {
        t = text_of(item, "text");
        t = t.substr(0, t.find('\n'));
    }
    if (t.empty()) t = text_of(item, "source");
    if (t.empty()) t = text_of(item, "new");  // 新旧对照: the revised text's address
    return t.empty() ? "未命名" : clip(utf8::sanitize(t), 30);
}

std::string item_key(const json& item, std::size_t index) {
    const std::string id = text_of(item, "id");
    return id.empty() ? "#" + std::to_string(index) : id;
}

const json& schedule_of(const json& item) {
    static const json none = json::object();
    return item.is_object() && item.contains("schedule") && item["schedule"].is_object() ? item["schedule"] : none;
}

std::string hours_words(const json& item) {
    const json& s = schedule_of(item);
    if (!s.contains("hours") || !s["hours"].is_array() || s["hours"].empty()) return "全天";
    std::string out;
    for (const auto& h : s["hours"]) out += (out.empty() ? "" : "、") + (h.is_string() ? h.get<std::string>() : h.dump());
    return out;
}

std::string weekdays_words(const json& item) {
    static const std::vector<std::pair<std::string, std::string>> days = {
        {"mon", "一"}, {"tue", "二"}, {"wed", "三"}, {"thu", "四"}, {"fri", "五"}, {"sat", "六"}, {"sun", "日"}};
    const json& s = schedule_of(item);
    if (!s.contains("weekdays") || !s["weekdays"].is_array()) return "每天";
    std::vector<bool> on(7, false);
    for (const auto& d : s["weekdays"])
        for (std::size_t i = 0; i < days.size(); ++i)
            if (d.is_string() && d.get<std::string>() == days[i].first) on[i] = true;
    if (std::all_of(on.begin(), on.end(), [](bool b) { return b; })) return "每天";
    if (std::none_of(on.begin(), on.end(), [](bool b) { return b; })) return "不播";
    // Runs of three or more days as 一至五.
    std::string out;
    for (std::size_t i = 0; i < 7;) {
        if (!on[i]) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j + 1 < 7 && on[j + 1]) ++j;
        const std::string run = j - i >= 2 ? days[i].second + "至" + days[j].second
                                : j == i   ? days[i].second
                                           : days[i].second + "、" + days[j].second;
        out += (out.empty() ? "星期" : "、") + run;
        i = j + 1;
    }
    return out;
}

std::string seconds_words(const json& item) {
    if (!item.is_object() || !item.contains("page_seconds") || item["page_seconds"] == "auto") return "自动";
    const json& s = item["page_seconds"];
    if (s.is_number_integer()) return std::to_string(s.get<long long>()) + " 秒";
    if (s.is_number()) {
        std::string t = std::to_string(s.get<double>());
        t.erase(t.find_last_not_of('0') + 1);
        if (!t.empty() && t.back() == '.') t.pop_back();
        return t + " 秒";
    }
    return s.dump();
}

std::string kind_words(const json& item) {
    static const std::map<std::string, std::string> kinds = {
        {"auto", "自动判断"}, {"report", "报告"}, {"regulation", "法规"}, {"text", "文字"}, {"column", "栏目"}, {"notice", "通知"},
        {"compare", "新旧对照"}};
    std::string k = text_of(item, "kind");
    if (k.empty()) k = "auto";
    auto it = kinds.find(k);
    return it != kinds.end() ? it->second : k;
}

std::string date_words(const json& item, const char* key) {
    const std::string d = text_of(schedule_of(item), key);
    return d.empty() ? "不限" : d;
}

bool enabled(const json& item) { return !item.is_object() || !item.contains("enabled") || item["enabled"] != false; }

// What differs in one kept item, as phrases (标题「a」→「b」, 时段 … → …).
std::vector<std::string> item_changes(const json& a, const json& b) {
    std::vector<std::string> out;
    auto compare = [&](const std::string& what, const std::string& x, const std::string& y) {
        if (x != y) out.push_back(what + " " + x + " → " + y);
    };
    if (item_title(a) != item_title(b)) out.push_back("标题「" + item_title(a) + "」→「" + item_title(b) + "」");
    compare("时段", hours_words(a), hours_words(b));
    compare("播放日", weekdays_words(a), weekdays_words(b));
    compare("开始日期", date_words(a, "from"), date_words(b, "from"));
    compare("结束日期", date_words(a, "until"), date_words(b, "until"));
    compare("每页", seconds_words(a), seconds_words(b));
    compare("类型", kind_words(a), kind_words(b));
    // 新旧对照: its two texts and 施行日期, by the form's words.
    const bool compared = text_of(b, "kind") == "compare" && (b.contains("old") || b.contains("new"));
    for (const auto& [key, words] : {std::pair{"old", "修订前的文本"}, std::pair{"new", "修订后的文本"}})
        if (text_of(a, key) != text_of(b, key) && !text_of(b, key).empty())
            out.push_back(std::string(words) + "改为 " + clip(text_of(b, key), 80));
    if (text_of(a, "effective") != text_of(b, "effective"))
        out.push_back("施行日期 " + (text_of(a, "effective").empty() ? std::string("未填") : text_of(a, "effective")) + " → " +
                      (text_of(b, "effective").empty() ? std::string("未填") : text_of(b, "effective")));
    if (text_of(a, "source") != text_of(b, "source")) {
        if (!text_of(b, "source").empty()) out.push_back("来源改为 " + clip(text_of(b, "source"), 80));
        else if (!compared) out.push_back("改为文字内容");
    } else if (text_of(a, "text") != text_of(b, "text")) {
        out.push_back("文字内容有改动");
    }
    if (enabled(a) != enabled(b)) out.push_back(enabled(b) ? "恢复播放" : "停播");
    // Anything else the form does not show (priority, a column's count, …).
    static const std::set<std::string> said = {"id",   "title", "schedule", "page_seconds", "kind", "source",
                                               "text", "enabled", "old",    "new",          "effective"};
    bool other = false;
    std::set<std::string> keys;
    for (const json* j : {&a, &b})
        if (j->is_object())
            for (auto it = j->begin(); it != j->end(); ++it) keys.insert(it.key());
    for (const auto& k : keys)
        if (!said.count(k) && a.value(k, json()) != b.value(k, json())) other = true;
    const json& sa = schedule_of(a);
    const json& sb = schedule_of(b);
    for (const json* j : {&sa, &sb})
        for (auto it = j->begin(); it != j->end(); ++it)
            if (it.key() != "hours" && it.key() != "weekdays" && it.key() != "from" && it.key() != "until" &&
                sa.value(it.key(), json()) != sb.value(it.key(), json()))
                other = true;
    if (other) out.push_back("其他设置有改动");
    return out;
}

}  // namespace

std::string playlist_change_summary(const json& before, const json& after) {
    const json& a = items_of(before);
    const json& b = items_of(after);
    std::map<std::string, std::size_t> in_before, in_after;
    for (std::size_t i = 0; i < a.size(); ++i) in_before.emplace(item_key(a[i], i), i);
    for (std::size_t i = 0; i < b.size(); ++i) in_after.emplace(item_key(b[i], i), i);
    std::vector<std::string> lines;
    if (before.is_null() || !before.is_object()) lines.push_back("第一次发布，共 " + std::to_string(b.size()) + " 项");
    // Kept items in their old order and in their new: those off the longest common
    // subsequence are the ones that moved.
    std::vector<std::string> kept_old, kept_new;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (in_after.count(item_key(a[i], i))) kept_old.push_back(item_key(a[i], i));
    for (std::size_t i = 0; i < b.size(); ++i)
        if (in_before.count(item_key(b[i], i))) kept_new.push_back(item_key(b[i], i));
    std::set<std::string> stayed;
    if (kept_old.size() * kept_new.size() <= 1'000'000) {
        const std::size_t n = kept_old.size(), m = kept_new.size();
        std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                lcs[i][j] = kept_old[i] == kept_new[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        for (std::size_t i = 0, j = 0; i < n && j < m;) {
            if (kept_old[i] == kept_new[j]) stayed.insert(kept_old[i]), ++i, ++j;
            else if (lcs[i + 1][j] >= lcs[i][j + 1]) ++i;
            else ++j;
        }
    } else {
        stayed.insert(kept_old.begin(), kept_old.end());
    }
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!in_after.count(item_key(a[i], i))) lines.push_back("删除「" + item_title(a[i]) + "」");
    for (std::size_t j = 0; j < b.size(); ++j) {
        const std::string key = item_key(b[j], j);
        const std::string place = "第 " + std::to_string(j + 1) + " 项";
        auto old = in_before.find(key);
        if (old == in_before.end()) {
            std::string line = "新增" + place + "「" + item_title(b[j]) + "」";
            if (hours_words(b[j]) != "全天") line += "，时段 " + hours_words(b[j]);
            if (weekdays_words(b[j]) != "每天") line += "，" + weekdays_words(b[j]);
            if (!enabled(b[j])) line += "，停播";
            lines.push_back(line);
            continue;
        }
        if (!stayed.count(key))
            lines.push_back("「" + item_title(b[j]) + "」从第 " + std::to_string(old->second + 1) + " 项移到" + place);
        const auto changes = item_changes(a[old->second], b[j]);
        if (changes.empty()) continue;
        std::string line = place + "「" + item_title(b[j]) + "」";
        for (std::size_t k = 0; k < changes.size(); ++k) line += (k ? "，" : "") + changes[k];
        lines.push_back(line);
    }
    if (lines.empty()) return "没有改动";
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < kMostLines; ++i) out += (i ? "\n" : "") + lines[i];
    if (lines.size() > kMostLines) out += "\n……还有 " + std::to_string(lines.size() - kMostLines) + " 处改动";
    return out;
}

namespace {
const std::vector<std::pair<std::string, std::string>>& actions() {
    static const std::vector<std::pair<std::string, std::string>> all = {
        {"login", "登录"},
        {"logout", "退出"},
        {"login_failed", "登录失败"},
        {"login_throttled", "登录被暂停"},
        {"publish_playlist", "发布节目单"},
        {"submit_playlist", "提交节目单审核"},
        {"publish_notice", "发布通知"},
        {"submit_notice", "提交通知审核"},
        {"clear_notice", "撤下通知"},
        {"approve", "批准"},
        {"reject", "退回"},
        {"screenshot", "截屏"},
        {"refresh", "立即刷新"},
        {"restart", "重启屏幕"},
        {"publish_calendar", "发布开放时间"},
        {"submit_calendar", "提交开放时间审核"},
        {"clear_calendar", "清除开放时间"},
        {"save_calendar", "保存开放时间草稿"},
        {"add_user", "添加用户"},
        {"update_user", "修改用户"},
        {"settings", "修改设置"},
        {"names", "修改名称"},
        {"receipt", "回执"},
        {"urgent_unreviewed", "紧急通知（未经审核）"},
        {"urgent_reviewed", "紧急通知已复核"},
        {"refused", "请求被拒绝"},
        {"alert_raised", "告警"},
        {"alert_reminder", "告警提醒"},
        {"alert_recovered", "告警恢复"},
        {"alert_delivered", "告警已送达"},
        {"alert_delivery_failed", "告警发送失败"},
        {"alert_rule", "修改告警规则"},
        {"alert_test", "发送测试告警"},
        {"warning_published", "预警已发布"},
        {"warning_waiting", "预警等待审核"},
        {"warning_cancelled", "预警已解除"},
        {"warning_ignored", "预警未发布"},
        {"warning_refused", "预警格式错误"},
        {"warning_expired", "预警已过期"},
        {"warning_approved", "批准预警"},
        {"warning_rejected", "预警不发布（审核）"},
        {"warning_rules", "修改预警规则"},
    };
    return all;
}

std::string role_words(const std::string& role) {
    if (role == "editor") return "编辑";
    if (role == "approver") return "审核";
    if (role == "admin") return "管理员";
    return role;
}

bool starts(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::string action_name(const std::string& action) {
    for (const auto& [k, v] : actions())
        if (k == action) return v;
    return action;
}

json action_names() {
    json out = json::array();
    for (const auto& [k, v] : actions()) out.push_back({{"action", k}, {"name", v}});
    return out;
}

std::string audit_user_words(const std::string& user) {
    if (user == "(alerts)") return "告警系统";
    if (user == "(warnings)") return "预警系统（自动发布）";
    return user == "(command line)" ? "命令行" : user;
}
std::string audit_address_words(const std::string& address) { return address == "local" ? "本机" : address; }

std::string audit_target_words(const AuditEntry& e, const DisplayNames& names) {
    if (e.target == "notice") return "通知";
    if (e.target == "require_approval") return "发布前需要审核";
    if (e.action == "refused") return "请求 " + e.target;
    if (e.action == "alert_rule") return "告警规则「" + alert_rule_name(e.target) + "」";
    if (e.action == "warning_rules") return "预警规则";
    if (e.action.rfind("warning_", 0) == 0) return "预警 " + e.target;
    if (fleet::Scope::parse(e.target)) return names.scope(e.target);
    // A notice's scopes, comma-separated (submit_notice).
    if (e.target.find(',') != std::string::npos) {
        std::string out;
        std::size_t at = 0;
        while (at <= e.target.size()) {
            std::size_t end = e.target.find(',', at);
            if (end == std::string::npos) end = e.target.size();
            out += (out.empty() ? "" : "、") + names.scope(e.target.substr(at, end - at));
            at = end + 1;
        }
        return out;
    }
    return e.target;
}

std::string audit_detail_words(const AuditEntry& e, const std::function<std::string(const std::string&)>& item_name,
                               std::string* raw_diff) {
    std::vector<std::string> in;
    for (std::size_t at = 0; at <= e.detail.size();) {
        std::size_t end = e.detail.find('\n', at);
        if (end == std::string::npos) end = e.detail.size();
        in.push_back(e.detail.substr(at, end - at));
        at = end + 1;
    }
    std::vector<std::string> out;
    bool diff = false;
    for (const std::string& line : in) {
        // A JSON diff line ("- ", "+ ", "  " before pretty-printed JSON): old entries.
        if ((e.action == "publish_playlist" || e.action == "submit_playlist") &&
            (starts(line, "- ") || starts(line, "+ ") || starts(line, "  "))) {
            diff = true;
            if (raw_diff) *raw_diff += line + "\n";
            continue;
        }
        std::string l = line;
        if (starts(l, "approved, edited by ")) l = "审核通过（修改人：" + l.substr(20) + "）";
        else if (starts(l, "approved, written by ")) l = "审核通过（撰写人：" + l.substr(21) + "）";
        else if (starts(l, "waiting for approval (#") && l.back() == ')') l = "等待审核（第 " + l.substr(23, l.size() - 24) + " 号）";
        else if (starts(l, "#") && l.find(" by ") != std::string::npos && (e.action == "approve" || e.action == "reject"))
            l = "第 " + l.substr(1, l.find(" by ") - 1) + " 号修改，提交人：" + l.substr(l.find(" by ") + 4);
        else if (starts(l, "id ") && (e.action == "publish_notice" || e.action == "clear_notice")) {
            // The notice's id: its name when the console knows it (a published notice's
            // text follows on the next lines: nothing to add).
            if (e.action == "publish_notice") continue;
            const std::string name = item_name ? item_name("notice/" + l.substr(3) + "@" + e.target) : "";
            l = name.empty() || name.find(l.substr(3)) != std::string::npos ? "撤下一条通知" : "撤下「" + name + "」";
        } else if (e.action == "publish_notice" && l.find(" until ") != std::string::npos)
            l.replace(l.find(" until "), 7, " 显示到 ");
        else if (l == "locked for 15 minutes") l = "连续输错，已锁定 15 分钟";
        else if (l == "another origin") l = "来自别的网站的请求";
        else if (l == "no CSRF token") l = "缺少安全令牌（CSRF）";
        else if (e.action == "settings" && (l == "on" || l == "off")) l = l == "on" ? "开" : "关";
        else if (e.action == "add_user") l = "角色：" + role_words(l);
        else if (e.action == "update_user") {
            std::string words;
            std::size_t at = 0;
            std::vector<std::string> tokens;
            while (at < l.size()) {
                std::size_t end = l.find(' ', at);
                if (end == std::string::npos) end = l.size();
                if (end > at) tokens.push_back(l.substr(at, end - at));
                at = end + 1;
            }
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                std::string w;
                if (tokens[i] == "role" && i + 1 < tokens.size()) w = "角色改为" + role_words(tokens[++i]);
                else if (tokens[i] == "password") w = "重设密码";
                else if (tokens[i] == "disabled") w = "停用";
                else if (tokens[i] == "enabled") w = "启用";
                else w = tokens[i];
                words += (words.empty() ? "" : "，") + w;
            }
            l = words;
        } else if (e.action == "refresh" && starts(l, "{")) {
            const json body = json::parse(l, nullptr, false);
            const std::string item = text_of(body, "item");
            l = item.empty() ? "全部内容" : "内容「" + (item_name ? item_name(item) : item) + "」";
        }
        out.push_back(l);
    }
    if (diff) out.push_back("节目单有改动（旧记录，只存了技术格式的改动）");
    std::string text;
    for (const auto& l : out)
        if (!l.empty()) text += (text.empty() ? "" : "\n") + l;
    return text;
}

}  // namespace kiosk::console
