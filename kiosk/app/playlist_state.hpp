#pragma once
// What the run loop plays and what waits for the next page boundary: the last good
// playlist and where it comes from, the fleet's notices in force, a good edit not yet
// applied, and the last edit refused (for the status report). Kept apart from the page loop
// so the rules "a good edit waits for the boundary, a bad one is refused while the old one
// plays on" live in one place whoever delivers the edit (the file, the portal, the fleet).
// Frame loop's thread only; it draws and fetches nothing.
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/fetch_worker.hpp"
#include "app/playlist_source.hpp"
#include "config/config.hpp"
#include "fleet/notice.hpp"
#include "store/cache.hpp"
#include "store/instance.hpp"

namespace kiosk::app {

class PlaylistState {
public:
    // `state`: the state folder (its last-good copy of playlist.json, the fleet's notices).
    PlaylistState(PlaylistSource source, const std::filesystem::path& state)
        : source_(std::move(source)), last_good_(state) {}

    // At start: the playlist from its source, else (a local file that fails) the last good
    // copy, else none (the standing page); and the fleet's notices kept in the state folder.
    void load_at_start(const config::KioskConfig& cfg, const store::Cache& cache);
    // The local file was edited (or a reload asked): read and checked; a good edit waits
    // for the next page, a bad one is refused while the current playlist plays on.
    void check_local(const config::KioskConfig& cfg, const store::Cache& cache, const char* why);
    // The fetch worker's verdict on the published playlist.
    void take_published(const ItemUpdate& update, const config::KioskConfig& cfg);
    // A playlist from another source (the fleet's) accepted: it plays from the next page.
    void accept(PlaylistSource source, config::Playlist playlist);
    // An edit refused with `message` (shown in the status until a good one arrives).
    void refuse(std::string message);

    // The fleet's notices: replaced whole (a new fleet link), one taken off (true when it
    // was in force), one added. Each change is applied at the next page boundary.
    void set_notices(std::vector<fleet::FleetNotice> notices);
    bool remove_notice(const std::string& scope, const std::string& id);
    void add_notice(fleet::FleetNotice notice);

    // Something waits for the next page boundary.
    bool pending() const { return pending_.has_value() || notices_changed_; }
    // At a page boundary: notices that are over leave (their files in `state` with them),
    // then what waits is applied. True when what plays changed.
    bool apply(std::time_t now, const std::filesystem::path& state);

    const PlaylistSource& source() const { return source_; }
    // A kiosk that started without a playlist takes the one a fixed configuration names.
    void set_source(PlaylistSource source) { source_ = std::move(source); }
    const config::Playlist& playlist() const { return playlist_; }  // the last good one
    const config::Playlist& played() const { return played_; }      // with the notices after its items
    const std::vector<fleet::FleetNotice>& notices() const { return notices_; }
    const std::vector<std::string>& refused() const { return refused_; }
    std::time_t refused_at() const { return refused_at_; }
    std::time_t applied_at() const { return applied_at_; }
    const std::string& note() const { return note_; }

private:
    void rebuild_played();

    PlaylistSource source_;
    config::Playlist playlist_;                 // the last good playlist
    std::vector<fleet::FleetNotice> notices_;   // the fleet's notices in force on this screen
    bool notices_changed_ = false;              // applied at the next page boundary
    config::Playlist played_;                   // what plays: the playlist and the notices
    std::optional<config::Playlist> pending_;   // a good edit, applied at the next page boundary
    std::vector<std::string> refused_;          // errors of the last refused edit
    std::time_t refused_at_ = 0, applied_at_ = 0;
    std::string note_;                          // e.g. playing the last good copy of the playlist
    store::LastGood last_good_;                 // accepted playlists, for a bad start
};

}  // namespace kiosk::app
