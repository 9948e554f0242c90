#pragma once
// Where the playlist comes from: a file on this machine (watched, edited by the operator)
// a playlist published on the portal (fetched by the worker, its last good copy in the
// cache), or the fleet's (signed desired state, kept in the state folder; it replaces the
// others once delivered). Each is read and checked here, one way, whoever asks (`kiosk
// run`, `check`, `plan`, `layout`, `render`).
#include <ctime>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/notice.hpp"
#include "store/cache.hpp"

namespace kiosk::app {

// The cache key of a playlist published on the portal.
inline const std::string kPlaylistJob = "(playlist)";

struct PlaylistCopy {
    config::Playlist playlist;
    std::string text;        // as read: what LastGood keeps
    std::time_t as_of = 0;   // when it was fetched (published); 0: just read
};

class PlaylistSource {
public:
    enum class Kind { local_file, published, fleet };

    static PlaylistSource of(const config::KioskConfig& cfg);
    // The fleet's playlist for `scope`, kept in the state folder (fleet/desired_store).
    static PlaylistSource fleet(const std::string& scope);
    Kind kind() const { return kind_; }
    const std::string& where() const { return where_; }  // the file's path or the URL
    // The file the control channel watches for edits ("" when published).
    std::string watched_file() const { return kind_ == Kind::local_file ? where_ : ""; }

    // The playlist as it stands: the file read and checked, or the published playlist's
    // last good copy from the cache, checked again (the configuration may have changed).
    Result<PlaylistCopy> read(const config::KioskConfig& cfg, const store::Cache& cache) const;
    // `text` checked as this source's playlists are: a published one may not name local
    // files (file: sources).
    Result<config::Playlist> check(const std::string& text, const config::KioskConfig& cfg) const;

private:
    Kind kind_ = Kind::local_file;
    std::string where_;
};

// The playlist as it plays: its items, then the fleet's notices (each a notice item with
// its text inline).
config::Playlist with_notices(config::Playlist playlist, const std::vector<fleet::FleetNotice>& notices);
// The fleet's notices in force on this screen as kept in its state folder (none without a
// fleet section): what a screen that boots with no broker plays, and what render shows.
std::vector<fleet::FleetNotice> kept_fleet_notices(const config::KioskConfig& cfg, std::time_t now);

}  // namespace kiosk::app
