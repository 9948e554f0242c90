#include "console/store.hpp"

#include "console/store_sql.hpp"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <variant>

namespace kiosk::console {
namespace {

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
  expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, locked_until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS screens (id TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT '', state_since INTEGER NOT NULL DEFAULT 0,
  heard INTEGER NOT NULL DEFAULT 0, status TEXT, screenshot BLOB, screenshot_at INTEGER NOT NULL DEFAULT 0,
  screenshot_asked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS plays_seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS plays_seen_at ON plays_seen(at);
CREATE TABLE IF NOT EXISTS plays (screen TEXT NOT NULL, item TEXT NOT NULL, day TEXT NOT NULL,
  plays INTEGER NOT NULL, seconds REAL NOT NULL, PRIMARY KEY (screen, item, day));
CREATE INDEX IF NOT EXISTS plays_day ON plays(day);
CREATE TABLE IF NOT EXISTS playlists (scope TEXT PRIMARY KEY, playlist TEXT NOT NULL, gen INTEGER NOT NULL,
  at INTEGER NOT NULL, by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notices (id TEXT NOT NULL, scope TEXT NOT NULL, text TEXT NOT NULL, title TEXT NOT NULL,
  until INTEGER NOT NULL, interrupt INTEGER NOT NULL, urgent INTEGER NOT NULL, by TEXT NOT NULL,
  published INTEGER NOT NULL, cleared INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, scope));
CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, scope TEXT NOT NULL,
  before TEXT NOT NULL, after TEXT NOT NULL, author TEXT NOT NULL, state TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, decided INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user TEXT NOT NULL,
  address TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// The steps from one schema version to the next: kMigrations[i] takes version i+1 to i+2.
// Version 1 is kSchema above (the console's first schema; its databases say user_version 0).
// A step only adds: a console rolled back one version still opens the database.
const char* const kMigrations[] = {
    // 2: the publications journal (the office's intent, before the broker has it).
    R"sql(
CREATE TABLE publications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, kind TEXT NOT NULL,
  topic TEXT NOT NULL, gen INTEGER NOT NULL, issued INTEGER NOT NULL, expires INTEGER NOT NULL,
  document BLOB NOT NULL, sent INTEGER NOT NULL DEFAULT 0);
CREATE INDEX publications_key ON publications(key, gen);
)sql",
    // 3: what clerks call screens and groups (set by an admin; ids stay the screens').
    R"sql(
CREATE TABLE display_names (kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (kind, id));
)sql",
    // 4: 播放记录 that answer questions — whole showings beside pages (null: counted before
    // this version, pages only) and the item's title when filed (removed items keep names).
    R"sql(
ALTER TABLE plays ADD COLUMN showings INTEGER;
ALTER TABLE plays ADD COLUMN title TEXT NOT NULL DEFAULT '';
CREATE INDEX plays_item ON plays(item, title);
)sql",
    // 5: receipts: the publications clerks see a receipt for, and every screen's ack of them.
    R"sql(
CREATE TABLE receipts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, gen INTEGER NOT NULL, kind TEXT NOT NULL,
  scope TEXT NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL, pending INTEGER NOT NULL DEFAULT 0,
  logged INTEGER NOT NULL DEFAULT 0, UNIQUE (key, gen));
CREATE INDEX receipts_logged ON receipts(logged);
CREATE INDEX receipts_pending ON receipts(pending);
CREATE TABLE acks (key TEXT NOT NULL, gen INTEGER NOT NULL, screen TEXT NOT NULL, outcome TEXT NOT NULL,
  words TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, gen, screen));
)sql",
    // 6: a notice's mode (hold, interrupt, turn); '' for notices from before modes, whose
    // interrupt and urgent columns say it.
    R"sql(
ALTER TABLE notices ADD COLUMN mode TEXT NOT NULL DEFAULT '';
)sql",
    // 7: sessions slide on use, up to an absolute limit from the login (kept as `started`;
    // a session from before is taken as started when it was made, eight hours before it ends).
    R"sql(
