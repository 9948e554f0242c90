#include "app/runner.hpp"

#include "app/pictures.hpp"
#include "health/service_manager.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <algorithm>
#include <set>
#include <thread>
#include <cstdio>

#include "base/zone_time.hpp"
#include "app/control.hpp"
#include "app/fetch_worker.hpp"
#include "store/instance.hpp"
#include "app/library.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "base/url.hpp"
#include "fleet/client.hpp"
#include "fleet/desired_store.hpp"
#include "fleet/notice.hpp"
#include "fleet/plays.hpp"
#include "fleet/topics.hpp"
#include "health/log.hpp"
#include "health/status.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;  // page timers: a wall-clock jump does not move them

namespace {

PlaylistCheck published_playlist_check(const PlaylistSource& source, config::ConfigSnapshot cfg);

class Runner {
public:
    explicit Runner(Session session, PageClock clock)
        : session_(std::move(session)), cfg_(session_.config()), library_(session_.library()),
          source_(session_.playlist_source()), proof_(cfg_->paths.state / "proof-of-play.log"),
          last_good_(cfg_->paths.state), config_errors_(session_.config_errors()), clock_(clock),
          started_(std::time(nullptr)) {}

    int run(const RunOptions& options);

private:
    bool one_page(const std::chrono::milliseconds& watchdog, bool& announced);
    void publish_items();
    void load_playlist_at_start();
    void take_events();
    void check_playlist(const char* why);
    void apply_pending();
    void show_current(std::time_t now, bool flip = false);
    void write_status();
    std::string slot_summary() const;
    void take_published_playlist(const ItemUpdate& update);
    std::vector<FetchJob> web_jobs() const;
    bool is_web_item(const std::string& id) const;
    void reload_config();
    void start_fleet();
    void take_fleet();
    void publish_fleet_status(const status::StatusReport& report);
    void take_fleet_playlist(const fleet::Incoming& in);
    void take_fleet_notice(const fleet::Incoming& in);
    void rebuild_played();
    void send_plays();
    void request_refresh(const std::string& item);
    schedule::Now now_for(std::time_t t) const { return schedule::make_now(t, zone_time::offset_at(t, cfg_->time_zone)); }

