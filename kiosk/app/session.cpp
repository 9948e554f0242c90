#include "app/session.hpp"

#include "base/log.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

Status Session::open_parts(const SessionParts& parts) {
    cache_ = std::make_unique<store::Cache>(config_->paths.cache);
    source_ = PlaylistSource::of(*config_);
    if (!parts.fonts) return Ok{};
    if (!fonts_) {
        auto fonts = text::FontSet::open(text::FontRequest{config_->fonts.family, config_->fonts.regular_path, config_->fonts.bold_path});
        if (!fonts) return fonts.error();
        fonts_ = std::move(*fonts);
    }
    library_ = std::make_unique<Library>(*fonts_, config_);
    library_->set_cache(cache_.get());
    if (!parts.playlist) return Ok{};
    // Web content comes from the cache (subcommands touch no network).
    auto copy = source_.read(*config_, *cache_);
    if (!copy) return copy.error();
    playlist_ = with_notices(std::move(copy->playlist), kept_fleet_notices(*config_, std::time(nullptr)));
    for (const auto& e : library_->sync(playlist_, parts.only_item)) log::error("content", e + "; skipped");
    if (!parts.only_item.empty() && library_->items().empty())
        return make_error("--item: no item \"" + parts.only_item + "\" in " + playlist_.file.string());
    return Ok{};
}

Result<Session> Session::open(const std::optional<std::string>& config_file, const SessionParts& parts) {
    auto path = config::find_config(config_file);
    if (!path) return path.error();
    auto cfg = config::load_kiosk_config(*path);
    if (!cfg) return cfg.error();
    Session s;
    s.config_ = std::make_shared<const config::KioskConfig>(std::move(*cfg));
    if (auto st = s.open_parts(parts); !st) return st.error();
    return s;
}

Result<Session> Session::open_for_run(const std::optional<std::string>& config_file) {
    Session s;
    std::optional<config::KioskConfig> cfg;
    fs::path asked_for = config_file ? fs::path(*config_file) : fs::path("/etc/kiosk/kiosk.json");
    auto path = config::find_config(config_file);
    if (path) {
        asked_for = *path;
        auto text = config::read_config_text(*path);
        auto loaded = text ? config::parse_kiosk_config(*text, *path) : Result<config::KioskConfig>(text.error());
        if (loaded) {
            cfg = std::move(*loaded);
            store::LastGood(cfg->paths.state).keep("kiosk.json", *text, fs::absolute(*path));
        } else {
            s.config_errors_.push_back(loaded.error().message);
        }
    } else {
        s.config_errors_.push_back(path.error().message);
    }
    if (!cfg) {
        log::error("config", "the configuration cannot be used:\n" + s.config_errors_.front());
        const config::KioskConfig defaults = config::default_config();
        if (auto kept = store::LastGood(defaults.paths.state).get("kiosk.json")) {
            if (auto old = config::parse_kiosk_config(kept->text, kept->origin)) {
                cfg = std::move(*old);
                s.config_errors_.push_back("running with the last good copy of " + kept->origin.string() + " until it is fixed");
            }
        }
        if (!cfg) {
            cfg = defaults;
            cfg->file = fs::absolute(asked_for);
            cfg->playlist.clear();
            s.config_errors_.push_back("running with the built-in settings and no playlist until the configuration is fixed");
        }
        log::warn("config", s.config_errors_.back());
    }
    auto fonts = text::FontSet::open(text::FontRequest{cfg->fonts.family, cfg->fonts.regular_path, cfg->fonts.bold_path});
    if (fonts) {
        s.fonts_ = std::move(*fonts);
    } else {
        log::error("text", fonts.error().message + "; trying the default fonts");
        cfg->fonts = config::Fonts{};
    }
    s.config_ = std::make_shared<const config::KioskConfig>(std::move(*cfg));
    // The playlist is the runner's to read (it keeps the last good one and watches for edits).
    if (auto st = s.open_parts(SessionParts{true, false, ""}); !st) return st.error();
    return s;
}

}  // namespace kiosk::app
