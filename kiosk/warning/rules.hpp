#pragma once
// The office's rules for official warnings (an admin edits them on the console's 预警 page)
// and what becomes of each message under them: pure functions of the message, the rules,
// the time and what the office already did. The console (console/warning_desk) stores and
// publishes; nothing here reads a clock, a file or the network.
//
// The rules as JSON (stored by the console; "warning-rules/1"):
//   {"format": "warning-rules/1",
//    "regions": [{"code": "2201", "scopes": ["all"]},            // GB/T 2260 prefix: 2 digits a
//                {"code": "220102", "scopes": ["group/nanguan"]}], // province, 4 a city, 6 a district
//    "statuses": {"Actual": "publish", "Exercise": "test", "Test": "test", "System": "ignore"},
//    "test_scopes": ["group/test"],        // the screens marked as test: where "test" publishes
//    "levels": {"red": "publish", "orange": "publish", "yellow": "publish", "blue": "approve",
//               "none": "approve"},        // publish at once | approve (waits on the 预警 page) | ignore
//    "title": "headline"}                  // "headline": the message's own headline when it has
//                                          // one, else "{sender}发布{event}{level}预警"; or a
//                                          // template with {sender} {event} {level} {area}
// Defaults (no rules saved): no regions (nothing publishes until an admin maps the city's
// code — the page says so), Actual publish, Exercise/Test test, System ignore, levels as above.
// Budgets: 200 regions, 50 scopes each, 20 test scopes, title 60 characters, 64 KiB of JSON.
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "fleet/notice.hpp"
#include "warning/cap.hpp"

namespace kiosk::warning {

enum class Action { publish, approve, ignore, test };  // "publish", "approve", "ignore", "test" (statuses only)

struct RegionRule {
    std::string code;                 // 2, 4 or 6 digits (9 or 12 for a township or village)
    std::vector<std::string> scopes;  // fleet scope strings: "all", "group/…", "screen/…"
};

struct Rules {
    std::vector<RegionRule> regions;
    std::map<MsgStatus, Action> statuses;  // every status present after parse_rules
    std::vector<std::string> test_scopes;
    std::map<Level, Action> levels;        // every level present after parse_rules
    std::string title = "headline";
};

Rules default_rules();
// Checked: every error in Chinese naming the rule, e.g. "第 2 条地区规则：地区代码“22x1”不对，
// 应为 2、4、6、9 或 12 位数字". Scopes are checked for form (fleet::Scope::parse), not existence.
Result<Rules> parse_rules(const nlohmann::json& j);
nlohmann::json rules_json(const Rules& rules);

// The scopes a message goes to: every rule whose code prefixes one of the message's region
// codes (a province rule covers its cities), deduplicated, in rule order.
std::vector<std::string> mapped_scopes(const Message& m, const Rules& rules);

// The notice title: e.g. 长春市气象台发布暴雪橙色预警.
std::string warning_title(const Message& m, const Rules& rules);

// The notice id for a warning: stable across its Updates (the first message's identifier,
// made topic-safe: config::topic_safe_name), at most 64 characters, prefixed "yj-".
std::string notice_id_for(const std::string& first_identifier);

// What the office already did with an identifier (console's record of it).
struct Known {
    std::string identifier;
    std::string notice_id;            // the notice it became ("" if none was published)
    std::vector<std::string> scopes;  // where that notice is
    bool published = false;           // on screens now (not cancelled, not expired)
    bool waiting = false;             // waiting for approval
};

// What to do with one message.
struct Decision {
    enum class Kind {
        publish,    // publish `notice` as `notice_id` to `scopes` (an Alert, or an Update of a
                    // published one: same notice_id, the publisher makes a newer generation)
        approve,    // keep it waiting for approval (the same publish once approved)
        cancel,     // take `notice_id` off `scopes` (a Cancel of a published one, or an Update
                    // whose new version maps nowhere)
        ignore,     // nothing (duplicate, expired, status or level ignored, outside every region,
                    // Ack/Error); `reason` says why
    } kind = Kind::ignore;
    std::string reason;       // Chinese, for the 预警 page and the audit log, e.g.
                              // "已过期（有效期到 12月7日 18:00）", "同一条消息已收到过",
                              // "不在本单位的地区范围（地区代码 110101）"
    std::string notice_id;
    std::vector<std::string> scopes;
    fleet::NoticeBody notice;  // title, text (description + instruction), until = expires (or
                               // sent + 24 h when none), level; 橙/红 or Extreme/Severe:
                               // mode interrupt in the urgent style; the rest: mode ticker
    std::vector<std::string> replaces;  // identifiers this message supersedes or cancels
};

// `known(identifier)`: the office's record of a message it received before, if any.
// `zone`: the office's time zone, for the reasons' times.
Decision decide(const Message& m, const Rules& rules, std::time_t now,
                const std::function<std::optional<Known>(const std::string& identifier)>& known,
                const std::string& zone);

}  // namespace kiosk::warning