    Session session_;              // the configuration found, fonts, cache, library, playlist source
    config::ConfigSnapshot cfg_;  // the configuration in use; a reload replaces it whole
    Library& library_;             // session_'s
    PlaylistSource source_;
    config::Playlist playlist_;                 // the last good playlist
    std::vector<fleet::FleetNotice> notices_;   // the fleet's notices in force on this screen
    bool notices_changed_ = false;              // applied at the next page boundary
    bool interrupt_now_ = false;                // a notice that interrupts arrived (or one showing was cleared)
    config::Playlist played_;                   // what plays: the playlist and the notices
    std::optional<config::Playlist> pending_;   // a good edit, applied at the next page boundary
    std::vector<std::string> refused_;          // errors of the last refused edit
    std::time_t refused_at_ = 0, applied_at_ = 0;
    std::vector<std::string> pending_refresh_;  // item ids ("" for all), at the next boundary
    std::unique_ptr<render::Screen> screen_;
    std::unique_ptr<ControlChannel> control_;
    std::unique_ptr<FetchWorker> worker_;  // after screen_ and session_ (its cache): it goes first
    std::unique_ptr<fleet::FleetClient> fleet_;  // after screen_ (it wakes it): it goes first
    std::map<std::string, net::ItemHealth> health_;       // the worker's latest word, for status
    std::deque<ItemUpdate> pending_updates_;         // new or withdrawn content, at the next boundary
    status::ProofOfPlay proof_;
    store::LastGood last_good_;                     // accepted configurations and playlists, for a bad start
    std::vector<std::string> config_errors_;  // the configuration asked for could not be used
    std::string playlist_note_;               // e.g. playing the last good copy of the playlist
    long pages_shown_ = 0;
    Clock::time_point status_written_{};
    PageClock clock_;
    std::string fleet_status_sent_;  // what the broker last got (without the ever-changing fields)
    Clock::time_point fleet_status_at_{};
    int fleet_connections_ = 0;
    std::optional<fleet::PlaysSpool> plays_;         // proof of play for the office, until the broker has it
    fleet::FleetClient::Tracked plays_in_flight_;    // the batch sent, awaiting its PUBACK
    std::size_t plays_in_flight_records_ = 0;
    Clock::time_point plays_sent_at_{};
    schedule::History history_;
    schedule::Decision decision_;
    std::time_t decision_at_ = 0;
    std::time_t started_;
};

std::vector<FetchJob> Runner::web_jobs() const {
    std::vector<FetchJob> jobs;
    if (source_.kind() == PlaylistSource::Kind::published) jobs.push_back({kPlaylistJob, source_.where(), 300, true, "", 0});
    for (const auto& item : playlist_.items)
        if (item.enabled && url::is_web_address(item.source))
            jobs.push_back({item.id, item.source, item.refresh_seconds, false, item.selector,
                            item.kind == "column" ? item.count : 0});
    return jobs;
}

bool Runner::is_web_item(const std::string& id) const {
    for (const auto& item : playlist_.items)
        if (item.id == id) return url::is_web_address(item.source);
    return false;
}

void Runner::load_playlist_at_start() {
    playlist_.file = source_.where();
    auto copy = source_.read(*cfg_, session_.cache());
    if (copy) {
        playlist_ = std::move(copy->playlist);
        if (source_.kind() == PlaylistSource::Kind::local_file) last_good_.keep("playlist.json", copy->text, playlist_.file);
        applied_at_ = copy->as_of ? copy->as_of : std::time(nullptr);
    } else if (source_.kind() == PlaylistSource::Kind::published) {
        // Published on the portal: the last good copy from the cache, then the network.
        log::info("config", copy.error().message + "; the standing page shows until it arrives");
    } else {
        refused_ = {copy.error().message};
        refused_at_ = std::time(nullptr);
        log::error("config", "playlist refused:\n" + copy.error().message);
        // The last playlist this kiosk accepted plays instead; with none, the standing page
        // (内容维护中) until a good edit arrives.
        if (auto kept = last_good_.get("playlist.json")) {
            auto old = config::parse_playlist(kept->text, "playlist.json (last good copy)", *cfg_, true);
            if (old) {
                playlist_ = std::move(*old);
                playlist_.file = kept->origin;
                playlist_note_ = "playing the last good copy of " + kept->origin.string() + " until the playlist is fixed";
                log::warn("config", playlist_note_);
            }
        }
        applied_at_ = std::time(nullptr);
    }
    notices_ = kept_fleet_notices(*cfg_, std::time(nullptr));  // as this screen last heard them, broker or not
    rebuild_played();
    for (const auto& e : library_.sync(played_)) log::error("content", e);
}

// The playlist with the fleet's notices after its items (a notice joins the rotation and
// interrupts it as a local notice does).
void Runner::rebuild_played() { played_ = with_notices(playlist_, notices_); }

void Runner::check_playlist(const char* why) {
    if (source_.kind() == PlaylistSource::Kind::fleet) {
        log::once(log::Level::info, "config", "fleet plays", std::string("the fleet's playlist plays; ") + why + " is not applied");
        return;
    }
    if (source_.kind() == PlaylistSource::Kind::published) {
        if (worker_) worker_->refresh_now(kPlaylistJob);
        return;
    }
    auto copy = source_.read(*cfg_, session_.cache());
    if (!copy) {
        refused_ = {copy.error().message};
        refused_at_ = std::time(nullptr);
        log::error("config", std::string("playlist edit refused (") + why + "); the previous playlist plays on:\n" +
                                 copy.error().message);
        pending_.reset();
        return;
    }
    last_good_.keep("playlist.json", copy->text, copy->playlist.file);
    playlist_note_.clear();
    refused_.clear();
    log::info("config", std::string("playlist accepted (") + why + "); applied at the next page");
    pending_ = std::move(copy->playlist);
}

// A new kiosk.json: checked, then handed whole to every part that holds settings — the
// library (sizes, typography, hall name), the screen and painter (colours: the page on
// screen is redrawn at once), the fetch worker (allowlist, proxy, CA file, playlist check).
void Runner::reload_config() {
    auto text = config::read_config_text(cfg_->file);
    auto cfg = text ? config::parse_kiosk_config(*text, cfg_->file) : Result<config::KioskConfig>(text.error());
    if (!cfg) {
        log::error("config", "reload refused; the previous configuration stays:\n" + cfg.error().message);
        return;
    }
    last_good_.keep("kiosk.json", *text, cfg_->file);
    // Fonts, folders and the playlist's source are the start's; a kiosk that started on the
    // built-in settings (no playlist) takes the fixed configuration's playlist now (its file
    // is watched from the next start).
    cfg->fonts = cfg_->fonts;
    cfg->paths = cfg_->paths;
    if (!cfg_->playlist.empty()) cfg->playlist = cfg_->playlist;
    cfg_ = std::make_shared<const config::KioskConfig>(std::move(*cfg));
    if (source_.where().empty()) source_ = PlaylistSource::of(*cfg_);
    config_errors_.clear();
    library_.set_config(cfg_);
    library_.lay_out(screen_->page_width(), screen_->page_height());
    screen_->set_theme(cfg_->theme);
    if (worker_) worker_->set_settings(fetch_policy_for(*cfg_), published_playlist_check(source_, cfg_));
    show_current(std::time(nullptr));
    log::info("config", cfg_->file.string() + ": configuration reloaded");
}

void Runner::take_events() {
    for (const ControlEvent& e : control_ ? control_->take() : std::deque<ControlEvent>{}) {
        switch (e.kind) {
            case ControlEvent::Kind::playlist_changed: check_playlist("file changed"); break;
            case ControlEvent::Kind::reload:
                reload_config();
                check_playlist("reload");
                break;
            case ControlEvent::Kind::refresh: request_refresh(e.item); break;  // known: the channel checked
        }
    }
    take_fleet();
    send_plays();
    if (worker_) {
        for (auto& update : worker_->take()) {
            health_[update.id] = update.health;
            if (update.id == kPlaylistJob) {
                take_published_playlist(update);
                continue;
            }
            if (update.action != net::RefreshAction::keep) {
                pending_updates_.push_back(std::move(update));
            } else {
                // Nothing new to show, but the footer must say at once when fetching fails
                // (the stale marker) or works again: redraw the page as it stands.
                const LibraryItem* before = library_.find(update.id);
                const bool was_failing = before && before->fetch_failing;
                library_.set_freshness(update.id, update.health.last_success, update.health.failures > 0);
                if (before && was_failing != (update.health.failures > 0) && decision_.slot.item_id == update.id)
                    show_current(std::time(nullptr));
            }
        }
    }
    write_status();
}

void Runner::take_published_playlist(const ItemUpdate& update) {
    switch (update.playlist) {
        case PlaylistVerdict::none: break;
        case PlaylistVerdict::accepted:
            // Checked by the worker with the settings of its fetch; checked again with ours.
            if (auto pl = source_.check(update.playlist_text, *cfg_)) {
                refused_.clear();
                pending_ = std::move(*pl);
                log::info("config", source_.where() + ": new playlist accepted; applied at the next page");
            }
            break;
        case PlaylistVerdict::refused:
            refused_ = {update.playlist_errors};
            refused_at_ = std::time(nullptr);
            log::once(log::Level::error, "config", update.playlist_errors,
                      source_.where() + ": " + update.playlist_errors + "\nthe previous playlist plays on");
            break;
    }
}

void Runner::apply_pending() {
    // Notices that are over leave (and their files with them).
    const std::time_t now = std::time(nullptr);
    for (auto it = notices_.begin(); it != notices_.end();) {
        if (it->body.until > now) {
            ++it;
            continue;
        }
        log::info("fleet", "notice " + it->id + " for " + it->scope + " is over");
        fleet::drop_notice(cfg_->paths.state, it->scope, it->id);
        it = notices_.erase(it);
        notices_changed_ = true;
    }
    if (pending_ || notices_changed_) {
        if (pending_) {
            playlist_ = std::move(*pending_);
            applied_at_ = now;
        }
        pending_.reset();
        notices_changed_ = false;
        rebuild_played();
        for (const auto& e : library_.sync(played_)) log::info("content", e);
        publish_items();
        if (worker_) worker_->set_jobs(web_jobs());
        std::set<std::string> keep;
        for (const auto& job : web_jobs()) keep.insert(job.id);  // the published playlist too
        keep.insert(kPicturesCacheOwner);
        session_.cache().prune(keep);  // items no longer in the playlist leave the cache
    }
    // New content replaces old only here, at a page boundary.
    for (const ItemUpdate& update : pending_updates_) {
        library_.set_freshness(update.id, update.health.last_success, update.health.failures > 0);
        if (update.action == net::RefreshAction::replace && update.document) library_.set_document(update.id, *update.document);
        if (update.action == net::RefreshAction::take_down) library_.take_down(update.id, update.health.last_error);
    }
    pending_updates_.clear();
    for (const std::string& id : pending_refresh_)
        for (const auto& e : library_.refresh(played_, id)) log::error("content", e);
    pending_refresh_.clear();
}

void Runner::request_refresh(const std::string& item) {
    if (worker_ && (item.empty() || is_web_item(item))) worker_->refresh_now(item);
    if (item.empty() || !is_web_item(item)) pending_refresh_.push_back(item);
}

// The fleet: this screen's broker connection, when kiosk.json has a fleet section. A
// broker that is down or unreachable never stops the screen: the client retries on its
// own thread.
void Runner::start_fleet() {
    if (!cfg_->fleet.enabled) return;
    plays_.emplace(cfg_->paths.state / "fleet" / "plays.jsonl");  // kept whether or not the broker is there
    const auto file = cfg_->paths.state / "fleet" / "generations.json";
    auto generations = fleet::Generations::open(file);
    if (!generations) {
        log::error("fleet", generations.error().message + "; starting with no generations applied");
        generations = fleet::Generations::fresh(file);
    }
    auto client = fleet::FleetClient::start(cfg_->fleet, std::move(*generations), [raw = screen_.get()] { raw->wake(); });
    if (!client) log::error("fleet", client.error().message + "; this screen plays on its own");
    else fleet_ = std::move(*client);
}

// Desired state from the office, verified by the client: applied here (on the frame loop,
// between pages), then acked. What this kiosk cannot apply yet is refused with the reason.
void Runner::take_fleet() {
    if (!fleet_) return;
    for (const fleet::Incoming& in : fleet_->take()) {
        if (!in.document) {
            log::once(log::Level::warning, "fleet", in.topic + in.document.error().message,
                      in.topic + ": refused: " + in.document.error().message);
            fleet_->acknowledge(in, false, in.document.error().message);
            continue;
        }
        const fleet::Desired& d = *in.document;
        if (d.kind == "refresh") {
            const std::string item = d.body.value("item", "");
            if (!item.empty() && !library_.find(item)) {
                fleet_->acknowledge(in, false, "no item \"" + item + "\" in this screen's playlist");
                continue;
            }
            request_refresh(item);
            log::info("fleet", "refresh " + (item.empty() ? std::string("of every item") : item) + " (generation " +
                                   std::to_string(d.gen) + ")");
            fleet_->acknowledge(in, true, "");
        } else if (d.kind == "playlist") {
            take_fleet_playlist(in);
        } else if (d.kind == "notice") {
            take_fleet_notice(in);
        } else if (d.kind == "screenshot") {
            // Exactly what the panel shows now, as a PNG of at most 1 MB (not retained: the
            // office asked and is waiting for it).
            auto png = screen_->screenshot_png(fleet::kMaxScreenshotBytes);
            if (!png) {
                fleet_->acknowledge(in, false, png.error().message);
                continue;
            }
            fleet_->publish("screenshot", *png, false);
            fleet_->acknowledge(in, true, "");
        } else {
            fleet_->acknowledge(in, false, "\"" + d.kind + "\" is not supported by this kiosk version yet");
        }
    }
}

// Proof of play to the office, a batch at a time: the spooled records leave the spool only
// once the broker has acknowledged the batch; one not acknowledged within 30 s goes again.
void Runner::send_plays() {
    if (!plays_ || !fleet_) return;
    if (plays_in_flight_.mid >= 0) {
        if (fleet_->delivered(plays_in_flight_)) {
            if (auto st = plays_->drop_first(plays_in_flight_records_); !st)
                log::once(log::Level::warning, "fleet", "plays spool", st.error().message);
            plays_in_flight_ = {};
        } else if (Clock::now() - plays_sent_at_ > std::chrono::seconds(30)) {
            plays_in_flight_ = {};  // lost with a connection: sent again
        } else {
            return;
        }
    }
    if (!fleet_->connected()) return;
    auto batch = plays_->next_batch(cfg_->fleet.screen_id);
    if (!batch) return;
    plays_in_flight_ = fleet_->publish_tracked("plays", batch->payload);
    plays_in_flight_records_ = batch->records;
    plays_sent_at_ = Clock::now();
}

// The office sees each screen's status (retained): on every change of what it shows or of
// its items' state, and at least once a minute (its age, memory, uptime).
void Runner::publish_fleet_status(const status::StatusReport& report) {
    if (!fleet_ || !fleet_->connected()) return;
    if (fleet_->connections() != fleet_connections_) {  // a new connection: say it all again
        fleet_connections_ = fleet_->connections();
        fleet_status_sent_.clear();
    }
    nlohmann::json j = status::to_json(report);
    nlohmann::json steady = j;
    for (const char* k : {"updated", "uptime_seconds", "memory_kb", "pages_shown"}) steady.erase(k);
    const std::string key = steady.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto now = Clock::now();
    if (key == fleet_status_sent_ && now - fleet_status_at_ < std::chrono::seconds(60)) return;
    fleet_status_sent_ = key;
    fleet_status_at_ = now;
    fleet_->publish("status", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), true);
}

