#include "render/screen.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <cmath>
#include <cstdio>
#include <functional>

#include "base/log.hpp"
#include "render/canvas.hpp"
#include "render/dpms.hpp"
#include "render/page_painter.hpp"
#include "render/png_writer.hpp"
#include "render/sdl_handles.hpp"
#include "render/ticker_painter.hpp"

namespace kiosk::render {

struct Screen::Impl {
    ScreenOptions options;
    WindowPtr window;        // owned; destroyed after the renderer (member order)
    RendererPtr renderer;    // owned
    TexturePtr page;         // owned: the upright page, drawn once per change
    TexturePtr previous;     // owned: the page before, kept for a transition
    double progress = -1;    // share of the page's time left; < 0: no bar
    std::unique_ptr<PagePainter> painter;
    std::vector<uint32_t> band;  // rows painted, then uploaded into the page texture
    int physical_w = 0, physical_h = 0;
    const text::FontSet* fonts = nullptr;
    config::Theme theme;
    std::mutex wake_mutex;  // wake() from any thread; wait() on the frame loop's
    std::condition_variable wake_cv;
    bool woken = false;
    // Frames presented, per second of the steady clock, over the last 60 s (a ring).
    std::array<long, 60> presented{};
    std::array<long long, 60> presented_second{};
    std::chrono::milliseconds sample_interval{10000};
    std::chrono::steady_clock::time_point next_sample{};  // epoch: the first present samples
    Frames sample;
    std::vector<uint32_t> readback;  // reused: one frame of the panel
    bool black = false;  // show_black() until the next show(): nothing presented, nothing sampled
    // The ticker band: the strip painted once into tiles (kTileWidth wide) and a blank band
    // (its background) for where no text is yet; the page goes at page_y while it runs.
    static constexpr int kTileWidth = 2048;
    struct Ticker {
        text::TickerStrip strip;
        text::TickerGeometry geometry;
        std::vector<TexturePtr> tiles;
        TexturePtr blank;
        std::chrono::steady_clock::time_point started;
    };
    std::unique_ptr<Ticker> ticker;
    std::unique_ptr<TickerPainter> ticker_painter;
    int page_y = 0;
    bool vsync = false;
    bool software = false;
    std::string renderer_name;
    bool frame_kept = false;  // the software renderer's last present was a whole frame: it stays

    // Every present goes through here: counted, and sampled when a sample is due.
    void present_frame() {
        const auto now = std::chrono::steady_clock::now();
        // Before the first page there is nothing to judge; a black page is meant.
        if (now >= next_sample && page && !black) {
            read_back();
            next_sample = now + sample_interval;
        }
        sdl().RenderPresent(renderer.get());
        const long long second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const auto slot = static_cast<std::size_t>(second % 60);
        if (presented_second[slot] != second) {
            presented_second[slot] = second;
            presented[slot] = 0;
        }
        ++presented[slot];
    }

    // The frame about to be presented, read back whole from the renderer's output (before
    // the present: after it a GL back buffer is undefined), and whether every pixel is one
    // colour. A sparse grid would be cheaper but would call a dark page of small text
    // uniform; the check stops at the first pixel that differs, so a drawn page costs the
    // read-back alone (bench/frame_sample_bench measures both).
    void read_back() {
        const auto start = std::chrono::steady_clock::now();
        readback.resize(static_cast<std::size_t>(physical_w) * static_cast<std::size_t>(physical_h));
        if (readback.empty() ||
            sdl().RenderReadPixels(renderer.get(), nullptr, SDL_PIXELFORMAT_ARGB8888, readback.data(), physical_w * 4) != 0) {
            log::once(log::Level::warning, "render", "frame-sample", std::string("cannot read back the frame: ") + sdl().GetError());
            return;
        }
        const uint32_t first = readback[0] & 0xFFFFFFu;
        const bool uniform = std::all_of(readback.begin(), readback.end(), [first](uint32_t p) { return (p & 0xFFFFFFu) == first; });
        sample.sampled_at = std::time(nullptr);
        sample.colour = uniform ? first : 0;
        sample.sample_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        char colour[8];
        std::snprintf(colour, sizeof colour, "#%06x", static_cast<unsigned>(first));
        if (uniform && !sample.uniform)
            log::warn("render", std::string("the presented frame is all ") + colour + ": the page is not drawn");
        else if (!uniform && sample.uniform)
            log::info("render", "the presented frame shows a drawn page again");
        sample.uniform = uniform;
    }

