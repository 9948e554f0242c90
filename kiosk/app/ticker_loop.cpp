#include "app/ticker_loop.hpp"

#include <algorithm>
#include <cmath>

#include "base/log.hpp"

namespace kiosk::app {

namespace {
bool same_settings(const config::TickerSettings& a, const config::TickerSettings& b) {
    return a.height == b.height && a.position == b.position && a.chars_per_second == b.chars_per_second;
}
}  // namespace

// Each item's title and text from the library (a fleet notice's inline text, or a playlist
// notice's file as loaded); an item not loaded, or with nothing to say, is left out.
std::vector<text::TickerText> TickerLoop::texts(const std::vector<schedule::TickerEntry>& entries) const {
    std::vector<text::TickerText> out;
    for (const auto& e : entries) {
        const LibraryItem* item = library_.find(e.id);
        if (!item) continue;
        text::TickerText t{item->title, item->item.text, e.level};
        if (t.text.empty() && item->shaped)
            for (const auto& b : item->shaped->blocks) {
                if (b.block.text.empty() || b.block.text == item->title) continue;
                if (!t.text.empty()) t.text += ' ';
                t.text += b.block.text;
            }
        if (!t.title.empty() || !t.text.empty()) out.push_back(std::move(t));
    }
    return out;
}

bool TickerLoop::update(const config::Playlist& played, const config::KioskConfig& cfg, const schedule::Now& now, bool trusted,
                        bool asleep) {
    next_change_ = asleep ? 0 : schedule::ticker_next_change(played, now);
    const std::vector<text::TickerText> want =
        asleep ? std::vector<text::TickerText>{} : texts(schedule::ticker_items(played, now, trusted));
    const bool moved = !same_settings(settings_, cfg.ticker);
    if (want == shown_ && (!moved || want.empty())) return false;
    const bool had = !shown_.empty();
    shown_ = want;
    settings_ = cfg.ticker;
    if (want.empty()) {
        screen_.clear_ticker();
        library_.set_ticker_band(std::nullopt);
        library_.lay_out(screen_.page_width(), screen_.page_height());
        log::info("ticker", "no ticker notice in force: the band is off");
        return true;
    }
    const bool relay = !had || moved;
    if (relay) {
        library_.set_ticker_band(settings_);
        library_.lay_out(screen_.page_width(), screen_.page_height());
    }
    start_band();
    log::info("ticker", std::to_string(shown_.size()) + " ticker notice(s) run in the band");
    return relay;
}

void TickerLoop::resized() {
    if (!shown_.empty()) start_band();
}

void TickerLoop::start_band() {
    const auto geometry = library_.ticker_geometry();
    if (!geometry) return;
    text::TickerStrip strip = text::ticker_strip(fonts_, shown_, geometry->band_height, settings_.chars_per_second);
    // A whole number of pixels a frame at the panel's refresh: every frame on time moves the
    // text the same distance (no beat between the speed and the refresh).
    const render::Screen::Pacing pacing = screen_.pacing();
    if (!vsync_refused_ && !pacing.vsync && !pacing.software) screen_.set_vsync(true);
    const int hz = std::max(1, pacing.refresh_hz);
    period_ = 1.0 / hz;
    strip.speed = static_cast<float>(std::max(1.0, std::round(static_cast<double>(strip.speed) / hz)) * hz);
    screen_.set_ticker(strip, *geometry);
    started_ = Clock::now();
    last_frame_ = {};
    second_start_ = started_;
    frames_this_second_ = 0;
    intervals_.clear();
}

TickerLoop::Clock::time_point TickerLoop::next_frame() const {
    const auto now = Clock::now();
    if (screen_.pacing().vsync) return now;
    // The refresh's grid from the band's start: a late frame is followed by the next on the
    // grid (a frame dropped), never by a burst.
    const double since = std::chrono::duration<double>(now - started_).count();
    const double k = std::floor(since / period_) + 1;
    return started_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k * period_));
}

void TickerLoop::frame() {
    screen_.ticker_frame();
    const auto now = Clock::now();
    if (last_frame_ != Clock::time_point{} && intervals_.size() < kKept)
        intervals_.push_back(std::chrono::duration<double>(now - last_frame_).count());
    last_frame_ = now;
    // Vsync that does not wait (some drivers say yes and present at once): paced here instead.
    ++frames_this_second_;
    if (now - second_start_ >= std::chrono::seconds(1)) {
        if (screen_.pacing().vsync && frames_this_second_ > screen_.pacing().refresh_hz * 3 / 2) {
            screen_.set_vsync(false);
            vsync_refused_ = true;
            log::info("ticker", "vsync does not hold presents to the refresh here: frames are paced by the clock");
        }
        frames_this_second_ = 0;
        second_start_ = now;
    }
}

}  // namespace kiosk::app
