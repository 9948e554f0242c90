#pragma once
// The console's records in one SQLite database (WAL): accounts and sessions, login
// failures, what each screen last said, the playlists and notices published, changes
// waiting for approval, the audit log (append-only: triggers refuse UPDATE and DELETE) and
// proof of play per screen, item and day. The only file that includes sqlite3.h is
// store.cpp. One connection, used under one mutex: the HTTP server's threads and the fleet
// thread take turns (every statement here is small).
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

struct sqlite3;

namespace kiosk::console {

enum class Role { editor, approver, admin };
const char* role_name(Role r);          // "editor", "approver", "admin"
std::optional<Role> parse_role(const std::string& name);

struct User {
    std::string name;
    Role role = Role::editor;
    std::string password_hash;  // argon2id, libsodium's crypto_pwhash_str format
    bool disabled = false;
    std::time_t created = 0;
};

struct Session {
    std::string token, user, csrf;
    Role role = Role::editor;
    std::time_t expires = 0;
};

struct ScreenRecord {
    std::string id;
    std::string state;                 // "online", "offline" or "" (never heard)
    std::time_t state_since = 0;       // when the console saw the state change
    std::time_t heard = 0;             // the last status received
    nlohmann::json status;             // the screen's last status (null: none)
    std::time_t screenshot_at = 0;     // 0: none
    std::time_t screenshot_asked = 0;  // the last request sent
};

struct AuditEntry {
    std::int64_t id = 0;
    std::time_t at = 0;
    std::string user, address, action, target, detail;
};

struct AuditFilter {
    std::string user, action, text;
    std::time_t from = 0, until = 0;  // 0: open
    int limit = 500;
};

struct PublishedPlaylist {
    std::string scope;
    nlohmann::json playlist;  // null: never published
    std::uint64_t gen = 0;
    std::time_t at = 0;
    std::string by;
};

struct NoticeRecord {
    std::string id, scope, text, title, by;
    std::time_t until = 0, published = 0, cleared = 0;
    bool interrupt = false, urgent = false;
};

// A change an editor made while approval is required: what it would publish, and against
// what it was made (the before/after view).
struct PendingChange {
    std::int64_t id = 0;
    std::string kind;    // "playlist" or "notice"
    std::string scope;   // playlist: its scope; notice: the scopes, comma-separated
    nlohmann::json before, after;
    std::string author, state = "pending", decided_by, reason;  // state: pending, approved, rejected
    std::time_t created = 0, decided = 0;
};

struct PlaysRow {
    std::string screen, item, day;  // day: YYYY-MM-DD as the screen logged it
    std::int64_t plays = 0;
    double seconds = 0;
};

class Store {
public:
    // Opens (creating when absent) the database at `file` with WAL and the schema.
    static Result<std::unique_ptr<Store>> open(const std::filesystem::path& file);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Accounts.
    Status add_user(const User& user);  // an error when the name is taken
    std::optional<User> user(const std::string& name);
    std::vector<User> users();
    Status update_user(const std::string& name, std::optional<Role> role, std::optional<std::string> hash,
                       std::optional<bool> disabled);

    // Sessions (a token in an HttpOnly cookie; its CSRF token travels in a header).
    Status add_session(const Session& s);
    std::optional<Session> session(const std::string& token, std::time_t now);
    void drop_session(const std::string& token);
    void drop_sessions_of(const std::string& user);

    // Login failures per key (account and address): how many, and until when locked.
    struct Failures {
        int count = 0;
        std::time_t locked_until = 0;
    };
    Failures failures(const std::string& key);
    void set_failures(const std::string& key, const Failures& f);

    // Settings (require_approval, …) as text.
    std::string setting(const std::string& key, const std::string& fallback);
    void set_setting(const std::string& key, const std::string& value);

    // What the screens said.
    void screen_state(const std::string& id, const std::string& state, std::time_t now);
    void screen_status(const std::string& id, const std::string& status_json, std::time_t now);
    void screen_screenshot(const std::string& id, const std::string& png, std::time_t now);
    void screenshot_asked(const std::string& id, std::time_t now);
    std::vector<ScreenRecord> screens();
    std::optional<std::string> screenshot(const std::string& id);

    // Proof of play: a record counts once by its id (a batch sent twice counts once).
    // Returns how many were new.
    int add_plays(const std::string& screen, const nlohmann::json& records, std::time_t now);
    std::vector<PlaysRow> plays(const std::string& screen, const std::string& item, const std::string& from_day,
                                const std::string& until_day, int limit);
    void prune(std::time_t now);  // plays past 400 days, seen ids past 8 days, expired sessions

    // Published state.
    PublishedPlaylist playlist(const std::string& scope);
    std::vector<std::string> playlist_scopes();
    void set_playlist(const PublishedPlaylist& p);
    void add_notice(const NoticeRecord& n);
    void clear_notice(const std::string& id, const std::string& scope, std::time_t at);
    // In force (not cleared, not past), or with `all` the newest 5000 ever published.
    std::vector<NoticeRecord> notices(std::time_t now, bool all = false);

    // Changes waiting for approval.
    std::int64_t add_pending(const PendingChange& c);
    std::optional<PendingChange> pending(std::int64_t id);
    std::vector<PendingChange> pending_list(bool include_decided);
    void decide(std::int64_t id, const std::string& state, const std::string& by, const std::string& reason,
                std::time_t at);

    // The audit log.
    void audit(const AuditEntry& e);
    std::vector<AuditEntry> audit_entries(const AuditFilter& f);

private:
    Store() = default;
    struct Deleter {
        void operator()(sqlite3* db) const;
    };
    std::unique_ptr<sqlite3, Deleter> db_;  // Store owns the connection
    std::mutex mutex_;
};

}  // namespace kiosk::console
