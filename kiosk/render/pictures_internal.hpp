#pragma once
// The SDL side of PictureStore, for the painter.
#include <SDL.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "render/pictures.hpp"
#include "render/sdl_handles.hpp"

namespace kiosk::render {

// Shared: the store and a painter drawing it may both hold it; freed by the last.
using SharedSurface = std::shared_ptr<SDL_Surface>;

struct PictureStore::Impl {
    int max_side;
    size_t max_pictures;
    mutable std::mutex mutex;
    std::map<std::string, SharedSurface> pictures;
    std::deque<std::string> order;  // oldest first

    SharedSurface get(const std::string& url) const {
        std::lock_guard lock(mutex);
        auto it = pictures.find(url);
        return it == pictures.end() ? nullptr : it->second;
    }
};

}  // namespace kiosk::render
