// The store's records of what screens did: proof of play (pages, whole showings, the title
// as filed) and receipts (every screen's ack of a publication a clerk follows).
#include "console/store.hpp"
#include "console/store_sql.hpp"

#include <algorithm>

namespace kiosk::console {

int completes_showing(const nlohmann::json& r) {
    if (r.value("standing", false)) return 0;
    if (r.contains("complete") && r["complete"].is_boolean()) return r["complete"].get<bool>() ? 1 : 0;
    // A screen from before showings were reported: its last page (when it says how many),
    // else its first, stands for a showing.
    const int page = r.contains("page") && r["page"].is_number_integer() ? r["page"].get<int>() : 0;
    if (r.contains("of") && r["of"].is_number_integer()) return page > 0 && page == r["of"].get<int>() ? 1 : 0;
    return page == 1 ? 1 : 0;
}

Result<int> Store::add_plays(const std::string& screen, const nlohmann::json& records, std::time_t now) {
    if (!records.is_array()) return 0;
    std::lock_guard lock(mutex_);
    if (auto st = wrote(Statement(db_.get(), "BEGIN IMMEDIATE"), "plays"); !st) return st.error();
    int added = 0;
    for (const auto& r : records) {
        if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || !r.contains("item") || !r["item"].is_string() ||
            !r.contains("start") || !r["start"].is_string())
            continue;
        Statement seen(db_.get(), "INSERT OR IGNORE INTO plays_seen (id, at) VALUES (?, ?)");
        seen.bind({r["id"].get<std::string>(), i64(now)});
        auto st = wrote(seen, "plays");
        if (st && sqlite3_changes(db_.get()) == 0) continue;  // counted before
        if (st) {
            const std::string day = r["start"].get<std::string>().substr(0, 10);
            const double seconds = r.contains("seconds") && r["seconds"].is_number() ? r["seconds"].get<double>() : 0.0;
            std::string item = r["item"].get<std::string>();
            if (r.value("standing", false)) item = "(standing)";
            const std::string title = r.contains("title") && r["title"].is_string() ? r["title"].get<std::string>() : "";
            st = wrote(Statement(db_.get(),
                                 "INSERT INTO plays (screen, item, day, plays, seconds, showings, title) VALUES (?, ?, ?, 1, ?, ?, ?) "
                                 "ON CONFLICT(screen, item, day) DO UPDATE SET plays = plays + 1, seconds = seconds + excluded.seconds, "
                                 "showings = COALESCE(showings, 0) + excluded.showings, "
                                 "title = CASE WHEN excluded.title = '' THEN title ELSE excluded.title END")
                           .bind({screen, item, day, seconds, std::int64_t{completes_showing(r)}, title}),
                       "plays");
        }
        if (!st) {
            Statement(db_.get(), "ROLLBACK").run();
            return st.error();
        }
        ++added;
    }
    if (auto st = wrote(Statement(db_.get(), "COMMIT"), "plays"); !st) {
        Statement(db_.get(), "ROLLBACK").run();
        return st.error();
    }
    return added;
}

std::vector<PlaysRow> Store::plays(const std::string& screen, const std::string& item, const std::string& from_day,
                                   const std::string& until_day, int limit) {
    PlaysQuery q;
    if (!screen.empty()) q.screens = std::vector<std::string>{screen};
    if (!item.empty()) q.items = std::vector<std::string>{item};
    q.from_day = from_day;
    q.until_day = until_day;
    q.limit = limit;
    return plays(q);
}

std::vector<PlaysRow> Store::plays(const PlaysQuery& q) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT screen, item, day, plays, seconds, title, showings FROM plays "
                 "WHERE (?1 = 0 OR screen IN (SELECT value FROM json_each(?2))) AND (?3 = 0 OR item IN (SELECT value FROM json_each(?4))) "
                 "AND (?5 = '' OR day >= ?5) AND (?6 = '' OR day <= ?6) ORDER BY day DESC, screen, item LIMIT ?7");
    st.bind({std::int64_t{q.screens.has_value()}, dumped(q.screens ? nlohmann::json(*q.screens) : nlohmann::json::array()),
             std::int64_t{q.items.has_value()}, dumped(q.items ? nlohmann::json(*q.items) : nlohmann::json::array()), q.from_day,
             q.until_day, std::int64_t{q.limit}});
    std::vector<PlaysRow> out;
    while (st.step() == SQLITE_ROW)
        out.push_back({st.text(0), st.text(1), st.text(2), st.integer(3), st.real(4), st.text(5), st.null(6) ? -1 : st.integer(6)});
    return out;
}

