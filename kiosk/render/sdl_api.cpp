#include "render/sdl_api.hpp"

#include "base/shared_library.hpp"

namespace kiosk::render {
namespace {

template <typename F>
void resolve(SdlApi& api, F*& slot, const char* name) {
    if (api.error.empty()) slot = shared_library::function<F>(kLibSdl2, name, api.error);
}

}  // namespace

const SdlApi& sdl() {
    static const SdlApi api = [] {
        SdlApi a;
#define KIOSK_SDL_RESOLVE(name) resolve(a, a.name, "SDL_" #name);
        KIOSK_SDL_FUNCTIONS(KIOSK_SDL_RESOLVE)
#undef KIOSK_SDL_RESOLVE
        return a;
    }();
    return api;
}

}  // namespace kiosk::render