    ~Impl() {
        painter.reset();
        previous.reset();
        page.reset();
        renderer.reset();
        window.reset();
        sdl().QuitSubSystem(SDL_INIT_VIDEO);
    }

    bool quarter_turn() const { return options.rotation == 90 || options.rotation == 270; }
    int upright_w() const { return quarter_turn() ? physical_h : physical_w; }
    int upright_h() const { return quarter_turn() ? physical_w : physical_h; }

    // Copies (the `src` part of) an upright texture onto the panel at the upright rect `to`,
    // turned by the rotation and moved by (dx, dy) in the upright frame (a slide), with
    // `alpha` (a fade). SDL turns a copy about its destination's centre: the centre is
    // carried from the upright frame to the panel, the size stays the upright one.
    void copy_upright(SDL_Texture* t, const SDL_Rect* src, const SDL_Rect& to, int dx, int dy, Uint8 alpha) {
        const int w = upright_w(), h = upright_h();
        // Twice the centre's offset from the frame's centre (whole numbers), turned.
        const int cx = 2 * (to.x + dx) + to.w - w, cy = 2 * (to.y + dy) + to.h - h;
        int px = cx, py = cy;
        switch (options.rotation) {
            case 90: px = -cy; py = cx; break;
            case 180: px = -cx; py = -cy; break;
            case 270: px = cy; py = -cx; break;
            default: break;
        }
        SDL_Rect dst{(physical_w + px - to.w) / 2, (physical_h + py - to.h) / 2, to.w, to.h};
        sdl().SetTextureBlendMode(t, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        sdl().SetTextureAlphaMod(t, alpha);
        sdl().RenderCopyEx(renderer.get(), t, src, &dst, options.rotation, nullptr, SDL_FLIP_NONE);
    }
    // The page texture in its place (the whole frame, or beside the ticker band).
    void copy_page(SDL_Texture* t, int dx, int dy, Uint8 alpha) {
        int w = 0, h = 0;
        sdl().QueryTexture(t, nullptr, nullptr, &w, &h);
        const int y = h < upright_h() ? page_y : 0;
        copy_upright(t, nullptr, SDL_Rect{0, y, w, h}, dx, dy, alpha);
    }
    double ticker_moved() const {
        if (!ticker) return 0;
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - ticker->started).count() * ticker->strip.speed;
    }
    // The band as it stands now: its blank, then the visible parts of the strip's copies.
    void draw_band() {
        if (!ticker) return;
        const text::TickerGeometry& g = ticker->geometry;
        const int bw = static_cast<int>(g.band.width), bh = g.band_height, by = static_cast<int>(g.band.y);
        if (ticker->blank) copy_upright(ticker->blank.get(), nullptr, SDL_Rect{0, by, bw, bh}, 0, 0, 255);
        for (float o : text::ticker_copies(ticker->strip, static_cast<float>(bw), ticker_moved())) {
            const int ox = static_cast<int>(std::lround(o));
            for (std::size_t i = 0; i < ticker->tiles.size(); ++i) {
                const int tx = ox + static_cast<int>(i) * kTileWidth;
                const int tw = std::min(kTileWidth, ticker->strip.width - static_cast<int>(i) * kTileWidth);
                const int a = std::max(tx, 0), b = std::min(tx + tw, bw);
                if (a >= b || !ticker->tiles[i]) continue;
                const SDL_Rect src{a - tx, 0, b - a, bh};
                copy_upright(ticker->tiles[i].get(), &src, SDL_Rect{a, by, b - a, bh}, 0, 0, 255);
            }
        }
    }

