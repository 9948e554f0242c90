#include "render/sdl_api.hpp"

#include "base/shared_library.hpp"

namespace kiosk::render {
const SdlApi& sdl() {
    static const SdlApi api = [] {
        SdlApi a;
#define KIOSK_SDL_RESOLVE(name) shared_library::resolve(a.name, kLibSdl2, "SDL_" #name, a.error);
        KIOSK_SDL_FUNCTIONS(KIOSK_SDL_RESOLVE)
#undef KIOSK_SDL_RESOLVE
        return a;
    }();
    return api;
}

}  // namespace kiosk::render
