// TEMPORARY fake desk for looking at the 预警 page before branch intake lands. Not for merge.
#include "console/warning_desk.hpp"
#include "console/service.hpp"
#include <algorithm>

namespace kiosk::console {
using nlohmann::json;

struct WarningDesk::State {
    json rules;
    json messages = json::array();
};

Result<WarningSettings> parse_warning_settings(const nlohmann::json&, const std::filesystem::path&) { return WarningSettings{}; }

WarningDesk::WarningDesk(WarningSettings, std::string, Store&, Service&, std::chrono::milliseconds) : state_(std::make_unique<State>()) {
    state_->rules = {{"format", "warning-rules/1"}, {"regions", json::array()},
                     {"statuses", {{"Actual", "publish"}, {"Exercise", "test"}, {"Test", "test"}, {"System", "ignore"}}},
                     {"test_scopes", json::array()},
                     {"levels", {{"red", "publish"}, {"orange", "publish"}, {"yellow", "publish"}, {"blue", "approve"}, {"none", "approve"}}},
                     {"title", "headline"}};
    auto msg = [](int id, const char* level, const char* lw, const char* headline, const char* state, const char* reason, json scopes, const char* type = "发布") {
        return json{{"id", id}, {"identifier", "22010041600000_20261207061000_" + std::to_string(id)}, {"sender", "22010041600000"},
                    {"sender_name", "长春市气象台"}, {"source_words", "接收文件夹（blue.xml）"}, {"sent", "2026-12-07 06:10:00"},
                    {"received", "2026-12-07 06:10:04"}, {"expires", "2026-12-07 18:00:00"}, {"type", "Alert"}, {"type_words", type},
                    {"status", "Actual"}, {"status_words", "正式"}, {"event", "暴雪"}, {"level", level}, {"level_words", lw},
                    {"severity", "Severe"}, {"headline", headline}, {"description", "预计今天白天到夜间长春市区及九台区、双阳区将出现大到暴雪，降雪量可达 8 毫米以上。\n请减少外出。"},
                    {"areas", "长春市（220100）"}, {"state", state}, {"state_words", ""}, {"reason", reason}, {"notice_id", "yj-x"},
                    {"scopes", scopes}, {"can_decide", std::string(state) == "waiting"}};
    };
    json hall = json::array({{{"scope", "group/floor/1"}, {"name", "一楼大厅"}}, {{"scope", "group/floor/2"}, {"name", "二楼大厅"}}});
    state_->messages.push_back(msg(5, "blue", "蓝色", "长春市气象台发布大风蓝色预警", "waiting", "", hall));
    state_->messages.push_back(msg(4, "", "", "", "refused", "预警消息第 3 行：缺少发布时间（sent）", json::array()));
    state_->messages.push_back(msg(3, "red", "红色", "吉林市气象台发布寒潮红色预警", "ignored", "不在本单位的地区范围（地区代码 220200）", json::array()));
    state_->messages.push_back(msg(2, "orange", "橙色", "长春市气象台发布暴雪橙色预警", "published", "", hall, "更新"));
    state_->messages.push_back(msg(1, "yellow", "黄色", "长春市气象台发布道路结冰黄色预警", "expired", "", hall));
    state_->messages[4]["description"] = "";
}
WarningDesk::~WarningDesk() = default;
void WarningDesk::start() {}
std::string WarningDesk::take(const std::string&, const std::string&, std::time_t) { return ""; }
json WarningDesk::overview(std::time_t, const std::string& role) {
    std::lock_guard lock(mutex_);
    json msgs = state_->messages;
    for (auto& m : msgs) m["can_decide"] = m["state"] == "waiting" && role != "editor";
    return {{"feeds", json::array({{{"name", "吉林省突发事件预警信息发布中心"}, {"url", "https://yj.jl.gov.cn/cap/feed.xml"}, {"every_seconds", 60},
                                     {"last_poll", "2026-12-07 06:12:00"}, {"last_ok", "2026-12-07 05:40:00"},
                                     {"problem", "连不上（超时 10 秒）。控制台每分钟自动再试；连续一小时不通请联系省预警中心或检查网络。"}, {"taken", 12}},
                                    {{"name", "长春市气象台"}, {"url", "https://cc.example.gov.cn/cap.xml"}, {"every_seconds", 30},
                                     {"last_poll", "2026-12-07 06:12:30"}, {"last_ok", "2026-12-07 06:12:30"}, {"problem", ""}, {"taken", 3}}})},
            {"drop_folder", {{"path", "/var/lib/kiosk-console/warnings-in"}, {"problem", ""}}},
            {"messages", msgs}, {"waiting", std::count_if(msgs.begin(), msgs.end(), [](const json& m) { return m["state"] == "waiting"; })}, {"rules", state_->rules}, {"rules_saved_by", ""}, {"rules_saved_at", ""}};
}
Outcome WarningDesk::save_rules(const Actor&, const json& rules) {
    std::lock_guard lock(mutex_);
    auto r = warning::parse_rules(rules);
    if (!r) return {Outcome::Kind::invalid, r.error().message};
    state_->rules = warning::rules_json(*r);
    return {Outcome::Kind::done, "发布规则已保存"};
}
Outcome WarningDesk::approve(const Actor&, std::int64_t id) {
    std::lock_guard lock(mutex_);
    for (auto& m : state_->messages) if (m["id"] == id) m["state"] = "published";
    return {Outcome::Kind::done, "已发布"};
}
Outcome WarningDesk::reject(const Actor&, std::int64_t id, const std::string& reason) {
    std::lock_guard lock(mutex_);
    for (auto& m : state_->messages) if (m["id"] == id) m["state"] = "rejected", m["reason"] = reason;
    return {Outcome::Kind::done, "不发布"};
}
std::size_t WarningDesk::waiting_count() {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& m : state_->messages) n += m["state"] == "waiting";
    return n;
}
void WarningDesk::run() {}
}  // namespace kiosk::console
