#include "text/shaping.hpp"

#include <memory>

namespace kiosk::text {
namespace {

struct BufferDeleter {
    void operator()(hb_buffer_t* b) const { hb_buffer_destroy(b); }
};
using BufferPtr = std::unique_ptr<hb_buffer_t, BufferDeleter>;  // owns one HarfBuzz buffer

}  // namespace

ShapedText shape(FontSet& fonts, std::u32string text, Weight weight) {
    ShapedText out;
    out.weight = weight;
    out.text = std::move(text);
    const size_t n = out.text.size();
    out.advance.assign(n, 0.0f);
    std::vector<std::vector<ShapedGlyph>> per_char(n);

    static hb_language_t zh_hans = hb_language_from_string("zh-Hans", -1);
    BufferPtr buffer(hb_buffer_create());
    const auto* data = reinterpret_cast<const uint32_t*>(out.text.data());

    // Runs of characters drawn by the same face, each shaped with the whole text as context.
    for (size_t start = 0; start < n;) {
        uint16_t face_id = fonts.face_for(out.text[start], weight);
        size_t end = start + 1;
        while (end < n && fonts.face_for(out.text[end], weight) == face_id) ++end;

        const Face& face = fonts.face(face_id);
        const float upem = static_cast<float>(face.units_per_em());
        hb_buffer_clear_contents(buffer.get());
        hb_buffer_set_cluster_level(buffer.get(), HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
        hb_buffer_add_utf32(buffer.get(), data, static_cast<int>(n), static_cast<unsigned>(start),
                            static_cast<int>(end - start));
        hb_buffer_set_direction(buffer.get(), HB_DIRECTION_LTR);
        hb_buffer_set_language(buffer.get(), zh_hans);
        hb_buffer_guess_segment_properties(buffer.get());
        hb_shape(face.hb(), buffer.get(), nullptr, 0);

        unsigned count = 0;
        const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer.get(), &count);
        const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer.get(), &count);
        // Glyphs of one cluster belong to its first character; pen offsets accumulate.
        float pen_in_cluster = 0;
        uint32_t current_cluster = UINT32_MAX;
        for (unsigned g = 0; g < count; ++g) {
            uint32_t cluster = info[g].cluster;
            if (cluster != current_cluster) {
                current_cluster = cluster;
                pen_in_cluster = 0;
            }
            per_char[cluster].push_back(ShapedGlyph{info[g].codepoint, face_id,
                                                    pen_in_cluster + pos[g].x_offset / upem,
                                                    pos[g].y_offset / upem});
            float adv = static_cast<float>(pos[g].x_advance) / upem;
            out.advance[cluster] += adv;
            pen_in_cluster += adv;
        }
        start = end;
    }

    out.glyph_start.reserve(n + 1);
    for (size_t i = 0; i < n; ++i) {
        out.glyph_start.push_back(static_cast<uint32_t>(out.glyphs.size()));
        out.glyphs.insert(out.glyphs.end(), per_char[i].begin(), per_char[i].end());
    }
    out.glyph_start.push_back(static_cast<uint32_t>(out.glyphs.size()));
    return out;
}

}  // namespace kiosk::text
