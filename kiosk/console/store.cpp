#include "console/store.hpp"

#include <sqlite3.h>

#include <initializer_list>
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

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One prepared statement; finalized when it goes (owned by the caller's scope).
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    bool ok() const { return stmt_ != nullptr; }

    Statement& bind(std::initializer_list<Value> values) {
        int i = 1;
        for (const Value& v : values) {
            if (!stmt_) break;
            if (std::holds_alternative<std::nullptr_t>(v)) sqlite3_bind_null(stmt_, i);
            else if (auto* n = std::get_if<std::int64_t>(&v)) sqlite3_bind_int64(stmt_, i, *n);
            else if (auto* d = std::get_if<double>(&v)) sqlite3_bind_double(stmt_, i, *d);
            else {
                const std::string& s = std::get<std::string>(v);
                sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            }
            ++i;
        }
        return *this;
    }
    void bind_blob(int index, const std::string& bytes) {
        if (stmt_) sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    }
    // SQLITE_ROW: a row to read; SQLITE_DONE: finished; else an error.
    int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
    bool run() {
        const int rc = step();
        return rc == SQLITE_DONE || rc == SQLITE_ROW;
    }
    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }
    std::string blob(int col) const {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    double real(int col) const { return sqlite3_column_double(stmt_, col); }
    bool null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::string error() const { return sqlite3_errmsg(db_); }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;  // owned: finalized in the destructor
};

std::int64_t i64(std::time_t t) { return static_cast<std::int64_t>(t); }

nlohmann::json parsed(const std::string& text) {
    if (text.empty()) return nullptr;
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::string dumped(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

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

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& file) {
    std::unique_ptr<Store> s(new Store());
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    s->db_.reset(db);
    if (rc != SQLITE_OK) return make_error(file.string() + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    const std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;") + kSchema;
    if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : "unknown error";
        sqlite3_free(message);
        return make_error(file.string() + ": " + why);
    }
    return s;
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
    if (role) Statement(db_.get(), "UPDATE users SET role = ? WHERE name = ?").bind({std::string(role_name(*role)), name}).run();
    if (hash) Statement(db_.get(), "UPDATE users SET hash = ? WHERE name = ?").bind({*hash, name}).run();
    if (disabled) Statement(db_.get(), "UPDATE users SET disabled = ? WHERE name = ?").bind({std::int64_t{*disabled}, name}).run();
    return Ok{};
}

Status Store::add_session(const Session& s) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "INSERT INTO sessions (token, user, csrf, expires) VALUES (?, ?, ?, ?)");
    st.bind({s.token, s.user, s.csrf, i64(s.expires)});
    if (!st.run()) return make_error("session: " + st.error());
    return Ok{};
}

std::optional<Session> Store::session(const std::string& token, std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT s.token, s.user, s.csrf, s.expires, u.role FROM sessions s JOIN users u ON u.name = s.user "
                 "WHERE s.token = ? AND s.expires > ? AND u.disabled = 0");
    st.bind({token, i64(now)});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    Session s;
    s.token = st.text(0);
    s.user = st.text(1);
    s.csrf = st.text(2);
    s.expires = static_cast<std::time_t>(st.integer(3));
    s.role = parse_role(st.text(4)).value_or(Role::editor);
    return s;
}

void Store::drop_session(const std::string& token) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "DELETE FROM sessions WHERE token = ?").bind({token}).run();
}

void Store::drop_sessions_of(const std::string& user) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "DELETE FROM sessions WHERE user = ?").bind({user}).run();
}

Store::Failures Store::failures(const std::string& key) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT count, locked_until FROM login_failures WHERE key = ?");
    st.bind({key});
    if (st.step() != SQLITE_ROW) return {};
    return {static_cast<int>(st.integer(0)), static_cast<std::time_t>(st.integer(1))};
}

void Store::set_failures(const std::string& key, const Failures& f) {
    std::lock_guard lock(mutex_);
    if (f.count == 0 && f.locked_until == 0) {
        Statement(db_.get(), "DELETE FROM login_failures WHERE key = ?").bind({key}).run();
        return;
    }
    Statement(db_.get(), "INSERT OR REPLACE INTO login_failures (key, count, locked_until) VALUES (?, ?, ?)")
        .bind({key, std::int64_t{f.count}, i64(f.locked_until)})
        .run();
}

std::string Store::setting(const std::string& key, const std::string& fallback) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT value FROM settings WHERE key = ?");
    st.bind({key});
    return st.step() == SQLITE_ROW ? st.text(0) : fallback;
}

void Store::set_setting(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)").bind({key, value}).run();
}

void Store::screen_state(const std::string& id, const std::string& state, std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}).run();
    Statement(db_.get(), "UPDATE screens SET state = ?, state_since = ? WHERE id = ? AND state != ?")
        .bind({state, i64(now), id, state})
        .run();
}

void Store::screen_status(const std::string& id, const std::string& status_json, std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}).run();
    Statement(db_.get(), "UPDATE screens SET status = ?, heard = ? WHERE id = ?").bind({status_json, i64(now), id}).run();
}

void Store::screen_screenshot(const std::string& id, const std::string& png, std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}).run();
    Statement st(db_.get(), "UPDATE screens SET screenshot = ?, screenshot_at = ? WHERE id = ?");
    st.bind({nullptr, i64(now), id});
    st.bind_blob(1, png);  // the picture's bytes in place of the null
    st.run();
}

