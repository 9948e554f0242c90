// The 预警 page's routes (issue 29): what the desk (console/warning_desk) took in and did, its
// feeds, and the admin's rules; saving the rules (admins), and deciding a message that waits
// for approval (approvers and admins). The desk does the work; this file only asks it.
#include "console/routes.hpp"
#include "console/warning_desk.hpp"

namespace kiosk::console {

namespace {

// Every scope the rules name, by the name the console shows (a group or screen no screen
// reports now keeps its name from the console's records).
json rule_scope_names(const json& rules, const DisplayNames& names) {
    json out = json::object();
    auto add = [&](const json& scope) {
        if (!scope.is_string()) return;
        const std::string text = scope.get<std::string>();
        const auto parsed = fleet::Scope::parse(text);
        if (!parsed || out.contains(text)) return;
        std::string label = parsed->label();
        if (parsed->kind() == fleet::Scope::Kind::group) label = "分组：" + names.scope(text);
        if (parsed->kind() == fleet::Scope::Kind::screen) label = "屏幕：" + names.scope(text);
        out[text] = label;
    };
    if (rules.is_object()) {
        for (const auto& r : rules.value("regions", json::array()))
            if (r.is_object())
                for (const auto& sc : r.value("scopes", json::array())) add(sc);
        for (const auto& sc : rules.value("test_scopes", json::array())) add(sc);
    }
    return out;
}

std::int64_t id_of(const json& body) {
    return body.contains("id") && body["id"].is_number_integer() ? body["id"].get<std::int64_t>() : 0;
}

constexpr const char* kNoDesk = "预警功能没有开启：控制台没有启动预警接收。请通知管理员检查控制台的设置（console.json 的 warnings）。";

}  // namespace

std::size_t Routes::warning_count() { return warnings ? warnings->waiting_count() : 0; }

void Routes::warning_routes() {
    httplib::Server& s = *server;
    // The page's whole state, as the desk says it, with what only the routes know: whether
    // this person may edit the rules, and the names of the scopes the rules use.
    s.Get("/api/warnings", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        if (!warnings) return send_error(res, 503, kNoDesk);
        json out = warnings->overview(std::time(nullptr), role_name(session->role));
        out["can_edit"] = session->role == Role::admin;
        out["can_decide"] = session->role != Role::editor;
        out["scope_names"] = rule_scope_names(out.value("rules", json::object()), DisplayNames(store));
        send_json(res, out);
    });
    s.Post("/api/warnings/rules", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        if (!warnings) return send_error(res, 503, kNoDesk);
        const json body = body_json(req);
        if (!body.contains("rules") || !body["rules"].is_object()) return send_error(res, 400, "没有收到发布规则，请刷新页面后再试");
        answer(res, warnings->save_rules(actor(req, *session), body["rules"]));
    });
    s.Post("/api/warnings/approve", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::approver);
        if (!session) return;
        if (!warnings) return send_error(res, 503, kNoDesk);
        const json body = body_json(req);
        answer(res, warnings->approve(actor(req, *session), id_of(body)));
    });
    s.Post("/api/warnings/reject", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::approver);
        if (!session) return;
        if (!warnings) return send_error(res, 503, kNoDesk);
        const json body = body_json(req);
        const std::string reason = str(body, "reason");
        if (reason.empty()) return send_error(res, 422, "请写明不发布的原因");
        answer(res, warnings->reject(actor(req, *session), id_of(body), reason));
    });
}

}  // namespace kiosk::console
