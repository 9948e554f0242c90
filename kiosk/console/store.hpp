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
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "fleet/publisher.hpp"

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
    std::time_t expires = 0;  // slides on use (Store::session), never past started + the absolute limit
    std::time_t started = 0;  // the login
};

// How a session lasts: `idle` after its last use (0: it does not slide), never more than
// `absolute` after the login (0: no such limit).
struct SessionLimits {
    std::time_t idle = 0, absolute = 0;
};

struct ScreenRecord {
    std::string id;
    std::string state;                 // "online", "offline" (its last will), "disconnected" (stopped cleanly) or "" (never heard)
    std::time_t state_since = 0;       // when the console saw the state change
    std::time_t heard = 0;             // the last status received
    nlohmann::json status;             // the screen's last status (null: none)
    std::time_t screenshot_at = 0;     // 0: none
    std::time_t screenshot_asked = 0;  // the last request sent
    // Kept in memory by the FleetLink, not stored: when what the screen shows last changed
    // (its notices, playlist or items; not its page turns). 0: not seen since the console started.
    std::time_t content_changed = 0;
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

// A scope's 开放时间 (the hall's hours and calendar, issue 28): what a clerk last saved on
// the page (the draft, a kiosk-calendar/1 object) and what was last published (null: never,
// or cleared), with its generation. console/calendar_page.
struct CalendarRecord {
    std::string scope;
    nlohmann::json draft;       // null: never saved
    std::string draft_by;
    std::time_t draft_at = 0;
    nlohmann::json published;  // null: nothing in force for the scope (never published, or cleared)
    std::uint64_t gen = 0;      // the last publication's generation (a clearing too)
    std::time_t published_at = 0;
    std::string published_by;
};

struct NoticeRecord {
    std::string id, scope, text, title, by;
    std::time_t until = 0, published = 0, cleared = 0;
    bool interrupt = false, urgent = false;
    std::string mode;  // "hold" (紧急), "interrupt" (插播), "turn" (轮播): fleet/notice.hpp NoticeMode
};

// A change an editor made while approval is required: what it would publish, and against
// what it was made (the before/after view).
struct PendingChange {
    std::int64_t id = 0;
    std::string kind;    // "playlist" or "notice"
    std::string scope;   // playlist: its scope; notice: the scopes, comma-separated
    nlohmann::json before, after;
    std::string author, state = "pending", decided_by, reason;  // state: pending, approved, rejected, superseded
    std::time_t created = 0, decided = 0;
};

struct PlaysRow {
    std::string screen, item, day;  // day: YYYY-MM-DD as the screen logged it
    std::int64_t plays = 0;         // pages shown
    double seconds = 0;
    std::string title;              // the item's title when the plays were filed ("" unknown)
    std::int64_t showings = -1;     // whole showings (every page, in order); -1: not counted (before schema 4)
};

// Which plays: nullopt is any; a list (maybe empty: none) is those ids.
struct PlaysQuery {
    std::optional<std::vector<std::string>> screens, items;
    std::string from_day, until_day;  // YYYY-MM-DD, "" open
    int limit = 2000;
};

// Whether a play record ends a whole showing of its item: its `complete` as the screen
// says; from a screen that does not say, its last page (or, without a page count, its first).
int completes_showing(const nlohmann::json& record);

// A publication as the console keeps it: written, with the action's audit entry, before
// it is sent; marked sent once the broker confirmed it.
struct PublicationRecord {
    std::int64_t id = 0;
    std::string key, kind, topic, document;
    std::uint64_t gen = 0;
    std::time_t expires = 0;
    bool sent = false;
};

// What one clerk's action writes, whole or not at all, with the documents it publishes.
struct Intent {
    std::vector<fleet::Publication> publications;
    std::vector<AuditEntry> audit;
    std::optional<PublishedPlaylist> playlist;
    std::vector<NoticeRecord> notices;
    std::vector<std::pair<std::string, std::string>> cleared;  // notice id, scope
    struct Decision {
        std::int64_t pending = 0;
        std::string state, by, reason;  // state: approved or rejected
        std::time_t at = 0;
    };
    std::optional<Decision> decision;  // fails the whole intent unless the change is still pending
    std::optional<std::pair<std::string, std::time_t>> screenshot_asked;  // screen id, when
    std::optional<CalendarRecord> calendar;  // published (or cleared: published null); the draft becomes what was published
};

// A publication a clerk gets a receipt for (a playlist or a notice, not its clearing): the
// journal's id, its key and generation, whom it was for, and whether its counts are in the
// audit log yet.
struct ReceiptRef {
    std::int64_t id = 0;  // the publication's id in the journal
    std::string key, kind, scope, by;
    std::uint64_t gen = 0;
    std::time_t at = 0;
    std::int64_t pending = 0;  // the approved change it published (0: none)
    bool logged = false;
    bool sent = true;  // the broker has it (false: the console could not send it yet)
};

// What one screen's ack said about one publication (fleet/ack.hpp's outcomes).
struct AckRecord {
    std::string screen;
    std::uint64_t gen = 0;
    std::string outcome, words;
    std::time_t at = 0;
};

// Alerts to people (console/alerts): an alert per rule and screen while its condition
// holds, and one delivery per channel of each of its messages (raised, reminder, recovered;
// a channel's test message has alert 0).
struct AlertRecord {
    std::int64_t id = 0;
    std::string rule, screen;
    std::time_t since = 0, raised_at = 0, cleared_at = 0, last_reminded = 0;  // cleared_at 0: open
    std::string text, recovery_text;
};
struct AlertDelivery {
    std::int64_t id = 0, alert = 0;
    std::string channel, event, title, text;  // channel: its id in console.json
    std::string rule, screen;                 // the alert's ("" for a test)
    int attempts = 0;
    std::time_t created_at = 0, next_at = 0, delivered_at = 0;  // next_at 0: not tried again
    std::string last_error;                                      // Chinese, the last failure's
};
// One alert event to write: a new alert (alert 0, event raised), a reminder or a recovery of
// alert `alert`, or a channel's test (event test); with a delivery per channel and its
// audit entry, in one transaction.
struct AlertChange {
    std::string event;
    std::int64_t alert = 0;
    std::string rule, screen;
    std::time_t since = 0, at = 0;
    std::string title, text;
};

// Official warnings (console/warning_desk, issue 29): every message the office received,
// with what became of it. Times 0: not given.
struct WarningRecord {
    std::int64_t id = 0;
    std::string identifier, sender, sender_name;
    std::time_t sent = 0, received = 0, expires = 0;
    std::string source;                          // "feed:NAME" or "file:NAME"
    std::string type, status, level, severity;   // CAP's spellings (Alert, Actual, …); level: orange …
    std::string event, headline, description;
    std::string areas;         // 长春市（220100）、…
    std::string region_codes;  // comma-separated
    std::string references;    // comma-separated identifiers
    std::string state;         // published waiting cancelled replaced expired ignored refused rejected
    std::string reason;        // Chinese
    std::string notice_id;
    std::string scopes;        // comma-separated
    std::string first_identifier;  // the first message of its chain (an Alert and its Updates)
    nlohmann::json notice;     // the notice it became or would become (fleet notice body JSON); null: none
    std::time_t until = 0;     // the notice's end on screens
    std::string raw;           // the XML as received (at most 256 KB; larger: empty and raw_size says)
    std::int64_t raw_size = 0;
};
// A feed as the desk last polled it.
struct WarningFeedState {
    std::string name, url, etag, last_modified, problem;
    std::time_t last_poll = 0, last_ok = 0;
    std::int64_t taken = 0;
};
struct WarningRulesRecord {
    nlohmann::json rules;  // null: none saved
    std::string saved_by;
    std::time_t saved_at = 0;
};

// The schema this build writes (PRAGMA user_version); older databases are migrated on open.
inline constexpr int kSchemaVersion = 10;

class Store {
public:
    // Opens (creating when absent) the database at `file` with WAL, and brings its schema to
    // kSchemaVersion (a database from a newer console is refused). `busy_ms`: how long a
    // statement waits for another connection's lock before it fails.
    static Result<std::unique_ptr<Store>> open(const std::filesystem::path& file, int busy_ms = 5000);
    int schema_version();
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
    // The session at `now`, when it has not ended: not past its expiry, not past `limits.absolute`
    // after its login. Its use moves the expiry to now + `limits.idle` (capped by the absolute
    // limit), written only when that moves it a minute or more (the database stays quiet).
    std::optional<Session> session(const std::string& token, std::time_t now, SessionLimits limits = {});
    Status drop_session(const std::string& token);
    Status drop_sessions_of(const std::string& user);

