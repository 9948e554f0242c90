#include "console/console.hpp"
#include "console/routes.hpp"

#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <list>
#include <map>
#include <set>

#include "base/file_read.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "console/alerts.hpp"
#include "console/approvals.hpp"
#include "console/auth.hpp"
#include "console/door.hpp"
#include "console/fleet_link.hpp"
#include "console/front_door.hpp"
#include "console/install.hpp"
#include "console/changes.hpp"
#include "console/logic.hpp"
#include "console/names.hpp"
#include "console/preview.hpp"
#include "console/receipts.hpp"
#include "console/service.hpp"
#include "console/views.hpp"
#include "console/store.hpp"
#include "content/document.hpp"
#include "content/ingest.hpp"
#include "fleet/notice.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "health/status.hpp"
#include "net/fetcher.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The app's pages: each is app.html, which shows the page its path names.
const std::set<std::string> kPages = {"/screens", "/playlist", "/notices", "/hours", "/approvals", "/audit", "/plays", "/users", "/alerts", "/warnings"};

}  // namespace

std::string now_iso(std::time_t t, const std::string& zone) {
    std::string s = zone_time::format_iso_local(t, zone);
    if (s.size() > 10) s[10] = 'T';
    return s;
}

std::string content_type_of(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    return "";
}

void send_json(httplib::Response& res, const json& j, int status) {
    res.status = status;
    res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message, json extra) {
    extra["error"] = utf8::sanitize(message);
    send_json(res, extra, status);
}

json body_json(const httplib::Request& req) {
    if (!json_nesting_within(req.body, 32)) return json::object();
    auto j = json::parse(req.body, nullptr, false);
    return j.is_object() ? j : json::object();
}

std::string str(const json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string()) return "";
    return j[key].get<std::string>();
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
    const std::string header = req.get_header_value("Cookie");
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string part = header.substr(pos, end - pos);
        const size_t start = part.find_first_not_of(' ');
        if (start != std::string::npos) part.erase(0, start);
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
        pos = end + 1;
    }
    return "";
}



void Routes::install() {
    httplib::Server& s = *server;
    s.set_payload_max_length(kUploadBodyBytes);  // the door refuses more, per route, before reading it
    // Every answer: no script but the console's own, no framing, no sniffing, no caching of
    // the API.
    s.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("X-Frame-Options", "DENY");
        res.set_header("Referrer-Policy", "same-origin");
        if (req.path.rfind("/api/", 0) == 0) res.set_header("Cache-Control", "no-store");
        if (settings.tls()) res.set_header("Strict-Transport-Security", "max-age=31536000");
    });
    pages();
    login_routes();
    screen_routes();
    playlist_routes();
    notice_routes();
    approval_routes();
    record_routes();
    user_routes();
    receipt_routes();
    alert_routes();
    calendar_routes();
    warning_routes();
}

void Routes::receipt_routes() {
    // The receipts the page follows after 发布 (ids from the answer), at most 20 at once.
    server->Get("/api/receipts", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string ids = req.get_param_value("ids");
        const std::time_t now = std::time(nullptr);
        const auto screens = screen_views(fleet.screens());
        const DisplayNames names(store);
        json out = json::array();
        size_t start = 0;
        while (start < ids.size() && out.size() < 20) {
            size_t end = ids.find(',', start);
            if (end == std::string::npos) end = ids.size();
            const std::string one = ids.substr(start, end - start);
            start = end + 1;
            if (one.empty() || one.size() > 18 || one.find_first_not_of("0123456789") != std::string::npos) continue;
            if (auto ref = store.receipt(std::stoll(one))) out.push_back(receipt_view(*ref, screens, names, now));
        }
        send_json(res, out);
    });
}

void Routes::pages() {
    httplib::Server& s = *server;
    const fs::path assets = settings.assets;
    auto serve_file = [assets](const fs::path& name, httplib::Response& res) {
        const std::string type = content_type_of(name);
        auto bytes = type.empty() ? Result<std::string>(make_error("")) : files::read_regular_file(assets / name, 4u << 20);
        if (!bytes) {
            res.status = 404;
            res.set_content("没有这个文件", "text/plain; charset=utf-8");
            return;
        }
        res.set_content(std::move(*bytes), type);
    };
    s.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
        res.set_redirect(session_of(req) ? "/screens" : "/login");
    });
    s.Get("/login", [serve_file](const httplib::Request&, httplib::Response& res) { serve_file("login.html", res); });
    // Browsers ask for /favicon.ico before they read the page's <link rel="icon">.
    s.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/static/favicon.svg", 301); });
    s.Get(R"(/static/([A-Za-z0-9_-]+\.(js|css|svg|png|ico)))", [serve_file](const httplib::Request& req, httplib::Response& res) {
        serve_file(req.matches[1].str(), res);
    });
    for (const std::string& page : kPages) {
        s.Get(page, [this, serve_file, page](const httplib::Request& req, httplib::Response& res) {
            // A page opened without a session goes to the login, and comes back after it.
            if (!session_of(req)) return res.set_redirect("/login?next=" + page);
            serve_file("app.html", res);
        });
    }
}

