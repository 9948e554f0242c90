#pragma once
// A notice from the office (desired/SCOPE/notice/ID): its text inline, until when it
// plays, how it meets the playlist (its mode), and its style. Its body is
//   {"text": "…", "title": "…", "until": UNIX-SECONDS, "mode": "hold"|"interrupt"|"turn",
//    "interrupt": bool, "style": "urgent"|"normal", "level": "blue"|"yellow"|"orange"|"red"}
// or {"cleared": true} once the office takes it off. Without "mode" (documents from before
// it), the mode is what "interrupt" and "style" said: interrupt when either asks, else turn.
// Pure: checked here, played by app/ as a playlist item of kind notice.
#include <ctime>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/scope.hpp"
#include "warning/level.hpp"

namespace kiosk::fleet {

// Notices in force at once for one scope, at the console and on each screen: routine ones,
// and urgent ones counted apart (a flood of routine notices never keeps out a warning).
inline constexpr std::size_t kMaxNoticesPerScope = 50;
inline constexpr std::size_t kMaxUrgentNoticesPerScope = 10;
// Why one more is refused, as a clerk reads it (the console shows a screen's reason).
std::string too_many_notices(const std::string& scope_label, std::size_t most, bool urgent);

// How a notice meets the playlist, in the clerk's words:
//   hold       紧急（一直显示，直到撤下或到期）: only notices that hold show, in turn, until
//              each is cleared or over; the playlist waits (always in the urgent style)
//   interrupt  插播（马上显示一次，之后与节目单轮流）: at once, then in turn
//   turn       轮播（排在节目单之后）: in turn, after the playlist's items
//   ticker     滚动字幕（在屏幕下方滚动，不占节目）: never a page; it runs in the ticker
//              band (issue 29) while the playlist plays on
enum class NoticeMode { hold, interrupt, turn, ticker };
const char* mode_name(NoticeMode mode);  // "hold", "interrupt", "turn", "ticker"
std::optional<NoticeMode> parse_mode(const std::string& name);
// What a document without "mode" means (as before modes existed): an urgent notice, or one
// asked to interrupt, interrupts once; the rest take their turn.
NoticeMode legacy_mode(bool interrupt, bool urgent);

struct NoticeBody {
    bool cleared = false;
    std::string text, title;
    std::time_t until = 0;
    // How it meets the playlist. Unset (a document from before modes, or code that sets only
    // the flags below): as before modes, legacy_mode(interrupt, urgent).
    std::optional<NoticeMode> mode;
    bool interrupt = false;  // before modes: asked to cut in when it arrives
    bool urgent = false;     // the urgent style (红色“紧急通知”横条); a hold always has it
    // An official warning's level (issue 29, warning/level.hpp): the urgent band and the
    // ticker's marker take its colour. kNone for an ordinary notice. "level" in the body.
    warning::Level level = warning::Level::none;
    NoticeMode how() const { return mode.value_or(legacy_mode(interrupt, urgent)); }
    // Whether it cuts into the rotation when it arrives (hold and interrupt do). Decided here only.
    bool interrupts() const { return how() == NoticeMode::hold || how() == NoticeMode::interrupt; }
    bool ticker() const { return how() == NoticeMode::ticker; }
    bool holds() const { return how() == NoticeMode::hold; }
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
// `until`; a hold holds the screen, an interrupt interrupts at once, a turn waits its turn,
// a ticker runs in the band (config::Interrupt::ticker); the level goes to NoticeTiming::level.
config::PlaylistItem notice_item(const FleetNotice& notice);
// The item id of a fleet notice: "notice/ID@SCOPE".
std::string notice_item_id(const std::string& scope, const std::string& id);

}  // namespace kiosk::fleet
