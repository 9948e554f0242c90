#pragma once
// An official warning message (预警信息) as the office receives it: OASIS CAP 1.2 XML
// (namespace urn:oasis:names:tc:emergency:cap:1.2), or the Chinese profile of GB/T
// 35965.1-2018 (应急信息交互协议 第1部分：预警信息), whose elements mirror CAP's. Parsed with
// libxml2 under the budgets below, checked before the work: no DTD, no entity expansion
// (an entity reference is refused, never expanded), no network, size, depth and element
// count. Pure: bytes in, a Message or a clear error (Chinese: the 预警 page shows it).
//
// The identifier of a GB/T 35965.1 message is ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N: the GB/T 2260
// 行政区划 code of the issuer (6 digits), 3-digit department, 3-digit unit, 2-digit sequence,
// the time sent, and a serial. CAP's identifier is any string without spaces, commas or <&.
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "warning/level.hpp"

namespace kiosk::warning {

inline constexpr std::size_t kMaxMessageBytes = 256 * 1024;  // one message, as read
inline constexpr int kMaxDepth = 16;                          // elements nested
inline constexpr std::size_t kMaxElements = 4000;             // elements in all
inline constexpr std::size_t kMaxInfos = 8;                   // <info> blocks (languages)
inline constexpr std::size_t kMaxAreas = 64;                  // <area> blocks, and region codes in all
inline constexpr std::size_t kMaxTextChars = 2000;            // description + instruction, in characters
inline constexpr std::size_t kMaxFieldChars = 500;            // any other text (headline, areaDesc…), in characters

enum class Profile { cap12, gbt35965 };
enum class MsgStatus { actual, exercise, system, test, draft };  // CAP <status>
enum class MsgType { alert, update, cancel, ack, error };        // CAP <msgType>
enum class Severity { extreme, severe, moderate, minor, unknown };

const char* status_name(MsgStatus s);   // "Actual", "Exercise", "System", "Test", "Draft" (CAP's spelling)
const char* type_name(MsgType t);       // "Alert", "Update", "Cancel", "Ack", "Error"
const char* severity_name(Severity s);  // "Extreme", "Severe", "Moderate", "Minor", "Unknown"

// A message another one refers to (CAP <references>: "sender,identifier,sent" triples).
struct Reference {
    std::string sender, identifier;
    std::time_t sent = 0;
};

struct Area {
    std::string description;                // <areaDesc>, e.g. 长春市
    std::vector<std::string> region_codes;  // GB/T 2260 codes (<geocode>, or the profile's own element), digits only
};

struct Message {
    Profile profile = Profile::cap12;
    std::string identifier;
    std::string sender;       // <sender> (an address or the issuer's code)
    std::string sender_name;  // <senderName> of the chosen <info>, e.g. 长春市气象台 (may be empty)
    std::time_t sent = 0;
    MsgStatus status = MsgStatus::actual;
    MsgType type = MsgType::alert;
    std::vector<Reference> references;  // what an Update or Cancel replaces or withdraws
    // From the chosen <info>: the one in zh-CN (or zh, or without language), else the first.
    std::string event;        // <event>, e.g. 暴雪
    Severity severity = Severity::unknown;
    // The Chinese level: from the profile's colour when the message says it (e.g. <severity>
    // Orange / 橙色, or an eventCode naming the colour), else from severity (Extreme 红,
    // Severe 橙, Moderate 黄, Minor 蓝, Unknown none).
    Level level = Level::none;
    std::string headline;     // e.g. 长春市气象台发布暴雪橙色预警
    std::string description;  // what is happening
    std::string instruction;  // what people should do (防御指南)
    std::time_t effective = 0;  // 0: not given (then `sent`)
    std::time_t expires = 0;    // 0: not given
    std::vector<Area> areas;
    // Every region code of every area, in order, without repeats.
    std::vector<std::string> region_codes() const;
};

// Parses one message. Errors say what and where in Chinese, e.g.
//   "预警消息第 12 行：缺少发布时间（sent）" or "预警消息有 300 KB，超过 256 KB 的上限，没有处理"
// or "预警消息里有实体引用（&xxx;），为安全起见没有处理". Times are CAP's
// 2026-12-07T06:10:00+08:00 (a zone is required); the profile's own spellings are accepted.
Result<Message> parse_message(std::string_view xml);

// A feed document: one message (<alert>), or a list of them (an Atom/RSS feed whose entries
// carry or link CAP, or a <alerts> wrapper — whichever the profile's platforms serve; the
// parser says which it reads). Each element is one message or the error of one entry: a
// malformed entry never hides the others. The same budgets apply to the whole document,
// and at most kMaxFeedMessages are read.
// Read (docs/warnings.md): a single <alert>; any root whose children are <alert>s; Atom
// <feed><entry> with the alert as elements in <content> or escaped as text there; RSS 2.0
// <rss><channel><item> with a <cap:alert> in the item or escaped in <description>. An entry
// that only links its CAP is an error naming the link (nothing is fetched here). Past
// kMaxFeedMessages, one last entry says how many were left unread.
inline constexpr std::size_t kMaxFeedMessages = 100;
inline constexpr std::size_t kMaxFeedBytes = 2 * 1024 * 1024;
struct FeedEntry {
    Result<Message> message;
    std::string source_hint;  // where in the feed, e.g. "第 3 条"
    std::string link;         // the entry's link (Atom <link href>, RSS <link>), "" if none:
                              // an entry that only links its CAP is an error naming the link
};
Result<std::vector<FeedEntry>> parse_feed(std::string_view xml);

// Whether an identifier has GB/T 35965.1's form ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N, and the
// issuer's 6-digit GB/T 2260 region code it starts with ("" when it has not that form).
bool gbt_identifier(std::string_view identifier);
std::string gbt_issuer_region(std::string_view identifier);

// A CAP dateTime (2026-12-07T06:10:00+08:00; GB/T 35965.1's "2026-12-07 06:10:00+08:00"
// with a space; Z; fractions of a second ignored) as a time_t, or nullopt: a time without
// a zone is refused, never guessed.
std::optional<std::time_t> parse_cap_time(std::string_view text);

}  // namespace kiosk::warning
