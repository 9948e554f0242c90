#pragma once
// The office's 预警 desk (issue 29): official warnings (CAP 1.2 / GB/T 35965.1, warning/cap.hpp)
// taken in from configured feeds and a drop folder, decided by the admin's rules
// (warning/rules.hpp) and published through the office's publisher as signed fleet notices:
// an Alert becomes a notice (橙/红: urgent style, interrupting once, then in turn until it
// expires; 蓝/黄: the ticker), an Update replaces it (same notice id, newer generation), a
// Cancel takes it off everywhere, a duplicate or an expired message is never published, and
// a level the rules send to approval waits on the 预警 page. Every step is in the audit log
// with the message's identifier and sender (user "(warnings)": the 操作日志 says 预警系统).
// A malformed, oversized or hostile message is logged and listed with its reason, never published.
//
// console.json:
//   "warnings": {"feeds": [{"name": "吉林省突发事件预警信息发布中心", "url": "https://…/cap.xml",
//                           "every_seconds": 60}],          // at least 30
//                "drop_folder": "/var/lib/kiosk-console/warnings-in"}   // optional
// Feeds are fetched with net/fetcher (conditional GET, the office kiosk.json's budgets and
// allowlist); the drop folder is read every few seconds: each *.xml file is taken in and
// moved to its done/ (or bad/) subfolder, so a file is taken once.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "warning/rules.hpp"

namespace kiosk::console {

class Store;
class Service;
struct Actor;
struct Outcome;

// The audit log's user for what the desk did by itself.
inline constexpr const char* kWarningsUser = "(warnings)";

struct WarningFeed {
    std::string name;  // what the page calls it
    std::string url;
    int every_seconds = 60;
};
struct WarningSettings {
    std::vector<WarningFeed> feeds;
    std::filesystem::path drop_folder;  // empty: none
};
// console.json's "warnings" (absent: none). Errors name the key, in English (an IT file).
Result<WarningSettings> parse_warning_settings(const nlohmann::json& j, const std::filesystem::path& base);

class WarningDesk {
public:
    WarningDesk(WarningSettings settings, std::string zone, Store& store, Service& service,
                std::chrono::milliseconds tick = std::chrono::seconds(2));
    ~WarningDesk();  // stops the thread and joins it
    WarningDesk(const WarningDesk&) = delete;
    WarningDesk& operator=(const WarningDesk&) = delete;

    // Added by intake: the office kiosk.json's network rules the feeds are fetched under
    // (network.allowed_hosts, ca_file, proxy); call before start(). Without: no host allowed.
    void use_network(std::vector<std::string> allowed_hosts, std::string ca_file, std::string proxy);

    void start();  // the thread: feeds polled at their pace, the drop folder read, expiries noted

    // One message's bytes from `source` ("feed:NAME" or "file:NAME"), at `now`: parsed,
    // recorded, decided and acted on. What became of it, in Chinese.
    std::string take(const std::string& xml, const std::string& source, std::time_t now);

    // GET /api/warnings: the page's whole state. Shape (the front end reads exactly this):
    //   {"feeds": [{"name", "url", "every_seconds", "last_poll", "last_ok" (local times
    //              "2026-12-07 06:10:00" or ""), "problem" (Chinese, "" when well), "taken": N}],
    //    "drop_folder": {"path", "problem"} or null,
    //    "messages": [{"id": ROW, "identifier", "sender", "sender_name", "source_words",
    //                  "sent", "received", "expires" (local times or ""),
    //                  "type", "type_words" (发布|更新|解除|确认|错误),
    //                  "status", "status_words" (正式|演练|测试|系统|草稿),
    //                  "event", "level", "level_words" (红色|橙色|黄色|蓝色|""),
    //                  "severity", "headline", "description", "areas" (e.g. "长春市（220100）"),
    //                  "state", "state_words", "reason", "notice_id",
    //                  "scopes": [{"scope", "name"}], "can_decide": bool}]   // newest first, at most 200
    //    "waiting": N,                           // messages waiting for approval
    //    "rules": RULES_JSON, "rules_saved_by": "", "rules_saved_at": ""}
    // states: published 已发布 | waiting 等待审核 | cancelled 已解除 | replaced 已更新 |
    //         expired 已过期 | ignored 未发布 | refused 格式错误 | rejected 不发布（审核）
    nlohmann::json overview(std::time_t now, const std::string& viewer_role);
    // The admin's rules, checked (warning::parse_rules), stored and audited (warning_rules).
    Outcome save_rules(const Actor& who, const nlohmann::json& rules);
    // A waiting message: published as decided (approvers and admins), or not, with a reason.
    Outcome approve(const Actor& who, std::int64_t id);
    Outcome reject(const Actor& who, std::int64_t id, const std::string& reason);
    std::size_t waiting_count();

private:
    void run();
    struct State;
    std::unique_ptr<State> state_;
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace kiosk::console
