#include "render/screen.hpp"

#include <SDL.h>

#include "health/log.hpp"
#include "render/page_painter.hpp"
#include "render/sdl_handles.hpp"

namespace kiosk::render {

namespace {
Uint32 wake_event_type() {
    static const Uint32 type = SDL_RegisterEvents(1);
    return type;
}
}  // namespace

struct Screen::Impl {
    ScreenOptions options;
    WindowPtr window;        // owned; destroyed after the renderer (member order)
    RendererPtr renderer;    // owned
    TexturePtr page;         // owned: the upright page, drawn once per change
    std::unique_ptr<PagePainter> painter;
    int physical_w = 0, physical_h = 0;
    const text::FontSet* fonts = nullptr;
    config::Theme theme;

    ~Impl() {
        painter.reset();
        page.reset();
        renderer.reset();
        window.reset();
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    }

    bool quarter_turn() const { return options.rotation == 90 || options.rotation == 270; }
    int upright_w() const { return quarter_turn() ? physical_h : physical_w; }
    int upright_h() const { return quarter_turn() ? physical_w : physical_h; }

    void present() {
        SDL_SetRenderTarget(renderer.get(), nullptr);
        SDL_SetRenderDrawColor(renderer.get(), 0, 0, 0, 255);
        SDL_RenderClear(renderer.get());
        if (page) {
            const int w = upright_w(), h = upright_h();
            SDL_Rect dst{(physical_w - w) / 2, (physical_h - h) / 2, w, h};
            SDL_RenderCopyEx(renderer.get(), page.get(), nullptr, &dst, options.rotation, nullptr,
                             SDL_FLIP_NONE);
        }
        SDL_RenderPresent(renderer.get());
    }
};

Screen::Screen(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Screen::~Screen() = default;

Result<std::unique_ptr<Screen>> Screen::open(const ScreenOptions& options,
                                             const text::FontSet& fonts,
                                             const config::Theme& theme) {
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return make_error(std::string("no display: ") + SDL_GetError() +
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
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            h = mode.h;
            x = y = 0;
        }
    }
    impl->window.reset(SDL_CreateWindow("kiosk", x, y, w, h, flags));
    if (!impl->window) return make_error(std::string("cannot open a window: ") + SDL_GetError());
    impl->renderer.reset(SDL_CreateRenderer(impl->window.get(), -1,
                                            SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE));
    if (!impl->renderer) {
        log::warn("render", std::string("no accelerated renderer (") + SDL_GetError() +
                                "); using the software renderer");
        impl->renderer.reset(SDL_CreateRenderer(impl->window.get(), -1,
                                                SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE));
    }
    if (!impl->renderer) return make_error(std::string("cannot create a renderer: ") + SDL_GetError());
    SDL_ShowCursor(SDL_DISABLE);
    wake_event_type();  // registered on this thread before any other thread pushes one
    SDL_GetRendererOutputSize(impl->renderer.get(), &impl->physical_w, &impl->physical_h);
    impl->painter = std::make_unique<PagePainter>(impl->renderer.get(), fonts, theme);
    return std::unique_ptr<Screen>(new Screen(std::move(impl)));
}

int Screen::page_width() const { return impl_->upright_w(); }
int Screen::page_height() const { return impl_->upright_h(); }

void Screen::show(const text::Page& page, const text::PageGeometry& geometry) {
    Impl& s = *impl_;
    int tw = 0, th = 0;
    if (s.page) SDL_QueryTexture(s.page.get(), nullptr, nullptr, &tw, &th);
    if (!s.page || tw != geometry.width || th != geometry.height) {
        s.page.reset(SDL_CreateTexture(s.renderer.get(), SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_TARGET, geometry.width, geometry.height));
        if (!s.page) {
            log::once(log::Level::error, "render", "page-texture",
                      std::string("cannot create the page texture: ") + SDL_GetError());
            return;
        }
    }
    SDL_SetRenderTarget(s.renderer.get(), s.page.get());
    s.painter->paint(page, geometry);
    s.present();
}

void Screen::set_pictures(const PictureStore* pictures) { impl_->painter->set_pictures(pictures); }

void Screen::wake() {
    SDL_Event ev{};
    ev.type = wake_event_type();
    SDL_PushEvent(&ev);  // thread-safe
}

Screen::Wake Screen::wait(std::chrono::milliseconds timeout) {
    Impl& s = *impl_;
    const Uint64 deadline = SDL_GetTicks64() + static_cast<Uint64>(std::max<long long>(0, timeout.count()));
    for (;;) {
        const Uint64 now = SDL_GetTicks64();
        if (now >= deadline) return Wake::timeout;
        SDL_Event ev;
        if (!SDL_WaitEventTimeout(&ev, static_cast<int>(deadline - now))) continue;
        switch (ev.type) {
            case SDL_QUIT: return Wake::quit;  // SIGTERM/SIGINT; keys never quit
            case SDL_WINDOWEVENT:
                if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    SDL_GetRendererOutputSize(s.renderer.get(), &s.physical_w, &s.physical_h);
                    return Wake::resized;
                }
                if (ev.window.event == SDL_WINDOWEVENT_EXPOSED) s.present();
                break;
            case SDL_RENDER_TARGETS_RESET:
            case SDL_RENDER_DEVICE_RESET: return Wake::resized;  // textures lost: redraw
            default:
                if (ev.type == wake_event_type()) return Wake::external;
                break;  // keys and the mouse are ignored
        }
    }
}

}  // namespace kiosk::render