ALTER TABLE sessions ADD COLUMN started INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET started = expires - 28800;
CREATE INDEX pending_author ON pending(author, id);
)sql",
    // 8: alerts to people: the rules an admin set (JSON per kind), every alert (open while
    // cleared_at is 0) and every delivery of its messages to each channel (alert 0: a test).
    R"sql(
CREATE TABLE alert_rules (kind TEXT PRIMARY KEY, rule TEXT NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, rule TEXT NOT NULL, screen TEXT NOT NULL, since INTEGER NOT NULL,
  raised_at INTEGER NOT NULL, cleared_at INTEGER NOT NULL DEFAULT 0, last_reminded INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL, recovery_text TEXT NOT NULL DEFAULT '');
CREATE INDEX alerts_cleared ON alerts(cleared_at, id);
CREATE TABLE alert_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, alert INTEGER NOT NULL, channel TEXT NOT NULL,
  rule TEXT NOT NULL, screen TEXT NOT NULL, event TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, next_at INTEGER NOT NULL, delivered_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert, id);
CREATE INDEX alert_deliveries_due ON alert_deliveries(delivered_at, next_at);
)sql",
    // 9: 开放时间 per scope (issue 28): the clerk's draft (a kiosk-calendar/1 object) and what
    // was published, with its generation (published NULL: none in force).
    R"sql(
CREATE TABLE calendars (scope TEXT PRIMARY KEY, draft TEXT, draft_by TEXT NOT NULL DEFAULT '', draft_at INTEGER NOT NULL DEFAULT 0,
  published TEXT, gen INTEGER NOT NULL DEFAULT 0, published_at INTEGER NOT NULL DEFAULT 0, published_by TEXT NOT NULL DEFAULT '');
)sql",
    // 10: official warnings (issue 29, console/warning_desk): every message received and what
    // became of it, the admin's rules, each feed's last poll.
    R"sql(
CREATE TABLE warnings (id INTEGER PRIMARY KEY AUTOINCREMENT, identifier TEXT NOT NULL, sender TEXT NOT NULL,
  sender_name TEXT NOT NULL, sent INTEGER NOT NULL, received INTEGER NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL,
  status TEXT NOT NULL, level TEXT NOT NULL, severity TEXT NOT NULL, event TEXT NOT NULL, headline TEXT NOT NULL,
  description TEXT NOT NULL, areas TEXT NOT NULL, region_codes TEXT NOT NULL, expires INTEGER NOT NULL,
  refs TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL, notice_id TEXT NOT NULL, scopes TEXT NOT NULL,
  first_identifier TEXT NOT NULL, notice TEXT, until INTEGER NOT NULL DEFAULT 0, raw TEXT NOT NULL, raw_size INTEGER NOT NULL);
CREATE INDEX warnings_identifier ON warnings(identifier, id);
CREATE INDEX warnings_state ON warnings(state, id);
CREATE TABLE warning_rules (one INTEGER PRIMARY KEY CHECK (one = 1), rules TEXT NOT NULL, saved_by TEXT NOT NULL, saved_at INTEGER NOT NULL);
CREATE TABLE warning_feeds (name TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT NOT NULL, last_modified TEXT NOT NULL,
  last_poll INTEGER NOT NULL, last_ok INTEGER NOT NULL, problem TEXT NOT NULL, taken INTEGER NOT NULL);
)sql",
};
static_assert(std::size(kMigrations) + 1 == kSchemaVersion, "a migration step for every schema version");

}  // namespace

const char* role_name(Role r) {
    switch (r) {
        case Role::editor: return "editor";
        case Role::approver: return "approver";
        case Role::admin: return "admin";
    }
    return "editor";
}

std::optional<Role> parse_role(const std::string& name) {
    if (name == "editor") return Role::editor;
    if (name == "approver") return Role::approver;
    if (name == "admin") return Role::admin;
    return std::nullopt;
}

void Store::Deleter::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

