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

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "app/compare_source.hpp"
#include "app/control.hpp"
#include "app/fetch_worker.hpp"
#include "app/fleet_sync.hpp"
#include "app/hall_power.hpp"
#include "app/playlist_state.hpp"
#include "store/instance.hpp"
#include "app/library.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "app/ticker_loop.hpp"
#include "base/url.hpp"
#include "fleet/notice.hpp"
#include "fleet/plays.hpp"
#include "base/log.hpp"
#include "health/readings.hpp"
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
          playlist_(session_.playlist_source(), cfg_->paths.state), proof_(cfg_->paths.state / "proof-of-play.log"),
          last_good_(cfg_->paths.state), config_errors_(session_.config_errors()), clock_(clock),
          started_(std::time(nullptr)) {}

    int run(const RunOptions& options);

private:
    bool one_page(const std::chrono::milliseconds& watchdog, bool& announced);
    bool sleep_while_closed(const std::chrono::milliseconds& watchdog, bool& announced);
    HallPower::Mode power_now(std::time_t now);
    void publish_items();
    void take_events();
    void check_playlist(const char* why);
    void apply_pending();
    void show_current(std::time_t now, bool flip = false);
    void write_status(bool now = false);
    // A wait measured on the wall clock, on the steady clock the loop waits by (a soak test's
    // fast clock runs the wall clock faster).
    std::chrono::milliseconds wall_wait(std::chrono::milliseconds d) const {
        return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(d.count()) / clock_.speedup));
    }
    template <typename When>
    status::Health health_report(std::time_t now, const When& when) const;
    std::string slot_summary() const;
    std::vector<FetchJob> web_jobs() const;
    bool is_web_item(const std::string& id) const;
    void reload_config();
    void follow_fleet_playlist();
    void request_refresh(const std::string& item);
    schedule::Now now_for(std::time_t t) const { return schedule::make_now(t, zone_time::offset_at(t, cfg_->time_zone)); }

    Session session_;              // the configuration found, fonts, cache, library, playlist source
    config::ConfigSnapshot cfg_;  // the configuration in use; a reload replaces it whole
    Library& library_;             // session_'s
    PlaylistState playlist_;       // what plays, what waits for the next page, what was refused
    bool interrupt_now_ = false;   // a notice that interrupts arrived (or one showing was cleared)
    std::vector<std::string> pending_refresh_;  // item ids ("" for all), at the next boundary
    std::unique_ptr<render::Screen> screen_;
    std::unique_ptr<TickerLoop> ticker_;  // after screen_: the band's frames (app/ticker_loop.hpp)
    std::unique_ptr<HallPower> power_;  // after screen_ (a dpms backend is the screen's): it goes first
    HallPower::Mode power_mode_ = HallPower::Mode::on;
    bool power_changed_ = false;  // the status says so at once (not held back by a fast clock)
    std::unique_ptr<ControlChannel> control_;
    std::unique_ptr<FetchWorker> worker_;  // after screen_ and session_ (its cache): it goes first
    // After screen_ (its client wakes it) and playlist_ (it delivers to it): it goes first.
    FleetSync fleet_{playlist_, {[this](const std::string& id) { return library_.find(id) != nullptr; },
                                 [this](const std::string& id) { request_refresh(id); },
                                 [this](std::size_t most) { return screen_->screenshot_png(most); },
                                 [this] { return decision_.slot.item_id; }}};
    std::map<std::string, net::ItemHealth> health_;       // the worker's latest word, for status
    std::deque<ItemUpdate> pending_updates_;         // new or withdrawn content, at the next boundary
    status::ProofOfPlay proof_;
    fleet::ShowingCounter showings_;  // which page records complete a showing of their item
    store::LastGood last_good_;                     // accepted configurations, for a bad start
    std::vector<std::string> config_errors_;  // the configuration asked for could not be used
    long pages_shown_ = 0;
    Clock::time_point status_written_{};
    PageClock clock_;
    schedule::History history_;
    schedule::Decision decision_;
    std::time_t decision_at_ = 0;
    std::time_t started_;
    health::HealthRoots health_roots_ = health::HealthRoots::from_environment();
    std::time_t sample_reported_ = 0;  // the frame sample the last status carried
};

