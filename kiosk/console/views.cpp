#include "console/views.hpp"

#include "base/utf8.hpp"
#include "fleet/scope.hpp"
#include "health/status.hpp"

namespace kiosk::console {

ItemNames::ItemNames(Store& store) {
    for (const auto& scope : store.playlist_scopes()) {
        const nlohmann::json p = store.playlist(scope).playlist;
        if (p.is_object() && p.contains("items") && p["items"].is_array())
            for (const auto& item : p["items"])
                if (item.is_object() && item.contains("id") && item["id"].is_string() && item.contains("title") && item["title"].is_string())
                    names_[item["id"].get<std::string>()] = item["title"].get<std::string>();
    }
    for (const auto& n : store.notices(0, true)) {
        auto scope = fleet::Scope::parse(n.scope);
        if (scope)
            names_[fleet::NoticeRef{*scope, n.id}.item_id()] = "通知：" + (n.title.empty() ? utf8::truncate(n.text, 60) : n.title);
    }
}

std::string ItemNames::name(const std::string& item_id) const {
    if (item_id == "(standing)") return "待机画面";
    if (auto it = names_.find(item_id); it != names_.end() && !it->second.empty()) return it->second;
    if (auto notice = fleet::NoticeRef::parse_item_id(item_id)) return "通知 " + notice->id;
    return item_id;
}

nlohmann::json screen_summary(const ScreenRecord& r, std::time_t now, const ItemNames& names) {
    nlohmann::json s = {{"id", r.id},          {"state", r.state.empty() ? "unknown" : r.state},
                        {"since", r.state_since}, {"heard", r.heard},
                        {"screenshot_at", r.screenshot_at}, {"screenshot_asked", r.screenshot_asked},
                        {"hall", ""}, {"floor", ""}, {"groups", nlohmann::json::array()},
                        {"showing", nullptr}, {"problems", nlohmann::json::array()}, {"notices", nlohmann::json::array()},
                        {"size", nullptr}};
    auto report = status::from_json(r.status);
    if (!report) return s;
    const status::StatusReport& j = *report;
    // A screen that has said nothing for three of its status intervals (it repeats an unchanged status every 60 s) is marked silent.
    if (r.state == "online" && r.heard > 0 && now - r.heard > 180) s["silent"] = true;
    if (j.fleet.enabled) {
        s["hall"] = j.fleet.hall;
        s["groups"] = j.fleet.groups;
        for (const auto& g : j.fleet.groups)
            if (g.rfind("floor/", 0) == 0) s["floor"] = g.substr(6);
        for (const auto& n : j.fleet.notices) s["notices"].push_back(names.name(n));
        s["size"] = {{"width", j.fleet.width}, {"height", j.fleet.height}};
    }
    std::map<std::string, std::string> titles;
    for (const auto& it : j.items) {
        titles[it.id] = it.title;
        if (!it.error.empty()) s["problems"].push_back({{"item", it.id}, {"title", it.title}, {"kind", "error"}, {"text", it.error}});
        else if (it.fetch && it.fetch->failures > 0)
            s["problems"].push_back({{"item", it.id}, {"title", it.title}, {"kind", "stale"}, {"text", it.fetch->last_error}});
    }
    for (const auto& why : j.playlist.refused)
        s["problems"].push_back({{"item", ""}, {"title", ""}, {"kind", "refused"}, {"text", why}});
    const auto& c = j.current;
    s["showing"] = {{"standing", c.standing}, {"item", c.item}, {"title", titles.count(c.item) ? titles[c.item] : ""},
                    {"page", c.page}, {"of", c.of}, {"interrupt", c.interrupt}};
    s["updated"] = j.updated;
    return s;
}

nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : rows)
        out.push_back({{"screen", p.screen}, {"item", p.item}, {"name", names.name(p.item)}, {"day", p.day}, {"plays", p.plays},
                       {"seconds", p.seconds}});
    return out;
}

}  // namespace kiosk::console
