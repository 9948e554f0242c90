#pragma once
// Rows of 0xAARRGGBB pixels the painter draws into: a whole page (the screen's page) or a
// band of its rows (a PNG is painted and written a band at a time, so a page is never whole
// in memory). Plain memory and plain loops: no SDL, so `kiosk render` loads no display
// library, and the PNG and the screen are the same pixels by construction.
#include <cstdint>
#include <vector>

namespace kiosk::render {

// Rows painted at a time for a PNG (handed to libpng) and for the screen (uploaded into
// its page texture): 64 rows of 1920 px are 480 KB, where a whole 1080p page is 8 MB.
inline constexpr int kBandRows = 64;

// A picture's pixels, 0xAARRGGBB row by row (width * height of them).
struct Picture {
    int width = 0;
    int height = 0;
    std::vector<uint32_t> argb;
};

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

class Canvas {
public:
    // Borrows `pixels`: the page's rows [top, top + rows), each `stride` pixels apart and
    // `width` pixels wide. Everything drawn is in page coordinates and clipped to these rows.
    Canvas(uint32_t* pixels, int width, int top, int rows, int stride)
        : pixels_(pixels), width_(width), top_(top), rows_(rows), stride_(stride) {}

    int width() const { return width_; }
    int top() const { return top_; }
    int bottom() const { return top_ + rows_; }  // one past the last row held
    uint32_t* row(int page_y) const { return pixels_ + static_cast<std::ptrdiff_t>(page_y - top_) * stride_; }

    // Opaque colour (0xRRGGBB) over `r`.
    void fill(const Rect& r, uint32_t rgb) const;
    // `coverage` (w x h bytes, `pitch` apart; 0 nothing … 255 full) laid at (x, y) in `rgb`.
    void blend_coverage(int x, int y, const uint8_t* coverage, int w, int h, int pitch, uint32_t rgb) const;
    // `picture` scaled into `r` (bilinear), over what is there by its alpha.
    void draw_picture(const Picture& picture, const Rect& r) const;

private:
    // `r` clipped to the canvas; false when nothing of it is left.
    bool clip(Rect& r) const;

    uint32_t* pixels_;
    int width_, top_, rows_, stride_;
};

// `picture` resampled (bilinear) to w x h.
Picture scale_picture(const Picture& picture, int w, int h);

}  // namespace kiosk::render
