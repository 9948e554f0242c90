#include "console/receipts.hpp"

#include <algorithm>
#include <map>

#include "base/zone_time.hpp"
#include "fleet/ack.hpp"
#include "fleet/scope.hpp"
#include "health/status.hpp"

namespace kiosk::console {

namespace {

bool is_answer(const std::string& state) { return state == "shown" || state == "waiting" || state == "kept" || state == "refused"; }

// The screens `scope` reaches, by their last status's groups (a screen that never sent one
// is reached by "all" and by its own scope only).
std::vector<const ScreenRecord*> reached(const std::string& scope_text, const std::vector<ScreenRecord>& screens,
                                         std::vector<std::optional<status::StatusReport>>* reports) {
    std::vector<const ScreenRecord*> out;
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return out;
    for (const ScreenRecord& r : screens) {
        auto report = status::from_json(r.status);
        const std::vector<std::string> groups = report ? report->fleet.groups : std::vector<std::string>{};
        if (!scope->reaches(r.id, groups)) continue;
        out.push_back(&r);
        if (reports) reports->push_back(report ? std::optional<status::StatusReport>(std::move(*report)) : std::nullopt);
    }
    return out;
}

// "09:12" today, "12月6日 18:02" another day (in the office's zone).
std::string clock_text(std::time_t t, const std::string& zone, std::time_t now) {
    const std::string at = zone_time::format_iso_local(t, zone), today = zone_time::format_iso_local(now, zone);
    if (at.size() < 16) return at;
    if (at.substr(0, 10) == today.substr(0, 10)) return at.substr(11, 5);
    return std::to_string(std::stoi(at.substr(5, 2))) + "月" + std::to_string(std::stoi(at.substr(8, 2))) + "日 " + at.substr(11, 5);
}

const std::map<std::string, std::string>& state_names() {
    static const std::map<std::string, std::string> names = {
        {"shown", "已显示"}, {"waiting", "已接收（等待开放时间）"}, {"kept", "已接收（不播放）"}, {"refused", "拒绝"},
        {"offline", "离线"}, {"pending", "等待确认"},              {"silent", "没有回复"}, {"unsent", "还没发出"},
    };
    return names;
}

// What a screen that answered did: a restart is not shown, it is done.
std::string state_name(const std::string& state, const std::string& kind) {
    if (state == "shown" && kind == "restart") return "已重启";
    // A calendar is not shown: it is in force (or refused, with the screen's reason).
    if (state == "shown" && kind == "calendar") return "已生效";
    if (state == "refused" && kind == "calendar") return "已拒绝";
    return state_names().at(state);
}

}  // namespace

bool Receipt::answered() const {
    return std::all_of(lines.begin(), lines.end(), [](const ReceiptLine& l) { return is_answer(l.state); });
}

int Receipt::count(const std::string& state) const {
    return static_cast<int>(std::count_if(lines.begin(), lines.end(), [&](const ReceiptLine& l) { return l.state == state; }));
}

std::vector<ScreenView> screen_views(const std::vector<ScreenRecord>& screens) {
    std::vector<ScreenView> out;
    out.reserve(screens.size());
    for (const ScreenRecord& r : screens) {
        ScreenView v{r.id, r.state, r.state_since, r.heard, {}, {}};
        if (auto report = status::from_json(r.status)) {
            v.groups = std::move(report->fleet.groups);
            v.applied = std::move(report->fleet.applied);
        }
        out.push_back(std::move(v));
    }
    return out;
}

Receipt make_receipt(const ReceiptRef& ref, const std::vector<ScreenRecord>& screens, const std::vector<AckRecord>& acks,
                     const DisplayNames& names, std::time_t now) {
    return make_receipt(ref, screen_views(screens), acks, names, now);
}

Receipt make_receipt(const ReceiptRef& ref, const std::vector<ScreenView>& screens, const std::vector<AckRecord>& acks,
                     const DisplayNames& names, std::time_t now) {
    Receipt out;
    const auto scope = fleet::Scope::parse(ref.scope);
    if (!scope) return out;
    std::map<std::string, const AckRecord*> by_screen;
    for (const AckRecord& a : acks)
        if (a.gen == ref.gen && a.outcome != fleet::kAckReplayed) by_screen[a.screen] = &a;
    for (const ScreenView& r : screens) {
        // The screens the scope reaches, by their last status's groups (a screen that never
        // sent one is reached by "all" and by its own scope only).
        if (!scope->reaches(r.id, r.groups)) continue;
        ReceiptLine line;
        line.screen = r.id;
        line.name = names.screen(r.id);
        if (auto a = by_screen.find(r.id); a != by_screen.end()) {
            const std::string& o = a->second->outcome;
            line.state = o == "waiting" || o == "kept" || o == "refused" ? o : "shown";
            line.words = a->second->words;
            line.at = a->second->at;
        } else if (auto applied = r.applied.find(ref.key); applied != r.applied.end() && applied->second >= ref.gen) {
            // Its ack is gone (or came before the console kept acks): its status says it applied this or a newer one.
            line.state = "shown";
            line.at = r.heard;
        } else if (!ref.sent) {
            line.state = "unsent";
        } else if (r.state != "online") {
            line.state = "offline";
            line.since = r.state_since;
        } else {
            line.state = now - ref.at > kReceiptAnswerSeconds ? "silent" : "pending";
        }
        out.lines.push_back(std::move(line));
    }
    std::sort(out.lines.begin(), out.lines.end(),
              [](const ReceiptLine& a, const ReceiptLine& b) { return a.name != b.name ? a.name < b.name : a.screen < b.screen; });
    return out;
}

bool receipt_due(const ReceiptRef& ref, const Receipt& r, std::time_t now) {
    return ref.sent && (r.answered() || now - ref.at >= kReceiptAnswerSeconds);
}

AuditEntry receipt_entry(const ReceiptRef& ref, const Receipt& r, std::time_t now) {
    const std::string what = ref.kind == "playlist" ? "节目单" : ref.kind == "restart" ? "重启" : ref.kind == "calendar" ? "开放时间" : "通知";
    return {0, now, ref.by, "", "receipt", ref.scope, what + "回执：" + receipt_counts(r, ref.kind)};
}

std::string line_text(const ReceiptLine& l, const std::string& zone, std::time_t now, const std::string& kind) {
    if (l.state == "shown") return state_name("shown", kind);
    if (l.state == "offline" && kind == "restart")
        return "离线，一小时内恢复连接就会重启" + (l.since > 0 ? "（自 " + clock_text(l.since, zone, now) + " 起离线）" : std::string());
    if (l.state == "waiting") return "已接收（等待开放时间）";
    if (l.state == "kept" && kind == "calendar") return "已接收（这块屏幕用更具体的开放时间）";
    if (l.state == "kept") return "已接收（这块屏幕播放更具体的节目单）";
    if (l.state == "refused") return std::string(kind == "calendar" ? "已拒绝：" : "拒绝：") + (l.words.empty() ? std::string("屏幕没有说明原因，请看这块屏幕的日志") : l.words);
    if (l.state == "offline")
        return "离线，恢复连接后自动显示" + (l.since > 0 ? "（自 " + clock_text(l.since, zone, now) + " 起离线）" : std::string());
    if (l.state == "unsent") return "还没发出：控制台现在连不上消息服务器（broker），连上后自动发到屏幕，不用再发一次";
    if (l.state == "silent") return "没有回复：屏幕在线，但两分钟内没有确认收到；请到“屏幕”页看看这块屏幕";
    return "等待屏幕确认…";
}

std::string receipt_counts(const Receipt& r, const std::string& kind) {
    if (r.lines.empty()) return "这个范围现在没有屏幕";
    std::string out;
    for (const char* state : {"shown", "waiting", "kept", "refused", "offline", "silent", "pending", "unsent"}) {
        std::string who;
        int n = 0;
        for (const ReceiptLine& l : r.lines)
            if (l.state == state) {
                ++n;
                if (std::string(state) != "shown" && who.size() < 300) who += (who.empty() ? "" : "、") + l.name;
            }
        if (n == 0) continue;
        out += (out.empty() ? "" : "，") + state_name(state, kind) + " " + std::to_string(n) + (who.empty() ? "" : "（" + who + "）");
    }
    return out;
}

nlohmann::json receipt_json(const ReceiptRef& ref, const Receipt& r, const DisplayNames& names, const std::string& zone, std::time_t now) {
    nlohmann::json lines = nlohmann::json::array();
    for (const ReceiptLine& l : r.lines) {
        std::string text = line_text(l, zone, now, ref.kind);
        // A screen names scopes by their ids (it knows no display names): the clerk reads names.
        if (const auto scope = fleet::Scope::parse(ref.scope))
            for (size_t at = text.find(scope->label()); at != std::string::npos; at = text.find(scope->label(), at + 1))
                text.replace(at, scope->label().size(), "「" + names.scope(ref.scope) + "」");
        lines.push_back({{"name", l.name}, {"state", l.state}, {"text", text},
                         {"detail", l.state == "waiting" || l.state == "kept" ? l.words : ""}});
    }
    const int reached = static_cast<int>(r.lines.size()), shown = r.count("shown");
    std::string summary = reached == 0 ? "这个范围现在没有屏幕"
                                       : std::to_string(shown) + "/" + std::to_string(reached) + " 块" + state_name("shown", ref.kind);
    if (reached > 0 && shown < reached) {
        std::string rest;
        for (const char* state : {"waiting", "kept", "refused", "offline", "silent", "pending", "unsent"})
            if (int n = r.count(state); n > 0) rest += (rest.empty() ? "" : "，") + state_names().at(state) + " " + std::to_string(n);
        summary += "（" + rest + "）";
    }
    return {{"id", ref.id},        {"kind", ref.kind},           {"scope", ref.scope},
            {"label", names.scope(ref.scope)}, {"summary", summary}, {"answered", r.answered()},
            {"reached", reached},  {"shown", shown},             {"problems", reached - shown - r.count("waiting") - r.count("kept") - r.count("pending") - r.count("unsent")},
            {"at", zone_time::format_iso_local(ref.at, zone)}, {"lines", lines}};
}

nlohmann::json playing_json(const std::string& scope, const std::vector<ScreenRecord>& screens, const DisplayNames& names,
                            const std::string& zone) {
    nlohmann::json out = nlohmann::json::array();
    std::vector<std::optional<status::StatusReport>> reports;
    const auto reach = reached(scope, screens, &reports);
    for (size_t i = 0; i < reach.size(); ++i) {
        const ScreenRecord& r = *reach[i];
        nlohmann::json s = {{"name", names.screen(r.id)}, {"online", r.state == "online"}, {"playing", ""}, {"page", ""}, {"source", ""},
                            {"local", false}};
        if (r.state != "online" && r.state_since > 0) s["since"] = clock_text(r.state_since, zone, std::time(nullptr));
        if (const auto& rep = reports[i]) {
            const auto& c = rep->current;
            std::string title;
            for (const auto& item : rep->items)
                if (item.id == c.item) title = item.title;
            s["playing"] = c.standing ? std::string("待机画面（没有要播放的内容）") : title.empty() ? std::string("没有标题的一项") : title;
            if (!c.standing && c.of > 1) s["page"] = "第 " + std::to_string(c.page) + "/" + std::to_string(c.of) + " 页";
            const std::string& file = rep->playlist.file;
            if (file.rfind("fleet:", 0) == 0) {
                s["source"] = "发布到「" + names.scope(file.substr(6)) + "」的节目单";
            } else {
                s["source"] = "这块屏幕自己的本地节目单";
                s["local"] = true;
            }
        }
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) { return a["name"] < b["name"]; });
    return out;
}

}  // namespace kiosk::console
