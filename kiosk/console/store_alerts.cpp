// The store's alerts: the rules an admin set, every alert raised and cleared, and each
// delivery of its messages to each channel with its attempts — every change with its audit
// entry in one transaction.
#include "console/store.hpp"
#include "console/store_sql.hpp"

namespace kiosk::console {

namespace {

AlertDelivery delivery_row(const Statement& q) {
    AlertDelivery d;
    d.id = q.integer(0);
    d.alert = q.integer(1);
    d.channel = q.text(2);
    d.event = q.text(3);
    d.title = q.text(4);
    d.text = q.text(5);
    d.attempts = static_cast<int>(q.integer(6));
    d.created_at = static_cast<std::time_t>(q.integer(7));
    d.next_at = static_cast<std::time_t>(q.integer(8));
    d.delivered_at = static_cast<std::time_t>(q.integer(9));
    d.last_error = q.text(10);
    d.rule = q.text(11);
    d.screen = q.text(12);
    return d;
}

constexpr const char* kDeliveryColumns =
    "SELECT id, alert, channel, event, title, text, attempts, created_at, next_at, delivered_at, last_error, rule, screen FROM alert_deliveries ";

}  // namespace

std::vector<nlohmann::json> Store::alert_rules() {
    std::lock_guard lock(mutex_);
    std::vector<nlohmann::json> out;
    Statement q(db_.get(), "SELECT rule FROM alert_rules ORDER BY kind");
    while (q.step() == SQLITE_ROW)
        if (auto j = parsed(q.text(0)); j.is_object()) out.push_back(std::move(j));
    return out;
}

Status Store::set_alert_rule(const std::string& kind, const nlohmann::json& rule, const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    return in_transaction(db, "alert rules", [&]() -> Status {
        if (auto st = wrote(Statement(db, "INSERT INTO alert_rules (kind, rule, by, at) VALUES (?, ?, ?, ?) "
                                          "ON CONFLICT(kind) DO UPDATE SET rule = excluded.rule, by = excluded.by, at = excluded.at")
                                .bind({kind, dumped(rule), e.user, i64(e.at)}),
                            "alert rules");
            !st)
            return st;
        return add_audit(db, e);
    });
}

Result<std::int64_t> Store::record_alert(const AlertChange& c, const std::vector<std::string>& channels, const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    std::int64_t id = c.alert;
    auto st = in_transaction(db, "alerts", [&]() -> Status {
        if (c.event == "raised") {
            if (auto w = wrote(Statement(db, "INSERT INTO alerts (rule, screen, since, raised_at, text) VALUES (?, ?, ?, ?, ?)")
                                   .bind({c.rule, c.screen, i64(c.since), i64(c.at), c.text}),
                               "alerts");
                !w)
                return w;
            id = sqlite3_last_insert_rowid(db);
        } else if (c.event == "reminder") {
            if (auto w = wrote(Statement(db, "UPDATE alerts SET last_reminded = ? WHERE id = ?").bind({i64(c.at), c.alert}), "alerts"); !w)
                return w;
        } else if (c.event == "recovered") {
            // Cleared once: a second recovery of the same alert writes nothing.
            if (auto w = wrote(Statement(db, "UPDATE alerts SET cleared_at = ?, recovery_text = ? WHERE id = ? AND cleared_at = 0")
                                   .bind({i64(c.at), c.text, c.alert}),
                               "alerts");
                !w)
                return w;
            if (sqlite3_changes(db) == 0) return make_error("alert " + std::to_string(c.alert) + " is not open");
        }
        for (const auto& channel : channels)
            if (auto w = wrote(Statement(db, "INSERT INTO alert_deliveries (alert, channel, rule, screen, event, title, text, created_at, next_at) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                                   .bind({id, channel, c.rule, c.screen, c.event, c.title, c.text, i64(c.at), i64(c.at)}),
                               "alert deliveries");
                !w)
                return w;
        AuditEntry entry = e;
        if (c.event == "raised") entry.detail = c.text;
        return add_audit(db, entry);
    });
    if (!st) return st.error();
    return id;
}

std::vector<AlertRecord> Store::alerts(bool open, int limit) {
    std::lock_guard lock(mutex_);
    std::vector<AlertRecord> out;
    Statement q(db_.get(), open ? "SELECT id, rule, screen, since, raised_at, cleared_at, last_reminded, text, recovery_text FROM alerts "
                                  "WHERE cleared_at = 0 ORDER BY id LIMIT ?"
                                : "SELECT id, rule, screen, since, raised_at, cleared_at, last_reminded, text, recovery_text FROM alerts "
                                  "WHERE cleared_at != 0 ORDER BY cleared_at DESC, id DESC LIMIT ?");
    q.bind({std::int64_t{limit}});
    while (q.step() == SQLITE_ROW)
        out.push_back({q.integer(0), q.text(1), q.text(2), static_cast<std::time_t>(q.integer(3)), static_cast<std::time_t>(q.integer(4)),
                       static_cast<std::time_t>(q.integer(5)), static_cast<std::time_t>(q.integer(6)), q.text(7), q.text(8)});
    return out;
}

std::vector<AlertDelivery> Store::deliveries_of(std::int64_t alert, int limit) {
    std::lock_guard lock(mutex_);
    std::vector<AlertDelivery> out;
    Statement q(db_.get(), (std::string(kDeliveryColumns) + "WHERE alert = ? ORDER BY id DESC LIMIT ?").c_str());
    q.bind({alert, std::int64_t{limit}});
    while (q.step() == SQLITE_ROW) out.push_back(delivery_row(q));
    return out;
}

std::vector<AlertDelivery> Store::due_deliveries(std::time_t now, int limit) {
    std::lock_guard lock(mutex_);
    std::vector<AlertDelivery> out;
    Statement q(db_.get(), (std::string(kDeliveryColumns) + "WHERE delivered_at = 0 AND next_at > 0 AND next_at <= ? ORDER BY next_at, id LIMIT ?").c_str());
    q.bind({i64(now), std::int64_t{limit}});
    while (q.step() == SQLITE_ROW) out.push_back(delivery_row(q));
    return out;
}

Status Store::delivery_attempted(std::int64_t id, bool ok, const std::string& detail, std::time_t at, std::time_t next_at,
                                 const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    return in_transaction(db, "alert deliveries", [&]() -> Status {
        Statement up(db, ok ? "UPDATE alert_deliveries SET attempts = attempts + 1, delivered_at = ?, last_error = ? WHERE id = ?"
                            : "UPDATE alert_deliveries SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?");
        up.bind({ok ? i64(at) : i64(next_at), ok ? std::string() : detail, id});
        if (auto w = wrote(up, "alert deliveries"); !w) return w;
        return add_audit(db, e);
    });
}

Status Store::prune_alerts(std::time_t now) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    return in_transaction(db, "alerts", [&]() -> Status {
        const std::int64_t old = i64(now - 400 * 86400), old_tests = i64(now - 90 * 86400);
        if (auto st = wrote(Statement(db, "DELETE FROM alert_deliveries WHERE alert IN (SELECT id FROM alerts WHERE cleared_at != 0 AND cleared_at < ?)")
                                .bind({old}),
                            "alert deliveries");
            !st)
            return st;
        if (auto st = wrote(Statement(db, "DELETE FROM alert_deliveries WHERE alert = 0 AND created_at < ?").bind({old_tests}), "alert deliveries");
            !st)
            return st;
        return wrote(Statement(db, "DELETE FROM alerts WHERE cleared_at != 0 AND cleared_at < ?").bind({old}), "alerts");
    });
}

}  // namespace kiosk::console
