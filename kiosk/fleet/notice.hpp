#pragma once
// A notice from the office (desired/SCOPE/notice/ID): its text inline, until when it
// plays, whether it interrupts the rotation, and its style. Its body is
//   {"text": "…", "title": "…", "until": UNIX-SECONDS, "interrupt": bool, "style": "urgent"|"normal"}
// or {"cleared": true} once the office takes it off. Pure: checked here, played by app/ as
// a playlist item of kind notice.
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/scope.hpp"

namespace kiosk::fleet {

// Notices in force at once for one scope, at the console and on each screen: routine ones,
// and urgent ones counted apart (a flood of routine notices never keeps out a warning).
inline constexpr std::size_t kMaxNoticesPerScope = 50;
inline constexpr std::size_t kMaxUrgentNoticesPerScope = 10;
// Why one more is refused, as a clerk reads it (the console shows a screen's reason).
std::string too_many_notices(const std::string& scope_label, std::size_t most, bool urgent);

struct NoticeBody {
    bool cleared = false;
    std::string text, title;
    std::time_t until = 0;
    bool interrupt = false;
    bool urgent = false;
    // Whether it cuts into the rotation at once: asked for, or urgent (an urgent notice
    // always does). Decided here only.
    bool interrupts() const { return interrupt || urgent; }
};

// The body checked: text present and within config::kMaxInlineTextChars, until in the
// future of `now`, known style. Errors are an ack's reason.
Result<NoticeBody> parse_notice_body(const nlohmann::json& body, std::time_t now);
nlohmann::json notice_body_json(const NoticeBody& notice);

// A notice in force on this screen: what arrived and when (its start: it interrupts once
// from then on).
struct FleetNotice {
    std::string scope, id;
    std::uint64_t gen = 0;
    std::time_t received = 0;
    NoticeBody body;
};
// The playlist item that plays it: kind notice, its text inline, from `received` until
// `until`; an urgent or interrupting notice interrupts at once.
config::PlaylistItem notice_item(const FleetNotice& notice);
// The item id of a fleet notice: "notice/ID@SCOPE".
std::string notice_item_id(const std::string& scope, const std::string& id);

}  // namespace kiosk::fleet