    // Login failures per key (account and address): how many, and until when locked.
    struct Failures {
        int count = 0;
        std::time_t locked_until = 0;
    };
    Failures failures(const std::string& key);
    Status set_failures(const std::string& key, const Failures& f);

    // Settings (require_approval, …) as text.
    std::string setting(const std::string& key, const std::string& fallback);
    Status set_setting(const std::string& key, const std::string& value);

    // What clerks call a screen or a group: kind "screen" or "group", the id, the name (an
    // empty name removes it). Read whole: a console has hundreds of names, not millions.
    std::map<std::pair<std::string, std::string>, std::string> display_names();
    Status set_display_name(const std::string& kind, const std::string& id, const std::string& name);

    // What the screens said.
    Status screen_state(const std::string& id, const std::string& state, std::time_t now);
    Status screen_status(const std::string& id, const std::string& status_json, std::time_t now);
    Status screen_screenshot(const std::string& id, const std::string& png, std::time_t now);
    std::vector<ScreenRecord> screens();
    std::optional<std::string> screenshot(const std::string& id);

    // Proof of play: a record counts once by its id (a batch sent twice counts once), its
    // page into `plays`, a completed showing into `showings`, its `title` kept (the newest
    // non-empty one per screen, item and day). Returns how many were new.
    Result<int> add_plays(const std::string& screen, const nlohmann::json& records, std::time_t now);
    std::vector<PlaysRow> plays(const std::string& screen, const std::string& item, const std::string& from_day,
                                const std::string& until_day, int limit);
    std::vector<PlaysRow> plays(const PlaysQuery& query);
    // Every item ever played with each title it was filed under; every screen that played.
    std::vector<std::pair<std::string, std::string>> play_items();
    std::vector<std::string> play_screens();
    Status prune(std::time_t now);  // plays past 400 days, seen ids past 8 days, expired sessions

