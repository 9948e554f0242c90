// The store's official warnings (console/warning_desk): each message received with what
// became of it, the admin's rules, each feed's last poll — every change with its audit
// entries in one transaction.
#include "console/store.hpp"
#include "console/store_sql.hpp"

namespace kiosk::console {

namespace {

Status add_audits(sqlite3* db, const std::vector<AuditEntry>& entries) {
    for (const auto& e : entries)
        if (auto st = add_audit(db, e); !st) return st;
    return Ok{};
}

constexpr const char* kColumns =
    "SELECT id, identifier, sender, sender_name, sent, received, source, type, status, level, severity, event, headline, "
    "description, areas, region_codes, expires, refs, state, reason, notice_id, scopes, first_identifier, notice, until, raw_size, ";

WarningRecord warning_row(const Statement& q) {
    WarningRecord w;
    w.id = q.integer(0);
    w.identifier = q.text(1);
    w.sender = q.text(2);
    w.sender_name = q.text(3);
    w.sent = static_cast<std::time_t>(q.integer(4));
    w.received = static_cast<std::time_t>(q.integer(5));
    w.source = q.text(6);
    w.type = q.text(7);
    w.status = q.text(8);
    w.level = q.text(9);
    w.severity = q.text(10);
    w.event = q.text(11);
    w.headline = q.text(12);
    w.description = q.text(13);
    w.areas = q.text(14);
    w.region_codes = q.text(15);
    w.expires = static_cast<std::time_t>(q.integer(16));
    w.references = q.text(17);
    w.state = q.text(18);
    w.reason = q.text(19);
    w.notice_id = q.text(20);
    w.scopes = q.text(21);
    w.first_identifier = q.text(22);
    w.notice = q.null(23) ? nlohmann::json() : parsed(q.text(23));
    w.until = static_cast<std::time_t>(q.integer(24));
    w.raw_size = q.integer(25);
    w.raw = q.text(26);
    return w;
}

}  // namespace

Result<std::int64_t> Store::add_warning(const WarningRecord& w, const std::vector<AuditEntry>& audit) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    std::int64_t id = 0;
    auto st = in_transaction(db, "warnings", [&]() -> Status {
        Statement q(db,
                    "INSERT INTO warnings (identifier, sender, sender_name, sent, received, source, type, status, level, severity, event, "
                    "headline, description, areas, region_codes, expires, refs, state, reason, notice_id, scopes, first_identifier, "
                    "notice, until, raw, raw_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind({w.identifier, w.sender, w.sender_name, i64(w.sent), i64(w.received), w.source, w.type, w.status, w.level, w.severity,
                w.event, w.headline, w.description, w.areas, w.region_codes, i64(w.expires), w.references, w.state, w.reason,
                w.notice_id, w.scopes, w.first_identifier, w.notice.is_null() ? Value(nullptr) : Value(dumped(w.notice)), i64(w.until),
                w.raw, w.raw_size});
        if (auto s = wrote(q, "warnings"); !s) return s;
        id = sqlite3_last_insert_rowid(db);
        return add_audits(db, audit);
    });
    if (!st) return st.error();
    return id;
}

Status Store::set_warning_state(std::int64_t id, const std::string& state, const std::string& reason, const std::vector<AuditEntry>& audit) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    return in_transaction(db, "warnings", [&]() -> Status {
        if (auto s = wrote(Statement(db, "UPDATE warnings SET state = ?, reason = ? WHERE id = ?").bind({state, reason, id}), "warnings"); !s)
            return s;
        if (sqlite3_changes(db) == 0) return make_error("warning " + std::to_string(id) + " is not recorded");
        return add_audits(db, audit);
    });
}

std::optional<WarningRecord> Store::warning(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Statement q(db_.get(), (std::string(kColumns) + "raw FROM warnings WHERE id = ?").c_str());
    q.bind({id});
    if (q.step() != SQLITE_ROW) return std::nullopt;
    return warning_row(q);
}

std::optional<WarningRecord> Store::warning_by_identifier(const std::string& identifier) {
    if (identifier.empty()) return std::nullopt;
    std::lock_guard lock(mutex_);
    Statement q(db_.get(), (std::string(kColumns) + "'' FROM warnings WHERE identifier = ? AND state != 'refused' ORDER BY id LIMIT 1").c_str());
    q.bind({identifier});
    if (q.step() != SQLITE_ROW) return std::nullopt;
    return warning_row(q);
}

std::vector<WarningRecord> Store::warnings(int limit, const std::string& state) {
    std::lock_guard lock(mutex_);
    std::vector<WarningRecord> out;
    Statement q(db_.get(), (std::string(kColumns) + "'' FROM warnings WHERE ? = '' OR state = ? ORDER BY id DESC LIMIT ?").c_str());
    q.bind({state, state, std::int64_t{limit}});
    while (q.step() == SQLITE_ROW) out.push_back(warning_row(q));
    return out;
}

int Store::warnings_in_state(const std::string& state) {
    std::lock_guard lock(mutex_);
    Statement q(db_.get(), "SELECT COUNT(*) FROM warnings WHERE state = ?");
    q.bind({state});
    return q.step() == SQLITE_ROW ? static_cast<int>(q.integer(0)) : 0;
}

WarningRulesRecord Store::warning_rules() {
    std::lock_guard lock(mutex_);
    WarningRulesRecord r;
    Statement q(db_.get(), "SELECT rules, saved_by, saved_at FROM warning_rules WHERE one = 1");
    if (q.step() == SQLITE_ROW) {
        r.rules = parsed(q.text(0));
        r.saved_by = q.text(1);
        r.saved_at = static_cast<std::time_t>(q.integer(2));
    }
    return r;
}

Status Store::set_warning_rules(const nlohmann::json& rules, const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    return in_transaction(db, "warning rules", [&]() -> Status {
        if (auto s = wrote(Statement(db, "INSERT INTO warning_rules (one, rules, saved_by, saved_at) VALUES (1, ?, ?, ?) ON CONFLICT(one) DO "
                                         "UPDATE SET rules = excluded.rules, saved_by = excluded.saved_by, saved_at = excluded.saved_at")
                               .bind({dumped(rules), e.user, i64(e.at)}),
                           "warning rules");
            !s)
            return s;
        return add_audits(db, {e});
    });
}

std::vector<WarningFeedState> Store::warning_feeds() {
    std::lock_guard lock(mutex_);
    std::vector<WarningFeedState> out;
    Statement q(db_.get(), "SELECT name, url, etag, last_modified, problem, last_poll, last_ok, taken FROM warning_feeds ORDER BY name");
    while (q.step() == SQLITE_ROW)
        out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), static_cast<std::time_t>(q.integer(5)),
                       static_cast<std::time_t>(q.integer(6)), q.integer(7)});
    return out;
}

Status Store::set_warning_feed(const WarningFeedState& f) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(), "INSERT INTO warning_feeds (name, url, etag, last_modified, last_poll, last_ok, problem, taken) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET url = excluded.url, "
                                      "etag = excluded.etag, last_modified = excluded.last_modified, last_poll = excluded.last_poll, "
                                      "last_ok = excluded.last_ok, problem = excluded.problem, taken = excluded.taken")
                     .bind({f.name, f.url, f.etag, f.last_modified, i64(f.last_poll), i64(f.last_ok), f.problem, f.taken}),
                 "warning feeds");
}

}  // namespace kiosk::console
