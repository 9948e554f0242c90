#include "console/console.hpp"

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
#include "console/approvals.hpp"
#include "console/auth.hpp"
#include "console/door.hpp"
#include "console/fleet_link.hpp"
#include "console/front_door.hpp"
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

constexpr std::size_t kMaxUploadBytes = 2u << 20;
constexpr const char* kCookie = "kiosk_console";

// The app's pages: each is app.html, which shows the page its path names.
const std::set<std::string> kPages = {"/screens", "/playlist", "/notices", "/approvals", "/audit", "/plays", "/users"};

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

void send_json(httplib::Response& res, const json& j, int status = 200) {
    res.status = status;
    res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message, json extra = json::object()) {
    extra["error"] = utf8::sanitize(message);
    send_json(res, extra, status);
}

// The request's JSON object; anything else (not JSON, nested past 32, not an object) is an
// empty object, which every handler then refuses for its missing fields.
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

}  // namespace

// The handlers, with what they share. One request's work is small and synchronous; the
// door's workers (console/door) run several at once (the store and fleet link lock inside).
struct Routes {
    const ConsoleSettings& settings;
    const config::ConfigSnapshot office;
    json office_json;  // the office's kiosk.json as written (the style for previews)
    Store& store;
    FleetLink& fleet;
    Service service;
    std::unique_ptr<httplib::Server> server;
    Door* door;  // the server's: connections, deadlines, the checks before a request is read
    std::function<bool(const std::string&, int)> bind;
    LoginDoor logins;
    Gate extracting{kExtractsAtOnce};

    // Previews wait here until the page has fetched them (the newest 16 requests).
    std::mutex previews_mutex;
    std::list<std::pair<std::string, std::vector<PreviewPages>>> previews;
    // Previews being drawn: each holds one of the server's workers for seconds, so two at
    // most; a third clerk is asked to wait rather than starve the 屏幕 page.
    Gate drawing{kPreviewsAtOnce};

    Routes(const ConsoleSettings& s, config::ConfigSnapshot o, Store& st, FleetLink& f, DoorServer made)
        : settings(s), office(o), store(st), fleet(f), service(s, std::move(o), st, f), server(std::move(made.server)),
          door(made.door), bind(std::move(made.bind)) {
        if (auto text = files::read_regular_file(office->file, 1 << 20)) office_json = json::parse(*text, nullptr, false);
        install();
    }
    ~Routes() { door->stop(); }  // no handler runs once the members it uses go

    std::string address(const httplib::Request& req) const { return req.remote_addr; }

    Actor actor(const httplib::Request& req, const Session& s) const { return {s.user, s.role, address(req)}; }
    Status audit(const httplib::Request& req, const std::string& user, const std::string& action, const std::string& target,
                 const std::string& detail) {
        return service.audit({user, Role::editor, address(req)}, action, target, detail);
    }
    // The clerk's answer to what the service did.
    static void refuse(httplib::Response& res, const Refusal& r) {
        if (r.retry_after > 0) res.set_header("Retry-After", std::to_string(r.retry_after));
        send_error(res, r.status, r.message);
    }
    static void answer(httplib::Response& res, const Outcome& o) {
        json body = o.detail;
        if (o.kind == Outcome::Kind::done || o.kind == Outcome::Kind::queued || o.kind == Outcome::Kind::pending) {
            body["ok"] = true;
            body["message"] = o.message;
            body["queued"] = o.kind == Outcome::Kind::queued;
            send_json(res, body, http_status(o.kind));
        } else {
            send_error(res, http_status(o.kind), o.message, body);
        }
    }

    bool require_approval() { return service.require_approval(); }
    // What waits for this person's decision: changes, and 紧急 notices to review (approvers
    // and admins; an editor decides nothing).
    json waiting_for(const Session& s) {
        if (s.role == Role::editor) return {{"changes", 0}, {"urgent", 0}};
        return {{"changes", store.pending_count()}, {"urgent", service.unreviewed_urgent().size()}};
    }

    // The request's origin is the console's own: Origin (or Referer) names this host, and
    // the browser does not call it cross-site.
    bool same_origin(const httplib::Request& req) const {
        const std::string site = req.get_header_value("Sec-Fetch-Site");
        if (!site.empty() && site != "same-origin" && site != "none") return false;
        const std::string host = req.get_header_value("Host");
        const std::string self = std::string(settings.tls() ? "https://" : "http://") + host;
        if (req.has_header("Origin")) return req.get_header_value("Origin") == self;
        if (req.has_header("Referer")) {
            const std::string ref = req.get_header_value("Referer");
            return ref == self || ref.rfind(self + "/", 0) == 0;
        }
        return true;  // not a browser: the CSRF token decides
    }

