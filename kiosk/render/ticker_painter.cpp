#include "render/ticker_painter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace kiosk::render {
namespace {
uint32_t rgb(config::Color c) { return (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b; }

// A ◆ filling a side × side square, its edges anti-aliased.
std::vector<uint8_t> diamond(int side) {
    std::vector<uint8_t> c(static_cast<size_t>(side) * static_cast<size_t>(side));
    const float half = static_cast<float>(side) / 2;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const float d = std::abs(static_cast<float>(x) + 0.5f - half) + std::abs(static_cast<float>(y) + 0.5f - half);
            const float cover = std::clamp(half - d + 0.5f, 0.0f, 1.0f);
            c[static_cast<size_t>(y * side + x)] = static_cast<uint8_t>(std::lround(cover * 255));
        }
    return c;
}
}  // namespace

void TickerPainter::background(const text::TickerStrip& strip, const Canvas& canvas, bool rule_top) const {
    canvas.fill(Rect{0, 0, canvas.width(), strip.height}, rgb(theme_.text));
    const int rule = std::max(2, strip.height / 30);
    canvas.fill(Rect{0, rule_top ? 0 : strip.height - rule, canvas.width(), rule}, rgb(theme_.accent));
}

void TickerPainter::paint_at(const text::TickerStrip& strip, float origin, const Canvas& canvas) {
    const float left = -origin, right = left + static_cast<float>(canvas.width());  // strip columns in view
    for (const text::TickerMarker& m : strip.markers) {
        if (m.box.x + m.box.width < left || m.box.x > right) continue;
        const int side = static_cast<int>(std::lround(m.box.width));
        const auto cover = diamond(side);
        const uint32_t colour = m.level == warning::Level::none ? rgb(theme_.accent) : warning::level_colors(m.level).band;
        canvas.blend_coverage(static_cast<int>(std::lround(m.box.x + origin)), static_cast<int>(std::lround(m.box.y)), cover.data(),
                              side, side, side, colour);
    }
    const uint32_t text = rgb(theme_.background);
    for (const text::Line& line : strip.lines) {
        const float reach = 2 * line.font_size;
        if (line.x + line.width + reach < left || line.x - reach > right) continue;
        for (const text::Ink& ink : line.ink) {
            if (ink.x + reach < left || ink.x - reach > right) continue;
            const GlyphCache::Glyph& g = glyphs_.get(ink.face, ink.id, line.font_size);
            if (g.width == 0) continue;
            canvas.blend_coverage(static_cast<int>(std::lround(ink.x + origin)) + g.left,
                                  static_cast<int>(std::lround(line.y + ink.dy)) - g.top, g.coverage.data(), g.width, g.height,
                                  g.width, text);
        }
    }
}

void TickerPainter::paint_tile(const text::TickerStrip& strip, int x0, const Canvas& canvas, bool rule_top) {
    background(strip, canvas, rule_top);
    paint_at(strip, static_cast<float>(-x0), canvas);
    // A glyph near the tile's end belongs to the next loop too (the strip repeats at width).
    if (x0 + canvas.width() > strip.width) paint_at(strip, static_cast<float>(strip.width - x0), canvas);
    if (x0 < 0) paint_at(strip, static_cast<float>(-x0 - strip.width), canvas);
    const int rule = std::max(2, strip.height / 30);
    canvas.fill(Rect{0, rule_top ? 0 : strip.height - rule, canvas.width(), rule}, rgb(theme_.accent));
}

void TickerPainter::paint_band(const text::TickerStrip& strip, double moved, const Canvas& canvas, bool rule_top) {
    background(strip, canvas, rule_top);
    for (float o : text::ticker_copies(strip, static_cast<float>(canvas.width()), moved)) paint_at(strip, std::round(o), canvas);
    const int rule = std::max(2, strip.height / 30);
    canvas.fill(Rect{0, rule_top ? 0 : strip.height - rule, canvas.width(), rule}, rgb(theme_.accent));
}

}  // namespace kiosk::render
