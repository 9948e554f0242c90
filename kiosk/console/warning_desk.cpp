// TEMPORARY fake desk for trying the 预警 page and its browser test before branch intake
// lands: the drop folder read when the page asks, messages parsed and decided by the real
// warning/ core, published through Service::post_notice. Not for merge: intake's desk replaces it.
#include "console/warning_desk.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/zone_time.hpp"
#include "console/names.hpp"
#include "console/service.hpp"
#include "fleet/notice.hpp"
#include "warning/cap.hpp"

namespace kiosk::console {
using nlohmann::json;

struct WarningDesk::State {
    WarningSettings settings;
    std::string zone;
    Store* store;
    Service* service;
    warning::Rules rules = warning::default_rules();
    std::vector<json> messages;  // oldest first
    std::map<std::string, warning::Known> known;
    std::vector<warning::Decision> decisions;  // by message index
};

Result<WarningSettings> parse_warning_settings(const nlohmann::json& j, const std::filesystem::path&) {
    WarningSettings s;
    if (j.is_object() && j.contains("drop_folder")) s.drop_folder = j["drop_folder"].get<std::string>();
    return s;
}

WarningDesk::WarningDesk(WarningSettings settings, std::string zone, Store& store, Service& service, std::chrono::milliseconds)
    : state_(std::make_unique<State>()) {
    state_->settings = std::move(settings);
    state_->zone = std::move(zone);
    state_->store = &store;
    state_->service = &service;
}
WarningDesk::~WarningDesk() = default;
void WarningDesk::start() {}
void WarningDesk::run() {}

namespace {
const char* type_words(warning::MsgType t) {
    switch (t) {
        case warning::MsgType::alert: return "发布";
        case warning::MsgType::update: return "更新";
        case warning::MsgType::cancel: return "解除";
        default: return "确认";
    }
}
const char* status_words(warning::MsgStatus s) {
    switch (s) {
        case warning::MsgStatus::actual: return "正式";
        case warning::MsgStatus::exercise: return "演练";
        case warning::MsgStatus::test: return "测试";
        default: return "系统";
    }
}
Outcome publish(Service& service, const warning::Decision& d, const std::string& zone) {
    json scopes = d.scopes;
    std::string until = zone_time::format_iso_local(d.notice.until, zone).substr(0, 16);
    json form = {{"id", d.notice_id}, {"text", d.notice.text}, {"title", d.notice.title}, {"scopes", scopes},
                 {"until", until}, {"mode", fleet::mode_name(d.notice.how())}};
    return service.post_notice({kWarningsUser, Role::admin, "127.0.0.1"}, form);
}
}  // namespace

std::string WarningDesk::take(const std::string& xml, const std::string& source, std::time_t now) {
    State& s = *state_;
    json m = {{"id", s.messages.size() + 1}, {"source_words", "接收文件夹（" + source.substr(5) + "）"},
              {"received", zone_time::format_iso_local(now, s.zone)}, {"scopes", json::array()}, {"reason", ""},
              {"identifier", ""}, {"sender", ""}, {"sender_name", ""}, {"sent", ""}, {"expires", ""}, {"type", ""},
              {"type_words", ""}, {"status", ""}, {"status_words", ""}, {"event", ""}, {"level", ""}, {"level_words", ""},
              {"severity", ""}, {"headline", ""}, {"description", ""}, {"areas", ""}, {"notice_id", ""}};
    auto msg = warning::parse_message(xml);
    warning::Decision d;
    if (!msg) {
        m["state"] = "refused";
        m["reason"] = msg.error().message;
    } else {
        const auto& g = *msg;
        std::string areas;
        for (const auto& a : g.areas) areas += (areas.empty() ? "" : "、") + a.description + "（" + (a.region_codes.empty() ? "" : a.region_codes[0]) + "）";
        m.update({{"identifier", g.identifier}, {"sender", g.sender}, {"sender_name", g.sender_name},
                  {"sent", zone_time::format_iso_local(g.sent, s.zone)},
                  {"expires", g.expires ? zone_time::format_iso_local(g.expires, s.zone) : ""}, {"type", warning::type_name(g.type)},
                  {"type_words", type_words(g.type)}, {"status", warning::status_name(g.status)}, {"status_words", status_words(g.status)},
                  {"event", g.event}, {"level", warning::level_name(g.level)}, {"level_words", warning::level_words(g.level)},
                  {"headline", g.headline}, {"description", g.description}, {"areas", areas}});
        d = warning::decide(g, s.rules, now, [&](const std::string& id) -> std::optional<warning::Known> {
            auto it = s.known.find(id);
            if (it == s.known.end()) return std::nullopt;
            return it->second;
        }, s.zone);
        const DisplayNames names(*s.store);
        for (const auto& sc : d.scopes) m["scopes"].push_back({{"scope", sc}, {"name", names.scope(sc)}});
        m["notice_id"] = d.notice_id;
        if (d.kind == warning::Decision::Kind::publish) {
            Outcome o = publish(*s.service, d, s.zone);
            m["state"] = o.kind == Outcome::Kind::done || o.kind == Outcome::Kind::queued ? "published" : "ignored";
            if (m["state"] == "ignored") m["reason"] = o.message;
        } else if (d.kind == warning::Decision::Kind::approve) {
            m["state"] = "waiting";
        } else {
            m["state"] = "ignored";
            m["reason"] = d.reason;
        }
        s.known[g.identifier] = {g.identifier, d.notice_id, d.scopes, m["state"] == "published", m["state"] == "waiting"};
    }
    s.messages.push_back(m);
    s.decisions.push_back(d);
    return m.value("reason", "");
}

json WarningDesk::overview(std::time_t now, const std::string& role) {
    std::lock_guard lock(mutex_);
    State& s = *state_;
    std::error_code ec;
    if (!s.settings.drop_folder.empty()) {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(s.settings.drop_folder, ec))
            if (e.path().extension() == ".xml" && e.path().filename().string()[0] != '.') files.push_back(e.path());
        std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
            return std::filesystem::last_write_time(a) < std::filesystem::last_write_time(b);
        });
        for (const auto& f : files) {
            std::ifstream in(f);
            std::stringstream text;
            text << in.rdbuf();
            take(text.str(), "file:" + f.filename().string(), now);
            std::filesystem::create_directories(s.settings.drop_folder / "done", ec);
            std::filesystem::rename(f, s.settings.drop_folder / "done" / f.filename(), ec);
        }
    }
    json msgs = json::array();
    std::size_t waiting = 0;
    for (auto it = s.messages.rbegin(); it != s.messages.rend(); ++it) {
        json m = *it;
        m["can_decide"] = m["state"] == "waiting" && role != "editor";
        waiting += m["state"] == "waiting";
        msgs.push_back(m);
    }
    json drop = nullptr;
    if (!s.settings.drop_folder.empty()) drop = {{"path", s.settings.drop_folder.string()}, {"problem", ""}};
    return {{"feeds", json::array()}, {"drop_folder", drop}, {"messages", msgs}, {"waiting", waiting},
            {"rules", warning::rules_json(s.rules)}, {"rules_saved_by", ""}, {"rules_saved_at", ""}};
}

