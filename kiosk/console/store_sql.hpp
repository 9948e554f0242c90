#pragma once
// The store's SQL helpers, shared by its files (store.cpp: accounts, sessions, screens,
// playlists, notices, approvals, the journal and the log; store_records.cpp: plays and
// receipts). Internal to console/: only the store's files include it (and with it sqlite3.h).
#include <sqlite3.h>

#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "base/result.hpp"
#include "console/store.hpp"  // AuditEntry

namespace kiosk::console {

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

inline std::int64_t i64(std::time_t t) { return static_cast<std::int64_t>(t); }

// A write that must land: its error names the table and SQLite's reason.
inline Status wrote(Statement& st, const char* what) {
    if (!st.ok() || !st.run()) return make_error(std::string("the console's database: cannot write ") + what + " (" + st.error() + ")");
    return Ok{};
}
inline Status wrote(Statement&& st, const char* what) { return wrote(st, what); }

inline nlohmann::json parsed(const std::string& text) {
    if (text.empty()) return nullptr;
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

inline std::string dumped(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// BEGIN IMMEDIATE … COMMIT around `work`; anything failing rolls back the whole.
template <typename F>
Status in_transaction(sqlite3* db, const char* what, F&& work) {
    if (auto st = wrote(Statement(db, "BEGIN IMMEDIATE"), what); !st) return st;
    Status st = work();
    if (st) st = wrote(Statement(db, "COMMIT"), what);
    if (!st) Statement(db, "ROLLBACK").run();
    return st;
}

// One audit entry written (inside the caller's transaction).
inline Status add_audit(sqlite3* db, const AuditEntry& e) {
    return wrote(Statement(db, "INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)")
                     .bind({i64(e.at), e.user, e.address, e.action, e.target, e.detail}),
                 "the audit log");
}

}  // namespace kiosk::console