namespace {
Status exec(sqlite3* db, const std::string& sql, const std::string& where) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        return make_error(where + ": " + why);
    }
    return Ok{};
}
}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& file, int busy_ms) {
    std::unique_ptr<Store> s(new Store());
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    s->db_.reset(db);
    if (rc != SQLITE_OK) return make_error(file.string() + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(db, busy_ms);
    if (auto st = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", file.string()); !st)
        return st.error();
    const int version = s->schema_version();
    if (version > kSchemaVersion)
        return make_error(file.string() + ": made by a newer kiosk-console (schema " + std::to_string(version) + ", this one knows up to " +
                          std::to_string(kSchemaVersion) + "); install that version again or restore a backup");
    // Each step and its version number in one transaction: a console killed mid-migration
    // leaves the database as it was.
    auto step = [&](int from, const char* sql) -> Status {
        const std::string all = std::string("BEGIN IMMEDIATE;") + sql + "PRAGMA user_version = " + std::to_string(from + 1) + "; COMMIT;";
        auto st = exec(db, all, file.string() + " (schema " + std::to_string(from) + " to " + std::to_string(from + 1) + ")");
        if (!st) exec(db, "ROLLBACK;", file.string());
        return st;
    };
    int v = version;
    if (v == 0) {  // a new database, or one the first console made (it set no version)
        if (auto st = step(0, kSchema); !st) return st.error();
        v = 1;
    }
    for (; v < kSchemaVersion; ++v)
        if (auto st = step(v, kMigrations[v - 1]); !st) return st.error();
    return s;
}

int Store::schema_version() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "PRAGMA user_version");
    return st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : 0;
}

Store::~Store() = default;

Status Store::add_user(const User& u) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "INSERT INTO users (name, role, hash, disabled, created) VALUES (?, ?, ?, ?, ?)");
    st.bind({u.name, std::string(role_name(u.role)), u.password_hash, std::int64_t{u.disabled}, i64(u.created)});
    if (!st.run()) return make_error("user " + u.name + ": " + st.error());
    return Ok{};
}

namespace {
User read_user(const Statement& st) {
    User u;
    u.name = st.text(0);
    u.role = parse_role(st.text(1)).value_or(Role::editor);
    u.password_hash = st.text(2);
    u.disabled = st.integer(3) != 0;
    u.created = static_cast<std::time_t>(st.integer(4));
    return u;
}
}  // namespace

std::optional<User> Store::user(const std::string& name) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT name, role, hash, disabled, created FROM users WHERE name = ?");
    st.bind({name});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return read_user(st);
}

std::vector<User> Store::users() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT name, role, hash, disabled, created FROM users ORDER BY name");
    std::vector<User> out;
    while (st.step() == SQLITE_ROW) out.push_back(read_user(st));
    return out;
}

Status Store::update_user(const std::string& name, std::optional<Role> role, std::optional<std::string> hash,
                          std::optional<bool> disabled) {
    std::lock_guard lock(mutex_);
    if (role)
        if (auto st = wrote(Statement(db_.get(), "UPDATE users SET role = ? WHERE name = ?").bind({std::string(role_name(*role)), name}), "users"); !st)
            return st;
    if (hash)
        if (auto st = wrote(Statement(db_.get(), "UPDATE users SET hash = ? WHERE name = ?").bind({*hash, name}), "users"); !st) return st;
    if (disabled)
        if (auto st = wrote(Statement(db_.get(), "UPDATE users SET disabled = ? WHERE name = ?").bind({std::int64_t{*disabled}, name}), "users"); !st)
            return st;
    return Ok{};
}

Status Store::add_session(const Session& s) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "INSERT INTO sessions (token, user, csrf, expires, started) VALUES (?, ?, ?, ?, ?)");
    st.bind({s.token, s.user, s.csrf, i64(s.expires), i64(s.started)});
    if (!st.run()) return make_error("session: " + st.error());
    return Ok{};
}

