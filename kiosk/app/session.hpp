#pragma once
// One kiosk's parts, opened once from the configuration lookup: the configuration (one
// immutable snapshot), the fonts, the cache, the playlist's source and the library. `kiosk
// run` and every subcommand open a Session; none finds a configuration or opens fonts by
// itself.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/instance.hpp"
#include "app/library.hpp"
#include "app/playlist_source.hpp"
#include "base/result.hpp"
#include "config/config.hpp"
#include "store/cache.hpp"
#include "text/fonts.hpp"

namespace kiosk::app {

// What a command needs beyond the configuration.
struct SessionParts {
    bool fonts = true;     // the fonts and the library (layout, render, plan)
    bool playlist = true;  // the playlist read and its items loaded into the library
    std::string only_item; // load just this item (--item)
};

class Session {
public:
    // A subcommand's: the configuration found and checked; an error ends the command.
    static Result<Session> open(const std::optional<std::string>& config_file, const SessionParts& parts = {});
    // `kiosk run`'s: never dark. A configuration that cannot be found, read or checked is
    // replaced by the last one this kiosk accepted, else by the built-in settings (and no
    // playlist); why is in config_errors(). Fails only when drawing is impossible (no fonts).
    static Result<Session> open_for_run(const std::optional<std::string>& config_file);

    config::ConfigSnapshot config() const { return config_; }
    const std::vector<std::string>& config_errors() const { return config_errors_; }
    text::FontSet& fonts() { return *fonts_; }
    store::Cache& cache() { return *cache_; }
    Library& library() { return *library_; }
    const PlaylistSource& playlist_source() const { return source_; }
    // The playlist read at open (empty when the parts asked for none).
    const config::Playlist& playlist() const { return playlist_; }

private:
    Status open_parts(const SessionParts& parts);

    config::ConfigSnapshot config_;
    std::vector<std::string> config_errors_;  // run only: why the configuration asked for is not in use
    std::unique_ptr<text::FontSet> fonts_;
    std::unique_ptr<store::Cache> cache_;
    PlaylistSource source_;
    std::unique_ptr<Library> library_;  // borrows fonts_ and cache_ (declared after them)
    config::Playlist playlist_;
};

}  // namespace kiosk::app
