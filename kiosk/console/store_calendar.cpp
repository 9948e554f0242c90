// The store's 开放时间 (issue 28): per scope, the draft a clerk saved and what was published
// (record_intent writes the published side, with the publication, in one transaction).
#include "console/store.hpp"
#include "console/store_sql.hpp"

namespace kiosk::console {

std::optional<CalendarRecord> Store::calendar(const std::string& scope) {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(),
                 "SELECT draft, draft_by, draft_at, published, gen, published_at, published_by FROM calendars WHERE scope = ?");
    st.bind({scope});
    if (st.step() != SQLITE_ROW) return std::nullopt;
    CalendarRecord c;
    c.scope = scope;
    c.draft = st.null(0) ? nlohmann::json() : parsed(st.text(0));
    c.draft_by = st.text(1);
    c.draft_at = static_cast<std::time_t>(st.integer(2));
    c.published = st.null(3) ? nlohmann::json() : parsed(st.text(3));
    c.gen = static_cast<std::uint64_t>(st.integer(4));
    c.published_at = static_cast<std::time_t>(st.integer(5));
    c.published_by = st.text(6);
    return c;
}

std::vector<std::string> Store::calendar_scopes() {
    std::lock_guard lock(mutex_);
    Statement st(db_.get(), "SELECT scope FROM calendars ORDER BY scope");
    std::vector<std::string> out;
    while (st.step() == SQLITE_ROW) out.push_back(st.text(0));
    return out;
}

Status Store::save_calendar_draft(const std::string& scope, const nlohmann::json& draft, const std::string& by, std::time_t at) {
    std::lock_guard lock(mutex_);
    return wrote(Statement(db_.get(),
                           "INSERT INTO calendars (scope, draft, draft_by, draft_at) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT(scope) DO UPDATE SET draft = ?2, draft_by = ?3, draft_at = ?4")
                     .bind({scope, dumped(draft), by, i64(at)}),
                 "calendars");
}

}  // namespace kiosk::console