// A playlist from the fleet: checked as a published one is (same messages), kept in the
// state folder, and played from the next page when no more specific scope has one.
void Runner::take_fleet_playlist(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    const std::string text = d.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const PlaylistSource arriving = PlaylistSource::fleet(in.arrival.scope);
    auto pl = arriving.check(text, *cfg_);
    if (!pl) {
        log::error("fleet", arriving.where() + ": playlist refused; the current one plays on:\n" + pl.error().message);
        refused_ = {arriving.where() + ": " + pl.error().message};
        refused_at_ = std::time(nullptr);
        fleet_->acknowledge(in, false, pl.error().message);
        return;
    }
    if (auto st = fleet::keep_playlist(cfg_->paths.state, {in.arrival.scope, d.gen, text}); !st) {
        fleet_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return;
    }
    const auto best = fleet::best_playlist(cfg_->paths.state, fleet::scopes_of(cfg_->fleet));
    if (best && best->scope != in.arrival.scope) {
        fleet_->acknowledge(in, true, "kept; the playlist for " + best->scope + " is more specific and plays");
        return;
    }
    source_ = arriving;
    playlist_note_.clear();
    refused_.clear();
    pending_ = std::move(*pl);
    log::info("fleet", arriving.where() + ": playlist generation " + std::to_string(d.gen) + " accepted; applied at the next page");
    fleet_->acknowledge(in, true, "");
}

