#include "render/glyph_cache.hpp"

#include <cmath>
#include <string>

#include "base/log.hpp"

namespace kiosk::render {

const GlyphCache::Glyph& GlyphCache::get(uint16_t face, uint32_t glyph, float size) {
    // Sizes are quantised to 1/4 px; the key packs face, size and glyph id.
    const uint64_t quarter_px = static_cast<uint64_t>(std::lround(size * 4)) & 0xFFFF;
    const uint64_t key = (static_cast<uint64_t>(face) << 48) | (quarter_px << 32) | glyph;
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    Glyph g = rasterise(face, glyph, size);
    bytes_ += g.coverage.size() + sizeof(Glyph);
    return entries_.emplace(key, std::move(g)).first->second;
}

void GlyphCache::trim() {
    if (bytes_ <= kMaxBytes) return;
    entries_.clear();
    bytes_ = 0;
}

GlyphCache::Glyph GlyphCache::rasterise(uint16_t face_id, uint32_t glyph, float size) {
    Glyph g;
    FT_Face face = fonts_.face(face_id).ft();
    if (FT_Set_Char_Size(face, 0, static_cast<FT_F26Dot6>(std::lround(size * 64)), 72, 72) != 0 ||
        FT_Load_Glyph(face, glyph, FT_LOAD_TARGET_LIGHT) != 0 ||
        FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0) {
        log::once(log::Level::warning, "render", std::to_string(face_id) + ":" + std::to_string(glyph),
                  "FreeType cannot render glyph " + std::to_string(glyph));
        return g;
    }
    const FT_Bitmap& bm = face->glyph->bitmap;
    const int w = static_cast<int>(bm.width), h = static_cast<int>(bm.rows);
    if (w == 0 || h == 0 || bm.pixel_mode != FT_PIXEL_MODE_GRAY) return g;
    g.width = w;
    g.height = h;
    g.left = face->glyph->bitmap_left;
    g.top = face->glyph->bitmap_top;
    g.coverage.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
    for (int y = 0; y < h; ++y) {
        const unsigned char* row = bm.buffer + static_cast<std::ptrdiff_t>(y) * bm.pitch;
        std::copy(row, row + w, g.coverage.begin() + static_cast<std::ptrdiff_t>(y) * w);
    }
    return g;
}

}  // namespace kiosk::render
