#include "render/glyph_atlas.hpp"

#include <cmath>

#include "base/log.hpp"

namespace kiosk::render {

GlyphAtlas::GlyphAtlas(SDL_Renderer* renderer, const text::FontSet& fonts)
    : renderer_(renderer), fonts_(fonts) {}

const GlyphAtlas::Entry& GlyphAtlas::entry(uint16_t face, uint32_t glyph, float size) {
    // Sizes are quantised to 1/4 px; the key packs face, size and glyph id.
    const uint64_t quarter_px = static_cast<uint64_t>(std::lround(size * 4)) & 0xFFFF;
    const uint64_t key = (static_cast<uint64_t>(face) << 48) | (quarter_px << 32) | glyph;
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    return entries_.emplace(key, rasterise(face, glyph, size)).first->second;
}

GlyphAtlas::Entry GlyphAtlas::rasterise(uint16_t face_id, uint32_t glyph, float size) {
    Entry e;
    FT_Face face = fonts_.face(face_id).ft();
    if (FT_Set_Char_Size(face, 0, static_cast<FT_F26Dot6>(std::lround(size * 64)), 72, 72) != 0 ||
        FT_Load_Glyph(face, glyph, FT_LOAD_TARGET_LIGHT) != 0 ||
        FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0) {
        log::once(log::Level::warning, "render", std::to_string(face_id) + ":" + std::to_string(glyph),
                  "FreeType cannot render glyph " + std::to_string(glyph));
        return e;
    }
    const FT_Bitmap& bm = face->glyph->bitmap;
    const int w = static_cast<int>(bm.width), h = static_cast<int>(bm.rows);
    if (w == 0 || h == 0) return e;
    if (w > kAtlasSize || h > kAtlasSize) return e;

    if (atlases_.empty() || shelf_x_ + w + 1 > kAtlasSize) {
        shelf_x_ = 0;
        shelf_y_ += shelf_height_ + 1;
        shelf_height_ = 0;
    }
    if (atlases_.empty() || shelf_y_ + h + 1 > kAtlasSize) {
        TexturePtr tex(SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888,
                                         SDL_TEXTUREACCESS_STATIC, kAtlasSize, kAtlasSize));
        if (!tex) {
            log::once(log::Level::error, "render", "atlas", std::string("cannot create glyph atlas: ") + SDL_GetError());
            return e;
        }
        SDL_SetTextureBlendMode(tex.get(), SDL_BLENDMODE_BLEND);
        atlases_.push_back(std::move(tex));
        shelf_x_ = shelf_y_ = shelf_height_ = 0;
    }
    // White with the coverage as alpha; the colour comes from SDL_SetTextureColorMod.
    std::vector<uint32_t> pixels(static_cast<size_t>(w) * static_cast<size_t>(h));
    for (int y = 0; y < h; ++y) {
        const unsigned char* row = bm.buffer + static_cast<ptrdiff_t>(y) * bm.pitch;
        for (int x = 0; x < w; ++x)
            pixels[static_cast<size_t>(y * w + x)] = (static_cast<uint32_t>(row[x]) << 24) | 0xFFFFFFu;
    }
    e.atlas = static_cast<int>(atlases_.size() - 1);
    e.rect = SDL_Rect{shelf_x_, shelf_y_, w, h};
    e.left = face->glyph->bitmap_left;
    e.top = face->glyph->bitmap_top;
    SDL_UpdateTexture(atlases_.back().get(), &e.rect, pixels.data(), w * 4);
    shelf_x_ += w + 1;
    shelf_height_ = std::max(shelf_height_, h);
    return e;
}

void GlyphAtlas::draw(uint16_t face, uint32_t glyph, float size, float x, float baseline,
                      SDL_Color color) {
    const Entry& e = entry(face, glyph, size);
    if (e.atlas < 0) return;
    SDL_Texture* tex = atlases_[static_cast<size_t>(e.atlas)].get();
    SDL_SetTextureColorMod(tex, color.r, color.g, color.b);
    SDL_Rect dst{static_cast<int>(std::lround(x)) + e.left,
                 static_cast<int>(std::lround(baseline)) - e.top, e.rect.w, e.rect.h};
    SDL_RenderCopy(renderer_, tex, &e.rect, &dst);
}

}  // namespace kiosk::render
