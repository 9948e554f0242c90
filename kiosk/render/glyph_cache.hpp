#pragma once
// Glyphs rasterised by FreeType (by glyph id, at the laid-out size) once, and kept as 8-bit
// coverage: a page is drawn by blending each glyph's coverage in its line's colour, and no
// glyph is rasterised twice. A byte a pixel (a 40 px Han character is ~1.5 KB), so the
// glyphs of a whole playlist stay small; past kMaxBytes the cache starts again.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "text/fonts.hpp"

namespace kiosk::render {

class GlyphCache {
public:
    explicit GlyphCache(const text::FontSet& fonts) : fonts_(fonts) {}  // borrows the fonts

    struct Glyph {
        int width = 0, height = 0;  // 0: a blank glyph (space), nothing to draw
        int left = 0;               // bitmap offset from the pen position
        int top = 0;                // bitmap top above the baseline
        std::vector<uint8_t> coverage;  // width * height, row by row
    };
    // The glyph `glyph` of face `face` at `size` px (sizes quantised to 1/4 px). The
    // reference stays valid until trim().
    const Glyph& get(uint16_t face, uint32_t glyph, float size);
    // Forgets every glyph when the cache holds more than kMaxBytes (between pages only).
    void trim();
    size_t glyph_count() const { return entries_.size(); }

private:
    Glyph rasterise(uint16_t face, uint32_t glyph, float size);

    static constexpr size_t kMaxBytes = 16u << 20;
    const text::FontSet& fonts_;
    std::unordered_map<uint64_t, Glyph> entries_;
    size_t bytes_ = 0;
};

}  // namespace kiosk::render
