#pragma once
// What the running kiosk tells operators, in one place: status.json (kiosk-status/1) in its
// runtime folder — written here from a StatusReport, read back here for `kiosk status` —
// and the proof-of-play log in its state folder (what was shown, when, for how long;
// bounded to two files of 1 MiB).
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::status {

inline constexpr const char* kFormat = "kiosk-status/1";

// Times are written as the kiosk's zone shows them ("2026-11-27 09:30:00"); empty: never.
struct FetchHealth {
    std::string last_attempt, last_success, next_attempt, last_error;
    int failures = 0;
    bool withdrawn = false;
    std::string reason;  // last_error for a hall clerk, in Chinese (what the console shows)
};

struct ItemStatus {
    std::string id, title, source, loaded, error;
    std::size_t pages = 0;
    std::optional<FetchHealth> fetch;  // web items
    std::string reason;  // error for a hall clerk, in Chinese: the real cause (the console shows this, never error)
};

// "health": the host and the panel (health/readings.hpp reads the host; render/ the panel).
// Absent from an older screen's status: every field unknown, none of them zero.
struct Health {
    std::optional<double> temperature_c;  // hottest thermal zone; none: no thermal zone
    std::string thermal_zone;             // its type; "" when none
    struct Disk {
        std::string path;
        std::uint64_t free_bytes = 0, total_bytes = 0;
        double free_percent = 0;
    };
    std::optional<Disk> disk;  // where the state and cache live; none: unreadable
    long available_kb = 0, kiosk_rss_kb = 0;
    std::vector<double> load;  // 1, 5 and 15 minutes
    long host_uptime_seconds = 0, kiosk_uptime_seconds = 0;
    std::string os;
    struct Display {
        std::string driver;
        int width = 0, height = 0;
        int refresh_hz = 0;  // 0: unknown (written as null)
    } display;
    struct Frames {
        long last_minute = 0;     // frames presented in the last 60 s
        std::string sampled_at;   // "" : not sampled yet
        bool uniform = false;     // the last sample one colour and the page not meant blank
        std::string colour;       // "#rrggbb" when uniform, else ""
    } frames;
};

// "power": whether the panel is on, and why not (the hall's hours and calendar, issue 28).
// Absent from an older screen's status: the screen is taken to be on.
struct Power {
    std::string state = "on";   // "on", "asleep" (the hall is closed), "woken" (closed, on for an urgent notice)
    std::string reason;         // asleep/woken: 下班, 午休, 周末, 休息日, 节假日 ("" when on)
    std::string day_name;       // the calendar's name for the day (春节), "" if none
    std::string since;          // when this state began ("" unknown)
    std::string wakes;          // asleep/woken: the next planned on ("" none ahead)
    std::string sleeps;         // on: the next planned off ("" none ahead)
    std::string backend = "none";  // none, dpms, cec, serial, command
    std::string panel = "unknown"; // what the backend read back, or last set: on, off, unknown
    std::string problem;        // for a clerk, in Chinese: the backend failed and a black page stands in ("" fine)
    std::string calendar;       // where the calendar in force came from: a file, "fleet:SCOPE", "" none
};

struct StatusReport {
    std::string version;
    long pid = 0;
    std::string started, updated;
    long uptime_seconds = 0;
    long memory_kb = 0;
    long pages_shown = 0;
    struct Current {
        bool standing = true, interrupt = false;
        std::string item, since, until;
        int page = 1;
        std::size_t of = 1;
    } current;
    struct Playlist {
        std::string file, fetch_error, applied, refused_at, note;
        std::string fetch_reason;  // fetch_error for a hall clerk, in Chinese
        int version = 0;
        std::size_t items = 0;
        std::vector<std::string> refused;
    } playlist;
    struct Fleet {
        bool enabled = false, connected = false;
        std::vector<std::string> notices;                 // item ids of the fleet's notices in force
        std::size_t notices_omitted = 0;                  // past what fits (bounded())
        std::map<std::string, std::uint64_t> applied;     // generation applied per scope|kind
        // What the console groups and previews by: the screen's groups, hall and page size.
        std::vector<std::string> groups;
        std::string hall;
        int width = 0, height = 0;
    } fleet;
    std::string config_file;
    std::vector<std::string> config_errors;
    std::vector<ItemStatus> items;
    std::size_t items_omitted = 0;  // items past what fits (bounded())
    std::optional<Health> health;
    std::optional<Power> power;  // absent: an older screen (on)
};

nlohmann::json to_json(const StatusReport& report);
// A report whose JSON is at most `max_bytes`, whatever the screen holds: strings cut to
// kMaxStatusChars, then the lists of items, notices and errors halved until it fits, with
// the number left out kept (items_omitted, fleet.notices_omitted). The broker refuses a
// message over its packet limit (2 MB): a status past it would never reach the office.
inline constexpr std::size_t kMaxStatusBytes = 256 * 1024;
StatusReport bounded(StatusReport report, std::size_t max_bytes = kMaxStatusBytes);
// The only reader of kiosk-status/1: what to_json wrote, read back field by field. What a
// screen sends is authenticated, not trusted: a field of the wrong type is left at its
// default, lists are cut at kMaxStatusEntries and strings at kMaxStatusChars bytes. An
// error only for what is not kiosk-status/1 at all.
inline constexpr std::size_t kMaxStatusEntries = 1000, kMaxStatusChars = 4096;
Result<StatusReport> from_json(const nlohmann::json& status);
// Written atomically (write, fsync, rename): a reader sees the old file or the new one.
Status write_status(const std::filesystem::path& file, const StatusReport& report);
// status.json as written; an error names the file (absent, too large, not kiosk-status).
Result<nlohmann::json> read_status(const std::filesystem::path& file);
// `kiosk status`: status.json as an operator reads it.
std::string describe_status(const StatusReport& status);

long resident_memory_kb();

class ProofOfPlay {
public:
    explicit ProofOfPlay(std::filesystem::path file, std::uintmax_t max_bytes = 1u << 20)
        : file_(std::move(file)), max_bytes_(max_bytes) {}
    // One JSON line; when the log passes max_bytes it becomes FILE.1 (the older .1 goes).
    void append(const nlohmann::json& entry);
    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path file_;
    std::uintmax_t max_bytes_;
};

}  // namespace kiosk::status