std::optional<Session> Store::session(const std::string& token, std::time_t now, SessionLimits limits) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT s.token, s.user, s.csrf, s.expires, u.role, s.started FROM sessions s JOIN users u ON u.name = s.user "
                 "WHERE s.token = ? AND s.expires > ? AND u.disabled = 0");
    st.bind({token, i64(now)});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    Session s;
    s.token = st.text(0);
    s.user = st.text(1);
    s.csrf = st.text(2);
    s.expires = static_cast<std::time_t>(st.integer(3));
    s.role = parse_role(st.text(4)).value_or(Role::editor);
    s.started = static_cast<std::time_t>(st.integer(5));
    // The absolute limit as it is now (an admin may have shortened it since the login).
    const std::time_t last = limits.absolute > 0 ? s.started + limits.absolute : 0;
    if (last > 0 && now >= last) return std::nullopt;
    if (limits.idle > 0) {
        std::time_t slid = now + limits.idle;
        if (last > 0) slid = std::min(slid, last);
        // At most one write a minute per session: a page's requests do not each write.
        if (slid >= s.expires + 60 || (last > 0 && slid == last && slid > s.expires)) {
            Statement up(db_.get(), "UPDATE sessions SET expires = ? WHERE token = ?");
            up.bind({i64(slid), s.token});
            if (up.run()) s.expires = slid;
        }
    }
    return s;
}

Status Store::drop_session(const std::string& token) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "DELETE FROM sessions WHERE token = ?").bind({token}), "sessions");
}

Status Store::drop_sessions_of(const std::string& user) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "DELETE FROM sessions WHERE user = ?").bind({user}), "sessions");
}

Store::Failures Store::failures(const std::string& key) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT count, locked_until FROM login_failures WHERE key = ?");
    st.bind({key});
    if (st.step() != SQLITE_ROW) return {};
    return {static_cast<int>(st.integer(0)), static_cast<std::time_t>(st.integer(1))};
}

Status Store::set_failures(const std::string& key, const Failures& f) {
    std::lock_guard lock(mutex_);
    if (f.count == 0 && f.locked_until == 0)
        return wrote(Statement(db_.get(), "DELETE FROM login_failures WHERE key = ?").bind({key}), "login failures");
    return wrote(Statement(db_.get(), "INSERT OR REPLACE INTO login_failures (key, count, locked_until) VALUES (?, ?, ?)")
                     .bind({key, std::int64_t{f.count}, i64(f.locked_until)}),
                 "login failures");
}

std::string Store::setting(const std::string& key, const std::string& fallback) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT value FROM settings WHERE key = ?");
    st.bind({key});
    return st.step() == SQLITE_ROW ? st.text(0) : fallback;
}

Status Store::set_setting(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)").bind({key, value}), "settings");
}

std::map<std::pair<std::string, std::string>, std::string> Store::display_names() {
    std::lock_guard lock(mutex_);
    std::map<std::pair<std::string, std::string>, std::string> out;
    Statement st(db_.get(), "SELECT kind, id, name FROM display_names");
    while (st.step() == SQLITE_ROW) out[{st.text(0), st.text(1)}] = st.text(2);
    return out;
}

Status Store::set_display_name(const std::string& kind, const std::string& id, const std::string& name) {
    std::lock_guard lock(mutex_);
    if (name.empty())
        return wrote(Statement(db_.get(), "DELETE FROM display_names WHERE kind = ? AND id = ?").bind({kind, id}), "display_names");
    return wrote(Statement(db_.get(), "INSERT OR REPLACE INTO display_names (kind, id, name) VALUES (?, ?, ?)").bind({kind, id, name}),
                 "display_names");
}

Status Store::screen_state(const std::string& id, const std::string& state, std::time_t now) {
    std::lock_guard lock(mutex_);
    if (auto st = wrote(Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}), "screens"); !st) return st;
    return wrote(Statement(db_.get(), "UPDATE screens SET state = ?, state_since = ? WHERE id = ? AND state != ?")
                     .bind({state, i64(now), id, state}),
                 "screens");
}

