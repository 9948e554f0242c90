// 开放时间's routes (issue 28): a scope's hours and calendar as the clerk last left them, the
// next 14 days as the screens will live them, saving a draft, publishing, clearing.
#include "console/calendar_page.hpp"
#include "console/routes.hpp"

namespace kiosk::console {

namespace {

// A scope's screens now: each by its name, on or asleep in the words of the 屏幕 page.
json scope_screens(const std::string& scope_text, const std::vector<ScreenRecord>& records, const ItemNames& items,
                   const DisplayNames& names, const std::string& zone, std::time_t now) {
    json out = json::array();
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return out;
    for (const ScreenRecord& r : records) {
        auto report = status::from_json(r.status);
        if (!scope->reaches(r.id, report ? report->fleet.groups : std::vector<std::string>{})) continue;
        const json s = screen_summary(r, now, items, names, zone);
        out.push_back({{"name", s["name"]}, {"state", s["state"]}, {"text", s["state_text"]},
                       {"calendar", report && report->power ? report->power->calendar : ""}});
    }
    std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
    return out;
}

}  // namespace

void Routes::calendar_routes() {
    httplib::Server& s = *server;
    // The page: what to edit (the clerk's draft, else what was published, else the calendar
    // the scope lives by now — 全部屏幕's — else a starting week), and where it stands.
    s.Get("/api/calendar", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const std::string scope = req.get_param_value("scope");
        if (!fleet::valid_scope(scope)) return send_error(res, 400, "请选择屏幕或分组");
        const std::time_t now = std::time(nullptr);
        const DisplayNames names(store);
        const auto record = store.calendar(scope);
        json calendar, source;
        std::string inherited;
        if (record && !record->draft.is_null()) calendar = record->draft, source = "draft";
        else if (record && !record->published.is_null()) calendar = record->published, source = "published";
        else if (auto all = store.calendar("all"); scope != "all" && all && !all->published.is_null())
            calendar = all->published, source = "inherited", inherited = names.scope("all");
        else calendar = starting_calendar(office->opening), source = "start";
        calendar = tidy_calendar(calendar);
        const bool published = record && !record->published.is_null();
        const auto errors = check_calendar_form(calendar, scope);
        json days = nullptr;
        if (errors.empty())
            if (auto parsed = config::parse_calendar(calendar.dump(2), "fleet:" + scope)) days = next_days(*parsed, now, office->time_zone);
        // An editor's change waiting for approval (or sent back) for this scope.
        json mine = nullptr;
        for (const auto& c : store.pending_of(session->user, 50))
            if (c.kind == "calendar" && c.scope == scope) {
                if (c.state == "pending" || c.state == "rejected") mine = change_json(c, office->time_zone, names);
                break;
            }
        json receipt = nullptr;
        if (auto parsed = fleet::Scope::parse(scope); parsed && record && record->gen > 0)
            receipt = latest_receipt_view(fleet::generation_key({parsed->str(), "calendar", ""}), screen_views(fleet.screens()), names, now);
        send_json(res, {{"scope", scope},
                        {"label", names.scope(scope)},
                        {"calendar", calendar},
                        {"source", source},
                        {"inherited", inherited},
                        {"published", published},
                        {"differs", !published || tidy_calendar(record->published) != calendar},
                        {"gen", record ? record->gen : 0},
                        {"at", record && record->published_at ? now_iso(record->published_at, office->time_zone) : ""},
                        {"by", record ? record->published_by : ""},
                        {"cleared", record && record->published.is_null() && record->gen > 0},
                        {"draft_at", record && record->draft_at ? now_iso(record->draft_at, office->time_zone) : ""},
                        {"errors", to_json(errors)},
                        {"days", days},
                        {"today", now_iso(now, office->time_zone).substr(0, 10)},
                        {"mine", mine},
                        {"receipt", receipt},
                        {"screens", scope_screens(scope, fleet.screens(), ItemNames(store), names, office->time_zone, now)}});
    });
    // As the clerk types: the calendar tidied, its errors placed, and the 14 days it makes.
    s.Post("/api/calendar/preview", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const json body = body_json(req);
        const std::string scope = fleet::valid_scope(str(body, "scope")) ? str(body, "scope") : "all";
        const json calendar = tidy_calendar(body.value("calendar", json()));
        const auto errors = check_calendar_form(calendar, scope);
        json days = nullptr;
        if (errors.empty())
            if (auto parsed = config::parse_calendar(calendar.dump(2), "fleet:" + scope))
                days = next_days(*parsed, std::time(nullptr), office->time_zone);
        send_json(res, {{"calendar", calendar}, {"errors", to_json(errors)}, {"days", days}});
    });
    s.Post("/api/calendar/save", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.save_calendar(actor(req, *session), str(body, "scope"), tidy_calendar(body.value("calendar", json()))));
    });
    s.Post("/api/calendar", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.publish_calendar(actor(req, *session), str(body, "scope"), tidy_calendar(body.value("calendar", json()))));
    });
    s.Post("/api/calendar/clear", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        // Clearing changes when screens sleep (they fall back to the next calendar): an editor
        // clears only while changes need no approval.
        if (session->role == Role::editor && require_approval())
            return send_error(res, 422, "发布前需要审核时，编辑不能清除开放时间；请找审核人或管理员");
        answer(res, service.clear_calendar(actor(req, *session), str(body_json(req), "scope")));
    });
}

}  // namespace kiosk::console
