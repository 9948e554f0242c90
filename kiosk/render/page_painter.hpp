#pragma once
// Paints a laid-out page (document lines, chrome, table rules, pictures, the QR code) with
// the theme's colours into plain pixels (render/canvas.hpp): the whole page for the screen,
// or one band of rows at a time for a PNG. Internal to render/: callers use
// render_pages_to_png or Screen.
#include <cstdint>
#include <optional>

#include "config/config.hpp"
#include "render/canvas.hpp"
#include "render/glyph_cache.hpp"
#include "render/pictures.hpp"
#include "text/layout.hpp"

namespace kiosk::render {

class PagePainter {
public:
    PagePainter(const text::FontSet& fonts, const config::Theme& theme);
    // Colours of a reloaded configuration: the next page painted uses them.
    void set_theme(const config::Theme& theme) { theme_ = theme; }
    void set_pictures(const PictureStore* pictures) { pictures_ = pictures; }
    // Paints the rows of `page` that `canvas` holds; every pixel of them is written. A page
    // painted a band at a time is the same, pixel for pixel, as painted whole.
    void paint(const text::Page& page, const text::PageGeometry& geometry, const Canvas& canvas);

private:
    uint32_t colour(text::Tone tone) const;
    // A comparison's mark (issue 30): deleted muted, inserted accent; `plain` for none.
    uint32_t mark_colour(text::Mark mark, uint32_t plain) const;
    static config::Color mix(config::Color a, config::Color b, float t);
    // `over`: a colour other than the tone's (an official warning's band words).
    void draw_line(const text::Line& line, const Canvas& canvas, std::optional<uint32_t> over = std::nullopt);
    void draw_image(const text::PlacedImage& image, const Canvas& canvas);
    static void draw_qr(const text::QrBox& qr, const Canvas& canvas);

    config::Theme theme_;
    GlyphCache glyphs_;
    const PictureStore* pictures_ = nullptr;  // borrowed
};

}  // namespace kiosk::render
