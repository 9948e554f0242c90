// The 预警 desk's page side (console/warning_desk.hpp): the overview the page reads, the
// admin's rules, and the approvers' decisions on messages waiting.
#include <algorithm>

#include "base/utf8.hpp"
#include "console/names.hpp"
#include "console/warning_desk_state.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {

const char* state_words(const std::string& s) {
    if (s == "published") return "已发布";
    if (s == "waiting") return "等待审核";
    if (s == "cancelled") return "已解除";
    if (s == "replaced") return "已更新";
    if (s == "expired") return "已过期";
    if (s == "ignored") return "未发布";
    if (s == "refused") return "格式错误";
    if (s == "rejected") return "不发布（审核）";
    return "";
}

const char* type_words(const std::string& t) {
    if (t == "Alert") return "发布";
    if (t == "Update") return "更新";
    if (t == "Cancel") return "解除";
    if (t == "Ack") return "确认";
    if (t == "Error") return "错误";
    return "";
}

const char* status_words(const std::string& s) {
    if (s == "Actual") return "正式";
    if (s == "Exercise") return "演练";
    if (s == "Test") return "测试";
    if (s == "System") return "系统";
    if (s == "Draft") return "草稿";
    return "";
}

const char* action_words(warning::Action a) {
    switch (a) {
        case warning::Action::publish: return "立即发布";
        case warning::Action::approve: return "审核后发布";
        case warning::Action::ignore: return "不发布";
        case warning::Action::test: return "只发到测试屏幕";
    }
    return "";
}

std::string source_words(const std::string& source) {
    if (source.rfind("feed:", 0) == 0) return "预警源：" + source.substr(5);
    if (source.rfind("file:", 0) == 0) return "投递文件夹：" + source.substr(5);
    return source;
}

bool may_decide(Role r) { return r == Role::approver || r == Role::admin; }

Outcome said(Outcome::Kind k, std::string words) { return {k, std::move(words), json::object()}; }

}  // namespace

std::size_t WarningDesk::waiting_count() { return static_cast<std::size_t>(state_->store.warnings_in_state("waiting")); }

json WarningDesk::overview(std::time_t now, const std::string& viewer_role) {
    State& s = *state_;
    (void)now;
    const DisplayNames names(s.store);
    const auto role = parse_role(viewer_role);
    const bool decides = role && may_decide(*role);
    json out = json::object();
    json feeds = json::array();
    const auto states = s.store.warning_feeds();
    for (const auto& f : s.settings.feeds) {
        WarningFeedState st;
        for (const auto& x : states)
            if (x.name == f.name) st = x;
        feeds.push_back({{"name", f.name}, {"url", f.url}, {"every_seconds", f.every_seconds}, {"last_poll", s.local(st.last_poll)},
                         {"last_ok", s.local(st.last_ok)}, {"problem", st.problem}, {"taken", st.taken}});
    }
    out["feeds"] = feeds;
    if (s.settings.drop_folder.empty()) {
        out["drop_folder"] = nullptr;
    } else {
        std::lock_guard lock(s.work);
        out["drop_folder"] = {{"path", s.settings.drop_folder.string()}, {"problem", s.drop_problem}};
    }
    json messages = json::array();
    for (const auto& w : s.store.warnings(200)) {
        json scopes = json::array();
        for (const auto& sc : split_commas(w.scopes)) scopes.push_back({{"scope", sc}, {"name", names.scope(sc)}});
        const auto level = warning::parse_level(w.level);
        messages.push_back({{"id", w.id}, {"identifier", w.identifier}, {"sender", w.sender}, {"sender_name", w.sender_name},
                            {"source_words", source_words(w.source)}, {"sent", s.local(w.sent)}, {"received", s.local(w.received)},
                            {"expires", s.local(w.expires)}, {"type", w.type}, {"type_words", type_words(w.type)}, {"status", w.status},
                            {"status_words", status_words(w.status)}, {"event", w.event}, {"level", w.level},
                            {"level_words", level ? warning::level_words(*level) : ""}, {"severity", w.severity}, {"headline", w.headline},
                            {"description", w.description}, {"areas", w.areas}, {"state", w.state}, {"state_words", state_words(w.state)},
                            {"reason", w.reason}, {"notice_id", w.notice_id}, {"scopes", scopes},
                            {"can_decide", decides && w.state == "waiting"}});
    }
    out["messages"] = messages;
    out["waiting"] = waiting_count();
    const auto saved = s.store.warning_rules();
    out["rules"] = warning::rules_json(s.rules());
    out["rules_saved_by"] = saved.saved_by;
    out["rules_saved_at"] = s.local(saved.saved_at);
    return out;
}