    void present() {
        sdl().SetRenderTarget(renderer.get(), nullptr);
        sdl().SetRenderDrawColor(renderer.get(), 0, 0, 0, 255);
        sdl().RenderClear(renderer.get());
        if (page && !black) copy_page(page.get(), 0, 0, 255);
        if (!black) draw_band();
        present_frame();
        frame_kept = software;
    }

    // The progress bar's strip at the page's bottom edge, redrawn into the page texture.
    void draw_progress() {
        if (!page) return;
        int w = 0, h = 0;
        sdl().QueryTexture(page.get(), nullptr, nullptr, &w, &h);
        const int bar = std::max(3, std::min(w, h) / 270);
        sdl().SetRenderTarget(renderer.get(), page.get());
        sdl().SetRenderDrawBlendMode(renderer.get(), SDL_BLENDMODE_NONE);
        sdl().SetRenderDrawColor(renderer.get(), theme.background.r, theme.background.g, theme.background.b, 255);
        SDL_Rect strip{0, h - bar, w, bar};
        sdl().RenderFillRect(renderer.get(), &strip);
        if (progress > 0) {
            sdl().SetRenderDrawColor(renderer.get(), theme.accent.r, theme.accent.g, theme.accent.b, 255);
            SDL_Rect filled{0, h - bar, static_cast<int>(std::lround(w * std::min(1.0, progress))), bar};
            sdl().RenderFillRect(renderer.get(), &filled);
        }
    }
};

Screen::Screen(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Screen::~Screen() = default;

Result<std::unique_ptr<Screen>> Screen::open(const ScreenOptions& options,
                                             const text::FontSet& fonts,
                                             const config::Theme& theme) {
    // SDL2 is opened here, the first time a screen is (render/sdl_api.hpp).
    if (!sdl().error.empty()) return make_error("no display: " + sdl().error);
    sdl().SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (sdl().InitSubSystem(SDL_INIT_VIDEO) != 0)
        return make_error(std::string("no display: ") + sdl().GetError() +
                          " (use `kiosk render --out DIR` to get the pages as PNG files)");
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->fonts = &fonts;
    impl->theme = theme;
    Uint32 flags = SDL_WINDOW_SHOWN;
    int w = options.window_width > 0 ? options.window_width : 1280;
    int h = options.window_height > 0 ? options.window_height : 720;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    if (options.windowed) {
        flags |= SDL_WINDOW_RESIZABLE;
    } else {
        // The window starts at the desktop's full size: without a window manager (a bare X
        // server, cage) a fullscreen request alone may leave it at its initial size.
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        SDL_DisplayMode mode;
        if (sdl().GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            h = mode.h;
            x = y = 0;
        }
    }
    impl->window.reset(sdl().CreateWindow("kiosk", x, y, w, h, flags));
    if (!impl->window) return make_error(std::string("cannot open a window: ") + sdl().GetError());
    impl->renderer.reset(sdl().CreateRenderer(impl->window.get(), -1,
                                            SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE));
    if (!impl->renderer) {
        log::warn("render", std::string("no accelerated renderer (") + sdl().GetError() +
                                "); using the software renderer");
        impl->renderer.reset(sdl().CreateRenderer(impl->window.get(), -1,
                                                SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE));
    }
    if (!impl->renderer) return make_error(std::string("cannot create a renderer: ") + sdl().GetError());
    sdl().ShowCursor(SDL_DISABLE);
    sdl().GetRendererOutputSize(impl->renderer.get(), &impl->physical_w, &impl->physical_h);
    impl->painter = std::make_unique<PagePainter>(fonts, theme);
    impl->ticker_painter = std::make_unique<TickerPainter>(fonts, theme);
    SDL_RendererInfo info{};
    if (sdl().GetRendererInfo(impl->renderer.get(), &info) == 0) {
        impl->software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
        impl->renderer_name = info.name ? info.name : "";
    }
    return std::unique_ptr<Screen>(new Screen(std::move(impl)));
}

int Screen::page_width() const { return impl_->upright_w(); }
int Screen::page_height() const { return impl_->upright_h(); }

void Screen::show(const text::Page& page, const text::PageGeometry& geometry, Transition transition) {
    Impl& s = *impl_;
    if (s.black) {
        // Awake again: the first present samples, proving the panel is drawn.
        s.black = false;
        s.next_sample = {};
        transition = Transition::none;  // nothing to change over from
    }
    // Two page textures take turns: the new page is drawn into the one not on screen.
    std::swap(s.page, s.previous);
    int tw = 0, th = 0;
    if (s.page) sdl().QueryTexture(s.page.get(), nullptr, nullptr, &tw, &th);
    if (!s.page || tw != geometry.width || th != geometry.height) {
        s.page.reset(sdl().CreateTexture(s.renderer.get(), SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_TARGET, geometry.width, geometry.height));
        if (!s.page) {
            log::once(log::Level::error, "render", "page-texture",
                      std::string("cannot create the page texture: ") + sdl().GetError());
            std::swap(s.page, s.previous);  // the old page stays up
            return;
        }
    }
    // Painted a band of rows at a time, as for a PNG (the same painter, the same pixels),
    // each band uploaded into the page texture: no whole page in memory beside the texture.
    const int band_rows = std::min(kBandRows, geometry.height);
    s.band.resize(static_cast<size_t>(geometry.width) * static_cast<size_t>(band_rows));
    for (int top = 0; top < geometry.height; top += band_rows) {
        const int rows = std::min(band_rows, geometry.height - top);
        s.painter->paint(page, geometry, Canvas(s.band.data(), geometry.width, top, rows, geometry.width));
        const SDL_Rect strip{0, top, geometry.width, rows};
        sdl().UpdateTexture(s.page.get(), &strip, s.band.data(), geometry.width * 4);
    }
    if (s.progress >= 0) s.draw_progress();
    int pw = 0, ph = 0;
    if (s.previous) sdl().QueryTexture(s.previous.get(), nullptr, nullptr, &pw, &ph);
    if (transition != Transition::none && s.previous && pw == geometry.width && ph == geometry.height) {
        // ~0.4 s at up to 60 frames a second; each frame only composites the two textures.
        constexpr Uint64 kMillis = 400;
        const Uint64 start = sdl().GetTicks64();
        for (Uint64 now = start; now - start < kMillis; now = sdl().GetTicks64()) {
            const double t = static_cast<double>(now - start) / kMillis;
            const double eased = t * t * (3 - 2 * t);
            sdl().SetRenderTarget(s.renderer.get(), nullptr);
            sdl().SetRenderDrawColor(s.renderer.get(), 0, 0, 0, 255);
            sdl().RenderClear(s.renderer.get());
            if (transition == Transition::fade) {
                s.copy_page(s.previous.get(), 0, 0, 255);
                s.copy_page(s.page.get(), 0, 0, static_cast<Uint8>(std::lround(255 * eased)));
            } else {
                const int shift = static_cast<int>(std::lround(eased * geometry.width));
                s.copy_page(s.previous.get(), -shift, 0, 255);
                s.copy_page(s.page.get(), geometry.width - shift, 0, 255);
            }
            s.draw_band();  // the band runs on over the change-over
            s.present_frame();
            sdl().Delay(16);
        }
    }
    s.present();
}

std::vector<uint32_t> Screen::snapshot(int& width, int& height) const {
    Impl& s = *impl_;
    width = height = 0;
    if (!s.page) return {};
    int pw = 0, ph = 0;
    sdl().QueryTexture(s.page.get(), nullptr, nullptr, &pw, &ph);
    // With the ticker band the frame is the page and the band (as it stands this instant).
    const bool band = s.ticker && ph < s.upright_h() && pw == s.upright_w();
    width = pw;
    height = band ? s.upright_h() : ph;
    // What the panel shows: black while show_black() is in force (the office's screenshot
    // of a closed hall's screen is a black picture, not the page from before).
    if (s.black) return std::vector<uint32_t>(static_cast<size_t>(width) * static_cast<size_t>(height), 0xFF000000u);
    std::vector<uint32_t> pixels(static_cast<size_t>(width) * static_cast<size_t>(height), 0xFF000000u);
    const int y = band ? s.page_y : 0;
    sdl().SetRenderTarget(s.renderer.get(), s.page.get());
    if (sdl().RenderReadPixels(s.renderer.get(), nullptr, SDL_PIXELFORMAT_ARGB8888, pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(width),
                               width * 4) != 0)
        pixels.clear();
    sdl().SetRenderTarget(s.renderer.get(), nullptr);
    if (band && !pixels.empty()) {
        const text::TickerGeometry& g = s.ticker->geometry;
        const int by = static_cast<int>(g.band.y);
        s.ticker_painter->paint_band(s.ticker->strip, s.ticker_moved(),
                                     Canvas(pixels.data() + static_cast<size_t>(by) * static_cast<size_t>(width), width, 0, g.band_height, width),
                                     g.page_y > 0 ? false : true);
        for (size_t i = 0; i < pixels.size(); ++i) pixels[i] |= 0xFF000000u;
    }
    return pixels;
}

Result<std::string> Screen::screenshot_png(std::size_t max_bytes) const {
    int w = 0, h = 0;
    std::vector<uint32_t> pixels = snapshot(w, h);
    if (pixels.empty()) return make_error("nothing is on the screen yet");
    for (int level : {6, 9}) {
        auto png = encode_png(w, h, pixels.data(), w * 4, level);
        if (!png) return png.error();
        if (png->size() <= max_bytes) return png;
    }
    // Still too large (a page of photographs): half the size each way, averaging 2x2 pixels.
    while (w >= 128 && h >= 128) {
        const int hw = w / 2, hh = h / 2;
        std::vector<uint32_t> half(static_cast<size_t>(hw) * static_cast<size_t>(hh));
        for (int y = 0; y < hh; ++y)
            for (int x = 0; x < hw; ++x) {
                uint32_t sum[3] = {0, 0, 0};
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx) {
                        const uint32_t p = pixels[static_cast<size_t>(2 * y + dy) * static_cast<size_t>(w) + static_cast<size_t>(2 * x + dx)];
                        for (int c = 0; c < 3; ++c) sum[c] += (p >> (8 * c)) & 0xFF;
                    }
                half[static_cast<size_t>(y) * static_cast<size_t>(hw) + static_cast<size_t>(x)] =
                    0xFF000000u | ((sum[2] / 4) << 16) | ((sum[1] / 4) << 8) | (sum[0] / 4);
            }
        pixels = std::move(half);
        w = hw;
        h = hh;
        auto png = encode_png(w, h, pixels.data(), w * 4, 9);
        if (!png) return png.error();
        if (png->size() <= max_bytes) return png;
    }
    return make_error("the screenshot does not fit in " + std::to_string(max_bytes) + " bytes");
}

void Screen::show_black() {
    Impl& s = *impl_;
    s.black = true;
    s.present();  // one all-black frame, not sampled
}

Result<std::unique_ptr<power::Backend>> Screen::dpms_backend() { return open_dpms(impl_->window.get()); }

void Screen::set_progress(double remaining) {
    Impl& s = *impl_;
    const bool was_shown = s.progress >= 0;
    s.progress = remaining;
    if (s.black) return;  // kept for the next show(), which draws the bar with the page
    if (remaining < 0 && !was_shown) return;
    s.draw_progress();
    s.present();
}

void Screen::set_theme(const config::Theme& theme) {
    impl_->theme = theme;
    if (impl_->painter) impl_->painter->set_theme(theme);
    if (impl_->ticker_painter) impl_->ticker_painter->set_theme(theme);
    if (impl_->ticker) {  // the band's colours too: painted again
        const text::TickerStrip strip = impl_->ticker->strip;
        const text::TickerGeometry geometry = impl_->ticker->geometry;
        const auto started = impl_->ticker->started;
        set_ticker(strip, geometry);
        impl_->ticker->started = started;
    }
}

void Screen::set_ticker(const text::TickerStrip& strip, const text::TickerGeometry& geometry) {
    Impl& s = *impl_;
    auto t = std::make_unique<Impl::Ticker>();
    t->strip = strip;
    t->geometry = geometry;
    const int bh = geometry.band_height, bw = static_cast<int>(geometry.band.width);
    const bool rule_top = geometry.page_y == 0;  // a bottom band meets the page along its top
    std::vector<uint32_t> pixels;
    auto texture = [&](int w, const std::function<void(const Canvas&)>& paint) {
        pixels.assign(static_cast<size_t>(w) * static_cast<size_t>(bh), 0xFF000000u);
        paint(Canvas(pixels.data(), w, 0, bh, w));
        for (auto& p : pixels) p |= 0xFF000000u;
        TexturePtr tex(sdl().CreateTexture(s.renderer.get(), SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, bh));
        if (!tex) {
            log::once(log::Level::error, "render", "ticker-texture", std::string("cannot create the ticker's texture: ") + sdl().GetError());
            return tex;
        }
        sdl().UpdateTexture(tex.get(), nullptr, pixels.data(), w * 4);
        return tex;
    };
    t->blank = texture(bw, [&](const Canvas& c) { s.ticker_painter->paint_band(text::TickerStrip{0, bh, 0, 0, {}, {}}, 0, c, rule_top); });
    for (int x = 0; x < strip.width; x += Impl::kTileWidth) {
        const int w = std::min(Impl::kTileWidth, strip.width - x);
        t->tiles.push_back(texture(w, [&](const Canvas& c) { s.ticker_painter->paint_tile(strip, x, c, rule_top); }));
    }
    t->started = std::chrono::steady_clock::now();
    s.ticker = std::move(t);
    s.page_y = geometry.page_y;
    s.frame_kept = false;
}

void Screen::clear_ticker() {
    Impl& s = *impl_;
    s.ticker.reset();
    s.page_y = 0;
    s.frame_kept = false;
}

bool Screen::ticker_on() const { return impl_->ticker != nullptr; }

double Screen::ticker_moved() const { return impl_->ticker_moved(); }

void Screen::ticker_frame() {
    Impl& s = *impl_;
    if (!s.ticker || s.black || !s.page) return;
    // A sample due reads the whole frame: draw it whole then.
    const bool whole = !s.frame_kept || std::chrono::steady_clock::now() >= s.next_sample;
    if (whole) {
        s.present();
        return;
    }
    sdl().SetRenderTarget(s.renderer.get(), nullptr);
    s.draw_band();
    s.present_frame();
}

Screen::Pacing Screen::pacing() const {
    Pacing p;
    p.vsync = impl_->vsync;
    p.software = impl_->software;
    p.renderer = impl_->renderer_name;
    const int hz = display().refresh_hz;
    p.refresh_hz = hz > 0 ? hz : 60;
    return p;
}

bool Screen::set_vsync(bool on) {
    Impl& s = *impl_;
    if (on && s.software) return s.vsync = false;  // SDL's software renderer has none
    s.vsync = sdl().RenderSetVSync(s.renderer.get(), on ? 1 : 0) == 0 && on;
    return s.vsync;
}

void Screen::set_pictures(const PictureStore* pictures) { impl_->painter->set_pictures(pictures); }

Screen::Display Screen::display() const {
    const Impl& s = *impl_;
    Display d;
    if (const char* driver = sdl().GetCurrentVideoDriver()) d.driver = driver;
    d.width = s.physical_w;
    d.height = s.physical_h;
    SDL_DisplayMode mode{};
    if (sdl().GetWindowDisplayMode(s.window.get(), &mode) == 0 && mode.refresh_rate > 0) d.refresh_hz = mode.refresh_rate;
    else if (const int index = sdl().GetWindowDisplayIndex(s.window.get());
             index >= 0 && sdl().GetCurrentDisplayMode(index, &mode) == 0)
        d.refresh_hz = mode.refresh_rate;
    return d;
}

Screen::Frames Screen::frames() const {
    const Impl& s = *impl_;
    Frames f = s.sample;
    f.black = s.black;
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    f.last_minute = 0;
    for (std::size_t i = 0; i < s.presented.size(); ++i)
        if (now - s.presented_second[i] < 60) f.last_minute += s.presented[i];
    return f;
}

void Screen::set_frame_sample_interval(std::chrono::milliseconds interval) {
    Impl& s = *impl_;
    const auto now = std::chrono::steady_clock::now();
    s.sample_interval = std::max(std::chrono::milliseconds(100), interval);
    s.next_sample = std::min(s.next_sample, now + s.sample_interval);
}

std::chrono::milliseconds Screen::until_sample() const {
    if (impl_->black) return kNoSampleDue;
    const auto left = impl_->next_sample - std::chrono::steady_clock::now();
    return std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(left));
}