Status Store::screen_status(const std::string& id, const std::string& status_json, std::time_t now) {
    std::lock_guard lock(mutex_);
    if (auto st = wrote(Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}), "screens"); !st) return st;
    return wrote(Statement(db_.get(), "UPDATE screens SET status = ?, heard = ? WHERE id = ?").bind({status_json, i64(now), id}), "screens");
}

Status Store::screen_screenshot(const std::string& id, const std::string& png, std::time_t now) {
    std::lock_guard lock(mutex_);
    if (auto st = wrote(Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}), "screens"); !st) return st;
    Statement st(db_.get(), "UPDATE screens SET screenshot = ?, screenshot_at = ? WHERE id = ?");
    st.bind({nullptr, i64(now), id});
    st.bind_blob(1, png);  // the picture's bytes in place of the null
    return wrote(st, "screenshots");
}

std::vector<ScreenRecord> Store::screens() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT id, state, state_since, heard, status, screenshot_at, screenshot_asked FROM screens ORDER BY id");
    std::vector<ScreenRecord> out;
    while (st.step() == SQLITE_ROW) {
        ScreenRecord r;
        r.id = st.text(0);
        r.state = st.text(1);
        r.state_since = static_cast<std::time_t>(st.integer(2));
        r.heard = static_cast<std::time_t>(st.integer(3));
        r.status = st.null(4) ? nlohmann::json(nullptr) : parsed(st.text(4));
        r.screenshot_at = static_cast<std::time_t>(st.integer(5));
        r.screenshot_asked = static_cast<std::time_t>(st.integer(6));
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<std::string> Store::screenshot(const std::string& id) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT screenshot FROM screens WHERE id = ? AND screenshot IS NOT NULL");
    st.bind({id});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return st.blob(0);
}

Status Store::prune(std::time_t now) {
    std::lock_guard lock(mutex_);
    char day[16];
    const std::time_t old = now - 400 * 86400;
    std::tm tm{};
    gmtime_r(&old, &tm);
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    if (auto st = wrote(Statement(db_.get(), "DELETE FROM plays WHERE day < ?").bind({std::string(day)}), "plays"); !st) return st;
    if (auto st = wrote(Statement(db_.get(), "DELETE FROM plays_seen WHERE at < ?").bind({i64(now - 8 * 86400)}), "plays"); !st) return st;
    // Publications: every key keeps its newest (what the broker should hold); older ones
    // that were sent go after a day.
    if (auto st = wrote(Statement(db_.get(),
                                  "DELETE FROM publications WHERE sent = 1 AND issued < ? AND gen < "
                                  "(SELECT MAX(p.gen) FROM publications p WHERE p.key = publications.key)")
                            .bind({i64(now - 86400)}),
                        "publications");
        !st)
        return st;
    // Receipts after 90 days, and the acks of publications without one.
    if (auto st = wrote(Statement(db_.get(), "DELETE FROM receipts WHERE at < ?").bind({i64(now - 90 * 86400)}), "receipts"); !st) return st;
    if (auto st = wrote(Statement(db_.get(), "DELETE FROM acks WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.key = acks.key AND r.gen = acks.gen)"),
                        "receipts");
        !st)
        return st;
    return wrote(Statement(db_.get(), "DELETE FROM sessions WHERE expires < ?").bind({i64(now)}), "sessions");
}

PublishedPlaylist Store::playlist(const std::string& scope) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT playlist, gen, at, by FROM playlists WHERE scope = ?");
    st.bind({scope});
    PublishedPlaylist p;
    p.scope = scope;
    if (st.step() != SQLITE_ROW) return p;
    p.playlist = parsed(st.text(0));
    p.gen = static_cast<std::uint64_t>(st.integer(1));
    p.at = static_cast<std::time_t>(st.integer(2));
    p.by = st.text(3);
    return p;
}

std::vector<std::string> Store::playlist_scopes() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT scope FROM playlists ORDER BY scope");
    std::vector<std::string> out;
    while (st.step() == SQLITE_ROW) out.push_back(st.text(0));
    return out;
}

