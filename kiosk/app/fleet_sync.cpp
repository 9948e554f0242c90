#include "app/fleet_sync.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "app/fleet_calendar.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "fleet/ack.hpp"
#include "fleet/desired_store.hpp"
#include "fleet/generations.hpp"
#include "fleet/notice.hpp"
#include "fleet/topics.hpp"
#include "base/log.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

// The fleet: this screen's broker connection, when kiosk.json has a fleet section. A
// broker that is down or unreachable never stops the screen: the client retries on its
// own thread.
void FleetSync::start(config::ConfigSnapshot cfg, std::function<void()> wake) {
    cfg_ = std::move(cfg);
    wake_ = std::move(wake);
    if (!cfg_->fleet.enabled) return;
    plays_.emplace(cfg_->paths.state / "fleet" / "plays.jsonl");  // kept whether or not the broker is there
    const auto file = cfg_->paths.state / "fleet" / "generations.json";
    auto generations = fleet::Generations::open(file);
    if (!generations) {
        // Fail closed: "nothing applied" would let a broker replay every unexpired document.
        // The file was last written when a document was applied, so everything the office
        // published before that time (generations are its clock in ms) stays refused; what
        // this screen had accepted plays on from its kept copies.
        std::error_code ec;
        const auto written = fs::last_write_time(file, ec);
        const auto floor_ms = ec ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                 : std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::file_clock::to_sys(written).time_since_epoch());
        const auto floor = static_cast<std::uint64_t>(std::max<long long>(0, floor_ms.count()));
        log::error("fleet", generations.error().message + "; documents of generation " + std::to_string(floor) +
                                " or older (published before the file was last written) stay refused");
        generations = fleet::Generations::after_damage(file, floor);
    }
    auto client = fleet::FleetClient::start(cfg_->fleet, std::move(*generations), wake_);
    if (!client) log::error("fleet", client.error().message + "; this screen plays on its own");
    else client_ = std::move(*client);
}