    // The session, which this request keeps alive (sliding) unless the page marks it as its
    // own periodic refresh (X-Kiosk-Background): an open page is not a clerk at work.
    std::optional<Session> session_of(const httplib::Request& req) {
        const std::string token = cookie_value(req, kCookie);
        if (token.size() != 64) return std::nullopt;
        SessionLimits limits = service.session_limits();
        if (req.has_header("X-Kiosk-Background")) limits.idle = 0;
        return store.session(token, std::time(nullptr), limits);
    }

    // The session, when it may do this: a state-changing request also needs the CSRF token
    // and the console's own origin. Otherwise the error response is sent and nothing returned.
    std::optional<Session> allow(const httplib::Request& req, httplib::Response& res, Role least) {
        auto s = session_of(req);
        if (!s) {
            send_error(res, 401, "请先登录");
            return std::nullopt;
        }
        if (req.method != "GET" && req.method != "HEAD") {
            if (!same_origin(req)) {
                send_error(res, 403, "拒绝：请求不是来自本控制台的页面");
                audit(req, s->user, "refused", req.path, "another origin");
                return std::nullopt;
            }
            if (!same_token(req.get_header_value("X-CSRF-Token"), s->csrf)) {
                send_error(res, 403, "拒绝：缺少或错误的安全令牌（CSRF），请刷新页面后再试");
                audit(req, s->user, "refused", req.path, "no CSRF token");
                return std::nullopt;
            }
        }
        if (static_cast<int>(s->role) < static_cast<int>(least)) {
            send_error(res, 403, "没有权限做这件事");
            return std::nullopt;
        }
        return s;
    }

    // The page sizes of the screens a scope reaches (at most four), as they report them;
    // console.json's preview_sizes when none has reported yet.
    std::vector<std::pair<int, int>> sizes_for(const std::vector<std::string>& scopes) {
        std::vector<std::pair<int, int>> sizes;
        for (const auto& sc : fleet.screens()) {
            auto report = status::from_json(sc.status);
            if (!report) continue;
            const int w = report->fleet.width, h = report->fleet.height;
            if (w < 320 || h < 240 || w > 7680 || h > 7680) continue;
            bool reached = false;
            for (const auto& text : scopes)
                if (auto scope = fleet::Scope::parse(text)) reached = reached || scope->reaches(sc.id, report->fleet.groups);
            if (reached && std::find(sizes.begin(), sizes.end(), std::make_pair(w, h)) == sizes.end() && sizes.size() < 4)
                sizes.emplace_back(w, h);
        }
        std::sort(sizes.begin(), sizes.end(), [](auto a, auto b) { return a.first * a.second > b.first * b.second; });
        return sizes.empty() ? settings.preview_sizes : sizes;
    }

    // A publication's receipt as the pages show it (console/receipts.hpp).
    json receipt_view(const ReceiptRef& ref, const std::vector<ScreenView>& screens, const DisplayNames& names, std::time_t now) {
        return receipt_json(ref, make_receipt(ref, screens, store.acks(ref.key, ref.gen), names, now), names, office->time_zone, now);
    }
    json latest_receipt_view(const std::string& key, const std::vector<ScreenView>& screens, const DisplayNames& names, std::time_t now) {
        auto ref = store.latest_receipt(key);
        return ref ? receipt_view(*ref, screens, names, now) : json(nullptr);
    }

