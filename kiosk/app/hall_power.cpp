#include "app/hall_power.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/zone_time.hpp"
#include "fleet/desired_store.hpp"
#include "fleet/topics.hpp"
#include "render/screen.hpp"

namespace kiosk::app {

namespace {

// The backend's settings as one string: the backend is opened again only when they change
// (a reload that changed the colours keeps the serial port open).
std::string settings_key(const config::PowerSettings& p) {
    std::string key = std::to_string(static_cast<int>(p.backend));
    switch (p.backend) {
        case config::PowerBackendKind::serial:
            key += "|" + p.serial.device + "|" + std::to_string(p.serial.baud) + "|" + p.serial.on + "|" + p.serial.off + "|" +
                   p.serial.query + "|" + p.serial.on_reply + "|" + p.serial.off_reply + "|" +
                   std::to_string(p.serial.timeout_seconds);
            break;
        case config::PowerBackendKind::command:
            key += "|" + p.command.program + "|" + std::to_string(p.command.timeout_seconds);
            for (const auto& a : p.command.args) key += "|" + a;
            break;
        case config::PowerBackendKind::cec: key += "|" + p.cec.port + "|" + std::to_string(p.cec.device); break;
        case config::PowerBackendKind::none:
        case config::PowerBackendKind::dpms: break;
    }
    return key;
}

const char* kind_name(config::PowerBackendKind kind) {
    switch (kind) {
        case config::PowerBackendKind::none: return "none";
        case config::PowerBackendKind::dpms: return "dpms";
        case config::PowerBackendKind::cec: return "cec";
        case config::PowerBackendKind::serial: return "serial";
        case config::PowerBackendKind::command: return "command";
    }
    return "none";
}

// The backend and its device as a clerk's IT reads them in the problem.
std::string device_words(const config::PowerSettings& p) {
    switch (p.backend) {
        case config::PowerBackendKind::dpms: return "显示器节能（DPMS）";
        case config::PowerBackendKind::cec: return "HDMI-CEC" + (p.cec.port.empty() ? std::string() : " " + p.cec.port);
        case config::PowerBackendKind::serial: return "串口 " + p.serial.device;
        case config::PowerBackendKind::command: return "控制程序 " + p.command.program;
        case config::PowerBackendKind::none: break;
    }
    return "";
}

}  // namespace

CalendarInForce calendar_in_force(const config::KioskConfig& cfg) {
    CalendarInForce out;
    if (cfg.fleet.enabled) {
        if (auto stored = fleet::best_calendar(cfg.paths.state, fleet::scopes_of(cfg.fleet))) {
            const std::string where = "fleet:" + stored->scope;
            auto parsed = config::parse_calendar(stored->text, where);
            if (parsed) {
                out.calendar = std::move(*parsed);
                out.where = where;
                return out;
            }
            out.error = parsed.error().message;  // kept only if it passed the check: should not happen
        }
    }
    if (!cfg.opening.calendar.empty()) {
        auto loaded = config::load_calendar(cfg.opening.calendar);
        if (loaded) {
            out.calendar = std::move(*loaded);
            out.where = cfg.opening.calendar.string();
            out.error.clear();
        } else {
            out.error = loaded.error().message;
        }
    }
    return out;
}

PowerPlan power_plan(const config::KioskConfig& cfg) {
    PowerPlan plan;
    plan.calendar = calendar_in_force(cfg);
    plan.opening = config::effective_opening(cfg.opening, plan.calendar.calendar ? &*plan.calendar.calendar : nullptr);
    plan.zone = cfg.time_zone;
    return plan;
}

schedule::PowerState PowerPlan::at(std::time_t t) const {
    const std::string z = zone;
    return schedule::power_at(opening, calendar.calendar ? &*calendar.calendar : nullptr, t,
                              [z](std::time_t when) { return zone_time::offset_at(when, z); });
}

config::Playlist urgent_notices(const config::Playlist& played, const schedule::ContentState& content,
                                const schedule::Now& now, bool clock_trusted) {
    config::Playlist urgent;
    urgent.file = played.file;
    urgent.version = played.version;
    for (const auto& item : played.items) {
        if (!item.enabled || !item.notice || !item.notice->urgent) continue;
        if (item.notice->interrupt == config::Interrupt::ticker) continue;  // never a page: no wake for it
        const auto c = content.find(item.id);
        if (c == content.end() || c->second.pages == 0) continue;  // nothing to show yet
        if (schedule::in_schedule(item, now, clock_trusted)) urgent.items.push_back(item);
    }
    return urgent;
}

std::time_t urgent_until(const config::Playlist& urgent) {
    std::time_t soonest = 0;
    for (const auto& item : urgent.items)
        if (item.notice && item.notice->expires > 0 && (soonest == 0 || item.notice->expires < soonest)) soonest = item.notice->expires;
    return soonest;
}

const char* mode_word(HallPower::Mode mode) {
    switch (mode) {
        case HallPower::Mode::on: return "on";
        case HallPower::Mode::asleep: return "asleep";
        case HallPower::Mode::woken: return "woken";
    }
    return "on";
}

HallPower::~HallPower() = default;

void HallPower::configure(const config::ConfigSnapshot& cfg) {
    cfg_ = cfg;
    plan_ = power_plan(*cfg);
    if (!plan_.calendar.error.empty())
        log::once(log::Level::error, "power", "calendar:" + plan_.calendar.error,
                  "the calendar cannot be used, kiosk.json's opening hours alone apply:\n" + plan_.calendar.error);
    state_known_ = false;  // asked again at the next update
    log::info("power", std::string("calendar in force: ") + (plan_.calendar.where.empty() ? "none" : plan_.calendar.where) +
                           (plan_.opening.configured ? "; opening hours configured" : "; no opening hours (always on)"));
    if (const std::string key = settings_key(cfg->power); key != backend_key_ || (!backend_ && cfg->power.backend != config::PowerBackendKind::none)) {
        backend_key_ = key;
        open_backend(*cfg);
    }
}

void HallPower::open_backend(const config::KioskConfig& cfg) {
    backend_.reset();
    problem_.clear();
    backend_name_ = kind_name(cfg.power.backend);
    device_words_ = device_words(cfg.power);
    panel_ = power::Panel::unknown;
    if (cfg.power.backend == config::PowerBackendKind::none) return;  // the black page alone
    Result<std::unique_ptr<power::Backend>> opened =
        cfg.power.backend == config::PowerBackendKind::dpms ? screen_.dpms_backend() : power::open_backend(cfg.power);
    if (!opened) {
        failed("打开", opened.error().message);
        return;
    }
    backend_ = std::move(*opened);
    log::info("power", std::string("panel power through ") + backend_->name());
    if (switched_) switch_panel(mode_ != Mode::asleep);  // a new backend: the panel as it should be now
}

void HallPower::failed(const std::string& what, const std::string& error) {
    log::once(log::Level::error, "power", backend_name_ + what + error,
              "panel power (" + backend_name_ + ") failed: " + error + "; the black page stands in while the hall is closed");
    problem_ = "屏幕电源控制失败：" + device_words_ + what + "时出错，已改为黑屏显示；请检查连线和屏幕电源控制设置";
}

// Asleep: the black page first (whatever the backend does, nothing lit stays up), then
// standby. On: the panel first; the loop shows the page right after.
void HallPower::switch_panel(bool on) {
    if (!on) screen_.show_black();
    if (!backend_) return;  // none (or it could not be opened): the panel stays lit, black
    panel_ = on ? power::Panel::on : power::Panel::off;
    if (auto st = backend_->set(on); !st) {
        failed(on ? "开屏" : "关屏", st.error().message);
        panel_ = power::Panel::unknown;
        return;
    }
    problem_.clear();
    if (auto read = backend_->query(); read && *read != power::Panel::unknown) panel_ = *read;
}

HallPower::Mode HallPower::update(std::time_t now, const std::function<bool()>& urgent) {
    if (!cfg_) return mode_;
    // The plan's state holds in [since, until): asked again only past it.
    if (!state_known_ || now < state_.since || (state_.until != 0 && now >= state_.until)) {
        state_ = plan_.at(now);
        state_known_ = true;
    }
    const Mode wanted = state_.on ? Mode::on : urgent() ? Mode::woken : Mode::asleep;
    if (wanted == mode_ && switched_) return mode_;
    const Mode was = mode_;
    const bool switched_before = switched_;
    mode_ = wanted;
    mode_since_ = now;
    const bool on = wanted != Mode::asleep;
    // The first update sets the panel as the plan says (a restart after standby must not
    // leave it dark); later ones only when on/off changes (woken and on are both on).
    if (!switched_ || on != (was != Mode::asleep)) switch_panel(on);
    switched_ = true;
    if (was != Mode::on && wanted == Mode::on && switched_before) woke_ = true;
    const std::string zone = plan_.zone;
    auto when = [&](const char* what, std::time_t t) {
        return t ? std::string("; it ") + what + " at " + zone_time::format_iso_local(t, zone) : std::string("; no change ahead");
    };
    switch (wanted) {
        case Mode::on: log::info("power", "panel on" + when("sleeps", state_.until)); break;
        case Mode::asleep:
            log::info("power", "panel asleep (" + state_.reason + (state_.day_name.empty() ? "" : ", " + state_.day_name) + ")" +
                                   when("wakes", state_.until));
            break;
        case Mode::woken: log::info("power", "panel woken for an urgent notice; the hall is closed (" + state_.reason + ")"); break;
    }
    return mode_;
}

std::chrono::milliseconds HallPower::until_change(std::time_t now) const {
    constexpr auto kNever = std::chrono::hours(24);
    if (!state_known_ || state_.until == 0) return kNever;
    if (state_.until <= now) return std::chrono::milliseconds(0);
    // To the second the change falls on (time() counts whole seconds): a little after it.
    return std::min<std::chrono::milliseconds>(kNever, std::chrono::seconds(state_.until - now));
}

status::Power HallPower::report() const {
    status::Power p;
    const std::string zone = plan_.zone;
    auto when = [&](std::time_t t) { return t ? zone_time::format_iso_local(t, zone) : std::string(); };
    p.state = mode_word(mode_);
    if (mode_ != Mode::on) {
        p.reason = state_.reason;
        p.day_name = state_.day_name;
        p.wakes = when(state_.until);
    } else {
        p.sleeps = when(state_.until);
    }
    // Woken: since it woke; on and asleep: since the plan changed (else since this kiosk knew).
    p.since = when(mode_ == Mode::woken || state_.since == 0 ? mode_since_ : state_.since);
    p.backend = backend_name_;
    p.panel = power::panel_word(panel_);
    p.problem = problem_;
    p.calendar = plan_.calendar.where;
    return p;
}

}  // namespace kiosk::app
