#pragma once
// The 操作日志 in words a clerk reads: what a playlist edit changed (第 2 项「办事指南」时段
// 08:30-12:00 → 08:30-17:00; 新增第 3 项「…」; 删除「…」), the actions' Chinese names, and
// old entries (English phrases, raw JSON diffs — the log is append-only, they stay as
// written) rendered readably when shown. Pure: no store, no server.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "console/names.hpp"
#include "console/store.hpp"

namespace kiosk::console {

// What changed from `before` to `after` (playlists as published: {"version", "items"}; null
// before the first publication), one line per change, in the after list's numbering: items
// added, removed, moved, and per kept item its title, time slots, weekdays, dates, seconds
// per page, kind, source, text, on/off. "没有改动" when nothing did. At most 60 lines.
std::string playlist_change_summary(const nlohmann::json& before, const nlohmann::json& after);

// 登录, 发布节目单, 批准, 退回, …; an action this build does not know, as written.
std::string action_name(const std::string& action);
// Every action with its name, for the page's filter (in the order the page lists them).
nlohmann::json action_names();

// Who and from where for people: the command line's entries (kiosk-console adduser) as
// 命令行 / 本机; anyone else as recorded.
std::string audit_user_words(const std::string& user);
std::string audit_address_words(const std::string& address);
// The entry's object for people: a scope by its name (DisplayNames), 通知, a setting's name.
std::string audit_target_words(const AuditEntry& e, const DisplayNames& names);
// The entry's details for people. `item_name` names an item id (a notice taken down by an
// old entry that only kept its id). A raw JSON diff from before the summaries is not
// shown: it says 节目单有改动（旧记录） and the diff goes to `raw_diff` when asked for.
std::string audit_detail_words(const AuditEntry& e, const std::function<std::string(const std::string&)>& item_name,
                               std::string* raw_diff = nullptr);

}  // namespace kiosk::console