Outcome WarningDesk::save_rules(const Actor& who, const json& rules_in) {
    State& s = *state_;
    if (who.role != Role::admin) return said(Outcome::Kind::invalid, "只有管理员可以修改预警规则");
    auto rules = warning::parse_rules(rules_in);
    if (!rules) {
        // The checker's message says 预警规则没有保存 itself (warning/rules.cpp).
        const std::string& why = rules.error().message;
        return said(Outcome::Kind::invalid, why.rfind("预警规则没有保存", 0) == 0 ? why : "预警规则没有保存：" + why);
    }
    const DisplayNames names(s.store);
    std::string summary = "地区规则 " + std::to_string(rules->regions.size()) + " 条";
    for (const auto& r : rules->regions) {
        std::string where;
        for (const auto& sc : r.scopes) where += (where.empty() ? "" : "、") + names.scope(sc);
        summary += "\n" + r.code + " → " + where;
    }
    summary += "\n级别：";
    for (auto level : {warning::Level::red, warning::Level::orange, warning::Level::yellow, warning::Level::blue, warning::Level::none}) {
        auto a = rules->levels.find(level);
        if (a == rules->levels.end()) continue;
        summary += std::string(level == warning::Level::none ? "无级别" : warning::level_words(level)) + action_words(a->second) + "；";
    }
    if (!rules->test_scopes.empty()) {
        std::string where;
        for (const auto& sc : rules->test_scopes) where += (where.empty() ? "" : "、") + names.scope(sc);
        summary += "\n测试屏幕：" + where;
    }
    std::lock_guard lock(s.work);
    const json stored = warning::rules_json(*rules);
    if (auto st = s.store.set_warning_rules(stored, {0, std::time(nullptr), who.user, who.address, "warning_rules", "warnings",
                                                     utf8::sanitize(summary)});
        !st)
        return said(Outcome::Kind::failed, "预警规则没有保存：控制台的数据库写不进去（" + st.error().message + "）。请通知管理员检查磁盘。");
    return {Outcome::Kind::done, "预警规则已保存，之后收到的预警按新规则处理", {{"rules", stored}}};
}

Outcome WarningDesk::approve(const Actor& who, std::int64_t id) {
    State& s = *state_;
    if (!may_decide(who.role)) return said(Outcome::Kind::invalid, "只有审核人员和管理员可以批准预警");
    std::lock_guard lock(s.work);
    auto w = s.store.warning(id);
    if (!w || w->state != "waiting") return said(Outcome::Kind::not_found, "这条预警已经处理过了");
    const std::time_t now = std::time(nullptr);
    if (w->until <= now) {
        s.expire(now);
        return said(Outcome::Kind::not_found, "这条预警已经过了有效期，不再发布");
    }
    auto body = fleet::parse_notice_body(w->notice, now);
    if (!body) return said(Outcome::Kind::invalid, "这条预警做不成通知：" + body.error().message);
    const std::string detail = "标识 " + w->identifier + "\n发布单位 " + w->sender + (w->sender_name.empty() ? "" : "（" + w->sender_name + "）") +
                               "\n" + w->headline + "\n审核通过";
    Outcome o = s.service.publish_warning(who, w->notice_id, split_commas(w->scopes), *body, {}, "warning_approved", detail);
    if (o.kind != Outcome::Kind::done && o.kind != Outcome::Kind::queued) return o;
    if (auto st = s.store.set_warning_state(id, "published", "审核通过（" + who.user + "），已发布", {}); !st)
        return said(Outcome::Kind::failed, "预警已发布，但记录没有写进去（" + st.error().message + "）");
    if (o.kind == Outcome::Kind::done) o.message = "已批准，预警已发布到屏幕";
    return o;
}

Outcome WarningDesk::reject(const Actor& who, std::int64_t id, const std::string& reason) {
    State& s = *state_;
    if (!may_decide(who.role)) return said(Outcome::Kind::invalid, "只有审核人员和管理员可以决定预警不发布");
    const std::string why = utf8::sanitize(reason);
    if (why.find_first_not_of(" \t\r\n") == std::string::npos) return said(Outcome::Kind::invalid, "请写明不发布的原因");
    if (why.size() > 2000) return said(Outcome::Kind::invalid, "原因太长了，请写在 600 字以内");
    std::lock_guard lock(s.work);
    auto w = s.store.warning(id);
    if (!w || w->state != "waiting") return said(Outcome::Kind::not_found, "这条预警已经处理过了");
    const std::string detail = "标识 " + w->identifier + "\n发布单位 " + w->sender + (w->sender_name.empty() ? "" : "（" + w->sender_name + "）") +
                               "\n" + w->headline + "\n理由：" + why;
    if (auto st = s.store.set_warning_state(id, "rejected", "审核未通过：" + why,
                                            {{0, std::time(nullptr), who.user, who.address, "warning_rejected",
                                              w->notice_id.empty() ? w->identifier : w->notice_id, detail}});
        !st)
        return said(Outcome::Kind::failed, "没有记下：控制台的数据库写不进去（" + st.error().message + "）");
    return said(Outcome::Kind::done, "已决定不发布这条预警");
}

}  // namespace kiosk::console