    void install();
    void receipt_routes();
    void pages();
    void login_routes();
    void screen_routes();
    void playlist_routes();
    void notice_routes();
    void approval_routes();
    void record_routes();
    void user_routes();
};

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
        json page = screens_page(fleet.screens(), now, ItemNames(store), DisplayNames(store));
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
    s.Get("/api/scopes", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        // Every scope a clerk may address: all, each group and screen the screens report, and
        // every scope a playlist was published to (all, then groups, then screens).
        std::set<fleet::Scope> scopes{fleet::Scope::all()};
        for (const auto& sc : fleet.screens()) {
            if (auto screen = fleet::Scope::screen(sc.id)) scopes.insert(*screen);
            if (auto report = status::from_json(sc.status))
                for (const auto& g : report->fleet.groups)
                    if (auto group = fleet::Scope::group(g)) scopes.insert(*group);
        }
        for (const auto& text : store.playlist_scopes())
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

void Routes::playlist_routes() {
    httplib::Server& s = *server;
    s.Get("/api/playlist", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const std::string scope = req.get_param_value("scope");
        if (!fleet::valid_scope(scope)) return send_error(res, 400, "请选择屏幕或分组");
        const PublishedPlaylist p = store.playlist(scope);
        int waiting = 0;
        for (const auto& c : store.pending_list(false)) waiting += c.kind == "playlist" && c.scope == scope;
        // What the scope's screens play now, and the receipt of the version published.
        const auto screens = fleet.screens();
        const DisplayNames names(store);
        const std::time_t now = std::time(nullptr);
        json receipt = nullptr;
        if (auto parsed = fleet::Scope::parse(scope); parsed && !p.playlist.is_null())
            receipt = latest_receipt_view(fleet::generation_key({parsed->str(), "playlist", ""}), screen_views(screens), names, now);
        const auto mine = latest_playlist_change(store.pending_of(session->user, 50), scope, p);
        send_json(res, {{"scope", scope}, {"label", scope_label(scope)},
                        {"playlist", p.playlist.is_null() ? json{{"version", 1}, {"items", json::array()}} : p.playlist},
                        {"published", !p.playlist.is_null()}, {"gen", p.gen}, {"at", now_iso(p.at, office->time_zone)}, {"by", p.by}, {"pending", waiting},
                        {"screens", playing_json(scope, screens, names, office->time_zone)}, {"receipt", receipt},
                        {"mine", mine ? change_json(*mine, office->time_zone) : json(nullptr)}});
    });
    s.Post("/api/playlist/check", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const json body = body_json(req);
        send_json(res, {{"errors", to_json(check_playlist(tidy_playlist(body.value("playlist", json())), *office, kMaxPlaylistBytes))}});
    });
    s.Post("/api/playlist", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.publish_playlist(actor(req, *session), str(body, "scope"), tidy_playlist(body.value("playlist", json()))));
    });
    s.Post("/api/extract", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string address_ = str(body_json(req), "url");
        if (!url::is_web_address(address_)) return send_error(res, 400, "请填写以 http:// 或 https:// 开头的网址");
        net::FetchPolicy policy;
        policy.allowed_hosts = office->network.allowed_hosts;
        policy.total_timeout_ms = 20000;
        policy.max_body_bytes = 8u << 20;
        if (!net::host_allowed(address_, policy.allowed_hosts))
            return send_error(res, 400, "这个网站不在允许的网站名单里（kiosk.json 的 network.allowed_hosts）");
        auto place = extracting.enter();
        if (!place) return refuse(res, {503, words::kExtractBusy, 5});
        net::FetchResult r = net::fetch({address_, "", ""}, policy);
        if (r.outcome != net::FetchOutcome::ok) return send_error(res, 502, "打不开这个网址：" + r.error);
        content::IngestHints hints;
        hints.content_type = r.content_type;
        hints.base_url = r.final_url.empty() ? address_ : r.final_url;
        hints.refuse_binary = true;
        auto got = content::ingest(r.body, hints);
        if (!got) return send_error(res, 422, "这个网页里找不到正文：" + got.error().message);
        json paragraphs = json::array();
        int tables = 0, images = 0;
        for (const auto& b : got->doc.blocks) {
            tables += b.role == content::Role::table;
            images += b.role == content::Role::image;
            if (paragraphs.size() < 8 && !b.text.empty()) paragraphs.push_back(utf8::truncate(b.text, 300));
        }
        send_json(res, {{"url", address_}, {"title", got->doc.title}, {"blocks", got->doc.blocks.size()}, {"chars", got->chars},
                        {"tables", tables}, {"images", images}, {"paragraphs", paragraphs}, {"notes", got->notes}});
    });
    s.Post("/api/upload", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        if (!req.has_file("file")) return send_error(res, 400, "请选择一个 .txt 或 .html 文件");
        const auto file = req.get_file_value("file");
        const std::string name = file.filename;
        const std::string ext = fs::path(name).extension().string();
        if (ext != ".txt" && ext != ".html" && ext != ".htm") return send_error(res, 415, "只能上传 .txt 或 .html 文件");
        if (file.content.size() > kMaxUploadBytes) return send_error(res, 413, "文件太大（最多 2 MB）");
        content::IngestHints hints;
        hints.file_name = name;
        hints.refuse_binary = true;
        auto got = content::ingest(file.content, hints);
        if (!got) return send_error(res, 422, "读不出这个文件的文字：" + got.error().message);
        // The text as a playlist item carries it: one paragraph a line. The title goes to the
        // form's 标题 field, not into the text (the screen would show it twice).
        std::string text;
        for (const auto& b : got->doc.blocks)
            if (!b.text.empty() && b.role != content::Role::title) text += b.text + "\n";
        send_json(res, {{"title", got->doc.title}, {"text", text}, {"chars", utf8::decode(text).size()},
                        {"limit", config::kMaxInlineTextChars}});
    });
    s.Post("/api/preview", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const json body = body_json(req);
        PreviewRequest p;
        p.kiosk_binary = settings.kiosk_binary;
        p.office_config = office_json.is_object() ? office_json : json::object();
        const std::time_t now = std::time(nullptr);
        p.now = now_iso(now, office->time_zone);
        if (body.contains("notice")) {
            auto b = service.notice_body(body["notice"], now);
            if (!b) return send_error(res, 422, b.error().message);
            p.item = {{"kind", "notice"}, {"text", b->text}, {"start", now_iso(now - 60, office->time_zone)},
                      {"expires", now_iso(b->until, office->time_zone)}, {"style", b->urgent ? "urgent" : "normal"}};
            if (!b->title.empty()) p.item["title"] = b->title;
            p.max_pages = 2;
            std::vector<std::string> scopes;
            for (const auto& sc : body["notice"].value("scopes", json::array()))
                if (sc.is_string()) scopes.push_back(sc.get<std::string>());
            p.sizes = sizes_for(scopes.empty() ? std::vector<std::string>{"all"} : scopes);
        } else {
            p.item = body.value("item", json::object());
            if (!p.item.is_object()) return send_error(res, 400, "没有要预览的内容");
            const std::string scope = str(body, "scope");
            p.sizes = sizes_for({fleet::valid_scope(scope) ? scope : "all"});
            const json one = tidy_playlist({{"version", 1}, {"items", json::array({p.item})}});
            p.item = one["items"][0];
            if (auto errors = check_playlist(one, *office, kMaxPlaylistBytes); !errors.empty())
                return send_error(res, 422, errors.front().message, {{"errors", to_json(errors)}});
        }
        auto place = drawing.enter();
        if (!place) return refuse(res, {503, words::kPreviewBusy, 5});
        auto pages = render_preview(p);
        place.reset();
        if (!pages) return send_error(res, 422, pages.error().message);
        const std::string token = random_token().substr(0, 16);
        json out = {{"token", token}, {"sizes", json::array()}};
        for (const auto& sp : *pages)
            out["sizes"].push_back({{"width", sp.width}, {"height", sp.height}, {"pages", sp.png.size()}, {"total", sp.total}});
        {
            std::lock_guard lock(previews_mutex);
            previews.emplace_front(token, std::move(*pages));
            if (previews.size() > 16) previews.pop_back();
        }
        send_json(res, out);
    });
    s.Get(R"(/api/preview/([0-9a-f]{16})/(\d+)/(\d+)\.png)", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string token = req.matches[1].str();
        const size_t size = std::stoul(req.matches[2].str()), page = std::stoul(req.matches[3].str());
        std::lock_guard lock(previews_mutex);
        for (const auto& [t, pages] : previews)
            if (t == token && size < pages.size() && page < pages[size].png.size())
                return res.set_content(pages[size].png[page], "image/png");
        send_error(res, 404, "预览已过期，请重新预览");
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
            out.push_back({{"id", n.id}, {"scope", n.scope}, {"label", scope_label(n.scope)}, {"text", n.text}, {"title", n.title},
                           {"until", now_iso(n.until, office->time_zone)}, {"interrupt", n.interrupt}, {"urgent", n.urgent},
                           {"mode", n.mode}, {"mode_words", notice_mode_words(fleet::parse_mode(n.mode).value_or(fleet::NoticeMode::turn))},
                           {"by", n.by}, {"published", now_iso(n.published, office->time_zone)}});
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
            out.push_back(change_json(c, office->time_zone));
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

Result<std::unique_ptr<Console>> Console::open(const ConsoleSettings& settings) {
    std::unique_ptr<Console> c(new Console());
    c->settings_ = settings;
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
    std::error_code ec;
    fs::create_directories(settings.database.parent_path(), ec);
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
    return c;
}

Console::~Console() = default;

Status Console::serve() {
    fleet_->start();
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