    // Published state.
    PublishedPlaylist playlist(const std::string& scope);
    std::vector<std::string> playlist_scopes();
    // In force (not cleared, not past), or with `all` the newest 5000 ever published.
    std::vector<NoticeRecord> notices(std::time_t now, bool all = false);

    // 开放时间 per scope (store_calendar.cpp): the draft a clerk saved, what was published.
    std::optional<CalendarRecord> calendar(const std::string& scope);
    std::vector<std::string> calendar_scopes();
    Status save_calendar_draft(const std::string& scope, const nlohmann::json& draft, const std::string& by, std::time_t at);

    // Changes waiting for approval.
    // A new change waiting; the same author's earlier change still waiting for the same thing
    // (a playlist's scope, a notice's id: `same`) becomes "superseded" in the same transaction.
    Result<std::int64_t> add_pending(const PendingChange& c, const std::string& same = "");
    std::optional<PendingChange> pending(std::int64_t id);
    std::vector<PendingChange> pending_list(bool include_decided);
    // One author's changes, newest first (at most `limit`).
    std::vector<PendingChange> pending_of(const std::string& author, int limit);
    int pending_count();

    // Publishing: `make` signs its documents with the last generation this console
    // published for each key (`last`), inside the transaction that then writes them (not yet
    // sent) with everything else the intent holds. Returns the publications' record ids.
    using LastGeneration = std::function<std::uint64_t(const std::string& key)>;
    Result<std::vector<std::int64_t>> record_intent(const std::function<Result<Intent>(const LastGeneration& last)>& make);
    Status mark_sent(std::int64_t id);
    // The newest publication of every key that has not expired at `now`, sent or not: what
    // the broker should be holding.
    std::vector<PublicationRecord> latest_publications(std::time_t now);

