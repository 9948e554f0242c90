#pragma once
// RAII owners for SDL handles: each unique_ptr is the one owner of its handle. SDL is
// opened at first use (render/sdl_api.hpp); a handle exists only once it was.
#include <memory>

#include "render/sdl_api.hpp"

namespace kiosk::render {

struct SdlDeleter {
    void operator()(SDL_Window* w) const { sdl().DestroyWindow(w); }
    void operator()(SDL_Renderer* r) const { sdl().DestroyRenderer(r); }
    void operator()(SDL_Texture* t) const { sdl().DestroyTexture(t); }
    void operator()(SDL_Surface* s) const { sdl().FreeSurface(s); }
};
using WindowPtr = std::unique_ptr<SDL_Window, SdlDeleter>;
using RendererPtr = std::unique_ptr<SDL_Renderer, SdlDeleter>;
using TexturePtr = std::unique_ptr<SDL_Texture, SdlDeleter>;
using SurfacePtr = std::unique_ptr<SDL_Surface, SdlDeleter>;

}  // namespace kiosk::render
