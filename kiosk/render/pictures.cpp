#include "render/pictures.hpp"

#include <SDL_image.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <type_traits>

#include "base/shared_library.hpp"
#include "render/image_header.hpp"
#include "render/sdl_handles.hpp"

namespace kiosk::render {

namespace {

// SDL2_image is opened at the first picture, not at start (base/shared_library.hpp says
// why: it brings libtiff, libjpeg, libwebp and theirs); most items have no pictures. SDL2
// itself, which it needs, too (render/sdl_api.hpp).
struct ImageLoader {
    decltype(&::IMG_Load_RW) load_rw = nullptr;
    std::string error;  // why SDL2_image could not be opened
};

const ImageLoader& image_loader() {
    static const ImageLoader loader = [] {
        ImageLoader l;
        l.load_rw = shared_library::function<std::remove_pointer_t<decltype(&::IMG_Load_RW)>>(
            "libSDL2_image-2.0.so.0", "IMG_Load_RW", l.error);
        return l;
    }();
    return loader;
}

// The decoded picture's pixels, copied out of SDL's surface into plain memory.
Result<Picture> decode(std::string_view bytes) {
    const ImageLoader& loader = image_loader();
    if (!sdl().error.empty()) return make_error("the picture could not be decoded (" + sdl().error + ")");
    if (!loader.load_rw) return make_error("the picture could not be decoded (" + loader.error + ")");
    // SDL_RWFromConstMem: the bytes stay ours; IMG_Load_RW closes the RWops (freesrc = 1).
    SDL_RWops* rw = sdl().RWFromConstMem(bytes.data(), static_cast<int>(bytes.size()));
    if (!rw) return make_error(sdl().GetError());
    SurfacePtr decoded(loader.load_rw(rw, 1));
    if (!decoded) return make_error("the picture could not be decoded (" + std::string(sdl().GetError()) + ")");
    SurfacePtr argb(sdl().ConvertSurfaceFormat(decoded.get(), SDL_PIXELFORMAT_ARGB8888, 0));
    if (!argb) return make_error(sdl().GetError());
    decoded.reset();
    Picture p;
    p.width = argb->w;
    p.height = argb->h;
    p.argb.resize(static_cast<size_t>(p.width) * static_cast<size_t>(p.height));
    for (int y = 0; y < p.height; ++y)
        std::memcpy(p.argb.data() + static_cast<size_t>(y) * static_cast<size_t>(p.width),
                    static_cast<const unsigned char*>(argb->pixels) + static_cast<std::ptrdiff_t>(y) * argb->pitch,
                    static_cast<size_t>(p.width) * 4);
    return p;
}

}  // namespace

struct PictureStore::Impl {
    int max_side;
    size_t max_pictures;
    mutable std::mutex mutex;
    std::map<std::string, std::shared_ptr<const Picture>> pictures;
    std::deque<std::string> order;  // oldest first
};

PictureStore::PictureStore(int max_side, size_t max_pictures) : impl_(std::make_unique<Impl>()) {
    impl_->max_side = max_side;
    impl_->max_pictures = std::max<size_t>(1, max_pictures);
}

PictureStore::~PictureStore() = default;

Status PictureStore::add(const std::string& url, std::string_view bytes) {
    if (std::string why = render::image_refusal(bytes); !why.empty()) return make_error(url + ": " + why);
    auto decoded = decode(bytes);
    if (!decoded) return make_error(url + ": " + decoded.error().message);
    Picture picture = std::move(*decoded);
    const int longer = std::max(picture.width, picture.height);
    if (longer > impl_->max_side) {  // kept no larger than any screen needs
        const double scale = static_cast<double>(impl_->max_side) / longer;
        const int w = std::max(1, static_cast<int>(std::lround(picture.width * scale)));
        const int h = std::max(1, static_cast<int>(std::lround(picture.height * scale)));
        picture = scale_picture(picture, w, h);
    }
    auto shared = std::make_shared<const Picture>(std::move(picture));
    std::lock_guard lock(impl_->mutex);
    if (!impl_->pictures.count(url)) impl_->order.push_back(url);
    impl_->pictures[url] = std::move(shared);
    while (impl_->pictures.size() > impl_->max_pictures) {
        impl_->pictures.erase(impl_->order.front());
        impl_->order.pop_front();
    }
    return Ok{};
}

bool PictureStore::has(const std::string& url) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->pictures.count(url) > 0;
}

size_t PictureStore::size() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->pictures.size();
}

std::shared_ptr<const Picture> PictureStore::get(const std::string& url) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->pictures.find(url);
    return it == impl_->pictures.end() ? nullptr : it->second;
}

}  // namespace kiosk::render
