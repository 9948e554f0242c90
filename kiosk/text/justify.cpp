// Setting one line in its measure: compressed (J2) when set tighter than its natural
// width, else justified (J3) in clreq's order; every glyph placed.
#include <algorithm>
#include <cmath>

#include "text/layout_internal.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

Line set_line(const LineContext& ctx, int block_index, const LineSpan& span, const BlockFormat& f, float box_x,
              float measure, bool first, bool last) {
    const ShapedBlock& sb = ctx.sb;
    const ShapedText& t = sb.shaped;
    const auto& m = sb.metrics;
    const LineWidth lw = measure_line(ctx, span.begin, span.end, first);
    const size_t end = lw.visible_end;

    Line line;
    line.block = block_index;
    line.role = sb.block.role;
    line.text = t.text.substr(span.begin, span.end - span.begin);
    line.font_size = f.size;
    line.measure = measure;
    line.last_of_block = last;
    line.emergency = span.emergency;
    line.tone = f.tone;

    // Compress (J2) when the line was set tighter than its natural width; else justify.
    const float over = lw.width - measure;
    const float squeeze_ratio = over > 0 && lw.squeeze > 0 ? std::min(1.0f, over / lw.squeeze) : 0.0f;
    const float natural = lw.width - squeeze_ratio * lw.squeeze;
    const size_t count = end - span.begin;
    // Justification (J3), in clreq's order: spaces between Latin words grow first (to ½ em),
    // then the Han–Latin spaces (to ¼ em), then every gap between characters equally — but
    // not inside a Latin word, a number or an address (between two ASCII characters) unless
    // the other gaps would open beyond ¼ em (J4) or the line holds nothing else (J1).
    auto stretchable = [&](size_t i) {
        const char32_t a = t.text[i], b = t.text[i + 1];
        const bool ascii_a = a > 0x20 && a < 0x7F, ascii_b = b > 0x20 && b < 0x7F;
        return !(ascii_a && ascii_b);
    };
    std::vector<float> extra(end > span.begin ? end - span.begin : 0, 0.0f);  // px after each character
    if (f.justify && !last && natural < measure && count > 1) {
        float slack = measure - natural;
        auto grow = [&](auto capacity_of) {
            float total = 0;
            for (size_t i = span.begin; i + 1 < end; ++i) total += capacity_of(i);
            if (total <= 0 || slack <= 0) return;
            const float share = std::min(1.0f, slack / total);
            for (size_t i = span.begin; i + 1 < end; ++i) extra[i - span.begin] += capacity_of(i) * share;
            slack -= total * share;
        };
        grow([&](size_t i) {  // word spaces
            return t.text[i] == U' ' ? std::max(0.0f, 0.5f * f.size - m[i].advance * f.size) : 0.0f;
        });
        grow([&](size_t i) {  // Han–Latin spaces
            return m[i].space_after > 0 ? (0.25f - m[i].space_after) * f.size : 0.0f;
        });
        size_t gaps = 0;
        for (size_t i = span.begin; i + 1 < end; ++i) gaps += stretchable(i) ? 1 : 0;
        const bool stretch_all = gaps == 0 || slack / static_cast<float>(gaps) > kLooseGapEm * f.size;
        if (stretch_all) gaps = count - 1;
        const float gap = slack / static_cast<float>(gaps);
        for (size_t i = span.begin; i + 1 < end; ++i)
            if (stretch_all || stretchable(i)) extra[i - span.begin] += gap;
        line.justified = true;
    }
    float x = box_x + (first ? f.indent : 0);
    if (!line.justified) {
        if (f.align == Align::center) x += std::max(0.0f, (measure - natural) / 2);
        if (f.align == Align::end) x += std::max(0.0f, measure - natural);
    }
    line.x = x;
    line.width = line.justified ? measure : natural;
    line.glyphs.reserve(count);
    for (size_t i = span.begin; i < end; ++i) {
        float w = m[i].advance;
        float shift = m[i].shift;
        if (i == span.begin && (!first || ctx.trim_first_start)) {
            w -= m[i].start_trim;
            shift += m[i].start_trim;
        }
        if (i + 1 == end) {
            w -= m[i].end_trim;
            shift += m[i].end_shift;
        } else if (i != span.begin && squeeze_ratio > 0) {
            w -= m[i].squeeze * squeeze_ratio;
            shift += m[i].squeeze * squeeze_ratio * m[i].squeeze_shift;
        }
        const float w_px = w * f.size;
        line.glyphs.push_back(GlyphBox{static_cast<int>(i - span.begin), x, w_px});
        float s4 = 0;  // S4 space after this character, itself compressible (J2)
        if (i + 1 < end && m[i].space_after > 0)
            s4 = (m[i].space_after - squeeze_ratio * (m[i].space_after - kHanLatinSpaceMinEm)) * f.size;
        for (uint32_t g = t.glyph_start[i]; g < t.glyph_start[i + 1]; ++g) {
            const ShapedGlyph& sg = t.glyphs[g];
            line.ink.push_back(Ink{sg.id, sg.face, x + (sg.x_offset - shift) * f.size, -sg.y_offset * f.size});
        }
        x += w_px + s4 + (i + 1 < end ? extra[i - span.begin] : 0.0f);
    }
    // Trailing spaces: in the text, with no width, at the line's end.
    for (size_t i = end; i < span.end; ++i) line.glyphs.push_back(GlyphBox{static_cast<int>(i - span.begin), x, 0});
    return line;
}

}  // namespace kiosk::text