void Routes::login_routes() {
    httplib::Server& s = *server;
    s.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
        if (!same_origin(req)) return send_error(res, 403, "拒绝：请求不是来自本控制台的页面");
        const json body = body_json(req);
        const std::string name = str(body, "name"), password = str(body, "password");
        const std::time_t now = std::time(nullptr);
        // Before anything else (and any hash): the address's tries, then a place among the
        // logins being checked. A try is given back only by a right password.
        auto place = logins.enter(address(req));
        if (auto* no = std::get_if<Refusal>(&place)) return refuse(res, *no);
        const std::string key = name + "@" + address(req);
        const Store::Failures f = store.failures(key);
        Throttle t{f.count, f.locked_until};
        if (throttled(t, now)) {
            audit(req, name, "login_throttled", name, "");
            const long minutes = static_cast<long>((t.locked_until - now + 59) / 60);
            return send_error(res, 429, "登录失败次数太多，请 " + std::to_string(minutes) + " 分钟后再试");
        }
        auto user = store.user(name);
        // The same work whether or not the account exists: no timing tells names apart.
        static const std::string dummy = hash_password("not-a-password-at-all").value();
        const bool good = verify_password(user ? user->password_hash : dummy, password) && user && !user->disabled;
        place = Refusal{};  // the next login may be checked
        if (good) logins.succeeded(address(req));
        if (!good) {
            t = after_failure(t, now);
            store.set_failures(key, {t.count, t.locked_until});
            audit(req, name, "login_failed", name, t.locked_until > now ? "locked for 15 minutes" : "");
            return send_error(res, 401, "用户名或密码不对");
        }
        store.set_failures(key, {});
        const SessionLimits limits = service.session_limits();
        Session session{random_token(), name, random_token(), user->role, now + std::min(limits.idle, limits.absolute), now};
        if (auto st = store.add_session(session); !st) return send_error(res, 500, st.error().message);
        // The cookie outlives the session at most by its absolute limit: the console decides.
        std::string cookie = std::string(kCookie) + "=" + session.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                             std::to_string(limits.absolute);
        if (settings.tls()) cookie += "; Secure";
        res.set_header("Set-Cookie", cookie);
        audit(req, name, "login", name, "");
        send_json(res, {{"name", name}, {"role", role_name(user->role)}, {"csrf", session.csrf}});
    });
    s.Post("/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        store.drop_session(session->token);
        res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        audit(req, session->user, "logout", session->user, "");
        send_json(res, {{"ok", true}});
    });
    s.Get("/api/me", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        send_json(res, {{"name", session->user}, {"role", role_name(session->role)}, {"csrf", session->csrf},
                        {"require_approval", require_approval()}, {"broker", fleet.connected()},
                        {"urgent_needs_approval", service.urgent_needs_approval()}, {"waiting", waiting_for(*session)},
                        {"time_zone", office->time_zone}, {"now", now_iso(std::time(nullptr), office->time_zone)},
                        {"sizes", [&] {
                             json sizes = json::array();
                             for (const auto& [w, h] : settings.preview_sizes) sizes.push_back(std::to_string(w) + "x" + std::to_string(h));
                             return sizes;
                         }()}});
    });
}