// A notice from the fleet (or its clearing): kept in the state folder, played from the next
// page — at once when it interrupts (an urgent one always does).
void Runner::take_fleet_notice(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    const std::time_t now = std::time(nullptr);
    auto body = fleet::parse_notice_body(d.body, now);
    if (!body) {
        log::once(log::Level::warning, "fleet", in.topic + body.error().message, in.topic + ": notice refused: " + body.error().message);
        fleet_->acknowledge(in, false, body.error().message);
        return;
    }
    const std::string& scope = in.arrival.scope;
    const std::string item_id = fleet::notice_item_id(scope, d.id);
    const bool showing = decision_.slot.item_id == item_id;
    const auto before = notices_.size();
    notices_.erase(std::remove_if(notices_.begin(), notices_.end(),
                                  [&](const fleet::FleetNotice& n) { return n.scope == scope && n.id == d.id; }),
                   notices_.end());
    if (body->cleared) {
        fleet::drop_notice(cfg_->paths.state, scope, d.id);
        notices_changed_ = notices_changed_ || notices_.size() != before;
        interrupt_now_ = interrupt_now_ || showing;  // off the screen at once
        log::info("fleet", "notice " + d.id + " for " + scope + " cleared");
        fleet_->acknowledge(in, true, "");
        return;
    }
    fleet::FleetNotice notice{scope, d.id, d.gen, now, std::move(*body)};
    if (auto st = fleet::keep_notice(cfg_->paths.state, notice); !st) {
        fleet_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return;
    }
    interrupt_now_ = interrupt_now_ || notice.body.interrupt || notice.body.urgent || showing;
    log::info("fleet", "notice " + d.id + " for " + scope + (notice.body.urgent ? " (urgent)" : "") + " accepted");
    notices_.push_back(std::move(notice));
    notices_changed_ = true;
    fleet_->acknowledge(in, true, "");
}