std::vector<std::pair<std::string, std::string>> Store::play_items() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT DISTINCT item, title FROM plays");
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step() == SQLITE_ROW) out.emplace_back(st.text(0), st.text(1));
    return out;
}

std::vector<std::string> Store::play_screens() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT DISTINCT screen FROM plays");
    std::vector<std::string> out;
    while (st.step() == SQLITE_ROW) out.push_back(st.text(0));
    return out;
}

namespace {
// A publication leaves the journal a day after it was sent: one not there was sent.
constexpr const char* kReceiptColumns =
    "SELECT id, key, gen, kind, scope, by, at, pending, logged, "
    "COALESCE((SELECT p.sent FROM publications p WHERE p.id = receipts.id), 1) FROM receipts ";
ReceiptRef read_receipt(Statement& st) {
    return {st.integer(0), st.text(1), st.text(3), st.text(4), st.text(5), static_cast<std::uint64_t>(st.integer(2)),
            static_cast<std::time_t>(st.integer(6)), st.integer(7), st.integer(8) != 0, st.integer(9) != 0};
}
}  // namespace

Status Store::add_ack(const std::string& screen, const std::string& key, std::uint64_t gen, const std::string& outcome,
                      const std::string& words, std::time_t at) {
    std::lock_guard lock(mutex_);
    // Only for a publication with a receipt: what a screen sends cannot grow the table past
    // the receipts times the screens.
    Statement st(db_.get(),
                 "INSERT OR REPLACE INTO acks (key, gen, screen, outcome, words, at) SELECT key, gen, ?, ?, ?, ? FROM receipts "
                 "WHERE key = ? AND (gen = ? OR (? = 0 AND gen = (SELECT MAX(gen) FROM receipts WHERE key = ?)))");
    st.bind({screen, outcome, words, i64(at), key, static_cast<std::int64_t>(gen), static_cast<std::int64_t>(gen), key});
    return wrote(st, "acks");
}

std::vector<AckRecord> Store::acks(const std::string& key, std::uint64_t gen) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT screen, gen, outcome, words, at FROM acks WHERE key = ? AND gen = ? ORDER BY screen LIMIT 10000");
    st.bind({key, static_cast<std::int64_t>(gen)});
    std::vector<AckRecord> out;
    while (st.step() == SQLITE_ROW)
        out.push_back({st.text(0), static_cast<std::uint64_t>(st.integer(1)), st.text(2), st.text(3), static_cast<std::time_t>(st.integer(4))});
    return out;
}

std::optional<ReceiptRef> Store::receipt(std::int64_t id) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kReceiptColumns) + "WHERE id = ?").c_str());
    st.bind({id});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return read_receipt(st);
}

std::optional<ReceiptRef> Store::latest_receipt(const std::string& key) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kReceiptColumns) + "WHERE key = ? ORDER BY gen DESC LIMIT 1").c_str());
    st.bind({key});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return read_receipt(st);
}

std::vector<ReceiptRef> Store::receipts_of_pending(std::int64_t pending) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kReceiptColumns) + "WHERE pending = ? ORDER BY id LIMIT 100").c_str());
    st.bind({pending});
    std::vector<ReceiptRef> out;
    while (st.step() == SQLITE_ROW) out.push_back(read_receipt(st));
    return out;
}

std::vector<ReceiptRef> Store::open_receipts() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), (std::string(kReceiptColumns) + "WHERE logged = 0 ORDER BY id LIMIT 500").c_str());
    std::vector<ReceiptRef> out;
    while (st.step() == SQLITE_ROW) out.push_back(read_receipt(st));
    return out;
}

Status Store::log_receipt(std::int64_t id, const AuditEntry& e) {
    std::lock_guard lock(mutex_);
    sqlite3* db = db_.get();
    if (auto st = wrote(Statement(db, "BEGIN IMMEDIATE"), "receipts"); !st) return st;
    Statement mark(db, "UPDATE receipts SET logged = 1 WHERE id = ? AND logged = 0");
    mark.bind({id});
    if (auto st = wrote(mark, "receipts"); !st) {
        Statement(db, "ROLLBACK").run();
        return st;
    }
    if (sqlite3_changes(db) == 1) {
        Statement add(db, "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)");
        add.bind({i64(e.at), e.user, e.address, e.action, e.target, e.detail});
        if (auto st = wrote(add, "the audit log"); !st) {
            Statement(db, "ROLLBACK").run();
            return st;
        }
    }
    return wrote(Statement(db, "COMMIT"), "receipts");
}

}  // namespace kiosk::console
