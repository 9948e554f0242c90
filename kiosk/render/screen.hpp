#pragma once
// The hall screen: one SDL window (fullscreen unless asked otherwise), the upright page
// turned onto the panel by the configured rotation, cursor hidden, keys ignored.
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "power/backend.hpp"
#include "text/layout.hpp"
#include "text/ticker.hpp"

namespace kiosk::render {

struct ScreenOptions {
    bool windowed = false;
    int window_width = 0;  // windowed size of the physical panel; 0: the config's size
    int window_height = 0;
    int rotation = 0;
};

class Screen {
public:
    static Result<std::unique_ptr<Screen>> open(const ScreenOptions& options,
                                                const text::FontSet& fonts,
                                                const config::Theme& theme);
    ~Screen();
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    // The page as a viewer sees it (after rotation).
    int page_width() const;
    int page_height() const;

    enum class Transition { none, fade, slide };
    // Paints the page into a page texture (off screen), then changes over from the page on
    // the screen: at once, or by a fade or slide of ~0.4 s that only composites the two
    // ready textures (a flip never waits for drawing).
    void show(const text::Page& page, const text::PageGeometry& geometry, Transition transition = Transition::none);
    // The panel black while the hall is closed: one all-black frame presented, then nothing
    // until the next show() — no presents (the progress bar is kept, not drawn), no frame
    // samples (until_sample() says none is due; frames().black says why nothing is
    // presented), the window re-presented black if exposed. A black page is meant, so it is
    // never sampled as "the page is not drawn".
    void show_black();
    // The `dpms` power backend on the display server this screen drew on (render/dpms.hpp):
    // X11's DPMS extension or the KMSDRM connector's DPMS property; an error on any other
    // SDL driver (dummy, wayland) saying DPMS needs X11 or KMSDRM. It borrows the screen's
    // X connection or DRM fd: destroy it before this Screen.
    Result<std::unique_ptr<power::Backend>> dpms_backend();

    // The thin bar along the page's bottom edge: the share of the page's time still to run
    // (1 full, 0 empty); negative hides it. Redraws only the bar's strip.
    void set_progress(double remaining);

    // Makes wait() return Wake::external; callable from any thread.
    void wake();
    // A reloaded configuration's colours, for the next show() (the caller shows the page
    // again to redraw it at once).
    void set_theme(const config::Theme& theme);
    // Where the painter finds decoded pictures (borrowed; outlives the screen's use of it).
    void set_pictures(const class PictureStore* pictures);

    // The upright page as it stands (progress bar included), 0xAARRGGBB rows: for tests
    // and screenshots; all black while show_black() is in force.
    std::vector<uint32_t> snapshot(int& width, int& height) const;
    // The same as a PNG of at most `max_bytes` (the fleet's screenshot): compressed harder,
    // then halved in size, until it fits.
    Result<std::string> screenshot_png(std::size_t max_bytes) const;

    // What the status's "health" says of the panel: the video driver, the output's size
    // and refresh (0: the driver does not say).
    struct Display {
        std::string driver;
        int width = 0, height = 0, refresh_hz = 0;
    };
    Display display() const;
    // Proof the panel is drawn: frames presented (SDL_RenderPresent) in the last 60 s, and
    // the last read-back of a presented frame — taken just before a present once every
    // `interval` (set_frame_sample_interval) — with whether every pixel of it was one colour.
    // Nothing the kiosk draws (the standing page, a content page, a notice) is meant to be
    // blank, so a uniform frame is always the fault to report; the black page of a closed
    // hall (show_black) is never sampled.
    struct Frames {
        long last_minute = 0;
        std::time_t sampled_at = 0;  // 0: not sampled yet
        bool uniform = false;
        std::uint32_t colour = 0;    // 0xRRGGBB of a uniform sample
        double sample_ms = 0;        // what the last sample cost (read-back and check)
        bool black = false;          // show_black() in force: nothing presented or sampled, as meant
    };
    Frames frames() const;
    void set_frame_sample_interval(std::chrono::milliseconds interval);
    // How long until the next sample is due (zero: due now); the run loop wakes for it.
    // While black, none is: kNoSampleDue.
    std::chrono::milliseconds until_sample() const;
    // Presents the page again, sampling it: for when nothing else presented in time.
    void sample_now();

    static constexpr std::chrono::milliseconds kNoSampleDue{std::chrono::hours(24)};

    // The ticker band (滚动字幕, text/ticker.hpp). `strip` runs in `geometry.band`, moving
    // strip.speed px a second from now (it enters from the right); the pages shown from now on
    // go at geometry.page_y (the caller lays them out for geometry.page and shows the page
    // again). The strip is painted into textures here, once: a frame only copies them.
    void set_ticker(const text::TickerStrip& strip, const text::TickerGeometry& geometry);
    // No band: the pages fill the screen again (the caller lays them out and shows again).
    void clear_ticker();
    bool ticker_on() const;
    // One frame: the page (its texture, never painted again) and the band as it stands now
    // (moved by the time since set_ticker, not by frames: a late frame does not stutter),
    // presented. Where the renderer keeps the last frame (the software renderer) only the
    // band's rect is drawn. Nothing while black.
    void ticker_frame();
    // How far the strip has moved now, px.
    double ticker_moved() const;
    // How frames meet the panel's refresh: vsync where the renderer has it (set_vsync asks
    // for it; false when the renderer refuses), else the caller paces frames to refresh_hz
    // (the display mode's, 60 when the driver does not say).
    struct Pacing {
        bool vsync = false;
        int refresh_hz = 60;
        bool software = false;  // SDL's software renderer
        std::string renderer;   // its name ("software", "opengl", …)
    };
    Pacing pacing() const;
    bool set_vsync(bool on);

    enum class Wake { timeout, quit, resized, external };
    // Sleeps on SDL events until `timeout` passes (no busy loop; while black SDL's queue is
    // looked at once a second instead of ten times). Re-presents the last page
    // when the window is exposed; returns early on quit (SIGTERM/SIGINT) or a resize.
    Wake wait(std::chrono::milliseconds timeout);
    // The same until a point on the steady clock (a ticker frame's time, to the microsecond).
    Wake wait_until(std::chrono::steady_clock::time_point deadline);

private:
    struct Impl;
    explicit Screen(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::render