// The fetch worker's check of a published playlist: the snapshot it holds is shared, never
// changed (the worker's thread reads no setting the frame loop may replace).
PlaylistCheck published_playlist_check(const PlaylistSource& source, config::ConfigSnapshot cfg) {
    return [source, cfg](const std::string& text) {
        auto pl = source.check(text, *cfg);
        return pl ? std::string() : pl.error().message;
    };
}

// The control channel answers `kiosk refresh ITEM` for items it knows only.
void Runner::publish_items() {
    if (!control_) return;
    std::set<std::string> ids;
    for (const auto& item : playlist_.items) ids.insert(item.id);
    control_->set_known_items(std::move(ids));
}

void Runner::show_current(std::time_t now, bool flip) {
    const schedule::Slot& slot = decision_.slot;
    const LibraryItem* item = slot.standing() ? nullptr : library_.find(slot.item_id);
    // A new page changes over as configured; a redraw of the same page (the clock) at once.
    // (Not on pages shorter than two seconds: the change-over would eat their time.)
    auto transition = render::Screen::Transition::none;
    // (Nor for a notice that interrupts: it cuts in.)
    if (flip && decision_.seconds >= 2 && !slot.interrupt) switch (cfg_->transition) {
            case config::PageTransition::fade: transition = render::Screen::Transition::fade; break;
            case config::PageTransition::slide: transition = render::Screen::Transition::slide; break;
            case config::PageTransition::none: break;
        }
    if (item && slot.page < static_cast<int>(item->pages.size())) {
        screen_->show(library_.page_with_chrome(*item, slot.page, now), library_.geometry(), transition);
    } else {
        // Nothing to play because no playlist could be read: say the content is being seen to.
        const bool maintenance = playlist_.items.empty() && (!refused_.empty() || !config_errors_.empty());
        screen_->show(library_.standing_page(now, maintenance), library_.geometry(), transition);
    }
}

