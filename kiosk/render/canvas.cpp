#include "render/canvas.hpp"

#include <algorithm>

namespace kiosk::render {
namespace {

// s over d with coverage a (0…255) in one 8-bit channel, rounded to nearest:
// (s·a + d·(255 − a)) / 255, with the exact division by 255 done in shifts.
inline uint32_t mix_channel(uint32_t s, uint32_t d, uint32_t a) {
    const uint32_t t = s * a + d * (255 - a) + 128;
    return (t + (t >> 8)) >> 8;
}

inline uint32_t mix_pixel(uint32_t rgb, uint32_t dst, uint32_t a) {
    return 0xFF000000u | (mix_channel((rgb >> 16) & 0xFF, (dst >> 16) & 0xFF, a) << 16) |
           (mix_channel((rgb >> 8) & 0xFF, (dst >> 8) & 0xFF, a) << 8) | mix_channel(rgb & 0xFF, dst & 0xFF, a);
}

// Where each destination position [from, to) of a `dst`-long axis samples a `src`-long one:
// the two source indices and the weight of the second (0…256), pixel centres aligned.
struct Samples {
    std::vector<int> first, second;
    std::vector<uint32_t> weight;
};

Samples samples(int src, int dst, int from, int to) {
    Samples s;
    const auto n = static_cast<size_t>(std::max(0, to - from));
    s.first.resize(n);
    s.second.resize(n);
    s.weight.resize(n);
    for (int d = from; d < to; ++d) {
        // The centre of destination pixel d, in source pixels, 16.16 fixed point.
        long long pos = ((2LL * d + 1) * src * 65536) / (2LL * dst) - 32768;
        pos = std::max(0LL, pos);
        int i = static_cast<int>(pos >> 16);
        uint32_t w = static_cast<uint32_t>((pos & 0xFFFF) >> 8);
        if (i >= src - 1) {
            i = src - 1;
            w = 0;
        }
        const auto k = static_cast<size_t>(d - from);
        s.first[k] = i;
        s.second[k] = std::min(i + 1, src - 1);
        s.weight[k] = w;
    }
    return s;
}

// The bilinear mix of four pixels, weights fx, fy in 0…256, every channel (alpha too).
inline uint32_t bilinear(uint32_t p00, uint32_t p01, uint32_t p10, uint32_t p11, uint32_t fx, uint32_t fy) {
    uint32_t out = 0;
    for (int shift = 0; shift < 32; shift += 8) {
        const uint32_t top = ((p00 >> shift) & 0xFF) * (256 - fx) + ((p01 >> shift) & 0xFF) * fx;
        const uint32_t bottom = ((p10 >> shift) & 0xFF) * (256 - fx) + ((p11 >> shift) & 0xFF) * fx;
        out |= ((top * (256 - fy) + bottom * fy + 32768) >> 16) << shift;
    }
    return out;
}

// Writes `picture` scaled to dst_w x dst_h, the part [x0, x1) x [y0, y1) of it, through `put`.
template <typename Put>
void resample(const Picture& picture, int dst_w, int dst_h, int x0, int x1, int y0, int y1, Put put) {
    const Samples xs = samples(picture.width, dst_w, x0, x1);
    const Samples ys = samples(picture.height, dst_h, y0, y1);
    const auto src_w = static_cast<size_t>(picture.width);
    for (int y = y0; y < y1; ++y) {
        const auto ky = static_cast<size_t>(y - y0);
        const uint32_t* top = picture.argb.data() + static_cast<size_t>(ys.first[ky]) * src_w;
        const uint32_t* bottom = picture.argb.data() + static_cast<size_t>(ys.second[ky]) * src_w;
        for (int x = x0; x < x1; ++x) {
            const auto kx = static_cast<size_t>(x - x0);
            const auto a = static_cast<size_t>(xs.first[kx]), b = static_cast<size_t>(xs.second[kx]);
            put(x, y, bilinear(top[a], top[b], bottom[a], bottom[b], xs.weight[kx], ys.weight[ky]));
        }
    }
}

}  // namespace

bool Canvas::clip(Rect& r) const {
    const int x0 = std::max(r.x, 0), y0 = std::max(r.y, top_);
    const int x1 = std::min(r.x + r.w, width_), y1 = std::min(r.y + r.h, bottom());
    if (x0 >= x1 || y0 >= y1) return false;
    r = Rect{x0, y0, x1 - x0, y1 - y0};
    return true;
}

void Canvas::fill(const Rect& area, uint32_t rgb) const {
    Rect r = area;
    if (!clip(r)) return;
    for (int y = r.y; y < r.y + r.h; ++y) std::fill_n(row(y) + r.x, r.w, 0xFF000000u | rgb);
}

void Canvas::blend_coverage(int x, int y, const uint8_t* coverage, int w, int h, int pitch, uint32_t rgb) const {
    Rect r{x, y, w, h};
    if (!clip(r)) return;
    const uint32_t solid = 0xFF000000u | rgb;
    for (int py = r.y; py < r.y + r.h; ++py) {
        const uint8_t* cov = coverage + static_cast<std::ptrdiff_t>(py - y) * pitch + (r.x - x);
        uint32_t* out = row(py) + r.x;
        for (int i = 0; i < r.w; ++i) {
            const uint32_t a = cov[i];
            if (a == 255)
                out[i] = solid;
            else if (a != 0)
                out[i] = mix_pixel(rgb, out[i], a);
        }
    }
}

void Canvas::draw_picture(const Picture& picture, const Rect& area) const {
    if (picture.width <= 0 || picture.height <= 0 || area.w <= 0 || area.h <= 0) return;
    Rect r = area;
    if (!clip(r)) return;
    resample(picture, area.w, area.h, r.x - area.x, r.x + r.w - area.x, r.y - area.y, r.y + r.h - area.y,
             [&](int x, int y, uint32_t p) {
                 uint32_t& out = row(area.y + y)[area.x + x];
                 const uint32_t a = p >> 24;
                 if (a == 255)
                     out = p;
                 else if (a != 0)
                     out = mix_pixel(p & 0xFFFFFF, out, a);
             });
}

Picture scale_picture(const Picture& picture, int w, int h) {
    Picture out;
    out.width = w;
    out.height = h;
    out.argb.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
    resample(picture, w, h, 0, w, 0, h, [&](int x, int y, uint32_t p) {
        out.argb[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)] = p;
    });
    return out;
}

}  // namespace kiosk::render