std::vector<NoticeRecord> Store::notices(std::time_t now, bool all) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), all ? "SELECT id, scope, text, title, until, interrupt, urgent, by, published, mode FROM notices "
                                  "WHERE ? >= 0 ORDER BY published DESC LIMIT 5000"
                                : "SELECT id, scope, text, title, until, interrupt, urgent, by, published, mode FROM notices "
                                  "WHERE cleared = 0 AND until > ? ORDER BY published DESC");
    st.bind({i64(now)});
    std::vector<NoticeRecord> out;
    while (st.step() == SQLITE_ROW) {
        NoticeRecord n;
        n.id = st.text(0);
        n.scope = st.text(1);
        n.text = st.text(2);
        n.title = st.text(3);
        n.until = static_cast<std::time_t>(st.integer(4));
        n.interrupt = st.integer(5) != 0;
        n.urgent = st.integer(6) != 0;
        n.by = st.text(7);
        n.published = static_cast<std::time_t>(st.integer(8));
        n.mode = st.text(9);
        if (n.mode.empty()) n.mode = n.interrupt || n.urgent ? "interrupt" : "turn";  // as before modes
        out.push_back(std::move(n));
    }
    return out;
}

Result<std::int64_t> Store::add_pending(const PendingChange& c, const std::string& same) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    if (auto st = wrote(Statement(db, "BEGIN IMMEDIATE"), "changes waiting for approval"); !st) return st.error();
    auto fail = [&](const Error& e) -> Result<std::int64_t> {
        Statement(db, "ROLLBACK").run();
        return e;
    };
    if (!same.empty()) {
        Statement old(db, c.kind == "notice"
                              ? "UPDATE pending SET state = 'superseded', decided = ?4 WHERE kind = ?1 AND author = ?2 "
                                "AND state = 'pending' AND json_extract(after, '$.id') = ?3"
                              : "UPDATE pending SET state = 'superseded', decided = ?4 WHERE kind = ?1 AND author = ?2 "
                                "AND state = 'pending' AND scope = ?3");
        old.bind({c.kind, c.author, same, i64(c.created)});
        if (auto w = wrote(old, "changes waiting for approval"); !w) return fail(w.error());
    }
    Statement st(db, "INSERT INTO pending (kind, scope, before, after, author, state, created) VALUES (?, ?, ?, ?, ?, 'pending', ?)");
    st.bind({c.kind, c.scope, dumped(c.before), dumped(c.after), c.author, i64(c.created)});
    if (auto w = wrote(st, "changes waiting for approval"); !w) return fail(w.error());
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    if (auto w = wrote(Statement(db, "COMMIT"), "changes waiting for approval"); !w) return fail(w.error());
    return id;
}

namespace {
PendingChange read_pending(const Statement& st) {
    PendingChange c;
    c.id = st.integer(0);
    c.kind = st.text(1);
    c.scope = st.text(2);
    c.before = parsed(st.text(3));
    c.after = parsed(st.text(4));
    c.author = st.text(5);
    c.state = st.text(6);
    c.decided_by = st.text(7);
    c.reason = st.text(8);
    c.created = static_cast<std::time_t>(st.integer(9));
    c.decided = static_cast<std::time_t>(st.integer(10));
    return c;
}
const char* const kPendingColumns = "SELECT id, kind, scope, before, after, author, state, decided_by, reason, created, decided FROM pending ";
}  // namespace

std::optional<PendingChange> Store::pending(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kPendingColumns) + "WHERE id = ?").c_str());
    st.bind({id});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return read_pending(st);
}

std::vector<PendingChange> Store::pending_list(bool include_decided) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kPendingColumns) + (include_decided ? "" : "WHERE state = 'pending' ") +
                             "ORDER BY id DESC LIMIT 200")
                                .c_str());
    std::vector<PendingChange> out;
    while (st.step() == SQLITE_ROW) out.push_back(read_pending(st));
    return out;
}