std::string Runner::slot_summary() const {
    const schedule::Slot& slot = decision_.slot;
    if (slot.standing()) return "standing page";
    const LibraryItem* item = library_.find(slot.item_id);
    return "showing " + slot.item_id + " page " + std::to_string(slot.page + 1) + "/" +
           std::to_string(item ? item->pages.size() : 0);
}

void Runner::write_status() {
    // Under a soak test's fast clock, at most four writes a second (each is a write, fsync
    // and rename); at normal speed every page is recorded.
    const auto steady = Clock::now();
    if (clock_.speedup > 1 && steady - status_written_ < std::chrono::milliseconds(250)) return;
    status_written_ = steady;
    const std::time_t now = std::time(nullptr);
    const std::string& zone = cfg_->time_zone;
    auto when = [&](std::time_t t) { return t ? zone_time::format_iso_local(t, zone) : std::string(); };
    status::StatusReport r;
    for (const auto& e : library_.items()) {
        status::ItemStatus item{e.item.id, e.title, e.item.source, when(e.loaded_at), e.error, e.pages.size(), std::nullopt};
        if (auto h = health_.find(e.item.id); h != health_.end())
            item.fetch = status::FetchHealth{when(h->second.last_attempt), when(h->second.last_success),
                                             when(h->second.next_attempt), h->second.last_error, h->second.failures,
                                             h->second.withdrawn};
        r.items.push_back(std::move(item));
    }
    const schedule::Slot& slot = decision_.slot;
    const LibraryItem* item = slot.standing() ? nullptr : library_.find(slot.item_id);
    r.version = KIOSK_VERSION;
    r.pid = static_cast<long>(::getpid());
    r.started = when(started_);
    r.uptime_seconds = static_cast<long>(now - started_);
    r.updated = when(now);
    r.memory_kb = status::resident_memory_kb();
    r.pages_shown = pages_shown_;
    r.current = {slot.standing(), slot.interrupt, slot.item_id, when(decision_at_),
                 when(decision_at_ + static_cast<std::time_t>(decision_.seconds)), slot.page + 1,
                 item ? item->pages.size() : 1};
    r.playlist.file = source_.where();
    r.playlist.fetch_error = health_.count(kPlaylistJob) ? health_.at(kPlaylistJob).last_error : "";
    r.playlist.version = playlist_.version;
    r.playlist.items = playlist_.items.size();
    r.playlist.applied = when(applied_at_);
    r.playlist.refused = refused_;
    r.playlist.refused_at = when(refused_at_);
    r.playlist.note = playlist_note_;
    r.fleet.enabled = cfg_->fleet.enabled;
    r.fleet.connected = fleet_ && fleet_->connected();
    if (fleet_) r.fleet.applied = fleet_->applied();
    r.fleet.groups = cfg_->fleet.groups;
    r.fleet.hall = cfg_->hall_name;
    // The upright page as it is drawn (what a preview at the office should match).
    r.fleet.width = screen_ ? screen_->page_width() : cfg_->width;
    r.fleet.height = screen_ ? screen_->page_height() : cfg_->height;
    for (const fleet::FleetNotice& n : notices_) r.fleet.notices.push_back(fleet::notice_item_id(n.scope, n.id));
    r.config_file = cfg_->file.string();
    r.config_errors = config_errors_;
    if (auto st = status::write_status(cfg_->paths.runtime / "status.json", r); !st)
        log::once(log::Level::warning, "status", "write", st.error().message);
    publish_fleet_status(r);
}

