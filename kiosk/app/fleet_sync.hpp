#pragma once
// The run loop's side of the fleet: this screen's broker connection (fleet::FleetClient,
// when kiosk.json has a fleet section), the office's documents applied between pages and
// acked, proof of play spooled and sent a batch at a time, the status published. Kept out
// of the page loop so that loop reads as pages; it is driven from the frame loop's thread
// only (the client's own thread just queues what arrives and wakes the screen).
#include <chrono>
#include <cstddef>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/playlist_state.hpp"
#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/client.hpp"
#include "fleet/plays.hpp"
#include "health/status.hpp"

namespace kiosk::app {

class FleetSync {
public:
    // What the office's documents act on besides the playlist: the runner's page loop.
    struct Hooks {
        std::function<bool(const std::string& item)> has_item;    // in this screen's library
        std::function<void(const std::string& item)> refresh;     // "" for every item
        std::function<Result<std::string>(std::size_t most)> screenshot_png;
        std::function<std::string()> showing;                     // the item id on screen now
    };
    // `playlist` outlives this (the runner declares it first).
    FleetSync(PlaylistState& playlist, Hooks hooks) : playlist_(playlist), hooks_(std::move(hooks)) {}
    ~FleetSync() { stop(false); }
    FleetSync(const FleetSync&) = delete;
    FleetSync& operator=(const FleetSync&) = delete;

    // Connects when `cfg` has a fleet section; a broker that is down never stops the screen
    // (the client retries on its own thread).
    // `wake`: called from the client's thread when something arrives (Screen::wake).
    void start(config::ConfigSnapshot cfg, std::function<void()> wake);
    // A reloaded configuration. When its fleet section differs (screen id, groups, broker,
    // certificates, keepalive, trusted keys) the old link is stopped and a new one started
    // with the new section, and the notices in force become those of the new scopes.
    struct Relinked {
        bool relinked = false;      // the fleet section changed: a new link
        bool showing_left = false;  // the notice on screen is no longer in force (off at once)
    };
    Relinked reconfigure(config::ConfigSnapshot cfg);
    // The office's documents since the last call, applied and acked. True when a notice
    // that arrived (or one on screen that was cleared) must go up now, not at the page's end.
    bool take();
    // A page played, for the office (spooled until the broker has it); `stopping`: it stays
    // spooled and goes at the next start.
    void add_play(nlohmann::json play, long long shown_at_ms, bool stopping);
    void send_plays();
    // The status report, retained, when it changed (and at least once a minute).
    void publish_status(const status::StatusReport& report);
    // `disconnected` published and the connection closed; `flush`: first a moment for a
    // batch of plays on its way (at the kiosk's end, not on a reload's frame loop).
    void stop(bool flush = true);

    // The office asked for a restart (a `restart` document newer than this kiosk's start):
    // its generation is on disk and acked; the run loop stops cleanly and exits with
    // kExitRestart for systemd to start it again. 0: not asked.
    std::uint64_t restart_asked() const { return restart_; }

    // True once after the fleet's calendars changed (one kept or dropped, or this screen's
    // scopes changed with a new fleet section): the calendar in force is to be read again
    // (app/fleet_calendar.hpp, fleet_calendar_in_force).
    bool calendar_changed() { return std::exchange(calendar_changed_, false); }

    bool connected() const { return client_ && client_->connected(); }
    bool linked() const { return client_ != nullptr; }
    std::map<std::string, std::uint64_t> applied() const {
        return client_ ? client_->applied() : std::map<std::string, std::uint64_t>{};
    }

private:
    using Clock = std::chrono::steady_clock;
    void take_playlist(const fleet::Incoming& in);
    bool take_notice(const fleet::Incoming& in);  // true: off or on the screen at once
    void take_restart(const fleet::Incoming& in);
    void take_calendar(const fleet::Incoming& in);  // app/fleet_calendar.cpp

    PlaylistState& playlist_;
    Hooks hooks_;
    std::function<void()> wake_;
    config::ConfigSnapshot cfg_;
    std::unique_ptr<fleet::FleetClient> client_;
    std::string status_sent_;  // what the broker last got (without the ever-changing fields)
    Clock::time_point status_at_{};
    int connections_ = 0;
    std::optional<fleet::PlaysSpool> plays_;         // proof of play for the office, until the broker has it
    fleet::FleetClient::Tracked plays_in_flight_;    // the batch sent, awaiting its PUBACK
    std::size_t plays_in_flight_records_ = 0;
    Clock::time_point plays_sent_at_{};
    const std::time_t started_ = std::time(nullptr);  // this kiosk's start (the runner makes this first thing)
    std::uint64_t restart_ = 0;                        // the restart's generation, once asked
    bool calendar_changed_ = false;                    // until calendar_changed() is asked
};

}  // namespace kiosk::app
