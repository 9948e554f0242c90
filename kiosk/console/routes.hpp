#pragma once
// The console's routes: the one struct every handler shares, and what they share besides.
// console.cpp builds it and holds the pages, login, screens, notices and approvals;
// routes_playlist.cpp the playlist, uploads and previews; routes_records.cpp the audit log,
// plays, users and settings. Internal to console/: only its route files include it.
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
#include <httplib.h>
#include "console/console.hpp"

namespace kiosk::console {
class WarningDesk;
namespace fs = std::filesystem;
using nlohmann::json;

inline constexpr std::size_t kMaxUploadBytes = 2u << 20;
inline constexpr const char* kCookie = "kiosk_console";

// What every route file shares (defined in console.cpp).
std::string now_iso(std::time_t t, const std::string& zone);
std::string content_type_of(const fs::path& file);
void send_json(httplib::Response& res, const json& j, int status = 200);
void send_error(httplib::Response& res, int status, const std::string& message, json extra = json::object());
// The request's JSON object; anything else (not JSON, nested past 32, not an object) is an
// empty object, which every handler then refuses for its missing fields.
json body_json(const httplib::Request& req);
std::string str(const json& j, const char* key);
std::string cookie_value(const httplib::Request& req, const std::string& name);

// The handlers, with what they share. One request's work is small and synchronous; the
// door's workers (console/door) run several at once (the store and fleet link lock inside).
struct Routes {
    const ConsoleSettings& settings;
    const config::ConfigSnapshot office;
    json office_json;  // the office's kiosk.json as written (the style for previews)
    Store& store;
    FleetLink& fleet;
    Service service;
    WarningDesk* warnings = nullptr;  // the 预警 desk (console/warning_desk), owned by the Console; set after construction
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
    // What waits for this person's decision: changes, 紧急 notices to review, and official
    // warnings waiting for approval (approvers and admins; an editor decides nothing).
    json waiting_for(const Session& s) {
        if (s.role == Role::editor) return {{"changes", 0}, {"urgent", 0}, {"warnings", 0}};
        return {{"changes", store.pending_count()}, {"urgent", service.unreviewed_urgent().size()},
                {"warnings", warning_count()}};
    }
    std::size_t warning_count();  // routes_warnings.cpp

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
    void alert_routes();  // routes_alerts.cpp
    void calendar_routes();  // routes_calendar.cpp: 开放时间
    void warning_routes();  // routes_warnings.cpp: 预警
};

}  // namespace kiosk::console
