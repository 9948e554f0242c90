#include "render/image_header.hpp"

#include <cstdint>

namespace kiosk::render {
namespace {

uint32_t be16(std::string_view b, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 8) | static_cast<unsigned char>(b[at + 1]);
}
uint32_t be32(std::string_view b, size_t at) { return (be16(b, at) << 16) | be16(b, at + 2); }
uint32_t le16(std::string_view b, size_t at) {
    return static_cast<unsigned char>(b[at]) | (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8);
}
uint32_t le24(std::string_view b, size_t at) { return le16(b, at) | (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16); }

std::optional<ImageHeader> make(uint32_t w, uint32_t h, const char* format) {
    if (w == 0 || h == 0 || w > 1'000'000 || h > 1'000'000) return std::nullopt;
    return ImageHeader{static_cast<int>(w), static_cast<int>(h), format};
}

std::optional<ImageHeader> jpeg(std::string_view b) {
    size_t i = 2;
    while (i + 4 <= b.size()) {
        if (static_cast<unsigned char>(b[i]) != 0xFF) return std::nullopt;
        const unsigned char marker = static_cast<unsigned char>(b[i + 1]);
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {  // no length
            i += 2;
            continue;
        }
        const uint32_t length = be16(b, i + 2);
        if (length < 2) return std::nullopt;
        // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            if (i + 9 > b.size()) return std::nullopt;
            return make(be16(b, i + 7), be16(b, i + 5), "jpeg");
        }
        if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end, or scan data before any frame header
        i += 2 + length;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ImageHeader> read_image_header(std::string_view b) {
    if (b.size() >= 24 && b.substr(0, 8) == "\x89PNG\r\n\x1a\n" && b.substr(12, 4) == "IHDR")
        return make(be32(b, 16), be32(b, 20), "png");
    if (b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8) return jpeg(b);
    if (b.size() >= 10 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a")) return make(le16(b, 6), le16(b, 8), "gif");
    if (b.size() >= 30 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") {
        const std::string_view chunk = b.substr(12, 4);
        if (chunk == "VP8 " && static_cast<unsigned char>(b[23]) == 0x9D && static_cast<unsigned char>(b[24]) == 0x01 &&
            static_cast<unsigned char>(b[25]) == 0x2A)
            return make(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, "webp");
        if (chunk == "VP8L" && static_cast<unsigned char>(b[20]) == 0x2F) {
            const uint32_t bits = static_cast<uint32_t>(static_cast<unsigned char>(b[21])) |
                                  (static_cast<uint32_t>(static_cast<unsigned char>(b[22])) << 8) |
                                  (static_cast<uint32_t>(static_cast<unsigned char>(b[23])) << 16) |
                                  (static_cast<uint32_t>(static_cast<unsigned char>(b[24])) << 24);
            return make((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "webp");
        }
        if (chunk == "VP8X") return make(le24(b, 24) + 1, le24(b, 27) + 1, "webp");
    }
    return std::nullopt;
}

std::string image_refusal(std::string_view bytes, const ImageLimits& limits) {
    if (bytes.size() > limits.max_bytes)
        return std::to_string(bytes.size() / 1024) + " KB, larger than the " + std::to_string(limits.max_bytes >> 20) + " MB limit";
    auto header = read_image_header(bytes);
    if (!header) return "not a PNG, JPEG, GIF or WebP image (or its header is damaged)";
    const std::string size = std::to_string(header->width) + " x " + std::to_string(header->height) + " pixels";
    if (header->width > limits.max_side || header->height > limits.max_side)
        return size + ", wider or taller than " + std::to_string(limits.max_side);
    if (static_cast<long long>(header->width) * header->height > limits.max_pixels)
        return size + ", more than the " + std::to_string(limits.max_pixels / 1'000'000) + " megapixel limit";
    return "";
}

}  // namespace kiosk::render