std::vector<FetchJob> Runner::web_jobs() const {
    std::vector<FetchJob> jobs;
    const PlaylistSource& source = playlist_.source();
    if (source.kind() == PlaylistSource::Kind::published) jobs.push_back({kPlaylistJob, source.where(), 300, true, "", 0});
    for (const auto& item : playlist_.playlist().items)
        if (item.enabled && is_fetched(item)) jobs.push_back(web_job(item, &playlist_.playlist()));
    return jobs;
}

bool Runner::is_web_item(const std::string& id) const {
    for (const auto& item : playlist_.playlist().items)
        if (item.id == id) return is_fetched(item);
    return false;
}

void Runner::check_playlist(const char* why) {
    switch (playlist_.source().kind()) {
        case PlaylistSource::Kind::fleet:
            log::once(log::Level::info, "config", "fleet plays", std::string("the fleet's playlist plays; ") + why + " is not applied");
            return;
        case PlaylistSource::Kind::published:
            if (worker_) worker_->refresh_now(kPlaylistJob);
            return;
        case PlaylistSource::Kind::local_file: playlist_.check_local(*cfg_, session_.cache(), why); return;
    }
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
    if (playlist_.source().where().empty()) playlist_.set_source(PlaylistSource::of(*cfg_));
    if (const auto relinked = fleet_.reconfigure(cfg_); relinked.relinked) {
        interrupt_now_ = interrupt_now_ || relinked.showing_left;  // not this screen's any more: off at once
        follow_fleet_playlist();
    }
    config_errors_.clear();
    library_.set_config(cfg_);
    if (library_.ticker_band()) library_.set_ticker_band(cfg_->ticker);
    library_.lay_out(screen_->page_width(), screen_->page_height());
    if (ticker_->running()) ticker_->update(playlist_.played(), *cfg_, now_for(std::time(nullptr)), std::time(nullptr) >= build_time(), false);
    screen_->set_theme(cfg_->theme);
    screen_->set_frame_sample_interval(std::chrono::seconds(cfg_->frame_sample_seconds));
    if (worker_) worker_->set_settings(fetch_policy_for(*cfg_), published_playlist_check(playlist_.source(), cfg_));
    power_->configure(cfg_);
    if (power_->mode() != HallPower::Mode::asleep) show_current(std::time(nullptr));
    log::info("config", cfg_->file.string() + ": configuration reloaded");
}