    // Receipts: every screen's ack per publication, kept only for publications with a
    // receipt (record_intent writes those), pruned with them after 90 days. An ack without
    // a generation (the screen could not read the document) counts for the key's newest.
    Status add_ack(const std::string& screen, const std::string& key, std::uint64_t gen, const std::string& outcome,
                   const std::string& words, std::time_t at);
    std::vector<AckRecord> acks(const std::string& key, std::uint64_t gen);
    std::optional<ReceiptRef> receipt(std::int64_t id);
    std::optional<ReceiptRef> latest_receipt(const std::string& key);
    std::vector<ReceiptRef> receipts_of_pending(std::int64_t pending);
    std::vector<ReceiptRef> open_receipts();  // counts not in the audit log yet, oldest first
    // The receipt's audit entry, and the receipt marked logged, together.
    Status log_receipt(std::int64_t id, const AuditEntry& e);

    // Alerts (store_alerts.cpp). The rules as the page saved them (JSON per kind).
    std::vector<nlohmann::json> alert_rules();
    Status set_alert_rule(const std::string& kind, const nlohmann::json& rule, const AuditEntry& e);
    // The alert's id (a new one's for raised; 0 for a test).
    Result<std::int64_t> record_alert(const AlertChange& change, const std::vector<std::string>& channels, const AuditEntry& e);
    // Open alerts (oldest first), or past ones (newest first, at most `limit`).
    std::vector<AlertRecord> alerts(bool open, int limit = 200);
    std::vector<AlertDelivery> deliveries_of(std::int64_t alert, int limit = 50);
    // Deliveries not yet done whose time has come, oldest first.
    std::vector<AlertDelivery> due_deliveries(std::time_t now, int limit = 20);
    // One attempt's result with its audit entry: delivered, or failed and tried again at
    // `next_at` (0: not again).
    Status delivery_attempted(std::int64_t id, bool ok, const std::string& detail, std::time_t at, std::time_t next_at,
                              const AuditEntry& e);
    // Alerts cleared more than 400 days before `now` with their deliveries, and tests past 90
    // days (the audit log keeps every event and attempt).
    Status prune_alerts(std::time_t now);

    // Official warnings (store_warnings.cpp). A message recorded with its audit entries, in one
    // transaction; its id.
    Result<std::int64_t> add_warning(const WarningRecord& w, const std::vector<AuditEntry>& audit);
    // A message's state, reason (and notice id, scopes when not empty) changed, with its audit
    // entries (may be none), in one transaction.
    Status set_warning_state(std::int64_t id, const std::string& state, const std::string& reason,
                             const std::vector<AuditEntry>& audit);
    std::optional<WarningRecord> warning(std::int64_t id);
    // The newest record of an identifier (refused ones have none).
    std::optional<WarningRecord> warning_by_identifier(const std::string& identifier);
    // Newest first, at most `limit` (without raw); or those in a state.
    std::vector<WarningRecord> warnings(int limit, const std::string& state = "");
    int warnings_in_state(const std::string& state);
    WarningRulesRecord warning_rules();
    Status set_warning_rules(const nlohmann::json& rules, const AuditEntry& e);
    std::vector<WarningFeedState> warning_feeds();
    Status set_warning_feed(const WarningFeedState& f);

    // The audit log.
    Status audit(const AuditEntry& e);
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