void Routes::screen_routes() {
    httplib::Server& s = *server;
    s.Get("/api/screens", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::time_t now = std::time(nullptr);
        json page = screens_page(fleet.screens(), now, ItemNames(store), DisplayNames(store), office->time_zone);
        page["broker"] = fleet.connected();
        page["now"] = now;
        send_json(res, page);
    });
    // An admin names a screen or a group (an empty name removes it); audited.
    s.Post("/api/names", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::admin);
        if (!session) return;
        const json body = body_json(req);
        auto named = check_display_name(str(body, "kind"), str(body, "id"), str(body, "name"));
        if (!named) return send_error(res, 400, named.error().message);
        if (auto st = store.set_display_name(named->kind, named->id, named->name); !st) return send_error(res, 500, st.error().message);
        audit(req, session->user, "names", named->kind + "/" + named->id, named->name.empty() ? "(名称已清除)" : named->name);
        send_json(res, {{"ok", true}, {"message", named->name.empty() ? "已清除名称" : "已改名为「" + named->name + "」"}});
    });
    s.Post("/api/screens/screenshot", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        answer(res, service.ask_screenshot(actor(req, *session), str(body_json(req), "id")));
    });
    s.Get(R"(/api/screens/([A-Za-z0-9._-]+)/screenshot\.png)", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        auto png = store.screenshot(req.matches[1].str());
        if (!png) return send_error(res, 404, "这块屏幕还没有截屏");
        res.set_content(std::move(*png), "image/png");
    });
    s.Post("/api/refresh", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.refresh(actor(req, *session), str(body, "scope"), str(body, "item")));
    });
    s.Post("/api/restart", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);  // editors only while approval is off (Service::restart)
        if (!session) return;
        answer(res, service.restart(actor(req, *session), str(body_json(req), "scope")));
    });
    s.Get("/api/scopes", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        // Every scope a clerk may address: all, each group and screen the screens report, and
        // every scope a playlist or calendar was published to (all, then groups, then screens).
        std::set<fleet::Scope> scopes{fleet::Scope::all()};
        for (const auto& sc : fleet.screens()) {
            if (auto screen = fleet::Scope::screen(sc.id)) scopes.insert(*screen);
            if (auto report = status::from_json(sc.status))
                for (const auto& g : report->fleet.groups)
                    if (auto group = fleet::Scope::group(g)) scopes.insert(*group);
        }
        for (const auto& text : store.playlist_scopes())
            if (auto scope = fleet::Scope::parse(text)) scopes.insert(*scope);
        for (const auto& text : store.calendar_scopes())  // 开放时间 kept for a scope no screen reports now
            if (auto scope = fleet::Scope::parse(text)) scopes.insert(*scope);
        json out = json::array();
        const DisplayNames names(store);
        for (const auto& scope : scopes) {
            std::string label = scope.label();
            if (scope.kind() == fleet::Scope::Kind::group) label = "分组：" + names.scope(scope.str());
            if (scope.kind() == fleet::Scope::Kind::screen) label = "屏幕：" + names.scope(scope.str());
            out.push_back({{"scope", scope.str()}, {"label", label}});
        }
        send_json(res, out);
    });
}

void Routes::notice_routes() {
    httplib::Server& s = *server;
    s.Get("/api/notices", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        json out = json::array();
        const std::time_t now = std::time(nullptr);
        const auto screens = screen_views(fleet.screens());
        const DisplayNames names(store);
        for (const auto& n : store.notices(now)) {
            out.push_back({{"id", n.id}, {"scope", n.scope}, {"label", names.scope(n.scope)}, {"text", n.text}, {"title", n.title},
                           {"until", now_iso(n.until, office->time_zone)}, {"interrupt", n.interrupt}, {"urgent", n.urgent},
                           {"mode", n.mode}, {"mode_words", notice_mode_words(fleet::parse_mode(n.mode).value_or(fleet::NoticeMode::turn))},
                           {"by", audit_user_words(n.by)}, {"published", now_iso(n.published, office->time_zone)}});
            out.back()["receipt"] = latest_receipt_view(fleet::generation_key({n.scope, "notice", n.id}), screens, names, now);
        }
        send_json(res, out);
    });
    s.Post("/api/notices", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        answer(res, service.post_notice(actor(req, *session), body_json(req)));
    });
    s.Post("/api/notices/clear", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.clear_notice(actor(req, *session), str(body, "id"), str(body, "scope")));
    });
}

