#pragma once
// Draws a laid-out page (document lines and chrome) with the theme's colours. Internal to
// render/: callers use render_pages_to_png or Screen.
#include <SDL.h>

#include "config/config.hpp"
#include "render/glyph_atlas.hpp"
#include "text/layout.hpp"

namespace kiosk::render {

class PagePainter {
public:
    PagePainter(SDL_Renderer* renderer, const text::FontSet& fonts, const config::Theme& theme);
    void paint(const text::Page& page, const text::PageGeometry& geometry);

private:
    SDL_Color colour(text::Tone tone) const;
    void fill(const text::Box& box, config::Color c);
    static config::Color mix(config::Color a, config::Color b, float t);
    void draw_line(const text::Line& line);

    SDL_Renderer* renderer_;  // borrowed
    config::Theme theme_;
    GlyphAtlas atlas_;
};

}  // namespace kiosk::render
