// The records' routes: the audit log and plays (with their CSVs), users and settings.
#include "console/routes.hpp"

namespace kiosk::console {

void Routes::record_routes() {
    httplib::Server& s = *server;
    auto filter_of = [this](const httplib::Request& req) {
        AuditFilter f;
        f.user = req.get_param_value("user");
        f.action = req.get_param_value("action");
        f.text = req.get_param_value("text");
        for (const char* key : {"from", "until"}) {
            const std::string day = req.get_param_value(key);
            if (day.size() != 10) continue;
            auto t = zone_time::parse_time(key, day + (std::string(key) == "from" ? "T00:00:00" : "T23:59:59"), office->time_zone);
            if (t) (std::string(key) == "from" ? f.from : f.until) = *t;
        }
        return f;
    };
    // Each entry as stored (`detail`, for programs) and in words (`action_name`, `target_name`,
    // `summary`; an old raw diff in `diff`).
    s.Get("/api/audit", [this, filter_of](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const DisplayNames dn(store);
        const ItemNames names(store);
        const auto name_of = [&names](const std::string& id) { return names.name(id); };
        json out = json::array();
        for (const auto& e : store.audit_entries(filter_of(req))) {
            std::string diff;
            const std::string summary = audit_detail_words(e, name_of, &diff);
            out.push_back({{"id", e.id}, {"at", now_iso(e.at, office->time_zone)}, {"user", e.user}, {"address", e.address},
                           {"user_name", audit_user_words(e.user)}, {"address_name", audit_address_words(e.address)},
                           {"action", e.action}, {"action_name", action_name(e.action)}, {"target", e.target},
                           {"target_name", audit_target_words(e, dn)}, {"detail", e.detail}, {"summary", summary}, {"diff", diff}});
        }
        send_json(res, out);
    });
    s.Get("/api/audit/actions", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        send_json(res, action_names());
    });
    s.Get("/api/audit.csv", [this, filter_of](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        AuditFilter f = filter_of(req);
        f.limit = 1000000;
        const DisplayNames dn(store);
        const ItemNames names(store);
        const auto name_of = [&names](const std::string& id) { return names.name(id); };
        std::string csv = "\xEF\xBB\xBF" "时间,用户,地址,操作,对象,详情\r\n";  // the BOM: Excel reads UTF-8
        for (const auto& e : store.audit_entries(f))
            csv += csv_cell(now_iso(e.at, office->time_zone).replace(10, 1, " ")) + "," + csv_cell(audit_user_words(e.user)) + "," +
                   csv_cell(audit_address_words(e.address)) +
                   "," + csv_cell(action_name(e.action)) + "," + csv_cell(audit_target_words(e, dn)) + "," +
                   csv_cell(audit_detail_words(e, name_of)) + "\r\n";
        res.set_header("Content-Disposition", "attachment; filename=\"audit.csv\"");
        res.set_content(csv, "text/csv; charset=utf-8");
    });
    // 播放记录: 屏幕 and 内容 are what a clerk types (names, title words, or an id).
    auto plays_of = [this](const httplib::Request& req, const std::string& from, const std::string& until, int limit) {
        PlaysQuery q;  // an empty field: any (nothing looked up)
        if (const std::string screen = req.get_param_value("screen"); screen.find_first_not_of(" \t") != std::string::npos) {
            std::vector<std::string> ids = store.play_screens();
            for (const auto& sc : store.screens()) ids.push_back(sc.id);
            q.screens = matching_screens(screen, ids, DisplayNames(store));
        }
        if (const std::string item = req.get_param_value("item"); item.find_first_not_of(" \t") != std::string::npos)
            q.items = matching_items(item, store.play_items(), ItemNames(store));
        q.from_day = from;
        q.until_day = until;
        q.limit = limit;
        return store.plays(q);
    };
    s.Get("/api/plays", [this, plays_of](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const auto rows = plays_of(req, req.get_param_value("from"), req.get_param_value("until"), 2000);
        send_json(res, plays_json(rows, ItemNames(store), DisplayNames(store)));
    });
    s.Get("/api/plays.csv", [this, plays_of](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const auto rows = plays_of(req, req.get_param_value("from"), req.get_param_value("until"), 10000000);
        res.set_header("Content-Disposition", "attachment; filename=\"plays.csv\"");
        res.set_content(plays_csv(rows, ItemNames(store), DisplayNames(store)), "text/csv; charset=utf-8");
    });
    // The question in one go: 屏幕 × 内容 × 日期 → 完整播放 N 次（共 M 页）.
    s.Get("/api/plays/answer", [this, plays_of](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string day = req.get_param_value("day");
        if (day.size() != 10) return send_error(res, 400, "请选择日期");
        const auto rows = plays_of(req, day, day, 100000);
        const std::string today = zone_time::format_iso_local(std::time(nullptr), office->time_zone).substr(0, 10);
        send_json(res, plays_answer(rows, ItemNames(store), DisplayNames(store), req.get_param_value("screen"),
                                    req.get_param_value("item"), day, today));
    });
    // What the answer form suggests: screens by name, items by title (newest plays first).
    s.Get("/api/plays/choices", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const DisplayNames dn(store);
        const ItemNames names(store);
        std::set<std::string> screens, items;
        for (const auto& sc : store.screens()) screens.insert(dn.screen(sc.id));
        for (const auto& id : store.play_screens()) screens.insert(dn.screen(id));
        for (const auto& [id, title] : store.play_items())
            if (id != "(standing)") items.insert(title.empty() ? names.name(id) : title);
        const std::string today = zone_time::format_iso_local(std::time(nullptr), office->time_zone).substr(0, 10);
        send_json(res, {{"screens", screens}, {"items", items}, {"today", today},
                        {"yesterday", zone_time::format_iso_local(std::time(nullptr) - 86400, office->time_zone).substr(0, 10)}});
    });
}

