#pragma once
// HarfBuzz shaping of one block of text, in em units (font units / units-per-em), so the
// same shaping serves every pixel size: a re-layout for another screen does not reshape.
#include <cstdint>
#include <string>
#include <vector>

#include "text/fonts.hpp"

namespace kiosk::text {

struct ShapedGlyph {
    uint32_t id = 0;     // glyph index in its face
    uint16_t face = 0;   // FontSet face id
    float x_offset = 0;  // em, from the character's pen position
    float y_offset = 0;  // em, upwards
};

struct ShapedText {
    std::u32string text;
    Weight weight = Weight::regular;
    std::vector<float> advance;         // em, one per character (a cluster's on its first)
    std::vector<uint32_t> glyph_start;  // per character, into glyphs; size text.size() + 1
    std::vector<ShapedGlyph> glyphs;
};

ShapedText shape(FontSet& fonts, std::u32string text, Weight weight);

}  // namespace kiosk::text
