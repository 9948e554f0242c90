#pragma once
// What the fleet delivered and this screen accepted, kept in the state folder so a screen
// that boots with no broker plays the fleet's last good playlist: one file per scope
// (STATE/fleet/playlists/SCOPE.json, written atomically), the most specific scope winning.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::fleet {

struct StoredPlaylist {
    std::string scope;
    std::uint64_t gen = 0;
    std::string text;  // the playlist's JSON, as the office published it
};

Status keep_playlist(const std::filesystem::path& state, const StoredPlaylist& playlist);
// The playlist of the most specific of `scopes` (listed least specific first) that has one.
std::optional<StoredPlaylist> best_playlist(const std::filesystem::path& state, const std::vector<std::string>& scopes);

}  // namespace kiosk::fleet
