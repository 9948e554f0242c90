#pragma once
// SDL2, opened when the screen opens or the first picture is decoded, not at start: the
// loader would otherwise map it and the 37 libraries it brings (X11, Wayland, ALSA, PulseAudio,
// codecs, D-Bus) for every command, and `kiosk render`, `kiosk check` and the rest never
// call it (base/shared_library.hpp; docs/measurements.md, "Beside pango-view"). SDL's
// headers still give the types and each function's signature: a changed signature fails to
// compile rather than to run.
#include <SDL.h>

#include <string>

namespace kiosk::render {

// Every SDL function render/ calls, by its name without the SDL_ prefix.
#define KIOSK_SDL_FUNCTIONS(X)                                                                  \
    X(GetError) X(SetHint) X(InitSubSystem) X(QuitSubSystem) X(GetDesktopDisplayMode)           \
    X(CreateWindow) X(DestroyWindow) X(CreateRenderer) X(DestroyRenderer) X(GetRendererOutputSize) \
    X(ShowCursor) X(CreateTexture) X(DestroyTexture) X(UpdateTexture) X(QueryTexture)           \
    X(SetTextureBlendMode) X(SetTextureAlphaMod) X(SetRenderTarget) X(SetRenderDrawColor)       \
    X(SetRenderDrawBlendMode) X(RenderClear) X(RenderFillRect) X(RenderCopyEx) X(RenderPresent) \
    X(RenderReadPixels) X(GetTicks64) X(Delay) X(PollEvent) X(RWFromConstMem)                    \
    X(ConvertSurfaceFormat) X(FreeSurface) X(GetCurrentVideoDriver) X(GetWindowDisplayMode)      \
    X(GetWindowDisplayIndex) X(GetCurrentDisplayMode) X(EnableScreenSaver) X(DisableScreenSaver)  \
    X(RenderSetVSync) X(GetRendererInfo)

struct SdlApi {
#define KIOSK_SDL_MEMBER(name) decltype(&::SDL_##name) name = nullptr;
    KIOSK_SDL_FUNCTIONS(KIOSK_SDL_MEMBER)
#undef KIOSK_SDL_MEMBER
    std::string error;  // empty when every function was found
};

// Debian 12's libsdl2-2.0-0 (the SONAME of every SDL 2).
inline constexpr const char* kLibSdl2 = "libSDL2-2.0.so.0";

// SDL2's functions, the library opened on the first call (thread-safe); check `error`
// before calling any of them.
const SdlApi& sdl();

}  // namespace kiosk::render