void Screen::sample_now() {
    Impl& s = *impl_;
    if (s.black) return;  // a black page is meant: nothing to prove
    if (!s.page) {  // nothing drawn yet: the next page's present samples
        s.next_sample = std::chrono::steady_clock::now() + s.sample_interval;
        return;
    }
    s.next_sample = {};
    s.present();
}

void Screen::wake() {
    {
        std::lock_guard lock(impl_->wake_mutex);
        impl_->woken = true;
    }
    impl_->wake_cv.notify_one();
}

// SDL_WaitEventTimeout cannot block on the dummy or KMSDRM drivers (SDL 2.26 polls them
// every millisecond: 3 % of a core for an idle screen). So the loop blocks on its own
// condition variable, woken at once by wake(), and looks at SDL's queue (quit from SIGTERM,
// resize, expose) every kEventSlice.
Screen::Wake Screen::wait(std::chrono::milliseconds timeout) {
    return wait_until(std::chrono::steady_clock::now() + std::max(std::chrono::milliseconds(0), timeout));
}

Screen::Wake Screen::wait_until(std::chrono::steady_clock::time_point deadline) {
    Impl& s = *impl_;
    // While black nothing is drawn and a quit can wait a second: fewer wake-ups asleep.
    const auto kEventSlice = std::chrono::milliseconds(s.black ? 1000 : 100);
    for (;;) {
        SDL_Event ev;
        while (sdl().PollEvent(&ev)) {
            switch (ev.type) {
                case SDL_QUIT: return Wake::quit;  // SIGTERM/SIGINT; keys never quit
                case SDL_WINDOWEVENT:
                    if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                        sdl().GetRendererOutputSize(s.renderer.get(), &s.physical_w, &s.physical_h);
                        return Wake::resized;
                    }
                    if (ev.window.event == SDL_WINDOWEVENT_EXPOSED) s.present();
                    break;
                case SDL_RENDER_TARGETS_RESET:
                case SDL_RENDER_DEVICE_RESET: return Wake::resized;  // textures lost: redraw
                default: break;  // keys and the mouse are ignored
            }
        }
        std::unique_lock lock(s.wake_mutex);
        const auto now = std::chrono::steady_clock::now();
        if (!s.woken && now < deadline) s.wake_cv.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, kEventSlice), [&] { return s.woken; });
        if (s.woken) {
            s.woken = false;
            return Wake::external;
        }
        if (std::chrono::steady_clock::now() >= deadline) return Wake::timeout;
    }
}

}  // namespace kiosk::render
