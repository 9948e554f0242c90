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
// code — the page says so), Actual publish, Exercise/Test test, System ignore, Draft ignore
// (CAP: not actionable), levels as above. A status or level left out of the JSON keeps its
// default. Status "test": the message goes at once to test_scopes (level rules not applied),
// only when its region maps.
// Budgets: 200 regions, 50 scopes each, 20 test scopes, title 60 characters, 64 KiB of JSON.
//
// Region codes (GB/T 2260; docs/warnings.md, Mapping rules): a code is the area it names, written
// at its own length or padded with zeros: "22" = "2200" = "220000" (吉林省), "2201" =
// "220100" (长春市), "220102" = "220102000" = "220102000000" (南关区). A rule and a
// message's region code match when one area contains the other: a province rule covers
// its cities', districts' and townships' messages, and a city-wide message (220100, or
// 220000 for the whole province) reaches the rules of the districts inside it. Message
// codes may have 6, 9 or 12 digits. Codes that name no area (000000) match nothing.
#include <cstddef>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "fleet/notice.hpp"
#include "warning/cap.hpp"

namespace kiosk::warning {

enum class Action { publish, approve, ignore, test };  // "publish", "approve", "ignore", "test" (statuses only)
const char* action_name(Action a);

inline constexpr std::size_t kMaxRuleRegions = 200;
inline constexpr std::size_t kMaxRuleScopes = 50;        // per region rule
inline constexpr std::size_t kMaxTestScopes = 20;
inline constexpr std::size_t kMaxRuleTitleChars = 60;    // the title setting (template)
inline constexpr std::size_t kMaxRulesBytes = 64 * 1024;  // the rules as JSON text
inline constexpr std::size_t kMaxWarningTitleChars = 100;  // a built title (fleet notices' limit)
// A notice's end when the message gives no expiry: effective (else sent) + 24 h; never
// more than 7 days after the decision, whatever the message says.
inline constexpr std::time_t kDefaultWarningSeconds = 24 * 3600;
inline constexpr std::time_t kMaxWarningSeconds = 7 * 24 * 3600;

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
// Several errors are joined with "；" (at most 5 named, then how many more). Unknown keys
// are errors (a misspelt "scope" would otherwise silently map nothing).
Result<Rules> parse_rules(const nlohmann::json& j);
// The same from JSON text (as stored, or as posted): the size checked before parsing.
Result<Rules> parse_rules_text(std::string_view text);
nlohmann::json rules_json(const Rules& rules);

// The area a GB/T 2260 code names, as its shortest prefix: "220000" → "22", "220100" →
// "2201", "220102000000" → "220102"; "" when it is not 2, 4, 6, 9 or 12 digits.
std::string region_prefix(std::string_view code);
// Whether a rule's code and a message's code match (one area contains the other).
bool region_matches(std::string_view rule_code, std::string_view message_code);

// The scopes a message goes to: every rule whose code matches one of the message's region
// codes (region_matches: a province rule covers its cities, a city-wide message reaches a
// district's rule), deduplicated, in rule order.
std::vector<std::string> mapped_scopes(const Message& m, const Rules& rules);

// The notice title: e.g. 长春市气象台发布暴雪橙色预警. {sender} is the sender's name
// (else its address or code), {event} the event without a trailing 预警, {level} 蓝色…红色
// ("" for none), {area} the areas' names joined with 、 (the first 3, then 等). One line,
// at most kMaxWarningTitleChars characters.
std::string warning_title(const Message& m, const Rules& rules);

// The notice text: the description, then the instruction as its own paragraph (防御指南：…),
// one paragraph a line, at most config::kMaxInlineTextChars characters (cut after a
// sentence's end, marked …). The title when the message has neither.
std::string warning_text(const Message& m);

// The notice id for a warning: stable across its Updates (the first message's identifier,
// made topic-safe: config::topic_safe_name), at most 64 characters, prefixed "yj-".
// An identifier that is topic-safe and short enough is kept as it is ("yj-" + identifier);
// any other (characters replaced by _, or cut) ends with "-" and 12 hex digits of a hash of
// the whole identifier, and so does one that merely looks like that: two identifiers
// share an id only if their 48-bit hashes do.
std::string notice_id_for(const std::string& first_identifier);

// What the office already did with an identifier (console's record of it).
struct Known {
    std::string identifier;
    std::string notice_id;            // the notice it became ("" if none was published)
    std::vector<std::string> scopes;  // where that notice is
    bool published = false;           // on screens now (not cancelled, not expired)
    bool waiting = false;             // waiting for approval
    // The console records a waiting message's Decision.notice_id here too (the id it will
    // become); when it is "", notice_id_for(identifier) is assumed.
};

// What to do with one message.
struct Decision {
    enum class Kind {
        publish,    // publish `notice` as `notice_id` to `scopes` (an Alert, or an Update of a
                    // published one: same notice_id, the publisher makes a newer generation)
        approve,    // keep it waiting for approval (the same publish once approved)
        cancel,     // take `notice_id` off `scopes` (a Cancel of a published one, or an Update
                    // whose new version maps nowhere, is ignored by level, or has expired).
                    // A Cancel of one still waiting for approval: kind cancel with `scopes`
                    // empty (nothing is on screens) — the identifiers in `replaces` leave the
                    // approval queue.
        ignore,     // nothing (duplicate, expired, status or level ignored, outside every region,
                    // Ack/Error); `reason` says why
    } kind = Kind::ignore;
    std::string reason;       // Chinese, for the 预警 page and the audit log, e.g.
                              // "已过期（有效期到 12月7日 18:00）", "同一条消息已收到过",
                              // "不在本单位的地区范围（地区代码 110101）"
    std::string notice_id;
    std::vector<std::string> scopes;
    fleet::NoticeBody notice;  // title, text (description + instruction), until = expires (or
                               // effective, else sent, + 24 h when none; at most
                               // 7 days from now), level; 橙/红 or Extreme/Severe:
                               // mode interrupt in the urgent style; the rest: mode ticker
    std::vector<std::string> replaces;  // identifiers this message supersedes or cancels
    // publish (an Update): scopes the replaced notice was on that the new version no longer
    // covers — take `notice_id` off them. Empty otherwise.
    std::vector<std::string> withdraw_scopes;
};

// `known(identifier)`: the office's record of a message it received before, if any.
// `zone`: the office's time zone, for the reasons' times.
// In order (docs/warnings.md, Mapping rules): Ack/Error ignored; an identifier already known ignored;
// status ignore → ignored. Cancel (no expiry check): of a published one → cancel on its
// scopes; of a waiting one → cancel without scopes; else ignored. Update of a published one
// (the last published of its references): publish with the same notice_id (no approval
// asked again; withdraw_scopes where it no longer applies), or cancel on the old scopes when
// the new version expired, maps nowhere or its level is ignored. Alert, or Update of a
// waiting or unknown one (an Update of a waiting one keeps its notice_id and replaces it,
// or drops it — cancel without scopes — when the new version would not be published):
// expired, unmapped or level ignore → ignored; status test → publish to test_scopes;
// status or level approve → approve; else publish.
Decision decide(const Message& m, const Rules& rules, std::time_t now,
                const std::function<std::optional<Known>(const std::string& identifier)>& known,
                const std::string& zone);

}  // namespace kiosk::warning
