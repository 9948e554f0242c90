#pragma once
// The panel's power over the hall's day (issue 28): which calendar is in force, whether the
// panel is on, asleep (the hall is closed) or woken (closed, but an urgent notice is in
// force), switching the panel's backend at each change, and what the status says of it.
// The run loop asks `update` at page boundaries and when it wakes; everything it decides
// lives here so runner.cpp stays a loop.
//
// Never a lit page by mistake: going asleep shows the black page first, then asks the
// backend for standby; a backend that cannot be opened or fails is logged once, reported
// in the status (`problem`, Chinese) and the black page stands in. Nothing here throws.
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "config/calendar.hpp"
#include "config/config.hpp"
#include "health/status.hpp"
#include "power/backend.hpp"
#include "schedule/hall_day.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::render {
class Screen;
}

namespace kiosk::app {

// While asleep web items are fetched at most this often (the published playlist, which may
// carry an urgent notice, keeps its pace); as the panel wakes every one is fetched again.
inline constexpr std::chrono::seconds kAsleepFetchInterval{3600};
// While asleep the status is still written this often: the office sees the screen alive
// (the console calls a screen silent for 180 s offline).
inline constexpr std::chrono::seconds kStatusHeartbeat{60};

// The calendar in force on this screen: the fleet's best (most specific scope), else
// kiosk.json's opening.calendar file, else none. One that cannot be read is left out (its
// error here; kiosk.json's hours alone apply).
struct CalendarInForce {
    std::optional<config::HallCalendar> calendar;
    std::string where;  // "fleet:SCOPE", the file, "" none
    std::string error;  // why the one asked for could not be used ("" none)
};
CalendarInForce calendar_in_force(const config::KioskConfig& cfg);

// The hours in force (kiosk.json's with the calendar's over them) and the calendar: what
// power_at needs. `kiosk render --now` and the run loop both ask this.
struct PowerPlan {
    config::OpeningHours opening;
    CalendarInForce calendar;
    std::string zone;
    schedule::PowerState at(std::time_t t) const;
};
PowerPlan power_plan(const config::KioskConfig& cfg);

// The urgent notices (config::NoticeTiming urgent) of `played` in force at `now` with
// something to show: what plays while the panel is woken. Empty: none (the panel sleeps).
config::Playlist urgent_notices(const config::Playlist& played, const schedule::ContentState& content,
                                const schedule::Now& now, bool clock_trusted);
// The soonest end of those notices (0: none), so the loop wakes when the last one is over.
std::time_t urgent_until(const config::Playlist& urgent);

class HallPower {
public:
    enum class Mode { on, asleep, woken };

    // `screen`: borrowed, outlives this (a dpms backend is the screen's).
    explicit HallPower(render::Screen& screen) : screen_(screen) {}
    ~HallPower();
    HallPower(const HallPower&) = delete;
    HallPower& operator=(const HallPower&) = delete;

    // The calendar in force read again and the backend (re)opened when its settings
    // changed: at start, on a reload of kiosk.json, when the fleet's calendar changed.
    void configure(const config::ConfigSnapshot& cfg);
    // What the panel is at `now` (`urgent`: whether an urgent notice is in force), switching the
    // backend and showing the black page as it changes. Returns the mode now in force.
    // `urgent` is asked only while the hall is closed.
    Mode update(std::time_t now, const std::function<bool()>& urgent);
    Mode mode() const { return mode_; }
    // How long until the plan changes (for the loop's waits); a large value when never.
    std::chrono::milliseconds until_change(std::time_t now) const;
    // The mode just went from asleep to on (taken once): the loop refreshes web content.
    bool take_woke() { return std::exchange(woke_, false); }
    // The status's "power".
    status::Power report() const;

private:
    void open_backend(const config::KioskConfig& cfg);
    void switch_panel(bool on);
    void failed(const std::string& what, const std::string& error);

    render::Screen& screen_;
    config::ConfigSnapshot cfg_;
    PowerPlan plan_;
    std::string backend_key_;                 // the settings the backend was opened with
    std::string backend_name_ = "none";
    std::string device_words_;                // the backend and its device, for the problem
    std::unique_ptr<power::Backend> backend_; // null: none configured, or it could not be opened
    schedule::PowerState state_;              // the plan's state, valid in [since, until)
    bool state_known_ = false;
    Mode mode_ = Mode::on;
    bool switched_ = false;                   // the panel was set at least once
    bool woke_ = false;
    std::time_t mode_since_ = 0;
    power::Panel panel_ = power::Panel::unknown;
    std::string problem_;
};

const char* mode_word(HallPower::Mode mode);  // "on", "asleep", "woken"

}  // namespace kiosk::app