void Store::screenshot_asked(const std::string& id, std::time_t now) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR IGNORE INTO screens (id) VALUES (?)").bind({id}).run();
    Statement(db_.get(), "UPDATE screens SET screenshot_asked = ? WHERE id = ?").bind({i64(now), id}).run();
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

int Store::add_plays(const std::string& screen, const nlohmann::json& records, std::time_t now) {
    if (!records.is_array()) return 0;
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "BEGIN").run();
    int added = 0;
    for (const auto& r : records) {
        if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || !r.contains("item") || !r["item"].is_string() ||
            !r.contains("start") || !r["start"].is_string())
            continue;
        Statement seen(db_.get(), "INSERT OR IGNORE INTO plays_seen (id, at) VALUES (?, ?)");
        seen.bind({r["id"].get<std::string>(), i64(now)});
        if (!seen.run() || sqlite3_changes(db_.get()) == 0) continue;  // counted before
        const std::string day = r["start"].get<std::string>().substr(0, 10);
        const double seconds = r.contains("seconds") && r["seconds"].is_number() ? r["seconds"].get<double>() : 0.0;
        std::string item = r["item"].get<std::string>();
        if (r.value("standing", false)) item = "(standing)";
        Statement(db_.get(),
                  "INSERT INTO plays (screen, item, day, plays, seconds) VALUES (?, ?, ?, 1, ?) "
                  "ON CONFLICT(screen, item, day) DO UPDATE SET plays = plays + 1, seconds = seconds + excluded.seconds")
            .bind({screen, item, day, seconds})
            .run();
        ++added;
    }
    Statement(db_.get(), "COMMIT").run();
    return added;
}

std::vector<PlaysRow> Store::plays(const std::string& screen, const std::string& item, const std::string& from_day,
                                   const std::string& until_day, int limit) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT screen, item, day, plays, seconds FROM plays WHERE (?1 = '' OR screen = ?1) AND (?2 = '' OR item = ?2) "
                 "AND (?3 = '' OR day >= ?3) AND (?4 = '' OR day <= ?4) ORDER BY day DESC, screen, item LIMIT ?5");
    st.bind({screen, item, from_day, until_day, std::int64_t{limit}});
    std::vector<PlaysRow> out;
    while (st.step() == SQLITE_ROW) out.push_back({st.text(0), st.text(1), st.text(2), st.integer(3), st.real(4)});
    return out;
}

void Store::prune(std::time_t now) {
    std::lock_guard lock(mutex_);
    char day[16];
    const std::time_t old = now - 400 * 86400;
    std::tm tm{};
    gmtime_r(&old, &tm);
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    Statement(db_.get(), "DELETE FROM plays WHERE day < ?").bind({std::string(day)}).run();
    Statement(db_.get(), "DELETE FROM plays_seen WHERE at < ?").bind({i64(now - 8 * 86400)}).run();
    Statement(db_.get(), "DELETE FROM sessions WHERE expires < ?").bind({i64(now)}).run();
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

void Store::set_playlist(const PublishedPlaylist& p) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT OR REPLACE INTO playlists (scope, playlist, gen, at, by) VALUES (?, ?, ?, ?, ?)")
        .bind({p.scope, dumped(p.playlist), static_cast<std::int64_t>(p.gen), i64(p.at), p.by})
        .run();
}

void Store::add_notice(const NoticeRecord& n) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(),
              "INSERT OR REPLACE INTO notices (id, scope, text, title, until, interrupt, urgent, by, published, cleared) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
        .bind({n.id, n.scope, n.text, n.title, i64(n.until), std::int64_t{n.interrupt}, std::int64_t{n.urgent}, n.by,
               i64(n.published)})
        .run();
}

void Store::clear_notice(const std::string& id, const std::string& scope, std::time_t at) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "UPDATE notices SET cleared = ? WHERE id = ? AND scope = ?").bind({i64(at), id, scope}).run();
}

std::vector<NoticeRecord> Store::notices(std::time_t now, bool all) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), all ? "SELECT id, scope, text, title, until, interrupt, urgent, by, published FROM notices "
                                  "WHERE ? >= 0 ORDER BY published DESC LIMIT 5000"
                                : "SELECT id, scope, text, title, until, interrupt, urgent, by, published FROM notices "
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
        out.push_back(std::move(n));
    }
    return out;
}

std::int64_t Store::add_pending(const PendingChange& c) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "INSERT INTO pending (kind, scope, before, after, author, state, created) VALUES (?, ?, ?, ?, ?, 'pending', ?)");
    st.bind({c.kind, c.scope, dumped(c.before), dumped(c.after), c.author, i64(c.created)});
    if (!st.run()) return 0;
    return sqlite3_last_insert_rowid(db_.get());
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

void Store::decide(std::int64_t id, const std::string& state, const std::string& by, const std::string& reason, std::time_t at) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "UPDATE pending SET state = ?, decided_by = ?, reason = ?, decided = ? WHERE id = ? AND state = 'pending'")
        .bind({state, by, reason, i64(at), id})
        .run();
}

void Store::audit(const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    Statement(db_.get(), "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)")
        .bind({i64(e.at), e.user, e.address, e.action, e.target, e.detail})
        .run();
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