void Routes::user_routes() {
    httplib::Server& s = *server;
    s.Get("/api/users", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::admin)) return;
        json out = json::array();
        for (const auto& u : store.users())
            out.push_back({{"name", u.name}, {"role", role_name(u.role)}, {"disabled", u.disabled},
                           {"created", now_iso(u.created, office->time_zone)}});
        send_json(res, {{"users", out}, {"require_approval", require_approval()},
                        {"urgent_needs_approval", service.urgent_needs_approval()}, {"session_max_hours", service.session_max_hours()}});
    });
    s.Post("/api/users", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        const json body = body_json(req);
        if (store.user(str(body, "name"))) return send_error(res, 409, "这个用户名已经有了");
        if (auto st = add_user(store, str(body, "name"), str(body, "role"), str(body, "password")); !st)
            return send_error(res, 400, st.error().message);
        audit(req, session->user, "add_user", str(body, "name"), str(body, "role"));
        send_json(res, {{"ok", true}, {"message", "已添加用户"}});
    });
    s.Post("/api/users/update", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        const json body = body_json(req);
        const std::string name = str(body, "name");
        if (!store.user(name)) return send_error(res, 404, "没有这个用户");
        std::optional<Role> role;
        if (body.contains("role")) {
            role = parse_role(str(body, "role"));
            if (!role) return send_error(res, 400, "角色只能是编辑、审核或管理员");
        }
        std::optional<std::string> hash;
        if (body.contains("password")) {
            auto h = hash_password(str(body, "password"));
            if (!h) return send_error(res, 400, h.error().message);
            hash = *h;
        }
        std::optional<bool> disabled;
        if (body.contains("disabled")) disabled = body.value("disabled", false);
        if (name == session->user && ((role && *role != Role::admin) || (disabled && *disabled)))
            return send_error(res, 400, "不能取消自己的管理员权限或停用自己");
        store.update_user(name, role, hash, disabled);
        if (hash || (disabled && *disabled) || role) store.drop_sessions_of(name);
        std::string what;
        if (role) what += std::string("role ") + role_name(*role) + " ";
        if (hash) what += "password ";
        if (disabled) what += *disabled ? "disabled " : "enabled ";
        audit(req, session->user, "update_user", name, what);
        send_json(res, {{"ok", true}, {"message", "已保存"}});
    });
    s.Post("/api/settings", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        const json body = body_json(req);
        if (body.contains("require_approval")) {
            const bool on = body.value("require_approval", false);
            store.set_setting("require_approval", on ? "1" : "0");
            audit(req, session->user, "settings", "require_approval", on ? "on" : "off");
        }
        if (body.contains("urgent_needs_approval")) {
            const bool on = body.value("urgent_needs_approval", false);
            store.set_setting("urgent_needs_approval", on ? "1" : "0");
            audit(req, session->user, "settings", "urgent_needs_approval", on ? "on" : "off");
        }
        if (body.contains("session_max_hours")) {
            const json& v = body["session_max_hours"];
            if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 168)
                return send_error(res, 422, "登录最长时间请填 1 到 168 之间的整数（小时）");
            store.set_setting("session_max_hours", std::to_string(v.get<int>()));
            audit(req, session->user, "settings", "session_max_hours", std::to_string(v.get<int>()));
        }
        send_json(res, {{"ok", true}, {"require_approval", require_approval()},
                        {"urgent_needs_approval", service.urgent_needs_approval()}, {"session_max_hours", service.session_max_hours()}});
    });
}

}  // namespace kiosk::console