// One page: apply what is pending at the boundary, decide, show, and wait until the page's
// time is up or an event ends it early. True when the kiosk is to stop.
bool Runner::one_page(const std::chrono::milliseconds& watchdog, bool& announced) {
    // A page boundary: apply accepted edits, then decide what plays next.
    apply_pending();
    const std::time_t now = std::time(nullptr);
    decision_ = schedule::decide(played_, library_.content_state(), now_for(now), history_,
                                 scheduler_settings(*cfg_));
    history_ = schedule::record(std::move(history_), decision_, now_for(now));
    decision_.seconds /= clock_.speedup;  // 1 but in soak tests
    decision_at_ = now;
    ++pages_shown_;
    if (cfg_->progress_bar) screen_->set_progress(decision_.slot.standing() ? -1.0 : 1.0);
    show_current(now, true);
    const auto shown_at = Clock::now();  // the page's time starts when it is fully up
    const auto shown_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
    write_status();
    service::watchdog_ping();  // the loop made progress: a page is up
    if (!announced) {
        service::ready();  // the first page is on the screen
        announced = true;
    }
    service::status(slot_summary());
    const schedule::Slot& slot = decision_.slot;
    log::write(log::Level::debug, "app",
               slot.standing() ? std::string("standing page")
                               : "page " + slot.item_id + " " + std::to_string(slot.page + 1) + "/" +
                                     std::to_string(library_.find(slot.item_id)->pages.size()));

    const auto flip_at = shown_at + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(decision_.seconds));
    std::time_t minute_shown = now / 60;
    bool quit = false, flip_now = false;
    // At least one wait per page, so SIGTERM and other events are seen even when pages
    // are shorter than drawing them.
    for (bool first = true; !quit && !flip_now && (first || Clock::now() < flip_at); first = false) {
        // Sleep until the flip or the next minute (the footer clock), whichever is first.
        const auto until_minute = std::chrono::milliseconds(1000 * (60 - std::time(nullptr) % 60));
        const auto until_flip = std::chrono::duration_cast<std::chrono::milliseconds>(flip_at - Clock::now());
        auto sleep_for = std::min(until_flip, until_minute);
        if (watchdog.count() > 0) sleep_for = std::min(sleep_for, watchdog);  // wake to ping: the loop is alive
        // The progress bar moves in twentieths of the page's time, at most once a second: a
        // strip redrawn and the frame presented, nothing else.
        if (cfg_->progress_bar && !decision_.slot.standing()) {
            const auto step = std::chrono::milliseconds(std::max<long long>(1000, std::llround(decision_.seconds * 1000 / 20)));
            sleep_for = std::min(sleep_for, step);
        }
        const auto woke = screen_->wait(std::max(std::chrono::milliseconds(1), sleep_for));
        service::watchdog_ping();
        switch (woke) {
            case render::Screen::Wake::quit: quit = true; break;
            case render::Screen::Wake::resized:
                library_.lay_out(screen_->page_width(), screen_->page_height());
                show_current(std::time(nullptr));
                break;
            case render::Screen::Wake::external:
                take_events();
                // The standing page is no page to finish: new content goes up at once.
                if (decision_.slot.standing() && (!pending_updates_.empty() || pending_ || notices_changed_)) flip_now = true;
                // A notice that interrupts goes up now, not when this page's time is up.
                if (interrupt_now_) flip_now = true;
                interrupt_now_ = false;
                break;
            case render::Screen::Wake::timeout:
                if (cfg_->progress_bar && !decision_.slot.standing()) {
                    const double left = std::chrono::duration<double>(flip_at - Clock::now()).count();
                    screen_->set_progress(std::max(0.0, left / std::max(1e-3, decision_.seconds)));
                }
                if (std::time(nullptr) / 60 != minute_shown) {
                    minute_shown = std::time(nullptr) / 60;
                    show_current(std::time(nullptr));
                }
                break;
        }
    }
    const double shown_for = std::chrono::duration<double>(Clock::now() - shown_at).count();
    nlohmann::json play = {{"start", zone_time::format_iso_local(decision_at_, cfg_->time_zone)},
                           {"seconds", std::round(shown_for * 10) / 10},
                           {"item", slot.item_id},
                           {"page", slot.page + 1},
                           {"standing", slot.standing()},
                           {"interrupt", slot.interrupt}};
    proof_.append(play);
    if (plays_) {
        // For the office: an id (screen and start in ms) by which a batch sent twice counts once.
        play["id"] = cfg_->fleet.screen_id + "-" + std::to_string(shown_at_ms);
        if (auto st = plays_->add(play); !st) log::once(log::Level::warning, "fleet", "plays add", st.error().message);
        if (!quit) send_plays();  // stopping: it stays spooled and goes at the next start
    }
    return quit;
}

