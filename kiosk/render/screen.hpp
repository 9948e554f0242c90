#pragma once
// The hall screen: one SDL window (fullscreen unless asked otherwise), the upright page
// turned onto the panel by the configured rotation, cursor hidden, keys ignored.
#include <chrono>
#include <memory>

#include "base/result.hpp"
#include "config/config.hpp"
#include "text/layout.hpp"

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

    // Paints the page into the page texture and presents it: a flip is one frame.
    void show(const text::Page& page, const text::PageGeometry& geometry);

    // Makes wait() return Wake::external; callable from any thread.
    void wake();
    // Where the painter finds decoded pictures (borrowed; outlives the screen's use of it).
    void set_pictures(const class PictureStore* pictures);

    enum class Wake { timeout, quit, resized, external };
    // Sleeps on SDL events until `timeout` passes (no busy loop). Re-presents the last page
    // when the window is exposed; returns early on quit (SIGTERM/SIGINT) or a resize.
    Wake wait(std::chrono::milliseconds timeout);

private:
    struct Impl;
    explicit Screen(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::render
