#pragma once
// kiosk.json and playlist.json -> typed structs. Every error names the file, line:col, the
// JSON path and what is wrong; a playlist item's fields the console's form shows say what to
// do in the form's words, with no JSON in them:
//   playlist.json:14:17: items[2].schedule.hours[0]: time range "8:00-25:00": there is no time "25:00" (hours 00 to 24, minutes 00 to 59)
// Loading collects every error in the file, not just the first.
#include <cstdint>
#include <ctime>
#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "warning/level.hpp"

namespace kiosk::config {

// kiosk.json and playlist.json are read only when they are regular files of at most this.
constexpr std::uintmax_t kMaxConfigFileBytes = 1u << 20;
// Item ids name cache files and appear in status and logs: printable, at most this long.
constexpr size_t kMaxItemIdChars = 64;
// Inline text (an item's "text"): a notice, not a report — a few pages at most.
constexpr size_t kMaxInlineTextChars = 5000;

struct Color {
    std::uint8_t r = 0, g = 0, b = 0;
};

struct Theme {
    Color background{0xFB, 0xF8, 0xF1};  // warm paper white: calmer than #FFF on a big panel
    Color text{0x1A, 0x1A, 0x1A};
    Color muted{0x6B, 0x6B, 0x6B};
    Color accent{0xB2, 0x22, 0x22};  // government red for headings and rules
    Color header_background{0xB2, 0x22, 0x22};
    Color header_text{0xFF, 0xFF, 0xFF};
};

// Sizes are fractions of the page's shorter side, so one config suits 720p, 1080p and 4K,
// landscape or portrait. Multipliers are relative to the body size.
struct Typography {
    double body = 0.037;        // 40 px on a 1080-line panel
    double min_body_px = 24.0;  // never smaller: more pages rather than smaller text
    double title = 1.4;
    double heading = 1.1;
    double meta = 0.8;
    double caption = 0.85;
    double chrome = 0.8;
    double line_height = 1.65;  // body line pitch in em
    double table = 0.8;         // table cells, relative to body (never below min_body_px)
    bool table_empty_zero = false;  // "table_empty_cells": "zero" shows 0 in empty cells
};

struct Margins {
    double side = 0.055;    // left and right
    double header = 0.085;  // band with the hall name and item title
    double footer = 0.07;   // band with page number and date
    double gap = 0.03;      // between a band and the body
};

struct Fonts {
    std::string family = "Noto Sans CJK SC";  // looked up through fontconfig
    std::string regular_path;                 // overrides the lookup when set
    std::string bold_path;
};

// How long a page stays up: fixed seconds, or `auto` from the characters on the page.
struct Dwell {
    bool automatic = false;
    double seconds = 20;
};

struct Reading {
    double chars_per_minute = 300;  // a standing reader of Chinese, with margin
    double min_page_seconds = 8;
    double max_page_seconds = 60;
};

struct Paths {
    std::filesystem::path cache;    // fetched bodies and Documents
    std::filesystem::path state;    // proof-of-play log
    std::filesystem::path runtime;  // status.json and the control socket
};

struct Network {
    std::string proxy;     // empty: from the environment
    std::string ca_file;   // extra CA bundle; verification is always on
    std::vector<std::string> allowed_hosts;  // "www.example.gov.cn", or ".example.gov.cn" for subdomains
};

// A name that is safe in an MQTT topic (a screen id, a key id; with `slashes`, a group
// like "floor/1"): up to 64 letters, digits, - _ . and never MQTT's separators or
// wildcards (/ + #) from a setting. One rule for kiosk.json and the fleet's topics.
bool topic_safe_name(std::string_view name, bool slashes);

// A key the office signs desired state with: its id and its Ed25519 public key (base64).
struct TrustedKey {
    std::string kid;
    std::string public_key;  // 32 bytes, base64 (44 characters with padding)
};

// The fleet (kiosk.json "fleet"): this screen's id and groups, the broker, and the keys
// whose signatures it obeys. Absent: the screen is an island, as before.
struct Fleet {
    bool enabled = false;
    std::string screen_id;            // topic-safe: letters, digits, - _ . (the client certificate's CN)
    std::vector<std::string> groups;  // e.g. "hall/zwzx", "floor/1"
    std::string host = "localhost";
    int port = 8883;
    std::string ca_file, cert_file, key_file;  // TLS: the broker's CA, this screen's certificate and key
    int keepalive_seconds = 30;
    std::vector<TrustedKey> trusted_keys;
    // The office's side only (`kiosk fleet …`): the secret key it signs with, and its id.
    std::string signing_key, signing_kid;
};

// How one page gives way to the next (screen.transition).
// Minutes since local midnight; a range whose end is not after its start runs past midnight.
struct TimeRange {
    int start = 0;
    int end = 0;
};

// The hall's week: each weekday's opening ranges ("08:30-12:00"), Monday first; an empty
// day is closed.
struct WeekHours {
    std::array<std::vector<TimeRange>, 7> days;
};

// kiosk.json "opening": when the hall is open, so the panel sleeps when it is not. Absent:
// always open (the panel never sleeps; the calendar's closed days still apply when one is set).
//   "opening": {"hours": {"mon": ["08:30-12:00", "13:00-17:00"], …, "sat": [], "sun": []},
//               "lunch": "on"|"off", "on_before_minutes": 15, "off_after_minutes": 10,
//               "calendar": "calendar.json"}
struct OpeningHours {
    bool configured = false;          // "opening.hours" given (else always open)
    WeekHours week;                   // a weekday missing from "hours" is closed
    bool on_over_lunch = true;        // "lunch": "on" keeps the panel on between a day's ranges
    int on_before_minutes = 15;       // the panel wakes this long before a range opens (0–180)
    int off_after_minutes = 10;       // and sleeps this long after it closes (0–180)
    std::filesystem::path calendar;   // the local calendar file (absolute), empty: none
};

// kiosk.json "power": how the panel is switched off while the hall is closed.
//   "power": {"backend": "none"|"dpms"|"cec"|"serial"|"command", "serial": {…}, "command": {…}, "cec": {…}}
// Byte strings ("on", "off", "query", replies) are text with JSON escapes ("ka 01 01\r"), or
// "hex:AA 11 FE 01 01 11" for bytes; they are kept here decoded, as bytes.
enum class PowerBackendKind { none, dpms, cec, serial, command };
struct SerialPower {
    std::string device;              // "/dev/ttyUSB0"
    int baud = 9600;                 // 1200 … 115200
    std::string on, off, query;      // bytes sent; query may be empty (no read back)
    std::string on_reply, off_reply; // bytes a reply contains when the panel is on / off (may be empty)
    double timeout_seconds = 2;      // for a reply
};
struct CommandPower {
    std::string program;             // absolute path; run as PROGRAM ARGS… on|off|query
    std::vector<std::string> args;
    double timeout_seconds = 10;
};
struct CecPower {
    std::string port;                // "" : the first adapter libcec finds
    int device = 0;                  // the TV's logical address (0)
};
struct PowerSettings {
    PowerBackendKind backend = PowerBackendKind::none;  // none: only the kiosk's own black page
    SerialPower serial;
    CommandPower command;
    CecPower cec;
};

enum class PageTransition { none, fade, slide };

// kiosk.json "ticker" (issue 29): the 滚动字幕 band for notices in ticker mode, e.g.
//   "ticker": {"height": 0.07, "position": "bottom", "chars_per_second": 4}
// `height` is a fraction of the panel's short side (0.05 to 0.2); the pages give up the
// band's height while it has items (laid out for the smaller body, never overdrawn). No
// items in force: no band. `chars_per_second`: reading speed (1 to 12 characters a second).
enum class TickerPosition { bottom, top };
struct TickerSettings {
    double height = 0.07;
    TickerPosition position = TickerPosition::bottom;
    double chars_per_second = 4;
};

struct KioskConfig {
    std::filesystem::path file;  // where it was read from
    int version = 1;
    std::string hall_name;
    std::string welcome = "欢迎光临";  // the standing page's line when nothing is scheduled
    int width = 1920;
    int height = 1080;
    int rotation = 0;  // 0, 90, 180, 270: how the upright page is turned onto the panel
    PageTransition transition = PageTransition::fade;
    bool progress_bar = true;         // a thin bar for the time left on the page
    bool qr_code = true;              // the article's address as a QR code in the footer
    int frame_sample_seconds = 10;    // how often the presented frame is read back (status "health")
    double stale_after_seconds = 2 * 86400;  // web content older than this is marked in the footer
    std::string time_zone = "Asia/Shanghai";
    Fonts fonts;
    Theme theme;
    Typography typography;
    Margins margins;
    Dwell page_seconds;  // the default dwell
    Reading reading;
    Paths paths;
    Network network;
    Fleet fleet;
    OpeningHours opening;
    PowerSettings power;
    TickerSettings ticker;
    std::string playlist;  // an absolute path (resolved against the config's folder) or a URL
    bool playlist_is_url() const;
};

// The configuration as the running parts hold it: built and checked once, never changed; a
// reload builds a new snapshot and hands it to each part that holds settings.
using ConfigSnapshot = std::shared_ptr<const KioskConfig>;



struct Schedule {
    std::optional<int> from_day;   // local days since 1970-01-01, inclusive
    std::optional<int> until_day;  // inclusive
    std::uint8_t weekdays = 0x7F;  // bit 0 Monday … bit 6 Sunday
    std::vector<TimeRange> hours;  // empty: all day
    bool constrained() const { return from_day || until_day || weekdays != 0x7F || !hours.empty(); }
};

// How a notice meets the rotation: not at all (it takes its turn), once when it starts, again
// every N minutes, or `hold`: while it runs, the screen shows only notices that hold (in
// turn, each for all its pages) and the rotation waits (紧急: "it stays until taken off").
// `ticker` (issue 29, "interrupt": "ticker"): never a page; while in force its title and text
// run in the ticker band (config::TickerSettings) and the rotation goes on.
enum class Interrupt { none, at_once, every, hold, ticker };

// 通知公告: shown from `start` until `expires`; interrupts the rotation when it starts (at
// once) or every N minutes, and joins the rotation in between; or holds the screen.
struct NoticeTiming {
    std::time_t start = 0;
    std::time_t expires = 0;
    Interrupt interrupt = Interrupt::at_once;
    int every_minutes = 0;
    bool urgent = false;  // "style": "urgent": the alert look (紧急通知 band, text as large as fits)
    // "level": "blue"|"yellow"|"orange"|"red" (issue 29): an official warning's colour for the
    // urgent band and the ticker's marker; none for an ordinary notice.
    warning::Level level = warning::Level::none;
    // The alert look (紧急通知 band, or the warning's band in its colour): urgent, or a level.
    bool alert_look() const { return urgent || level != warning::Level::none; }
};

struct PlaylistItem {
    std::string id;
    std::string title;
    std::string source;  // as written: file:…, http://…, https://…
    std::string text;    // or the content itself, inline (a notice typed at the office)
    std::string kind = "auto";
    // "kind": "compare" (新旧对照, issue 30): the old and new text ("old", "new": file:, http://,
    // https://), else `source` is one published 对照表 page. `effective`: 施行日期 as written
    // (2019-05-15); "" : found in the new text.
    std::string old_source, new_source;
    std::string effective;
    std::string selector;
    int count = 5;  // a column: how many of its newest articles play
    double refresh_seconds = 3600;
    std::optional<Dwell> page_seconds;  // the config's default when absent
    Schedule schedule;
    int priority = 0;  // the highest priority with something to show plays; the rest wait
    bool enabled = true;
    std::optional<NoticeTiming> notice;
};

struct Playlist {
    std::filesystem::path file;  // or the URL it came from
    int version = 1;
    std::vector<PlaylistItem> items;
};

// --config F, else $KIOSK_CONFIG, else the system's file (/etc/kiosk/kiosk.json), else the
// bundled demo.
inline const std::filesystem::path kSystemConfig = "/etc/kiosk/kiosk.json";
Result<std::filesystem::path> find_config(const std::optional<std::string>& cli_path,
                                          const std::filesystem::path& system_config = kSystemConfig);

Result<KioskConfig> load_kiosk_config(const std::filesystem::path& file);
// The same from text already read; `file` is where it came from (relative paths resolve
// against its folder).
Result<KioskConfig> parse_kiosk_config(const std::string& text, const std::filesystem::path& file);
// A regular file of at most kMaxConfigFileBytes, or a clear error.
Result<std::string> read_config_text(const std::filesystem::path& file);
// The built-in settings with the default folders ($STATE_DIRECTORY, XDG, …): what the kiosk
// runs with when no configuration can be read at all.
KioskConfig default_config();

// One thing the playlist checker found, with its place: the line and column in the text,
// and the item, field and list element it concerns, so the CLI can print it and the
// console can show it beside the field without reading the message back.
struct Issue {
    std::string file;
    int line = 0, col = 0;
    std::string list = "items";  // the list `item` indexes ("days" in a calendar)
    int item = -1;          // index in "items"; -1: the playlist as a whole
    std::string item_id;    // that item's id, when it has one
    std::string field;      // within the item: "source", "schedule.hours", …; "" the item itself
    int index = -1;         // the element of a list field (schedule.hours[1]: 1)
    std::string message;    // translated, printable
    // As `kiosk check` prints it: file:line:col: items[2] ("id").field[1]: message
    std::string text() const;
};

struct PlaylistCheck {
    std::optional<Playlist> playlist;  // when there is no issue
    std::vector<Issue> issues;
};

// `local`: the playlist is a file on this machine (file: sources allowed); false for one
// published on the portal. Times in the playlist are read in cfg.time_zone.
PlaylistCheck check_playlist(const std::string& text, const std::string& name, const KioskConfig& cfg, bool local);
// The same, its issues joined into one error (a line each, Issue::text()).
Result<Playlist> parse_playlist(const std::string& text, const std::string& name,
                                const KioskConfig& cfg, bool local);
Result<Playlist> load_playlist(const std::filesystem::path& file, const KioskConfig& cfg);

// For `kiosk check`: each file: source (a comparison's old and new texts too) must name a
// regular file the kiosk can read (at run time a missing file only leaves that item out).
// Errors name the item by index and id.
std::vector<std::string> check_local_sources(const Playlist& playlist);

// A `file:` source resolved against the playlist's folder; nullopt for other schemes.
std::optional<std::filesystem::path> local_source_path(const Playlist& playlist,
                                                       const PlaylistItem& item);
// The same for any source as written (a comparison's "old" and "new" too).
std::optional<std::filesystem::path> local_path(const Playlist& playlist, const std::string& source);

// A time range as a clerk types it, read where the intent is clear: "8:30-12:00",
// "08：30－12：00" (a Chinese input method's full-width colon, dash and digits), "8:30 至 12:00",
// "8:30~12:00", spaces anywhere. `normal` is the one form the playlist keeps ("08:30-12:00");
// otherwise `problem` says which part is wrong and `part` holds that part as typed.
struct TimeRangeReading {
    enum class Problem { none, no_separator, not_a_time, no_such_time, starts_at_24, empty } problem = Problem::none;
    std::string normal;
    std::string part;
    int start = 0, end = 0;  // minutes after midnight (end 24 * 60: midnight)
};
TimeRangeReading read_time_range(std::string_view typed);

// Text as the playlist keeps it: spaces, tabs and line breaks (ASCII and U+3000) trimmed
// from both ends; "" for text of only spaces.
std::string trimmed(std::string_view text);

// True when `zone` names a time zone in the system's tzdata.
bool is_known_time_zone(const std::string& zone);

}  // namespace kiosk::config
