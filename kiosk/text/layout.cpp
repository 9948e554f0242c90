// Text layout's first steps: the style and page geometry for a size, each block's format,
// and blocks shaped once into em units with their break opportunities and S1-S4 metrics.
#include <algorithm>
#include <cmath>

#include "base/utf8.hpp"
#include "text/compare_internal.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

BlockFormat format_for(const content::Block& b, const Style& s) {
    BlockFormat f;
    f.align = b.align;
    switch (b.role) {
        case Role::title:
            f.size = s.title_px;
            f.pitch = s.title_px * 1.35f;
            f.keep_with_next = true;
            f.tone = Tone::accent;
            break;
        case Role::meta:
            f.size = b.align == Align::end ? s.body_px : s.meta_px;
            f.pitch = f.size * 1.5f;
            f.space_before = f.size * 0.4f;
            f.tone = b.align == Align::end ? Tone::text : Tone::muted;
            break;
        case Role::heading:
            f.size = b.level <= 1 ? s.heading_px : s.body_px;
            f.pitch = std::max(f.size * 1.5f, s.body_px * s.line_height);
            f.space_before = s.body_px * (b.level <= 1 ? 0.5f : 0.2f);
            f.keep_with_next = true;
            f.tone = b.level <= 1 ? Tone::accent : Tone::text;
            break;
        case Role::caption:
        case Role::image:  // the image's caption (the picture itself is placed by the page)
        case Role::table:
            f.size = s.caption_px;
            f.pitch = f.size * 1.45f;
            f.space_before = s.body_px * 0.2f;
            f.tone = Tone::muted;
            break;
        case Role::paragraph:
        case Role::article:
        case Role::list:
        case Role::compare:  // each side's paragraphs (text/compare_layout.cpp)
            f.size = s.body_px;
            f.pitch = s.body_px * s.line_height;
            f.indent = s.body_px * s.indent_em;
            f.justify = true;
            break;
    }
    return f;
}

Weight weight_for(const content::Block& b) {
    return b.role == Role::title || b.role == Role::heading ? Weight::bold : Weight::regular;
}

Style resolve_style(const config::Typography& type, int width, int height) {
    const float short_side = static_cast<float>(std::min(width, height));
    Style s;
    s.body_px = std::round(std::max(static_cast<float>(type.body) * short_side,
                                    static_cast<float>(type.min_body_px)));
    auto rel = [&](double k) { return std::round(s.body_px * static_cast<float>(k)); };
    s.title_px = rel(type.title);
    s.heading_px = rel(type.heading);
    s.meta_px = rel(type.meta);
    s.caption_px = rel(type.caption);
    s.chrome_px = rel(type.chrome);
    s.table_px = std::max(rel(type.table), static_cast<float>(type.min_body_px));
    s.line_height = static_cast<float>(type.line_height);
    return s;
}

PageGeometry resolve_geometry(const config::Margins& m, int width, int height) {
    const float short_side = static_cast<float>(std::min(width, height));
    auto px = [&](double k) { return std::round(static_cast<float>(k) * short_side); };
    PageGeometry g;
    g.width = width;
    g.height = height;
    const float side = px(m.side), header = px(m.header), footer = px(m.footer), gap = px(m.gap);
    const float w = static_cast<float>(width), h = static_cast<float>(height);
    g.header = Box{0, 0, w, header};
    g.footer = Box{0, h - footer, w, footer};
    g.body = Box{side, header + gap, w - 2 * side, h - header - footer - 2 * gap};
    return g;
}