// After a new fleet link: a playlist the fleet sent to a scope this screen has left stops,
// and the best of its new scopes' (else the configured one) plays from the next page.
void Runner::follow_fleet_playlist() {
    const PlaylistSource now = PlaylistSource::of(*cfg_);
    const PlaylistSource& was = playlist_.source();
    if (now.where() == was.where() || (was.kind() != PlaylistSource::Kind::fleet && now.kind() != PlaylistSource::Kind::fleet))
        return;
    auto copy = now.read(*cfg_, session_.cache());
    if (copy) {
        log::info("fleet", "the playlist of " + now.where() + " plays from the next page instead of " + was.where());
        playlist_.accept(now, std::move(copy->playlist));
        return;
    }
    log::warn("fleet", was.where() + " is not this screen's playlist any more; it plays on until " + now.where() +
                           " can be read: " + copy.error().message);
    playlist_.set_source(now);
    if (worker_) worker_->set_jobs(web_jobs());  // a published one is fetched now
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
    if (fleet_.take()) interrupt_now_ = true;
    if (fleet_.calendar_changed()) power_->configure(cfg_);
    fleet_.send_plays();
    if (worker_) {
        for (auto& update : worker_->take()) {
            health_[update.id] = update.health;
            if (update.id == kPlaylistJob) {
                playlist_.take_published(update, *cfg_);
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

void Runner::apply_pending() {
    if (playlist_.apply(std::time(nullptr), cfg_->paths.state)) {
        for (const auto& e : library_.sync(playlist_.played())) log::info("content", e);
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
        if (update.action == net::RefreshAction::take_down) library_.take_down(update.id, update.health.last_error, update.health.last_reason);
    }
    pending_updates_.clear();
    for (const std::string& id : pending_refresh_)
        for (const auto& e : library_.refresh(playlist_.played(), id)) log::error("content", e);
    pending_refresh_.clear();
}

void Runner::request_refresh(const std::string& item) {
    if (worker_ && (item.empty() || is_web_item(item))) worker_->refresh_now(item);
    if (item.empty() || !is_web_item(item)) pending_refresh_.push_back(item);
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
    for (const auto& item : playlist_.playlist().items) ids.insert(item.id);
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
        const bool maintenance = playlist_.playlist().items.empty() && (!playlist_.refused().empty() || !config_errors_.empty());
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

// The host's readings (health/readings.hpp) and the panel's (render::Screen), for the status.
template <typename When>
status::Health Runner::health_report(std::time_t now, const When& when) const {
    const health::HostReadings host = health::read_host(health_roots_, cfg_->paths.state);
    status::Health h;
    h.temperature_c = host.temperature_c;
    h.thermal_zone = host.thermal_zone;
    if (host.disk) h.disk = status::Health::Disk{host.disk->path, host.disk->free_bytes, host.disk->total_bytes, host.disk->free_percent};
    h.available_kb = host.available_kb;
    h.kiosk_rss_kb = status::resident_memory_kb();
    h.load.assign(host.load.begin(), host.load.end());
    h.host_uptime_seconds = host.host_uptime_seconds;
    h.kiosk_uptime_seconds = static_cast<long>(now - started_);
    h.os = host.os;
    if (screen_) {
        const auto d = screen_->display();
        h.display = {d.driver, d.width, d.height, d.refresh_hz};
        const auto f = screen_->frames();
        char colour[8] = "";
        if (f.uniform) std::snprintf(colour, sizeof colour, "#%06x", static_cast<unsigned>(f.colour & 0xFFFFFFu));
        h.frames = {f.last_minute, when(f.sampled_at), f.uniform, colour};
    }
    return h;
}

void Runner::write_status(bool now_anyway) {
    // Under a soak test's fast clock, at most four writes a second (each is a write, fsync
    // and rename); at normal speed every page is recorded. The panel's changes always are.
    const auto steady = Clock::now();
    if (clock_.speedup > 1 && !now_anyway && steady - status_written_ < std::chrono::milliseconds(250)) return;
    status_written_ = steady;
    const std::time_t now = std::time(nullptr);
    const std::string& zone = cfg_->time_zone;
    auto when = [&](std::time_t t) { return t ? zone_time::format_iso_local(t, zone) : std::string(); };
    status::StatusReport r;
    for (const auto& e : library_.items()) {
        const std::string source = compares_texts(e.item) ? e.item.old_source + " | " + e.item.new_source : e.item.source;
        status::ItemStatus item{e.item.id, e.title, source, when(e.loaded_at), e.error, e.pages.size(), std::nullopt, e.reason};
        if (auto h = health_.find(e.item.id); h != health_.end()) {
            item.fetch = status::FetchHealth{when(h->second.last_attempt), when(h->second.last_success),
                                             when(h->second.next_attempt), h->second.last_error, h->second.failures,
                                             h->second.withdrawn, h->second.last_reason};
            // Nothing to show yet and the fetches failing: the clerk reads why (连接被拒绝…),
            // not only that the screen is waiting.
            if (!e.error.empty() && !h->second.withdrawn && h->second.failures > 0 && !h->second.last_reason.empty())
                item.reason = "还没有取到内容：" + h->second.last_reason;
        }
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
    r.playlist.file = playlist_.source().where();
    r.playlist.fetch_error = health_.count(kPlaylistJob) ? health_.at(kPlaylistJob).last_error : "";
    r.playlist.fetch_reason = health_.count(kPlaylistJob) ? health_.at(kPlaylistJob).last_reason : "";
    r.playlist.version = playlist_.playlist().version;
    r.playlist.items = playlist_.playlist().items.size();
    r.playlist.applied = when(playlist_.applied_at());
    r.playlist.refused = playlist_.refused();
    r.playlist.refused_at = when(playlist_.refused_at());
    r.playlist.note = playlist_.note();
    r.fleet.enabled = cfg_->fleet.enabled;
    r.fleet.connected = fleet_.connected();
    if (fleet_.linked()) r.fleet.applied = fleet_.applied();
    r.fleet.groups = cfg_->fleet.groups;
    r.fleet.hall = cfg_->hall_name;
    // The upright page as it is drawn (what a preview at the office should match).
    r.fleet.width = screen_ ? screen_->page_width() : cfg_->width;
    r.fleet.height = screen_ ? screen_->page_height() : cfg_->height;
    for (const fleet::FleetNotice& n : playlist_.notices()) r.fleet.notices.push_back(fleet::notice_item_id(n.scope, n.id));
    r.config_file = cfg_->file.string();
    r.config_errors = config_errors_;
    r.health = health_report(now, when);
    if (power_) r.power = power_->report();
    // Within kMaxStatusBytes whatever this screen holds, for the broker's packet limit.
    r = status::bounded(std::move(r));
    if (auto st = status::write_status(cfg_->paths.runtime / "status.json", r); !st)
        log::once(log::Level::warning, "status", "write", st.error().message);
    fleet_.publish_status(r);
}

// One page: apply what is pending at the boundary, decide, show, and wait until the page's
// time is up or an event ends it early. True when the kiosk is to stop.
bool Runner::one_page(const std::chrono::milliseconds& watchdog, bool& announced) {
    // A page boundary: apply accepted edits, then decide what plays next.
    apply_pending();
    const std::time_t now = std::time(nullptr);
    // The hall is closed and no urgent notice is in force: nothing is drawn until it opens.
    const HallPower::Mode page_mode = power_now(now);
    if (page_mode == HallPower::Mode::asleep) return sleep_while_closed(watchdog, announced);
    // The ticker band for the notices in force now: the pages laid out beside it before the
    // scheduler counts them.
    ticker_->update(playlist_.played(), *cfg_, now_for(now), now >= build_time(), false);
    // Woken for an urgent notice: only the urgent notices play, until the last one is over.
    const config::Playlist urgent = page_mode == HallPower::Mode::woken
                                        ? urgent_notices(playlist_.played(), library_.content_state(), now_for(now), now >= build_time())
                                        : config::Playlist{};
    const std::time_t urgent_over = urgent_until(urgent);
    decision_ = schedule::decide(page_mode == HallPower::Mode::woken ? urgent : playlist_.played(), library_.content_state(),
                                 now_for(now), history_, scheduler_settings(*cfg_));
    history_ = schedule::record(std::move(history_), decision_, now_for(now));
    decision_.seconds /= clock_.speedup;  // 1 but in soak tests
    decision_at_ = now;
    ++pages_shown_;
    if (cfg_->progress_bar) screen_->set_progress(decision_.slot.standing() ? -1.0 : 1.0);
    show_current(now, true);
    const auto shown_at = Clock::now();  // the page's time starts when it is fully up
    const auto shown_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
    write_status(std::exchange(power_changed_, false));
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
        sleep_for = std::min(sleep_for, screen_->until_sample());  // the frame sample is due
        sleep_for = std::min(sleep_for, wall_wait(power_->until_change(std::time(nullptr))));  // the hall closes
        if (urgent_over) sleep_for = std::min(sleep_for, wall_wait(std::chrono::seconds(std::max<std::time_t>(0, urgent_over - std::time(nullptr)))));
        // The progress bar moves in twentieths of the page's time, at most once a second: a
        // strip redrawn and the frame presented, nothing else.
        if (cfg_->progress_bar && !decision_.slot.standing()) {
            const auto step = std::chrono::milliseconds(std::max<long long>(1000, std::llround(decision_.seconds * 1000 / 20)));
            sleep_for = std::min(sleep_for, step);
        }
        // A ticker notice starts or ends within this page: the band changes then.
        if (const std::time_t change = ticker_->next_change())
            sleep_for = std::min(sleep_for, wall_wait(std::chrono::seconds(std::max<std::time_t>(0, change - std::time(nullptr)))));
        const auto wake_at = Clock::now() + std::max(std::chrono::milliseconds(1), sleep_for);
        // The band runs: a frame at each refresh until something else is due; nothing else is
        // looked at between frames (app/ticker_loop.hpp).
        const bool frame_first = ticker_->running() && ticker_->next_frame() < wake_at;
        const auto woke = screen_->wait_until(frame_first ? ticker_->next_frame() : wake_at);
        if (frame_first && woke == render::Screen::Wake::timeout) {
            ticker_->frame();
            continue;
        }
        service::watchdog_ping();
        switch (woke) {
            case render::Screen::Wake::quit: quit = true; break;
            case render::Screen::Wake::resized:
                library_.lay_out(screen_->page_width(), screen_->page_height());
                ticker_->resized();
                show_current(std::time(nullptr));
                break;
            case render::Screen::Wake::external:
                take_events();
                // The standing page is no page to finish: new content goes up at once.
                if (decision_.slot.standing() && (!pending_updates_.empty() || playlist_.pending())) flip_now = true;
                // A notice that interrupts goes up now, not when this page's time is up.
                if (interrupt_now_) flip_now = true;
                interrupt_now_ = false;
                if (fleet_.restart_asked()) quit = true;  // the office's restart: stop cleanly now
                break;
            case render::Screen::Wake::timeout:
                // A ticker notice started or ended: the band changes (and the pages' layout
                // with it: the next page comes from the new layout).
                if (ticker_->next_change() && std::time(nullptr) >= ticker_->next_change() &&
                    ticker_->update(playlist_.played(), *cfg_, now_for(std::time(nullptr)), std::time(nullptr) >= build_time(), false))
                    flip_now = true;
                if (cfg_->progress_bar && !decision_.slot.standing()) {
                    const double left = std::chrono::duration<double>(flip_at - Clock::now()).count();
                    screen_->set_progress(std::max(0.0, left / std::max(1e-3, decision_.seconds)));
                }
                if (std::time(nullptr) / 60 != minute_shown) {
                    minute_shown = std::time(nullptr) / 60;
                    show_current(std::time(nullptr));
                }
                // No present since the sample fell due: present the page again to sample it.
                if (screen_->until_sample().count() == 0) screen_->sample_now();
                break;
        }
        // The hall closed, opened, or an urgent notice came or went: this page ends now.
        if (!quit && power_now(std::time(nullptr)) != page_mode) flip_now = true;
        // A new frame sample (this one, or one a present took): the status says what it showed.
        if (const std::time_t sampled = screen_->frames().sampled_at; sampled != sample_reported_) {
            sample_reported_ = sampled;
            write_status();
        }
    }
    const double shown_for = std::chrono::duration<double>(Clock::now() - shown_at).count();
    nlohmann::json play = {{"start", zone_time::format_iso_local(decision_at_, cfg_->time_zone)},
                           {"seconds", std::round(shown_for * 10) / 10},
                           {"item", slot.item_id},
                           {"page", slot.page + 1},
                           {"standing", slot.standing()},
                           {"interrupt", slot.interrupt}};
    // For the office's 播放记录: the item's pages and title as shown (its name stays with the
    // play after the item leaves the playlist), and whether this page ended a whole showing.
    if (const LibraryItem* shown = slot.standing() ? nullptr : library_.find(slot.item_id)) {
        const int of = static_cast<int>(shown->pages.size());
        play["of"] = of;
        // At most 120 bytes: a record stays within the spool's 512 bytes (fleet/plays.hpp).
        if (!shown->title.empty()) play["title"] = utf8::truncate(shown->title, 120);
        play["complete"] = !quit && showings_.shown(slot.item_id, slot.page, of);
    }
    proof_.append(play);
    fleet_.add_play(std::move(play), shown_at_ms, quit);
    return quit;
}

// The panel's mode at `now` (hall_power.hpp), the fetch pace with it: slow while asleep,
// every web item fetched again as the panel wakes (content is fresh at opening).
HallPower::Mode Runner::power_now(std::time_t now) {
    const HallPower::Mode mode = power_->update(now, [&] {
        return !urgent_notices(playlist_.played(), library_.content_state(), now_for(now), now >= build_time()).items.empty();
    });
    if (mode != power_mode_) power_changed_ = true;
    power_mode_ = mode;
    if (worker_) {
        worker_->set_pace(mode == HallPower::Mode::asleep ? kAsleepFetchInterval : std::chrono::seconds(0));
        if (power_->take_woke()) worker_->refresh_now("");
    }
    return mode;
}

// The hall is closed: the black page is up (HallPower showed it), nothing is drawn or
// presented, no plays are logged. Waits for the next planned change, an event (the
// playlist, the fleet, the fetch worker, a reload) or the status's heartbeat (the office
// sees the screen alive). False when the panel is to be on again, true to stop.
bool Runner::sleep_while_closed(const std::chrono::milliseconds& watchdog, bool& announced) {
    decision_ = {};  // nothing plays
    decision_at_ = std::time(nullptr);
    ticker_->update(playlist_.played(), *cfg_, now_for(decision_at_), true, true);  // no band while the panel sleeps
    interrupt_now_ = false;
    power_changed_ = false;
    write_status(true);
    service::watchdog_ping();
    if (!announced) {
        service::ready();
        announced = true;
    }
    service::status("asleep: the hall is closed");
    for (;;) {
        auto sleep_for = wall_wait(std::min<std::chrono::milliseconds>(power_->until_change(std::time(nullptr)), kStatusHeartbeat));
        if (watchdog.count() > 0) sleep_for = std::min(sleep_for, watchdog);
        const auto woke = screen_->wait(std::max(std::chrono::milliseconds(1), sleep_for));
        service::watchdog_ping();
        switch (woke) {
            case render::Screen::Wake::quit: return true;
            case render::Screen::Wake::resized:
                library_.lay_out(screen_->page_width(), screen_->page_height());
                screen_->show_black();
                break;
            case render::Screen::Wake::external:
            {
                take_events();
                const bool applying = playlist_.pending();
                apply_pending();
                if (applying) write_status(true);  // the office sees the edit taken while asleep
                interrupt_now_ = false;
                if (fleet_.restart_asked()) return true;
                break;
            }
            case render::Screen::Wake::timeout:
                if (Clock::now() - status_written_ >= wall_wait(kStatusHeartbeat - std::chrono::seconds(1))) write_status();
                break;
        }
        if (power_now(std::time(nullptr)) != HallPower::Mode::asleep) return false;
    }
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
    screen_->set_frame_sample_interval(std::chrono::seconds(cfg_->frame_sample_seconds));
    ticker_ = std::make_unique<TickerLoop>(*screen_, session_.fonts(), library_);
    power_ = std::make_unique<HallPower>(*screen_);
    power_->configure(cfg_);
    library_.lay_out(screen_->page_width(), screen_->page_height());
    screen_->set_pictures(&library_.pictures());
    playlist_.load_at_start(*cfg_, session_.cache());  // web items show their cached copy: no network yet
    for (const auto& e : library_.sync(playlist_.played())) log::error("content", e);

    worker_ = std::make_unique<FetchWorker>(fetch_policy_for(*cfg_), session_.cache(), [raw = screen_.get()] { raw->wake(); },
                                            published_playlist_check(playlist_.source(), cfg_), &library_.pictures());
    worker_->set_jobs(web_jobs());
    health_ = worker_->health();
    for (const auto& [id, h] : health_) library_.set_freshness(id, h.last_success, h.failures > 0);  // cached copies' age

    fleet_.start(cfg_, [raw = screen_.get()] { raw->wake(); });
    auto control = ControlChannel::start(playlist_.source().watched_file(), cfg_->paths.runtime / "control.sock",
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
    const std::uint64_t restart = fleet_.restart_asked();
    if (restart) write_status();  // its last word before the restart, in status.json and to the office
    fleet_.stop(true);  // `disconnected` published before the connection closes
    control_.reset();
    worker_.reset();
    if (restart) {
        log::info("app", "stopped for the office's restart (generation " + std::to_string(restart) + "); exit status " +
                             std::to_string(kExitRestart) + ": systemd starts the kiosk again");
        std::fflush(stdout);
        std::fflush(stderr);
        return kExitRestart;
    }
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
