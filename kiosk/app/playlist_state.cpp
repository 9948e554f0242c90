#include "app/playlist_state.hpp"

#include <algorithm>

#include "fleet/desired_store.hpp"
#include "base/log.hpp"

namespace kiosk::app {

void PlaylistState::load_at_start(const config::KioskConfig& cfg, const store::Cache& cache) {
    playlist_.file = source_.where();
    auto copy = source_.read(cfg, cache);
    if (copy) {
        playlist_ = std::move(copy->playlist);
        if (source_.kind() == PlaylistSource::Kind::local_file) last_good_.keep("playlist.json", copy->text, playlist_.file);
        applied_at_ = copy->as_of ? copy->as_of : std::time(nullptr);
    } else if (source_.kind() == PlaylistSource::Kind::published) {
        // Published on the portal: the last good copy from the cache, then the network.
        log::info("config", copy.error().message + "; the standing page shows until it arrives");
    } else {
        refuse(copy.error().message);
        log::error("config", "playlist refused:\n" + copy.error().message);
        // The last playlist this kiosk accepted plays instead; with none, the standing page
        // (内容维护中) until a good edit arrives.
        if (auto kept = last_good_.get("playlist.json")) {
            auto old = config::parse_playlist(kept->text, "playlist.json (last good copy)", cfg, true);
            if (old) {
                playlist_ = std::move(*old);
                playlist_.file = kept->origin;
                note_ = "playing the last good copy of " + kept->origin.string() + " until the playlist is fixed";
                log::warn("config", note_);
            }
        }
        applied_at_ = std::time(nullptr);
    }
    notices_ = kept_fleet_notices(cfg, std::time(nullptr));  // as this screen last heard them, broker or not
    rebuild_played();
}

void PlaylistState::check_local(const config::KioskConfig& cfg, const store::Cache& cache, const char* why) {
    auto copy = source_.read(cfg, cache);
    if (!copy) {
        refuse(copy.error().message);
        log::error("config", std::string("playlist edit refused (") + why + "); the previous playlist plays on:\n" +
                                 copy.error().message);
        pending_.reset();
        return;
    }
    last_good_.keep("playlist.json", copy->text, copy->playlist.file);
    note_.clear();
    refused_.clear();
    log::info("config", std::string("playlist accepted (") + why + "); applied at the next page");
    pending_ = std::move(copy->playlist);
}

void PlaylistState::take_published(const ItemUpdate& update, const config::KioskConfig& cfg) {
    switch (update.playlist) {
        case PlaylistVerdict::none: break;
        case PlaylistVerdict::accepted:
            // Checked by the worker with the settings of its fetch; checked again with ours.
            if (auto pl = source_.check(update.playlist_text, cfg)) {
                refused_.clear();
                pending_ = std::move(*pl);
                log::info("config", source_.where() + ": new playlist accepted; applied at the next page");
            }
            break;
        case PlaylistVerdict::refused:
            refuse(update.playlist_errors);
            log::once(log::Level::error, "config", update.playlist_errors,
                      source_.where() + ": " + update.playlist_errors + "\nthe previous playlist plays on");
            break;
    }
}

void PlaylistState::accept(PlaylistSource source, config::Playlist playlist) {
    source_ = std::move(source);
    note_.clear();
    refused_.clear();
    pending_ = std::move(playlist);
}

void PlaylistState::refuse(std::string message) {
    refused_ = {std::move(message)};
    refused_at_ = std::time(nullptr);
}

void PlaylistState::set_notices(std::vector<fleet::FleetNotice> notices) {
    notices_ = std::move(notices);
    notices_changed_ = true;
}

bool PlaylistState::remove_notice(const std::string& scope, const std::string& id) {
    const auto before = notices_.size();
    notices_.erase(std::remove_if(notices_.begin(), notices_.end(),
                                  [&](const fleet::FleetNotice& n) { return n.scope == scope && n.id == id; }),
                   notices_.end());
    const bool removed = notices_.size() != before;
    notices_changed_ = notices_changed_ || removed;
    return removed;
}

void PlaylistState::add_notice(fleet::FleetNotice notice) {
    notices_.push_back(std::move(notice));
    notices_changed_ = true;
}

bool PlaylistState::apply(std::time_t now, const std::filesystem::path& state) {
    // Notices that are over leave (and their files with them).
    for (auto it = notices_.begin(); it != notices_.end();) {
        if (it->body.until > now) {
            ++it;
            continue;
        }
        log::info("fleet", "notice " + it->id + " for " + it->scope + " is over");
        fleet::drop_notice(state, it->scope, it->id);
        it = notices_.erase(it);
        notices_changed_ = true;
    }
    if (!pending()) return false;
    if (pending_) {
        playlist_ = std::move(*pending_);
        applied_at_ = now;
    }
    pending_.reset();
    notices_changed_ = false;
    rebuild_played();
    return true;
}

// The playlist with the fleet's notices after its items (a notice joins the rotation and
// interrupts it as a local notice does).
void PlaylistState::rebuild_played() { played_ = with_notices(playlist_, notices_); }

}  // namespace kiosk::app
