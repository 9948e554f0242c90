#pragma once
// Decoded pictures by URL, shared between the thread that decodes them (the fetch worker,
// or the library while loading) and the painter that draws them. Thread-safe. Each picture
// is checked from its header against the size limits before SDL2_image decodes it, and kept
// at most `max_side` pixels on its longer side (a lobby screen never needs more) as plain
// 0xAARRGGBB pixels (render/canvas.hpp).
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "render/canvas.hpp"

namespace kiosk::render {

class PictureStore {
public:
    explicit PictureStore(int max_side = 1920, size_t max_pictures = 48);
    ~PictureStore();
    PictureStore(const PictureStore&) = delete;
    PictureStore& operator=(const PictureStore&) = delete;

    // Decodes `bytes` and keeps the picture for `url`; an error says why not (refused by
    // its header, or undecodable). The oldest picture goes when the store is full.
    Status add(const std::string& url, std::string_view bytes);
    bool has(const std::string& url) const;
    size_t size() const;
    // The picture for `url`, or null. Shared: a painter drawing it keeps it alive even if
    // the store lets it go meanwhile.
    std::shared_ptr<const Picture> get(const std::string& url) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::render