void Routes::approval_routes() {
    httplib::Server& s = *server;
    s.Get("/api/approvals", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        json out = json::array();
        const std::time_t now = std::time(nullptr);
        const auto screens = screen_views(fleet.screens());
        const DisplayNames names(store);
        // mine=1: the asker's own changes, decided or not (the notices page shows where each stands).
        const auto changes = req.get_param_value("mine") == "1" ? store.pending_of(session->user, 30)
                                                                  : store.pending_list(req.get_param_value("all") == "1");
        for (const auto& c : changes) {
            out.push_back(change_json(c, office->time_zone, names));
            // An approved change: what the screens did with what it published.
            json receipts = json::array();
            if (c.state == "approved")
                for (const auto& ref : store.receipts_of_pending(c.id)) receipts.push_back(receipt_view(ref, screens, names, now));
            out.back()["receipts"] = receipts;
        }
        send_json(res, out);
    });
    s.Get("/api/approvals/waiting", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        send_json(res, waiting_for(*session));
    });
    s.Post("/api/approvals/decide", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::approver);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.decide(actor(req, *session), body.value("id", std::int64_t{0}), body.value("approve", false), str(body, "reason")));
    });
    // 紧急通知（未经审核）: editors' urgent notices published at once, for review after.
    s.Get("/api/approvals/urgent", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::approver)) return;
        json out = json::array();
        for (const auto& e : service.unreviewed_urgent())
            out.push_back({{"id", e.target}, {"by", e.user}, {"at", now_iso(e.at, office->time_zone)}, {"detail", e.detail}});
        send_json(res, out);
    });
    s.Post("/api/approvals/reviewed", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::approver);
        if (!session) return;
        answer(res, service.mark_reviewed(actor(req, *session), str(body_json(req), "id")));
    });
}

Result<std::unique_ptr<Console>> Console::open(const ConsoleSettings& settings) {
    std::unique_ptr<Console> c(new Console());
    c->settings_ = settings;
    std::error_code ec;
    if (!fs::exists(settings.office_config, ec))
        return make_error(settings.office_config.string() + ": missing; write it (and the signing key) once with: sudo kiosk-console init");
    auto office = config::load_kiosk_config(settings.office_config);
    if (!office) return office.error();
    if (!office->fleet.enabled) return make_error(settings.office_config.string() + ": no fleet section (the broker and the office's certificate)");
    auto key = fleet::load_signing_key(office->fleet, settings.office_config, ::geteuid());
    if (!key) return key.error();
    if (settings.assets.empty() || !fs::exists(settings.assets / "app.html"))
        return make_error(settings.file.string() + ": assets: no app.html in \"" + settings.assets.string() + "\"");
    if (settings.kiosk_binary.empty() || ::access(settings.kiosk_binary.c_str(), X_OK) != 0)
        return make_error(settings.file.string() + ": kiosk: \"" + settings.kiosk_binary.string() + "\" is not the kiosk program (previews need it)");
    if (settings.tls())
        for (const auto& f : {settings.tls_cert, settings.tls_key})
            if (::access(f.c_str(), R_OK) != 0) return make_error(f.string() + ": cannot read the TLS file");
    if (auto st = check_state_folder(settings.database, "serve", false); !st) return st.error();
    auto store = Store::open(settings.database);
    if (!store) return store.error();
    c->store_ = std::move(*store);
    c->office_ = std::make_shared<const config::KioskConfig>(std::move(*office));
    c->fleet_ = std::make_unique<FleetLink>(c->office_->fleet, fleet::Publisher(std::move(*key)), *c->store_);
    const HostList hosts(settings.hosts, this_machine_name(), settings.address);
    auto door = make_door_server(DoorLimits{}, {[hosts](const RequestHead& h) { return check_head(h, hosts); }, check_body},
                                 settings.tls_cert.string(), settings.tls_key.string());
    if (!door) return door.error();
    c->routes_ = std::make_unique<Routes>(c->settings_, c->office_, *c->store_, *c->fleet_, std::move(*door));
    c->alerts_ = std::make_unique<AlertWorker>(settings.alert_channels, c->office_->time_zone, *c->store_, *c->fleet_);
    c->warnings_ = std::make_unique<WarningDesk>(c->settings_.warnings, c->office_->time_zone, *c->store_, c->routes_->service);
    c->warnings_->use_network(c->office_->network.allowed_hosts, c->office_->network.ca_file, c->office_->network.proxy);
    c->routes_->warnings = c->warnings_.get();
    return c;
}

Console::~Console() = default;

Status Console::serve() {
    fleet_->start();
    alerts_->start();
    warnings_->start();
    if (!routes_->bind(settings_.address, settings_.port))
        return make_error(settings_.address + ":" + std::to_string(settings_.port) + ": cannot listen (in use, or not this machine's address)");
    std::fprintf(stderr, "kiosk-console: listening on %s://%s:%d\n", settings_.tls() ? "https" : "http", settings_.address.c_str(),
                 settings_.port);
    const bool listened = routes_->server->listen_after_bind();
    routes_->door->stop();  // the requests being served are answered; every connection closes
    if (!listened) return make_error("the HTTP server stopped with an error");
    return Ok{};
}

void Console::stop() {
    if (routes_) routes_->server->stop();
}

}  // namespace kiosk::console
