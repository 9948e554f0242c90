#include "app/playlist_source.hpp"

#include "fleet/desired_store.hpp"
#include "fleet/topics.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

PlaylistSource PlaylistSource::of(const config::KioskConfig& cfg) {
    // Once the fleet has delivered a playlist it replaces the configured one.
    if (cfg.fleet.enabled)
        if (auto stored = fleet::best_playlist(cfg.paths.state, fleet::scopes_of(cfg.fleet))) return fleet(stored->scope);
    PlaylistSource s;
    s.kind_ = cfg.playlist_is_url() ? Kind::published : Kind::local_file;
    s.where_ = cfg.playlist;
    return s;
}

PlaylistSource PlaylistSource::fleet(const std::string& scope) {
    PlaylistSource s;
    s.kind_ = Kind::fleet;
    s.where_ = "fleet:" + scope;
    return s;
}

Result<config::Playlist> PlaylistSource::check(const std::string& text, const config::KioskConfig& cfg) const {
    const bool local = kind_ == Kind::local_file;
    auto pl = config::parse_playlist(text, local ? fs::path(where_).filename().string() : "playlist", cfg, local);
    if (!pl) return pl;
    pl->file = local ? fs::absolute(where_) : fs::path(where_);
    return pl;
}

Result<PlaylistCopy> PlaylistSource::read(const config::KioskConfig& cfg, const store::Cache& cache) const {
    PlaylistCopy copy;
    if (kind_ == Kind::fleet) {
        auto stored = fleet::best_playlist(cfg.paths.state, {where_.substr(6)});
        if (!stored) return make_error(where_ + ": the fleet's playlist is not in " + (cfg.paths.state / "fleet").string());
        copy.text = std::move(stored->text);
    } else if (kind_ == Kind::published) {
        auto cached = cache.last_good(kPlaylistJob, where_, store::Payload::playlist);
        if (!cached) return make_error(where_ + ": the published playlist has no cached copy yet (the running kiosk fetches it)");
        copy.text = std::move(cached->payload);
        copy.as_of = cached->meta.fetched_at;
    } else {
        if (where_.empty()) return make_error("no playlist is configured");
        auto text = config::read_config_text(where_);
        if (!text) return text.error();
        copy.text = std::move(*text);
    }
    auto pl = check(copy.text, cfg);
    if (!pl) return pl.error();
    copy.playlist = std::move(*pl);
    return copy;
}

config::Playlist with_notices(config::Playlist playlist, const std::vector<fleet::FleetNotice>& notices) {
    for (const fleet::FleetNotice& n : notices) playlist.items.push_back(fleet::notice_item(n));
    return playlist;
}

std::vector<fleet::FleetNotice> kept_fleet_notices(const config::KioskConfig& cfg, std::time_t now) {
    if (!cfg.fleet.enabled) return {};
    return fleet::kept_notices(cfg.paths.state, fleet::scopes_of(cfg.fleet), now);
}

}  // namespace kiosk::app