namespace {

// Size-independent widths: S2 for adjacent full-width marks (at most 1½ em together, the
// blank between them dropped, brackets kept against the text they enclose), and what S1,
// S3 and J2 may take later. Marks narrower than ~1 em (a fallback font's, or half-width
// forms) are left as they are.
std::vector<CharMetrics> char_metrics(const ShapedText& t) {
    const size_t n = t.text.size();
    std::vector<CharMetrics> m(n);
    std::vector<PunctSide> side(n, PunctSide::none);
    std::vector<bool> left_done(n, false), right_done(n, false);
    for (size_t i = 0; i < n; ++i) {
        m[i].advance = t.advance[i];
        if (t.advance[i] >= 0.9f) side[i] = punct_side(t.text[i]);
    }
    for (size_t i = 0; i + 1 < n; ++i) {
        const PunctSide a = side[i], b = side[i + 1];
        if (a == PunctSide::none || b == PunctSide::none) continue;
        if (m[i].advance + m[i + 1].advance <= 1.5f + 0.01f) continue;
        if (a == PunctSide::closing && !right_done[i]) {
            m[i].advance -= 0.5f;  // 。” ）， ：the first mark's blank right half goes
            right_done[i] = true;
        } else if (b == PunctSide::opening) {
            m[i + 1].advance -= 0.5f;  // “《 ，（ ：the second mark's blank left half goes
            m[i + 1].shift += 0.5f;
            left_done[i + 1] = true;
        } else if (b == PunctSide::closing) {
            m[i + 1].advance -= 0.5f;  // ？” （）：the second mark's blank right half goes
            right_done[i + 1] = true;
        } else {
            m[i].advance -= 0.5f;  // two centred marks: the first is set in half its width
            m[i].shift += 0.25f;
            left_done[i] = right_done[i] = true;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        CharMetrics& c = m[i];
        switch (side[i]) {
            case PunctSide::closing:
                if (!right_done[i]) c.end_trim = c.squeeze = 0.5f;
                break;
            case PunctSide::opening:
                if (!left_done[i]) {
                    c.start_trim = c.squeeze = 0.5f;
                    c.squeeze_shift = 1.0f;
                }
                break;
            case PunctSide::centred:
                if (!left_done[i] && !right_done[i]) {
                    c.end_trim = c.squeeze = 0.5f;
                    c.end_shift = 0.25f;
                    c.squeeze_shift = 0.5f;
                }
                break;
            case PunctSide::none:
                // A space between Latin words may shrink to half (J2 before anything else).
                if (t.text[i] == U' ') c.squeeze = c.advance * 0.5f;
                break;
        }
        if (i + 1 < n) {
            const char32_t a = t.text[i], b = t.text[i + 1];
            auto latin = [](char32_t ch) {
                return ch < 0x80 && ((ch >= U'0' && ch <= U'9') || ((ch | 0x20) >= U'a' && (ch | 0x20) <= U'z'));
            };
            if ((is_han(a) && latin(b)) || (latin(a) && is_han(b))) c.space_after = kHanLatinSpaceEm;
        }
    }
    return m;
}

}  // namespace

ShapedBlock shape_block(FontSet& fonts, const content::Block& block, std::u32string text,
                        const ShapeOptions& options) {
    if (options.fullwidth_punctuation) text = fullwidth_punctuation(text);
    ShapedBlock sb;
    sb.block = block;
    sb.shaped = shape(fonts, std::move(text), weight_for(block));
    sb.breaks = break_opportunities(sb.shaped.text);
    sb.metrics = char_metrics(sb.shaped);
    if (block.role == Role::article) {
        // P4: the article's number (第一百零二条) stays on the line with its first words.
        const std::u32string& t = sb.shaped.text;
        const size_t unit = t.find(U'条');
        if (unit != std::u32string::npos && unit < 12) {
            size_t words = unit + 1;
            while (words < t.size() && is_space(t[words])) ++words;
            for (size_t k = 1; k <= std::min(words + 1, t.size() - 1); ++k) sb.breaks[k] = Break::never;
        }
    }
    return sb;
}

ShapedDocument shape_document(FontSet& fonts, const content::Document& doc, const ShapeOptions& options) {
    ShapedDocument out;
    out.title = doc.title;
    out.blocks.reserve(doc.blocks.size());
    for (const content::Block& b : doc.blocks) {
        ShapedBlock sb = shape_block(fonts, b, utf8::decode(b.text), options);
        if (b.role == Role::table) {
            for (const auto& row : b.table.rows)
                for (const auto& cell : row) {
                    content::Block cb = content::text_block(Role::table, cell.text, cell.header ? 1 : 0, cell.align);
                    if (cb.text.empty() && options.table_empty_zero && !cell.header) cb.text.assign(1, '0');  // not = "0": GCC 12 -Wrestrict false positive (PR 105329)
                    sb.cells.push_back(shape_block(fonts, cb, utf8::decode(cb.text), options));
                }
        }
        out.blocks.push_back(std::move(sb));
    }
    shape_compare(fonts, doc, options, out);  // a 新旧对照's pairs and words (issue 30)
    return out;
}

}  // namespace kiosk::text
