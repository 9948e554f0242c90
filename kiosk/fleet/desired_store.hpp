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

// Notices in force, one file each (STATE/fleet/notices/SCOPE@ID.json): kept when accepted,
// dropped when cleared or over.
Status keep_notice(const std::filesystem::path& state, const FleetNotice& notice);
void drop_notice(const std::filesystem::path& state, const std::string& scope, const std::string& id);
// The kept notices of `scopes` that are not over at `now` (those over are deleted).
std::vector<FleetNotice> kept_notices(const std::filesystem::path& state, const std::vector<std::string>& scopes, std::time_t now);

}  // namespace kiosk::fleet