Outcome WarningDesk::save_rules(const Actor&, const json& rules) {
    std::lock_guard lock(mutex_);
    auto r = warning::parse_rules(rules);
    if (!r) return {Outcome::Kind::invalid, r.error().message};
    state_->rules = *r;
    return {Outcome::Kind::done, "发布规则已保存"};
}
Outcome WarningDesk::approve(const Actor&, std::int64_t id) {
    std::lock_guard lock(mutex_);
    State& s = *state_;
    if (id < 1 || id > static_cast<std::int64_t>(s.messages.size())) return {Outcome::Kind::not_found, "没有这条预警"};
    json& m = s.messages[id - 1];
    if (m["state"] != "waiting") return {Outcome::Kind::not_found, "这条预警已经处理过了"};
    warning::Decision d = s.decisions[id - 1];
    Outcome o = publish(*s.service, d, s.zone);
    if (o.kind == Outcome::Kind::done || o.kind == Outcome::Kind::queued) m["state"] = "published";
    return o;
}
Outcome WarningDesk::reject(const Actor&, std::int64_t id, const std::string& reason) {
    std::lock_guard lock(mutex_);
    State& s = *state_;
    if (id < 1 || id > static_cast<std::int64_t>(s.messages.size())) return {Outcome::Kind::not_found, "没有这条预警"};
    s.messages[id - 1]["state"] = "rejected";
    s.messages[id - 1]["reason"] = reason;
    return {Outcome::Kind::done, "不发布"};
}
std::size_t WarningDesk::waiting_count() {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& m : state_->messages) n += m["state"] == "waiting";
    return n;
}
}  // namespace kiosk::console
