#pragma once
// Pixel dimensions from an image file's header (PNG, JPEG, GIF, WebP), read without
// decoding: a picture is checked against the size limits before anything allocates its
// pixels (a 100 KB PNG can claim 60000 x 60000: a decompression bomb). SDL2_image 2.6
// cannot tell the size without decoding, hence this.
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::render {

struct ImageHeader {
    int width = 0;
    int height = 0;
    std::string format;  // "png", "jpeg", "gif", "webp"
};

std::optional<ImageHeader> read_image_header(std::string_view bytes);

struct ImageLimits {
    size_t max_bytes = 10u << 20;
    int max_side = 16384;
    long long max_pixels = 50'000'000;
};

// Empty when the picture may be decoded; else why not ("not a PNG, JPEG, GIF or WebP
// image", "12000 x 9000 pixels, more than the 50 megapixel limit", …).
std::string image_refusal(std::string_view bytes, const ImageLimits& limits = {});

}  // namespace kiosk::render
