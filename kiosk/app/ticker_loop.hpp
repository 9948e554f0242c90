#pragma once
// The run loop's part of the ticker band (滚动字幕, issue 29): which notices run in it
// (schedule::ticker_items), their text shaped once into a strip (text::ticker_strip) and
// handed to the screen, the pages laid out beside the band while it runs, and the frames'
// pace. No ticker notice in force: no band, no frames, the loop sleeps as before.
#include <chrono>
#include <ctime>
#include <vector>

#include "app/library.hpp"
#include "render/screen.hpp"
#include "schedule/ticker.hpp"

namespace kiosk::app {

class TickerLoop {
public:
    using Clock = std::chrono::steady_clock;
    TickerLoop(render::Screen& screen, text::FontSet& fonts, Library& library) : screen_(screen), fonts_(fonts), library_(library) {}

    // The band as it should be at `now` (`asleep`: none). When it appears, goes or changes
    // its place, the library is laid out again (the caller shows the page again): true then.
    bool update(const config::Playlist& played, const config::KioskConfig& cfg, const schedule::Now& now, bool trusted, bool asleep);
    // The window's size changed (the library was laid out again by the caller): the band too.
    void resized();
    bool running() const { return screen_.ticker_on(); }
    // When the next frame is due (running only): on the refresh's grid, or now with vsync
    // (the present waits for the panel).
    Clock::time_point next_frame() const;
    // Draws one frame (the band as it stands now) and keeps its interval.
    void frame();
    // When update() must look again (a ticker notice starts or ends): 0 for never.
    std::time_t next_change() const { return next_change_; }

    // Frame intervals since the band last appeared (seconds), for the bench; kept up to kKept.
    const std::vector<double>& intervals() const { return intervals_; }
    void clear_intervals() { intervals_.clear(); }
    static constexpr std::size_t kKept = 1 << 16;

private:
    std::vector<text::TickerText> texts(const std::vector<schedule::TickerEntry>& entries) const;
    void start_band();

    render::Screen& screen_;
    text::FontSet& fonts_;
    Library& library_;
    std::vector<text::TickerText> shown_;  // what the strip says now (empty: no band)
    config::TickerSettings settings_;
    std::time_t next_change_ = 0;
    Clock::time_point started_{};
    Clock::time_point last_frame_{};
    double period_ = 1.0 / 60;
    long frames_this_second_ = 0;
    Clock::time_point second_start_{};
    std::vector<double> intervals_;
    bool vsync_refused_ = false;  // it did not hold presents to the refresh: never asked again
};

}  // namespace kiosk::app