namespace {

// What a clerk reads when this screen refuses a playlist: the first mistake its checker
// found, by the item's number and title (the checker's message itself when this screen
// speaks Chinese), and that the playlist it had plays on.
std::string playlist_refusal_words(const std::string& text, const nlohmann::json& body, const config::KioskConfig& cfg) {
    static const std::map<std::string, std::string> fields = {
        {"source", "网址"},           {"text", "文字"},         {"title", "标题"},
        {"page_seconds", "每页秒数"}, {"kind", "类型"},         {"schedule.hours", "时段"},
        {"schedule.weekdays", "星期"}, {"schedule.from", "开始日期"}, {"schedule.until", "结束日期"},
    };
    const auto issues = config::check_playlist(text, "playlist", cfg, false).issues;
    std::string words = "这块屏幕的检查没有通过，仍在播放原来的节目单";
    if (issues.empty()) return words;
    const config::Issue& i = issues.front();
    std::string where;
    if (i.item >= 0) {
        where = "第 " + std::to_string(i.item + 1) + " 项";
        // The playlist failed the checker: any field may be of the wrong type.
        const auto items = body.is_object() && body.contains("items") ? body["items"] : nlohmann::json();
        if (items.is_array() && static_cast<std::size_t>(i.item) < items.size() && items[i.item].is_object()) {
            const auto& item = items[i.item];
            if (item.contains("title") && item["title"].is_string() && !item["title"].get<std::string>().empty())
                where += "「" + utf8::truncate(item["title"].get<std::string>(), 120) + "」";
        }
        if (auto f = fields.find(i.field); f != fields.end()) where += "的" + f->second;
    }
    const bool chinese = std::any_of(i.message.begin(), i.message.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    words += "：" + (where.empty() ? std::string("节目单") : where);
    if (i.message.find("allowed_hosts") != std::string::npos)  // the one a screen's own settings cause most
        return words + "：这块屏幕不允许打开这个网站；请管理员把它加到这块屏幕允许的网站名单里";
    return words + (chinese ? "：" + i.message : "不符合这块屏幕的设置");
}

// A playlist none of whose items is in its schedule now: the hours of the first item that
// has some, for the clerk ("08:30-12:00"); nothing when something plays now.
std::optional<std::string> waiting_for_hours(const config::Playlist& pl, const config::KioskConfig& cfg, std::time_t now) {
    const schedule::Now at = schedule::make_now(now, zone_time::offset_at(now, cfg.time_zone));
    std::string hours;
    bool any = false;
    for (const config::PlaylistItem& item : pl.items) {
        if (!item.enabled) continue;
        any = true;
        if (schedule::in_schedule(item, at, true)) return std::nullopt;
        if (hours.empty() && !item.schedule.hours.empty()) {
            const auto& r = item.schedule.hours.front();
            char text[32];
            std::snprintf(text, sizeof text, "%02d:%02d-%02d:%02d", r.start / 60, r.start % 60, r.end / 60, r.end % 60);
            hours = text;
        }
    }
    if (!any) return std::nullopt;
    return hours;
}

// Everything FleetClient::start takes from the fleet section: a change in any of it needs a
// new connection (the client keeps its own copy for the connection's life). The office's
// signing key is not the screen's business.
bool same_link(const config::Fleet& a, const config::Fleet& b) {
    auto keys = [](const config::Fleet& f) {
        std::vector<std::pair<std::string, std::string>> k;
        for (const config::TrustedKey& t : f.trusted_keys) k.emplace_back(t.kid, t.public_key);
        return k;
    };
    return a.enabled == b.enabled && a.screen_id == b.screen_id && a.groups == b.groups && a.host == b.host &&
           a.port == b.port && a.ca_file == b.ca_file && a.cert_file == b.cert_file && a.key_file == b.key_file &&
           a.keepalive_seconds == b.keepalive_seconds && keys(a) == keys(b);
}

}  // namespace

FleetSync::Relinked FleetSync::reconfigure(config::ConfigSnapshot cfg) {
    const bool relink = !cfg_ || !same_link(cfg_->fleet, cfg->fleet);
    const auto calendar_was = cfg_ && relink ? fleet_calendar_in_force(*cfg_) : std::nullopt;
    cfg_ = std::move(cfg);
    if (!relink) return {};
    // Other groups (or no fleet section now): another scope's calendar may be in force.
    const auto calendar_now = fleet_calendar_in_force(*cfg_);
    if (calendar_was.has_value() != calendar_now.has_value() ||
        (calendar_was && (calendar_was->scope != calendar_now->scope || calendar_was->gen != calendar_now->gen)))
        calendar_changed_ = true;
    const config::Fleet& f = cfg_->fleet;
    std::string groups;
    for (const std::string& g : f.groups) groups += (groups.empty() ? "" : ", ") + g;
    log::info("fleet", f.enabled ? "the fleet section changed: reconnecting as " + f.screen_id + " (groups: " +
                                       (groups.empty() ? std::string("none") : groups) + ") to " + f.host + ":" +
                                       std::to_string(f.port)
                                 : std::string("the fleet section was removed: this screen plays on its own"));
    // No wait for a batch of plays in flight: it stays spooled and goes again on the new
    // link (the office counts a play once, by its id).
    stop(false);
    plays_.reset();
    status_sent_.clear();
    connections_ = 0;
    start(cfg_, wake_);
    // The notices of scopes this screen no longer belongs to stop playing (their files stay:
    // back in that group, the screen plays them again as the broker would not resend them).
    std::vector<fleet::FleetNotice> notices = kept_fleet_notices(*cfg_, std::time(nullptr));
    const std::string showing = hooks_.showing();
    bool showing_left = false;
    for (const fleet::FleetNotice& n : playlist_.notices())
        if (fleet::notice_item_id(n.scope, n.id) == showing) showing_left = true;
    for (const fleet::FleetNotice& n : notices)
        if (fleet::notice_item_id(n.scope, n.id) == showing) showing_left = false;
    playlist_.set_notices(std::move(notices));
    return {true, showing_left};
}

// Desired state from the office, verified by the client: applied here (on the frame loop,
// between pages), then acked. What this kiosk cannot apply yet is refused with the reason.
bool FleetSync::take() {
    if (!client_ || restart_) return false;  // restarting: nothing more is applied (the broker sends it again)
    bool interrupt = false;
    for (const fleet::Incoming& in : client_->take()) {
        if (!in.document) {
            log::once(log::Level::warning, "fleet", in.topic + in.document.error().message,
                      in.topic + ": refused: " + in.document.error().message);
            client_->acknowledge(in, false, in.document.error().message);
            continue;
        }
        const fleet::Desired& d = *in.document;
        if (d.kind == "refresh") {
            const std::string item = d.body.value("item", "");
            if (!item.empty() && !hooks_.has_item(item)) {
                client_->acknowledge(in, false, "no item \"" + item + "\" in this screen's playlist");
                continue;
            }
            hooks_.refresh(item);
            log::info("fleet", "refresh " + (item.empty() ? std::string("of every item") : item) + " (generation " +
                                   std::to_string(d.gen) + ")");
            client_->acknowledge(in, true, "");
        } else if (d.kind == "playlist") {
            take_playlist(in);
        } else if (d.kind == "calendar") {
            take_calendar(in);
        } else if (d.kind == "notice") {
            interrupt = take_notice(in) || interrupt;
        } else if (d.kind == "restart") {
            take_restart(in);
            // The rest of this turn's documents wait: the broker sends them (retained) again
            // to the kiosk systemd starts next.
            if (restart_) break;
        } else if (d.kind == "screenshot") {
            // Exactly what the panel shows now, as a PNG of at most 1 MB (not retained: the
            // office asked and is waiting for it).
            auto png = hooks_.screenshot_png(fleet::kMaxScreenshotBytes);
            if (!png) {
                client_->acknowledge(in, false, png.error().message);
                continue;
            }
            client_->publish("screenshot", *png, false);
            client_->acknowledge(in, true, "");
        } else {
            client_->acknowledge(in, false, "\"" + d.kind + "\" is not supported by this kiosk version yet");
        }
    }
    return interrupt;
}

// A playlist from the fleet: checked as a published one is (same messages), kept in the
// state folder, and played from the next page when no more specific scope has one.
void FleetSync::take_playlist(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    const std::string text = d.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const PlaylistSource arriving = PlaylistSource::fleet(in.arrival.scope);
    auto pl = arriving.check(text, *cfg_);
    if (!pl) {
        log::error("fleet", arriving.where() + ": playlist refused; the current one plays on:\n" + pl.error().message);
        playlist_.refuse(arriving.where() + ": " + pl.error().message);
        client_->acknowledge(in, false, pl.error().message, std::string(fleet::kAckRefused), playlist_refusal_words(text, d.body, *cfg_));
        return;
    }
    if (auto st = fleet::keep_playlist(cfg_->paths.state, {in.arrival.scope, d.gen, text}); !st) {
        client_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return;
    }
    const auto best = fleet::best_playlist(cfg_->paths.state, fleet::scopes_of(cfg_->fleet));
    if (best && best->scope != in.arrival.scope) {
        client_->acknowledge(in, true, "kept; the playlist for " + best->scope + " is more specific and plays", std::string(fleet::kAckKept),
                             best->scope.rfind("screen/", 0) == 0 ? "已收到，但这块屏幕播放单独发给它的节目单（更具体的优先）"
                                                                  : "已收到，但这块屏幕播放发给它所在分组的节目单（更具体的优先）");
        return;
    }
    const auto waiting = waiting_for_hours(*pl, *cfg_, std::time(nullptr));
    playlist_.accept(arriving, std::move(*pl));
    log::info("fleet", arriving.where() + ": playlist generation " + std::to_string(d.gen) + " accepted; applied at the next page");
    if (waiting)
        client_->acknowledge(in, true, "", std::string(fleet::kAckWaiting),
                             "已收到；现在不在节目单的播放时段内" + (waiting->empty() ? std::string() : "（" + *waiting + "）") +
                                 "，到时自动显示");
    else
        client_->acknowledge(in, true, "");
}

// A notice from the fleet (or its clearing): kept in the state folder, played from the next
// page — at once when it interrupts (an urgent one always does).
bool FleetSync::take_notice(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    const std::time_t now = std::time(nullptr);
    auto body = fleet::parse_notice_body(d.body, now);
    if (!body) {
        log::once(log::Level::warning, "fleet", in.topic + body.error().message, in.topic + ": notice refused: " + body.error().message);
        client_->acknowledge(in, false, body.error().message);
        return false;
    }
    const std::string& scope = in.arrival.scope;
    if (!body->cleared) {
        // A bounded number in force per scope (urgent ones counted apart, so a flood of
        // routine notices never keeps out a warning): the rest refused, the office told why.
        const std::size_t most = body->urgent ? fleet::kMaxUrgentNoticesPerScope : fleet::kMaxNoticesPerScope;
        std::size_t in_force = 0;
        for (const fleet::FleetNotice& n : playlist_.notices())
            if (n.scope == scope && n.id != d.id && n.body.urgent == body->urgent) ++in_force;
        if (in_force >= most) {
            const auto parsed = fleet::Scope::parse(scope);
            const std::string reason = fleet::too_many_notices(parsed ? parsed->label() : scope, most, body->urgent);
            log::once(log::Level::warning, "fleet", "notices full " + scope, "notice " + d.id + " for " + scope + " refused: " + reason);
            client_->acknowledge(in, false, reason);
            return false;
        }
    }
    const bool showing = hooks_.showing() == fleet::notice_item_id(scope, d.id);
    playlist_.remove_notice(scope, d.id);  // a new version replaces the old
    if (body->cleared) {
        fleet::drop_notice(cfg_->paths.state, scope, d.id);
        log::info("fleet", "notice " + d.id + " for " + scope + " cleared");
        client_->acknowledge(in, true, "");
        return showing;  // off the screen at once
    }
    fleet::FleetNotice notice{scope, d.id, d.gen, now, std::move(*body)};
    if (auto st = fleet::keep_notice(cfg_->paths.state, notice); !st) {
        client_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return false;
    }
    const bool interrupt = notice.body.interrupts() || showing;
    log::info("fleet", "notice " + d.id + " for " + scope + " (" + fleet::mode_name(notice.body.how()) +
                          (notice.body.urgent ? ", urgent" : "") + ") accepted");
    playlist_.add_notice(std::move(notice));
    client_->acknowledge(in, true, "");
    return interrupt;
}

// A restart (docs/fleet.md, "Remote restart"). Applied once: its generation is recorded on
// disk (fsync) before anything is done, so the kiosk systemd starts next sees the same
// retained document as replayed and plays on. And only for a request newer than this
// kiosk: one issued before it started (a screen newly enrolled, or back after a week, meeting
// a retained request that is still valid) was already met by that start, and is recorded
// and acked without a restart — which also holds if the record could not be written.
void FleetSync::take_restart(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    if (d.issued < started_) {
        log::info("fleet", "restart generation " + std::to_string(d.gen) + " for " + in.arrival.scope +
                               " was asked before this kiosk started: not restarting again");
        client_->acknowledge(in, true, "already restarted: this kiosk started after the request was issued",
                             std::string(fleet::kAckShown), "这块屏幕在重启请求发出之后已经重新启动过，不用再重启");
        return;
    }
    if (auto st = client_->record_applied(in); !st) {
        // Not restarted: one that cannot be recorded might be obeyed again after the restart.
        log::error("fleet", "restart refused: " + st.error().message);
        client_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return;
    }
    log::info("fleet", "restart generation " + std::to_string(d.gen) + " for " + in.arrival.scope +
                           ": stopping now, for systemd to start the kiosk again");
    client_->acknowledge(in, true, "restarting");
    restart_ = d.gen;
}

void FleetSync::add_play(nlohmann::json play, long long shown_at_ms, bool stopping) {
    if (!plays_) return;
    // For the office: an id (screen and start in ms) by which a batch sent twice counts once.
    play["id"] = cfg_->fleet.screen_id + "-" + std::to_string(shown_at_ms);
    if (auto st = plays_->add(play); !st) log::once(log::Level::warning, "fleet", "plays add", st.error().message);
    if (!stopping) send_plays();  // stopping: it stays spooled and goes at the next start
}

// Proof of play to the office, a batch at a time: the spooled records leave the spool only
// once the broker has acknowledged the batch; one not acknowledged within 30 s goes again.
void FleetSync::send_plays() {
    if (!plays_ || !client_) return;
    if (plays_in_flight_.mid >= 0) {
        if (client_->delivered(plays_in_flight_)) {
            if (auto st = plays_->drop_first(plays_in_flight_records_); !st)
                log::once(log::Level::warning, "fleet", "plays spool", st.error().message);
            plays_in_flight_ = {};
        } else if (Clock::now() - plays_sent_at_ > std::chrono::seconds(30)) {
            plays_in_flight_ = {};  // lost with a connection: sent again
        } else {
            return;
        }
    }
    if (!client_->connected()) return;
    auto batch = plays_->next_batch(cfg_->fleet.screen_id);
    if (!batch) return;
    plays_in_flight_ = client_->publish_tracked("plays", batch->payload);
    plays_in_flight_records_ = batch->records;
    plays_sent_at_ = Clock::now();
}

// The office sees each screen's status (retained): on every change of what it shows or of
// its items' state, and at least once a minute (its age, memory, uptime).
void FleetSync::publish_status(const status::StatusReport& report) {
    if (!client_ || !client_->connected()) return;
    if (client_->connections() != connections_) {  // a new connection: say it all again
        connections_ = client_->connections();
        status_sent_.clear();
    }
    nlohmann::json j = status::to_json(report);
    nlohmann::json steady = j;
    for (const char* k : {"updated", "uptime_seconds", "memory_kb", "pages_shown"}) steady.erase(k);
    // Health moves on every write (load, memory, uptimes, frames, degrees): its readings
    // ride on the status repeated every 60 s; only a frame turned uniform (or drawn again)
    // and a changed display are news at once.
    if (steady.contains("health"))
        steady["health"] = {{"uniform", steady["health"]["frames"]["uniform"]}, {"display", steady["health"]["display"]}};
    const std::string key = steady.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto now = Clock::now();
    if (key == status_sent_ && now - status_at_ < std::chrono::seconds(60)) return;
    status_sent_ = key;
    status_at_ = now;
    client_->publish("status", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), true);
}

void FleetSync::stop(bool flush) {
    if (flush && plays_ && client_ && plays_in_flight_.mid >= 0) {
        // A batch on its way: a moment for its PUBACK, so it is not sent again at the next
        // start (the office would count it once anyway, by its ids).
        const auto until = Clock::now() + std::chrono::seconds(1);
        while (!client_->delivered(plays_in_flight_) && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (client_->delivered(plays_in_flight_)) (void)plays_->drop_first(plays_in_flight_records_);
    }
    plays_in_flight_ = {};
    client_.reset();  // `disconnected` published before the connection closes
}

}  // namespace kiosk::app