std::vector<PendingChange> Store::pending_of(const std::string& author, int limit) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kPendingColumns) + "WHERE author = ? ORDER BY id DESC LIMIT ?").c_str());
    st.bind({author, std::int64_t{limit}});
    std::vector<PendingChange> out;
    while (st.step() == SQLITE_ROW) out.push_back(read_pending(st));
    return out;
}

int Store::pending_count() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT COUNT(*) FROM pending WHERE state = 'pending'");
    return st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : 0;
}

Status Store::audit(const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)")
                     .bind({i64(e.at), e.user, e.address, e.action, e.target, e.detail}),
                 "the audit log");
}

Result<std::vector<std::int64_t>> Store::record_intent(const std::function<Result<Intent>(const LastGeneration& last)>& make) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    // IMMEDIATE: the write lock from the start, so the generations read here are still the
    // last ones when the new documents are written.
    if (auto st = wrote(Statement(db, "BEGIN IMMEDIATE"), "publications"); !st) return st.error();
    auto fail = [&](const Error& e) -> Result<std::vector<std::int64_t>> {
        Statement(db, "ROLLBACK").run();
        return e;
    };
    const LastGeneration last = [&](const std::string& key) -> std::uint64_t {
        Statement st(db, "SELECT MAX(gen) FROM publications WHERE key = ?");
        st.bind({key});
        return st.step() == SQLITE_ROW && !st.null(0) ? static_cast<std::uint64_t>(st.integer(0)) : 0;
    };
    auto intent = make(last);
    if (!intent) return fail(intent.error());
    std::vector<std::int64_t> ids;
    for (const fleet::Publication& p : intent->publications) {
        Statement st(db, "INSERT INTO publications (key, kind, topic, gen, issued, expires, document) VALUES (?, ?, ?, ?, ?, ?, ?)");
        st.bind({p.key(), p.kind, p.topic, static_cast<std::int64_t>(p.gen), i64(p.issued), i64(p.expires), nullptr});
        st.bind_blob(7, p.document);
        if (auto w = wrote(st, "publications"); !w) return fail(w.error());
        ids.push_back(sqlite3_last_insert_rowid(db));
    }
    // A receipt for each playlist and notice (not a notice's clearing): what the clerk sees
    // the screens do with it.
    for (size_t i = 0; i < intent->publications.size(); ++i) {
        const fleet::Publication& p = intent->publications[i];
        if (p.kind != "playlist" && p.kind != "notice" && p.kind != "restart" && p.kind != "calendar") continue;
        bool clearing = false;
        for (const auto& [id, scope] : intent->cleared) clearing = clearing || (p.notice_id == id && p.scope.str() == scope);
        if (clearing) continue;
        Statement st(db, "INSERT OR IGNORE INTO receipts (id, key, gen, kind, scope, by, at, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind({ids[i], p.key(), static_cast<std::int64_t>(p.gen), p.kind, p.scope.str(), intent->audit.empty() ? std::string() : intent->audit.front().user,
                 i64(p.issued), intent->decision ? intent->decision->pending : std::int64_t{0}});
        if (auto w = wrote(st, "receipts"); !w) return fail(w.error());
    }
    if (const auto& d = intent->decision) {
        Statement st(db, "UPDATE pending SET state = ?, decided_by = ?, reason = ?, decided = ? WHERE id = ? AND state = 'pending'");
        st.bind({d->state, d->by, d->reason, i64(d->at), d->pending});
        if (auto w = wrote(st, "changes waiting for approval"); !w) return fail(w.error());
        if (sqlite3_changes(db) != 1) return fail(make_error("这项修改已经处理过了"));
    }
    if (const auto& p = intent->playlist) {
        Statement st(db, "INSERT OR REPLACE INTO playlists (scope, playlist, gen, at, by) VALUES (?, ?, ?, ?, ?)");
        st.bind({p->scope, dumped(p->playlist), static_cast<std::int64_t>(p->gen), i64(p->at), p->by});
        if (auto w = wrote(st, "playlists"); !w) return fail(w.error());
    }
    if (const auto& c = intent->calendar) {
        Statement st(db,
                     "INSERT INTO calendars (scope, draft, draft_by, draft_at, published, gen, published_at, published_by) "
                     "VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?4, ?3) ON CONFLICT(scope) DO UPDATE SET draft = COALESCE(?2, draft), "
                     "published = ?2, gen = ?5, published_at = ?4, published_by = ?3");
        st.bind({c->scope, c->published.is_null() ? Value(nullptr) : Value(dumped(c->published)), c->published_by, i64(c->published_at),
                 static_cast<std::int64_t>(c->gen)});
        if (auto w = wrote(st, "calendars"); !w) return fail(w.error());
    }
    for (const NoticeRecord& n : intent->notices) {
        Statement st(db,
                     "INSERT OR REPLACE INTO notices (id, scope, text, title, until, interrupt, urgent, by, published, cleared, mode) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)");
        st.bind({n.id, n.scope, n.text, n.title, i64(n.until), std::int64_t{n.interrupt}, std::int64_t{n.urgent}, n.by, i64(n.published),
                 n.mode});
        if (auto w = wrote(st, "notices"); !w) return fail(w.error());
    }
    for (const auto& [id, scope] : intent->cleared) {
        Statement st(db, "UPDATE notices SET cleared = ? WHERE id = ? AND scope = ?");
        st.bind({i64(std::time(nullptr)), id, scope});
        if (auto w = wrote(st, "notices"); !w) return fail(w.error());
    }
    if (const auto& asked = intent->screenshot_asked) {
        if (auto w = wrote(Statement(db, "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({asked->first}), "screens"); !w)
            return fail(w.error());
        if (auto w = wrote(Statement(db, "UPDATE screens SET screenshot_asked = ? WHERE id = ?").bind({i64(asked->second), asked->first}),
                           "screens");
            !w)
            return fail(w.error());
    }
    for (const AuditEntry& e : intent->audit) {
        Statement st(db, "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)");
        st.bind({i64(e.at), e.user, e.address, e.action, e.target, e.detail});
        if (auto w = wrote(st, "the audit log"); !w) return fail(w.error());
    }
    if (auto w = wrote(Statement(db, "COMMIT"), "publications"); !w) return fail(w.error());
    return ids;
}

Status Store::mark_sent(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "UPDATE publications SET sent = 1 WHERE id = ?").bind({id}), "publications");
}

