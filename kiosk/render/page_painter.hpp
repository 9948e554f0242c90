#pragma once
// Draws a laid-out page (document lines and chrome) with the theme's colours. Internal to
// render/: callers use render_pages_to_png or Screen.
#include <SDL.h>

#include "config/config.hpp"
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "render/glyph_atlas.hpp"
#include "render/pictures.hpp"
#include "render/sdl_handles.hpp"
#include "text/layout.hpp"

namespace kiosk::render {

class PagePainter {
public:
    PagePainter(SDL_Renderer* renderer, const text::FontSet& fonts, const config::Theme& theme);
    // Colours of a reloaded configuration: the next page painted uses them.
    void set_theme(const config::Theme& theme) { theme_ = theme; }
    void paint(const text::Page& page, const text::PageGeometry& geometry);
    void set_pictures(const PictureStore* pictures) { pictures_ = pictures; }

private:
    SDL_Color colour(text::Tone tone) const;
    void fill(const text::Box& box, config::Color c);
    static config::Color mix(config::Color a, config::Color b, float t);
    void draw_line(const text::Line& line);
    void draw_image(const text::PlacedImage& image);
    void draw_qr(const text::QrBox& qr);

    SDL_Renderer* renderer_;  // borrowed
    config::Theme theme_;
    GlyphAtlas atlas_;
    const PictureStore* pictures_ = nullptr;  // borrowed
    // Textures of the pictures drawn, by URL (each owned here; freed with the painter).
    std::map<std::string, TexturePtr> textures_;
};

}  // namespace kiosk::render
