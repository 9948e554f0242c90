#pragma once
// Glyphs rasterised by FreeType (by glyph id, at the laid-out size) into atlas textures, so
// a page is drawn with one texture copy per glyph and no glyph is rasterised twice.
#include <SDL.h>

#include <unordered_map>
#include <vector>

#include "render/sdl_handles.hpp"
#include "text/fonts.hpp"

namespace kiosk::render {

class GlyphAtlas {
public:
    GlyphAtlas(SDL_Renderer* renderer, const text::FontSet& fonts);  // borrows both

    struct Entry {
        int atlas = -1;  // -1: a blank glyph (space), nothing to draw
        SDL_Rect rect{};
        int left = 0;  // bitmap offset from the pen position
        int top = 0;   // bitmap top above the baseline
    };
    // Draws one glyph with its pen at (x, baseline) in `color` (alpha-blended coverage).
    void draw(uint16_t face, uint32_t glyph, float size, float x, float baseline, SDL_Color color);
    size_t glyph_count() const { return entries_.size(); }

private:
    const Entry& entry(uint16_t face, uint32_t glyph, float size);
    Entry rasterise(uint16_t face, uint32_t glyph, float size);

    static constexpr int kAtlasSize = 512;  // 1 MB each: a page needs two or three, a render process stays small
    SDL_Renderer* renderer_;
    const text::FontSet& fonts_;
    std::vector<TexturePtr> atlases_;  // owned
    int shelf_x_ = 0, shelf_y_ = 0, shelf_height_ = 0;
    std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace kiosk::render
