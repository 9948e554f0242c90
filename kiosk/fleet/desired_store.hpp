#pragma once
// What the fleet delivered and this screen accepted, kept in the state folder so a screen
// that boots with no broker plays the fleet's last good playlist and notices: one file per scope
// (STATE/fleet/playlists/SCOPE.json, written atomically), the most specific scope winning.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "fleet/notice.hpp"

namespace kiosk::fleet {

struct StoredPlaylist {
    std::string scope;
    std::uint64_t gen = 0;
    std::string text;  // the playlist's JSON, as the office published it
};

Status keep_playlist(const std::filesystem::path& state, const StoredPlaylist& playlist);
// The playlist of the most specific of `scopes` (listed least specific first) that has one.
std::optional<StoredPlaylist> best_playlist(const std::filesystem::path& state, const std::vector<std::string>& scopes);

// The hall's calendar (kiosk-calendar/1) the office published, one file per scope
// (STATE/fleet/calendars/SCOPE.json, written atomically), the most specific scope winning
// over the others and over kiosk.json's opening.calendar. `{"clear": true}` drops a scope's.
struct StoredCalendar {
    std::string scope;
    std::uint64_t gen = 0;
    std::string text;  // the calendar's JSON, as the office published it
};

Status keep_calendar(const std::filesystem::path& state, const StoredCalendar& calendar);
void drop_calendar(const std::filesystem::path& state, const std::string& scope);
// The calendar of the most specific of `scopes` (listed least specific first) that has one.
std::optional<StoredCalendar> best_calendar(const std::filesystem::path& state, const std::vector<std::string>& scopes);

// Notices in force, one file each (STATE/fleet/notices/SCOPE@ID.json): kept when accepted,
// dropped when cleared or over.
Status keep_notice(const std::filesystem::path& state, const FleetNotice& notice);
void drop_notice(const std::filesystem::path& state, const std::string& scope, const std::string& id);
// The kept notices of `scopes` that are not over at `now` (those over are deleted).
std::vector<FleetNotice> kept_notices(const std::filesystem::path& state, const std::vector<std::string>& scopes, std::time_t now);

}  // namespace kiosk::fleet