int Runner::run(const RunOptions& options) {
    render::ScreenOptions screen_options = options.screen;
    screen_options.rotation = options.rotate.value_or(cfg_->rotation);
    auto screen = render::Screen::open(screen_options, session_.fonts(), cfg_->theme);
    if (!screen) {
        std::fprintf(stderr, "kiosk: %s\n", screen.error().message.c_str());
        return 1;
    }
    screen_ = std::move(*screen);
    library_.lay_out(screen_->page_width(), screen_->page_height());
    screen_->set_pictures(&library_.pictures());
    load_playlist_at_start();  // web items show their cached copy: no network yet

    worker_ = std::make_unique<FetchWorker>(fetch_policy_for(*cfg_), session_.cache(), [raw = screen_.get()] { raw->wake(); },
                                            published_playlist_check(source_, cfg_), &library_.pictures());
    worker_->set_jobs(web_jobs());
    health_ = worker_->health();
    for (const auto& [id, h] : health_) library_.set_freshness(id, h.last_success, h.failures > 0);  // cached copies' age

    start_fleet();
    auto control = ControlChannel::start(source_.watched_file(), cfg_->paths.runtime / "control.sock",
                                         [raw = screen_.get()] { raw->wake(); });
    if (!control) log::warn("control", control.error().message + "; refresh and hot reload are off");
    else control_ = std::move(*control);
    publish_items();
    log::info("app", "showing " + std::to_string(library_.items().size()) + " item(s) on a " +
                         std::to_string(screen_->page_width()) + "x" + std::to_string(screen_->page_height()) +
                         " page; status in " + (cfg_->paths.runtime / "status.json").string());

    const auto watchdog = service::watchdog_interval();
    bool announced = false;
    for (bool quit = false; !quit;) {
        try {
            quit = one_page(watchdog, announced);
        } catch (const std::exception& e) {
            // The last resort (the cause is a bug to fix): the page on screen stays, the loop
            // goes on; a second's wait keeps a fault that repeats from spinning.
            log::once(log::Level::error, "app", std::string("page loop: ") + e.what(),
                      std::string("unexpected error in the page loop, the current page stays up: ") + e.what());
            quit = screen_->wait(std::chrono::milliseconds(1000)) == render::Screen::Wake::quit;
        }
    }
    service::stopping();
    if (plays_ && fleet_ && plays_in_flight_.mid >= 0) {
        // A batch on its way: a moment for its PUBACK, so it is not sent again at the next
        // start (the office would count it once anyway, by its ids).
        const auto until = Clock::now() + std::chrono::seconds(1);
        while (!fleet_->delivered(plays_in_flight_) && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (fleet_->delivered(plays_in_flight_)) (void)plays_->drop_first(plays_in_flight_records_);
    }
    fleet_.reset();  // `disconnected` published before the connection closes
    control_.reset();
    worker_.reset();
    log::info("app", "stopped");
    return 0;
}

}  // namespace

int run_kiosk(const RunOptions& options) {
    // Never dark at start: Session::open_for_run replaces a configuration that cannot be
    // used by the last good one or the built-in settings. Only what makes drawing
    // impossible (no fonts, no display) or a second kiosk on the same folder ends it.
    auto session = Session::open_for_run(options.config);
    if (!session) {
        std::fprintf(stderr, "kiosk: %s\n", session.error().message.c_str());
        return 1;
    }
    // One kiosk per runtime folder: a second would overwrite the first one's status and socket.
    auto lock = store::InstanceLock::acquire(session->config()->paths.runtime);
    if (!lock) {
        std::fprintf(stderr, "kiosk: %s\n", lock.error().message.c_str());
        return 2;
    }
    Runner runner(std::move(*session), options.clock);
    return runner.run(options);
}

}  // namespace kiosk::app
