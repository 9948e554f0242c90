#pragma once
// Paints the ticker strip (text/ticker.hpp) into plain pixels: a tile of the strip for the
// screen's textures (shaped and painted once, moved by the GPU or SDL's blitter), or the band
// as it stands after the strip moved so far (a PNG, a screenshot). No SDL: `kiosk render`
// paints the same pixels. The band is dark (the theme's text colour) with light text (the
// theme's background), a hairline in the accent colour on the edge that meets the page, and
// before each item a ◆ in its warning level's colour (warning::level_colors; the accent for
// an ordinary notice).
#include "config/config.hpp"
#include "render/canvas.hpp"
#include "render/glyph_cache.hpp"
#include "text/ticker.hpp"

namespace kiosk::render {

class TickerPainter {
public:
    TickerPainter(const text::FontSet& fonts, const config::Theme& theme) : theme_(theme), glyphs_(fonts) {}
    void set_theme(const config::Theme& theme) { theme_ = theme; }
    // The strip's columns [x0, x0 + canvas.width()) over the canvas's rows 0..strip.height
    // (the canvas's top is 0), background and rule included. `rule_top`: the band is under
    // the page (the hairline along its top edge), else above it.
    void paint_tile(const text::TickerStrip& strip, int x0, const Canvas& canvas, bool rule_top);
    // The band after the strip moved `moved` px (text::ticker_copies), canvas as above.
    void paint_band(const text::TickerStrip& strip, double moved, const Canvas& canvas, bool rule_top);

private:
    void background(const text::TickerStrip& strip, const Canvas& canvas, bool rule_top) const;
    // The strip's x = 0 at the canvas's `origin`.
    void paint_at(const text::TickerStrip& strip, float origin, const Canvas& canvas);

    config::Theme theme_;
    GlyphCache glyphs_;
};

}  // namespace kiosk::render
