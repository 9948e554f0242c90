#pragma once
// The console's rules, apart from HTTP: who may publish what, what waits for approval,
// what a notice's form must hold, and how each action reaches the screens — journalled
// with its audit entry in one transaction, then sent (FleetLink::publish). Routes turn
// requests into these calls and Outcomes into answers; nothing here knows httplib.
#include <ctime>
#include <functional>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "console/settings.hpp"
#include "console/store.hpp"
#include "fleet/notice.hpp"

namespace kiosk::console {

class FleetLink;

// `kiosk-console adduser` and the 用户 page: an account with a hashed password.
Status add_user(Store& store, const std::string& name, const std::string& role, const std::string& password);

// A notice's mode as the clerk reads it, short (紧急, 插播, 轮播) and in full (the notice
// form's choice: 紧急（一直显示，直到撤下或到期） …); assets/console/notices.js has the same.
const char* notice_mode_word(fleet::NoticeMode mode);
const char* notice_mode_words(fleet::NoticeMode mode);

// Who asks, as the audit log names them.
struct Actor {
    std::string user;
    Role role = Role::editor;
    std::string address;
};

// What became of a request, for the clerk: `message` in Chinese; `detail` the ids, the
// generation or the placed errors the page shows.
struct Outcome {
    enum class Kind {
        done,       // published: the broker has it
        queued,     // recorded, sent when the broker is back
        pending,    // waiting for approval
        unclear,    // the request names no scope, screen or notice it may: nothing happened
        invalid,    // the form is wrong: nothing happened
        not_found,  // no such thing (or decided already)
        failed,     // the console could not record it: nothing happened
    };
    Kind kind = Kind::done;
    std::string message;
    nlohmann::json detail = nlohmann::json::object();
};

// The HTTP status of an outcome: what the clerk must change is 400 (unclear) or 422
// (invalid), never 503 — that one is the console's own failure (its database).
int http_status(Outcome::Kind kind);

// The most a playlist may be before signing (a document is at most 256 KB signed).
inline constexpr std::size_t kMaxPlaylistBytes = 200 * 1024;

class Service {
public:
    Service(const ConsoleSettings& settings, config::ConfigSnapshot office, Store& store, FleetLink& link);

    bool require_approval();
    // Whether an editor's 紧急 notice waits for approval too (default: it does not; it is
    // published at once and listed for review after).
    bool urgent_needs_approval();
    // How long a login lasts: after its last use, and at most after it began (an admin's setting).
    SessionLimits session_limits();
    int session_max_hours();
    // A notice's form asks for the urgent kind: mode "hold", or urgent true.
    static bool is_urgent(const nlohmann::json& form);
    // An entry in the audit log; its failure is the action's failure.
    Status audit(const Actor& who, const std::string& action, const std::string& target, const std::string& detail);

    Outcome publish_playlist(const Actor& who, const std::string& scope, const nlohmann::json& playlist);
    Outcome post_notice(const Actor& who, nlohmann::json form);
    Outcome clear_notice(const Actor& who, const std::string& id, const std::string& scope);
    Outcome decide(const Actor& who, std::int64_t pending, bool approve, const std::string& reason);
    // 紧急 notices editors published without approval in the last 30 days, not yet marked
    // reviewed (newest first).
    std::vector<AuditEntry> unreviewed_urgent();
    Outcome mark_reviewed(const Actor& who, const std::string& notice_id);
    Outcome refresh(const Actor& who, const std::string& scope, const std::string& item);
    Outcome ask_screenshot(const Actor& who, const std::string& screen);
    // 重启 a screen or a group (console/restart.cpp): approvers and admins, editors while
    // approval is off; audited as `restart`, with a receipt.
    Outcome restart(const Actor& who, const std::string& scope);
    // 开放时间 (console/calendar_publish.cpp): a scope's calendar (kiosk-calendar/1, tidied by the
    // caller) checked and published as a signed `calendar` document with a receipt, or its
    // clearing ({"clear": true}); with approval on, an editor's calendar waits like a playlist.
    Outcome publish_calendar(const Actor& who, const std::string& scope, const nlohmann::json& calendar);
    Outcome clear_calendar(const Actor& who, const std::string& scope);
    // The clerk's draft kept (not published), audited as save_calendar.
    Outcome save_calendar(const Actor& who, const std::string& scope, const nlohmann::json& calendar);

    // The 预警 desk's (console/warning_desk, service_warnings.cpp): an official warning's notice
    // `body` published as `id` to `scopes` and taken off `withdraw` (an Update that no longer
    // covers them), or taken off `scopes` — the notices, their journalled documents, their
    // publish_notice/clear_notice entries and the desk's own entry (`action`, target the
    // notice id, `detail` with the message's identifier and sender) in one transaction.
    Outcome publish_warning(const Actor& who, const std::string& id, const std::vector<std::string>& scopes,
                            const fleet::NoticeBody& body, const std::vector<std::string>& withdraw, const std::string& action,
                            const std::string& detail);
    Outcome clear_warning(const Actor& who, const std::string& id, const std::vector<std::string>& scopes, const std::string& action,
                          const std::string& detail);

    // A notice's form checked: the body every screen will get, or the message for the clerk.
    Result<fleet::NoticeBody> notice_body(const nlohmann::json& form, std::time_t now) const;

private:
    // Takes notice `id` off `scope` within an intent: the signed {"cleared": true}, the store's
    // record of it, and the clear_notice audit entry (a clerk's 撤下 and the 预警 desk alike).
    static Status add_clearing(Intent& in, const fleet::Publisher& publisher, const Store::LastGeneration& last,
                               const fleet::Scope& scope, const std::string& id, const Actor& who, std::time_t now);
    // Publishes a playlist its caller has checked (once per hop: at the request, or at
    // approval).
    Outcome publish_playlist_now(const Actor& who, const fleet::Scope& scope, const nlohmann::json& playlist,
                                 const std::string& approved_from, std::optional<Intent::Decision> decision);
    Outcome publish_calendar_now(const Actor& who, const fleet::Scope& scope, const nlohmann::json& calendar,
                                 const std::string& approved_from, std::optional<Intent::Decision> decision);
    Outcome publish_notice_now(const Actor& who, const nlohmann::json& form, const std::string& approved_from,
                               std::optional<Intent::Decision> decision, bool unreviewed = false);
    // FleetLink::publish, answered for the clerk: an error in preparing the documents is
    // the request's (invalid, 422), one in recording them the console's (failed, 503).
    // `receipts`: the answer names the publications a receipt follows (with_receipts).
    Outcome publish(const std::function<Result<Intent>(const fleet::Publisher&, const Store::LastGeneration&)>& make,
                    const std::string& done_message, nlohmann::json detail, bool receipts = false);
    std::string local_time(std::time_t t) const;
    // What clerks call the scope (console/names.hpp): 一楼大厅, not group/floor/1. Reads the
    // store: never from inside a publish() (the store is locked while an intent is made).
    std::string named(const fleet::Scope& scope) const;

    const ConsoleSettings& settings_;
    const config::ConfigSnapshot office_;
    Store& store_;
    FleetLink& link_;
};

}  // namespace kiosk::console