std::vector<PublicationRecord> Store::latest_publications(std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT p.id, p.key, p.kind, p.topic, p.document, p.gen, p.expires, p.sent FROM publications p "
                 "WHERE p.expires > ? AND p.gen = (SELECT MAX(q.gen) FROM publications q WHERE q.key = p.key) ORDER BY p.id");
    st.bind({i64(now)});
    std::vector<PublicationRecord> out;
    while (st.step() == SQLITE_ROW)
        out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.blob(4), static_cast<std::uint64_t>(st.integer(5)),
                       static_cast<std::time_t>(st.integer(6)), st.integer(7) != 0});
    return out;
}

std::vector<AuditEntry> Store::audit_entries(const AuditFilter& f) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT id, at, user, address, action, target, detail FROM audit WHERE (?1 = '' OR user = ?1) "
                 "AND (?2 = '' OR action = ?2) AND (?3 = 0 OR at >= ?3) AND (?4 = 0 OR at <= ?4) "
                 "AND (?5 = '' OR instr(target, ?5) > 0 OR instr(detail, ?5) > 0) ORDER BY id DESC LIMIT ?6");
    st.bind({f.user, f.action, i64(f.from), i64(f.until), f.text, std::int64_t{f.limit}});
    std::vector<AuditEntry> out;
    while (st.step() == SQLITE_ROW)
        out.push_back({st.integer(0), static_cast<std::time_t>(st.integer(1)), st.text(2), st.text(3), st.text(4), st.text(5),
                       st.text(6)});
    return out;
}

}  // namespace kiosk::console
