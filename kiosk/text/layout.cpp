#include "text/layout.hpp"

#include <algorithm>
#include <cmath>

#include "base/utf8.hpp"
#include "text/line_break.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

namespace {

// The ideographic em box of Noto CJK (and most CJK fonts) spans 0.88 em above the baseline
// to 0.12 em below it; centring that box in the line pitch centres the Han characters.
constexpr float kEmBoxAscent = 0.88f;

bool is_space(char32_t c) { return c == U' ' || c == 0x3000 || c == 0x00A0; }

bool is_body(Role r) { return r == Role::paragraph || r == Role::article || r == Role::list; }

struct BlockFormat {
    float size = 40;
    float pitch = 66;         // line pitch, px
    float space_before = 0;   // px, dropped at the top of a page
    float indent = 0;         // first line, px
    Align align = Align::start;
    bool justify = false;
    bool keep_with_next = false;
    Tone tone = Tone::text;
};

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

struct LineSpan {
    size_t begin = 0, end = 0;  // characters [begin, end) of the block
    bool emergency = false;
};

// S4: the space between Han and Latin letters or digits (盘古之白), ⅛–¼ em: set at 0.2 em, and
// given up to ⅛ em when a line is compressed.
constexpr float kHanLatinSpaceEm = 0.2f;
constexpr float kHanLatinSpaceMinEm = 0.125f;

// J4: a justified line whose gaps would exceed this (em) is loose.
constexpr float kLooseGapEm = 0.25f;
// 先挤进: a line may be compressed by up to this much (em) to pull up a character that may
// not start the next line, before anything is pushed down.
constexpr float kPushInEm = 1.0f;

struct LineContext {
    const ShapedBlock& sb;
    float size;
    bool trim_first_start;  // S3 on the block's first line (not for an indented first line)
};

// Width in px of [begin, end) set as one line: S3 on its first character, S1 on its last,
// trailing spaces dropped. Also the squeeze (J2) available from its inner characters.
struct LineWidth {
    float width = 0;
    float squeeze = 0;
    size_t visible_end = 0;
};

LineWidth measure_line(const LineContext& ctx, size_t begin, size_t end, bool first_line) {
    const auto& m = ctx.sb.metrics;
    const auto& t = ctx.sb.shaped.text;
    LineWidth lw;
    size_t e = end;
    while (e > begin && is_space(t[e - 1])) --e;
    lw.visible_end = e;
    for (size_t i = begin; i < e; ++i) {
        float w = m[i].advance;
        if (i == begin && (!first_line || ctx.trim_first_start)) w -= m[i].start_trim;
        if (i + 1 == e) w -= m[i].end_trim;
        else if (i != begin) lw.squeeze += m[i].squeeze * ctx.size;
        if (i + 1 < e && m[i].space_after > 0) {
            w += m[i].space_after;  // S4, none at the line's end
            lw.squeeze += (m[i].space_after - kHanLatinSpaceMinEm) * ctx.size;
        }
        lw.width += w * ctx.size;
    }
    return lw;
}

// Chooses line ends. Greedy, with clreq's order: a character that may not start a line is
// first pulled up by compressing the line (先挤进), and only then is the one before it
// pushed down (后推出). Addresses break inside only when they must, or when carrying them
// whole would leave a loose line (J4). A run with no opportunity wider than the measure is
// cut where it must be and marked as an emergency break.
std::vector<LineSpan> break_lines(const LineContext& ctx, float first_measure, float measure) {
    std::vector<LineSpan> spans;
    const auto& t = ctx.sb.shaped.text;
    const auto& brk = ctx.sb.breaks;
    const auto& m = ctx.sb.metrics;
    const size_t n = t.size();
    size_t start = 0;
    while (start < n && is_space(t[start])) ++start;
    while (start < n) {
        const bool first = spans.empty();
        const float limit = (first ? first_measure : measure) + 0.01f;
        size_t fit_normal = 0, fit_url = 0, fit_push = 0;
        size_t overflow = n;  // the first character that does not fit on this line
        float acc = 0;        // natural width of [start, i] before S1
        for (size_t i = start; i < n; ++i) {
            acc += m[i].advance * ctx.size;
            if (i > start) acc += m[i - 1].space_after * ctx.size;
            if (i == start && (!first || ctx.trim_first_start)) acc -= m[i].start_trim * ctx.size;
            if (overflow == n && acc - m[i].end_trim * ctx.size > limit && !is_space(t[i])) overflow = i;
            // Past the overflow only characters that may not start a line can be pulled up.
            if (overflow < i && !forbidden_at_line_start(t[i])) break;
            const size_t b = i + 1;  // a line [start, b)
            if (b < n && brk[b] == Break::never) continue;
            const LineWidth lw = measure_line(ctx, start, b, first);
            if (lw.width <= limit) {
                (b < n && brk[b] == Break::url ? fit_url : fit_normal) = b;
            } else if (overflow < b && forbidden_at_line_start(t[overflow]) && lw.width - lw.squeeze <= limit &&
                       lw.width - limit <= kPushInEm * ctx.size && (b == n || brk[b] == Break::allowed)) {
                // 先挤进: the characters from the overflow on may not start a line; pull them
                // up by compressing the line.
                if (!fit_push) fit_push = b;
            }
        }
        LineSpan span{start, 0, false};
        const bool url_only = fit_normal == 0;
        if (fit_push && fit_push > fit_normal && fit_push > fit_url) {
            span.end = fit_push;  // 先挤进: compress to keep the next character on this line
        } else if (!url_only) {
            span.end = fit_normal;
            // J4: rather than leave this line loose, break inside the address that follows.
            if (fit_url > fit_normal && fit_normal < n) {
                const LineWidth lw = measure_line(ctx, start, fit_normal, first);
                const size_t gaps = lw.visible_end > start + 1 ? lw.visible_end - start - 1 : 1;
                if ((limit - lw.width) / static_cast<float>(gaps) > kLooseGapEm * ctx.size) span.end = fit_url;
            }
        } else if (fit_url) {
            span.end = fit_url;
        } else {
            // Nothing fits: cut the run where the measure ends (at least one character).
            float w = 0;
            size_t i = start;
            while (i < n && (i == start || w + m[i].advance * ctx.size <= limit)) w += m[i++].advance * ctx.size;
            span.end = i;
            span.emergency = i < n;
        }
        // The spaces at the break belong to the line that ends there (not drawn, not measured),
        // so the lines together still hold the whole text.
        while (span.end < n && is_space(t[span.end])) ++span.end;
        spans.push_back(span);
        start = span.end;
    }
    return spans;
}

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

// P1: a paragraph's last line is not one character (with or without its punctuation):
// break the line before it earlier so two or more characters go down, when the line before
// stays even (gaps ≤ ¼ em).
void avoid_lone_last_character(const LineContext& ctx, std::vector<LineSpan>& spans, float first_measure,
                               float measure) {
    if (spans.size() < 2) return;
    const auto& t = ctx.sb.shaped.text;
    LineSpan& last = spans.back();
    LineSpan& before = spans[spans.size() - 2];
    size_t core = 0;
    for (size_t i = last.begin; i < last.end; ++i)
        if (!is_space(t[i]) && punct_side(t[i]) == PunctSide::none && !forbidden_at_line_start(t[i])) ++core;
    if (core > 1) return;
    const bool first = spans.size() == 2;
    const float limit = first ? first_measure : measure;
    for (size_t b = last.begin; b > before.begin + 1; --b) {
        if (b == last.begin || ctx.sb.breaks[b - 1] != Break::allowed) continue;
        const size_t cut = b - 1;  // the new end of the line before
        const LineWidth lw = measure_line(ctx, before.begin, cut, first);
        const size_t gaps = lw.visible_end > before.begin + 1 ? lw.visible_end - before.begin - 1 : 0;
        if (gaps == 0 || (limit - lw.width) / static_cast<float>(gaps) > kLooseGapEm * ctx.size) return;
        before.end = cut;
        before.emergency = false;
        last.begin = cut;
        return;
    }
}

struct BlockLines {
    BlockFormat format;
    std::vector<Line> lines;
};

}  // namespace

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
                    if (cb.text.empty() && options.table_empty_zero && !cell.header) cb.text = "0";
                    sb.cells.push_back(shape_block(fonts, cb, utf8::decode(cb.text), options));
                }
        }
        out.blocks.push_back(std::move(sb));
    }
    return out;
}

namespace {

bool numeric_text(const std::u32string& t) {
    if (t.empty()) return false;
    for (char32_t c : t)
        if (!((c >= U'0' && c <= U'9') || c == U'.' || c == U',' || c == U'%' || c == U'-' || c == U'+' ||
              c == U'．' || c == U'，' || c == U'％'))
            return false;
    return true;
}

// A table set for one width: column groups (when all columns at their narrowest do not fit,
// the table is split into groups that each repeat the row-label columns), column widths,
// every cell's lines broken inside its width, and row heights.
struct TablePlan {
    struct Cell {
        int row = 0, col = 0, rowspan = 1, colspan = 1;  // in slots
        const ShapedBlock* shaped = nullptr;
        bool header = false;
        bool numeric = false;
    };
    struct Group {
        std::vector<int> columns;           // slot columns shown, in order
        std::vector<float> x;               // left edge of each, relative to the table
        std::vector<float> width;
        float total = 0;
        std::vector<std::vector<Line>> lines;  // per cell, relative to the cell's inner top-left
        std::vector<float> text_height;        // per cell: its lines' height (0 when not shown)
        std::vector<float> row_height;
    };
    std::vector<Cell> cells;
    int rows = 0, header_rows = 0;
    float size = 32, pitch = 44, pad_x = 12, pad_y = 6;
    std::vector<Group> groups;
};

TablePlan plan_table(const ShapedBlock& sb, const Style& style, float width) {
    TablePlan plan;
    const content::Table& table = sb.block.table;
    const auto slots = content::table_slots(table);
    plan.rows = static_cast<int>(slots.size());
    const int columns = slots.empty() ? 0 : static_cast<int>(slots[0].size());
    plan.header_rows = std::min(table.header_rows, plan.rows);
    plan.size = style.table_px;
    plan.pitch = std::round(plan.size * 1.4f);
    plan.pad_x = std::round(plan.size * 0.35f);
    plan.pad_y = std::round(plan.size * 0.25f);
    // Cells by their first slot.
    size_t k = 0;
    std::vector<std::vector<int>> cell_index(table.rows.size());
    for (size_t r = 0; r < table.rows.size(); ++r)
        for (size_t i = 0; i < table.rows[r].size(); ++i) cell_index[r].push_back(static_cast<int>(k++));
    plan.cells.resize(k);
    std::vector<bool> placed(k, false);
    for (int r = 0; r < plan.rows; ++r)
        for (int c = 0; c < columns; ++c) {
            const content::CellRef ref = slots[static_cast<size_t>(r)][static_cast<size_t>(c)];
            if (ref.row < 0) continue;
            const int id = cell_index[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)];
            auto& cell = plan.cells[static_cast<size_t>(id)];
            if (!placed[static_cast<size_t>(id)]) {
                placed[static_cast<size_t>(id)] = true;
                cell.row = r;
                cell.col = c;
                cell.rowspan = cell.colspan = 0;
                cell.shaped = &sb.cells[static_cast<size_t>(id)];
                cell.header = table.rows[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)].header;
                cell.numeric = numeric_text(cell.shaped->shaped.text);
            }
            cell.rowspan = std::max(cell.rowspan, r - cell.row + 1);
            if (r == cell.row) cell.colspan = c - cell.col + 1;
        }
    std::erase_if(plan.cells, [](const TablePlan::Cell& c) { return c.shaped == nullptr; });

    // Content widths in px: the narrowest a cell may be (its longest unbreakable run, and for
    // text at least 4 em so Chinese labels do not stand one character a line) and its
    // natural width on one line.
    auto widths = [&](const TablePlan::Cell& cell) {
        const ShapedBlock& cb = *cell.shaped;
        const LineContext ctx{cb, plan.size, true};
        const size_t n = cb.shaped.text.size();
        const float natural = n ? measure_line(ctx, 0, n, true).width : 0.0f;
        float longest = 0;
        size_t start = 0;
        for (size_t i = 1; i <= n; ++i)
            if (i == n || cb.breaks[i] != Break::never) {
                longest = std::max(longest, measure_line(ctx, start, i, true).width);
                start = i;
            }
        const float least = cell.numeric ? natural : std::min(natural, std::max(longest, 4.0f * plan.size));
        return std::pair{least + 2 * plan.pad_x, natural + 2 * plan.pad_x};
    };
    std::vector<float> col_min(static_cast<size_t>(columns), 2 * plan.pad_x + plan.size),
        col_max(static_cast<size_t>(columns), 2 * plan.pad_x + plan.size);
    std::vector<std::pair<float, float>> cell_w;
    for (const auto& cell : plan.cells) cell_w.push_back(widths(cell));
    for (int pass = 0; pass < 2; ++pass)  // single columns first, then spans share out their excess
        for (size_t i = 0; i < plan.cells.size(); ++i) {
            const auto& cell = plan.cells[i];
            if ((cell.colspan == 1) != (pass == 0)) continue;
            float have_min = 0, have_max = 0;
            for (int c = cell.col; c < cell.col + cell.colspan; ++c) {
                have_min += col_min[static_cast<size_t>(c)];
                have_max += col_max[static_cast<size_t>(c)];
            }
            const float n = static_cast<float>(cell.colspan);
            for (int c = cell.col; c < cell.col + cell.colspan; ++c) {
                if (cell_w[i].first > have_min) col_min[static_cast<size_t>(c)] += (cell_w[i].first - have_min) / n;
                if (cell_w[i].second > have_max) col_max[static_cast<size_t>(c)] += (cell_w[i].second - have_max) / n;
            }
        }
    for (int c = 0; c < columns; ++c) col_max[static_cast<size_t>(c)] = std::max(col_max[static_cast<size_t>(c)], col_min[static_cast<size_t>(c)]);

    // Row-label columns: the leading columns whose body cells hold no numbers.
    int labels = 0;
    for (int c = 0; c < columns; ++c) {
        bool label = true;
        for (const auto& cell : plan.cells)
            if (cell.row >= plan.header_rows && cell.col <= c && c < cell.col + cell.colspan && cell.numeric) label = false;
        if (!label) break;
        ++labels;
    }
    float label_min = 0;
    for (int c = 0; c < labels; ++c) label_min += col_min[static_cast<size_t>(c)];
    if (labels >= columns || label_min > width * 0.5f) labels = 0;  // nothing to repeat, or too wide to repeat

    float all_min = 0;
    for (float m : col_min) all_min += m;
    std::vector<std::vector<int>> groups;
    if (all_min <= width || columns <= 1) {
        groups.emplace_back();
        for (int c = 0; c < columns; ++c) groups.back().push_back(c);
    } else {
        for (int c = labels; c < columns;) {
            std::vector<int> g;
            float used = 0;
            for (int l = 0; l < labels; ++l) {
                g.push_back(l);
                used += col_min[static_cast<size_t>(l)];
            }
            do {
                g.push_back(c);
                used += col_min[static_cast<size_t>(c)];
                ++c;
            } while (c < columns && used + col_min[static_cast<size_t>(c)] <= width);
            groups.push_back(std::move(g));
        }
    }

    const BlockFormat base{plan.size, plan.pitch, 0, 0, Align::start, false, false, Tone::text};
    for (const auto& cols : groups) {
        TablePlan::Group g;
        g.columns = cols;
        float sum_min = 0, sum_max = 0;
        for (int c : cols) {
            sum_min += col_min[static_cast<size_t>(c)];
            sum_max += col_max[static_cast<size_t>(c)];
        }
        for (int c : cols) {
            const float mn = col_min[static_cast<size_t>(c)], mx = col_max[static_cast<size_t>(c)];
            float w;
            if (sum_max <= width) w = mx * width / sum_max;                                  // room to spare: fill
            else if (sum_min <= width) w = mn + (width - sum_min) * (mx - mn) / std::max(1e-3f, sum_max - sum_min);
            else w = mn * width / sum_min;                                                   // a column wider than the page
            g.x.push_back(g.total);
            g.width.push_back(w);
            g.total += w;
        }
        auto group_width = [&](const TablePlan::Cell& cell) {  // the cell's columns inside this group
            float w = 0;
            for (size_t j = 0; j < cols.size(); ++j)
                if (cols[j] >= cell.col && cols[j] < cell.col + cell.colspan) w += g.width[j];
            return w;
        };
        g.lines.resize(plan.cells.size());
        g.text_height.resize(plan.cells.size(), 0);
        g.row_height.assign(static_cast<size_t>(plan.rows), plan.pitch + 2 * plan.pad_y);
        for (size_t i = 0; i < plan.cells.size(); ++i) {
            const auto& cell = plan.cells[i];
            const float w = group_width(cell);
            if (w <= 0) continue;
            const ShapedBlock& cb = *cell.shaped;
            if (cb.shaped.text.empty()) continue;
            BlockFormat f = base;
            f.align = cell.numeric ? Align::end : cell.header ? Align::center : cb.block.align;
            f.tone = cell.header ? Tone::accent : Tone::text;
            const float inner = std::max(plan.size, w - 2 * plan.pad_x);
            const LineContext ctx{cb, plan.size, true};
            const auto spans = break_lines(ctx, inner, inner);
            for (size_t s = 0; s < spans.size(); ++s) {
                Line line = set_line(ctx, 0, spans[s], f, 0, inner, s == 0, s + 1 == spans.size());
                line.role = Role::table;
                line.y = static_cast<float>(s) * plan.pitch + (plan.pitch - plan.size) / 2 + kEmBoxAscent * plan.size;
                g.lines[i].push_back(std::move(line));
            }
            g.text_height[i] = static_cast<float>(spans.size()) * plan.pitch;
            if (cell.rowspan == 1)
                g.row_height[static_cast<size_t>(cell.row)] =
                    std::max(g.row_height[static_cast<size_t>(cell.row)], g.text_height[i] + 2 * plan.pad_y);
        }
        for (size_t i = 0; i < plan.cells.size(); ++i) {  // a spanning cell taller than its rows: the last one grows
            const auto& cell = plan.cells[i];
            if (cell.rowspan == 1 || g.text_height[i] == 0) continue;
            float have = 0;
            for (int r = cell.row; r < cell.row + cell.rowspan; ++r) have += g.row_height[static_cast<size_t>(r)];
            const float need = g.text_height[i] + 2 * plan.pad_y;
            if (need > have) g.row_height[static_cast<size_t>(cell.row + cell.rowspan - 1)] += need - have;
        }
        plan.groups.push_back(std::move(g));
    }
    return plan;
}

// Places one table on the pages, starting at `cursor` on the last page: group after group;
// header rows on top of every page; breaks between rows, keeping a small spanning group
// together; a cell split by a page break draws its box on both pages and its text where it
// fits (first time plain, later times marked repeat), as does a cell shown in another group.
void place_table(const TablePlan& plan, int block, const Box& box, float space_before, std::vector<Page>& pages,
                 float& cursor) {
    std::vector<bool> shown(plan.cells.size(), false);
    for (const auto& g : plan.groups) {
        const float x0 = box.x + std::max(0.0f, (box.width - g.total) / 2);
        float header_h = 0;
        for (int r = 0; r < plan.header_rows; ++r) header_h += g.row_height[static_cast<size_t>(r)];
        int next = plan.header_rows;
        bool first_part = true;
        while (next < plan.rows || (first_part && plan.rows == plan.header_rows)) {
            // Rows [next, end) go on this page, under the header rows.
            float top = cursor + (pages.back().lines.empty() && pages.back().rules.empty() ? 0 : space_before);
            const float first_row = next < plan.rows ? g.row_height[static_cast<size_t>(next)] : 0;
            if (top + header_h + first_row > box.height + 0.01f && !(pages.back().lines.empty() && pages.back().rules.empty())) {
                pages.emplace_back();
                cursor = 0;
                top = 0;
            }
            float used = top + header_h;
            int end = next;
            while (end < plan.rows && (end == next || used + g.row_height[static_cast<size_t>(end)] <= box.height + 0.01f))
                used += g.row_height[static_cast<size_t>(end++)];
            // Keep a small spanning group (（四）无法提供 and its three rows) off a break.
            if (end < plan.rows)
                for (const auto& cell : plan.cells)
                    if (cell.row > next && cell.row < end && cell.row + cell.rowspan > end) {
                        float h = 0;
                        for (int r = cell.row; r < cell.row + cell.rowspan; ++r) h += g.row_height[static_cast<size_t>(r)];
                        if (h <= box.height / 3) end = std::min(end, cell.row);
                    }
            // Row tops on this page.
            std::vector<float> row_y(static_cast<size_t>(plan.rows) + 1, -1);
            float y = box.y + top;
            for (int r = 0; r < plan.header_rows; ++r) {
                row_y[static_cast<size_t>(r)] = y;
                y += g.row_height[static_cast<size_t>(r)];
            }
            for (int r = next; r < end; ++r) {
                row_y[static_cast<size_t>(r)] = y;
                y += g.row_height[static_cast<size_t>(r)];
            }
            Page& page = pages.back();
            for (size_t i = 0; i < plan.cells.size(); ++i) {
                const auto& cell = plan.cells[i];
                // The cell's visible rows on this page.
                int a = -1, b = -1;
                for (int r = cell.row; r < cell.row + cell.rowspan; ++r)
                    if ((r < plan.header_rows) || (r >= next && r < end)) {
                        if (a < 0) a = r;
                        b = r;
                    }
                if (a < 0) continue;
                float cx = -1, cw = 0;
                for (size_t j = 0; j < g.columns.size(); ++j)
                    if (g.columns[j] >= cell.col && g.columns[j] < cell.col + cell.colspan) {
                        if (cx < 0) cx = x0 + g.x[j];
                        cw += g.width[j];
                    }
                if (cx < 0) continue;
                const float cy = row_y[static_cast<size_t>(a)];
                float ch = 0;
                for (int r = a; r <= b; ++r) ch += g.row_height[static_cast<size_t>(r)];
                page.rules.push_back(Rule{Box{cx, cy, cw, ch}, cell.header});
                const float text_h = g.text_height[i];
                if (text_h == 0) continue;
                const bool last_part = cell.row + cell.rowspan <= end || cell.row < plan.header_rows;
                if (text_h + 2 * plan.pad_y > ch + 0.01f && !(last_part && !shown[i])) continue;  // shown where it fits
                const float ty = cy + (ch - text_h) / 2;
                for (const Line& proto : g.lines[i]) {
                    Line line = proto;
                    line.block = block;
                    line.repeat = shown[i];
                    line.y += ty;
                    const float dx = cx + plan.pad_x;
                    line.x += dx;
                    for (auto& gl : line.glyphs) gl.x += dx;
                    for (auto& ink : line.ink) ink.x += dx;
                    line.cell = CellBox{cell.row, cell.col, Box{cx, cy, cw, ch}};
                    page.lines.push_back(std::move(line));
                }
                shown[i] = true;
            }
            cursor = y - box.y;
            next = end;
            first_part = false;
            if (next < plan.rows) {
                pages.emplace_back();
                cursor = 0;
            }
        }
        if (&g != &plan.groups.back()) {  // the next column group starts a page of its own
            pages.emplace_back();
            cursor = 0;
        }
    }
}

}  // namespace

std::vector<Page> layout_document(const ShapedDocument& doc, const Style& style,
                                  const PageGeometry& geometry) {
    const Box& box = geometry.body;
    std::vector<BlockLines> blocks;
    blocks.reserve(doc.blocks.size());
    for (size_t bi = 0; bi < doc.blocks.size(); ++bi) {
        const ShapedBlock& sb = doc.blocks[bi];
        BlockLines bl;
        bl.format = format_for(sb.block, style);
        const float first_measure = box.width - bl.format.indent;
        // S3 trims an opening mark at the start of every line but an indented first line.
        const LineContext ctx{sb, bl.format.size, bl.format.indent == 0};
        std::vector<LineSpan> spans = break_lines(ctx, first_measure, box.width);
        if (bl.format.justify) avoid_lone_last_character(ctx, spans, first_measure, box.width);
        for (size_t k = 0; k < spans.size(); ++k) {
            bl.lines.push_back(set_line(ctx, static_cast<int>(bi), spans[k], bl.format, box.x,
                                        k == 0 ? first_measure : box.width, k == 0,
                                        k + 1 == spans.size()));
        }
        blocks.push_back(std::move(bl));
    }

    std::vector<Page> pages(1);
    float cursor = 0;  // from the body box's top
    auto space_before = [&](size_t bi) {
        if (pages.back().lines.empty()) return 0.0f;
        Role prev = doc.blocks[bi - 1].block.role;
        // Runs of meta lines or captions sit together; a new kind of block gets its space.
        return prev == doc.blocks[bi].block.role && !is_body(prev) ? 0.0f
                                                                    : blocks[bi].format.space_before;
    };
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
        BlockLines& bl = blocks[bi];
        if (doc.blocks[bi].block.page_break && !pages.back().lines.empty()) {  // the next article of a column
            pages.emplace_back();
            cursor = 0;
        }
        if (doc.blocks[bi].block.role == Role::table) {
            const TablePlan plan = plan_table(doc.blocks[bi], style, box.width);
            place_table(plan, static_cast<int>(bi), box, style.body_px * 0.5f, pages, cursor);
            cursor += style.body_px * 0.5f;
            continue;
        }
        if (doc.blocks[bi].block.role == Role::image) {
            // The picture scaled to fit (at most 62% of the page's height, at most twice its
            // own size), its caption under it, kept together; a neat placeholder of the
            // same place when the picture is missing, broken or refused.
            const content::Image& im = doc.blocks[bi].block.image;
            const bool ok = im.width > 0 && im.height > 0 && im.problem.empty();
            float w = std::round(box.width * 0.4f), h = std::round(w * 9.0f / 16.0f);
            if (ok) {
                const float scale = std::min({box.width / static_cast<float>(im.width),
                                              box.height * 0.62f / static_cast<float>(im.height), 2.0f});
                w = std::round(static_cast<float>(im.width) * scale);
                h = std::round(static_cast<float>(im.height) * scale);
            }
            const bool blank = pages.back().lines.empty() && pages.back().images.empty();
            const float before = blank ? 0.0f : style.body_px * 0.5f;
            const float gap = style.body_px * 0.3f;
            const float caption_h = bl.format.pitch * static_cast<float>(bl.lines.size());
            const float room = box.height - cursor - before - gap - caption_h;
            if (room < h && room >= 0.6f * h) {  // a little smaller rather than a half-empty page
                w = std::round(w * room / h);
                h = std::floor(room);
            }
            const float need = before + h + gap + caption_h;
            const bool new_page = cursor + need > box.height + 0.01f && !blank;
            if (new_page) {
                pages.emplace_back();
                cursor = 0;
            }
            const float top = cursor + (blank || new_page ? 0.0f : before);
            pages.back().images.push_back(PlacedImage{static_cast<int>(bi), Box{box.x + (box.width - w) / 2, box.y + top, w, h}, im.url, !ok});
            cursor = top + h + gap;
            for (Line& line : bl.lines) {
                line.y = box.y + cursor + (bl.format.pitch - bl.format.size) / 2 + kEmBoxAscent * bl.format.size;
                cursor += bl.format.pitch;
                pages.back().lines.push_back(std::move(line));
            }
            cursor += style.body_px * 0.3f;
            continue;
        }
        if (bl.lines.empty()) continue;
        const BlockFormat& f = bl.format;
        // A heading (or the title) moves to the next page unless its next line fits under it.
        if (f.keep_with_next && bi + 1 < blocks.size() && !pages.back().lines.empty()) {
            float need = space_before(bi) + f.pitch * static_cast<float>(bl.lines.size());
            const BlockLines& next = blocks[bi + 1];
            // As many lines of the next paragraph as P3 below will keep together.
            const size_t next_n = next.lines.size();
            const size_t together = is_body(doc.blocks[bi + 1].block.role) && next_n >= 2 ? (next_n <= 3 ? next_n : 2) : 1;
            if (next_n > 0) need += next.format.space_before + next.format.pitch * static_cast<float>(together);
            if (cursor + need > box.height) {
                pages.emplace_back();
                cursor = 0;
            }
        }
        // A signature (office, then date, set flush right) stays together.
        const bool signature = doc.blocks[bi].block.role == Role::meta && doc.blocks[bi].block.align == Align::end;
        if (signature && !pages.back().lines.empty()) {
            float need = space_before(bi);
            for (size_t j = bi; j < blocks.size() && doc.blocks[j].block.role == Role::meta &&
                                doc.blocks[j].block.align == Align::end && j < bi + 4;
                 ++j)
                need += blocks[j].format.pitch * static_cast<float>(blocks[j].lines.size());
            if (bi == 0 || !(doc.blocks[bi - 1].block.role == Role::meta && doc.blocks[bi - 1].block.align == Align::end))
                if (cursor + need > box.height + 0.01f) {
                    pages.emplace_back();
                    cursor = 0;
                }
        }
        // P3: a paragraph does not leave its first line alone at the bottom of a page nor its
        // last line alone at the top of the next: move the first line on, or one more line.
        size_t break_after = bl.lines.size();  // a forced page break after this many lines
        const size_t n = bl.lines.size();
        if (is_body(doc.blocks[bi].block.role) && n >= 2 && !pages.back().lines.empty()) {
            const float room = box.height + 0.01f - cursor - space_before(bi);
            const size_t fit = room < f.pitch ? 0 : static_cast<size_t>(room / f.pitch);
            if (fit == 1 || (fit == n - 1 && n <= 3)) {
                pages.emplace_back();  // the whole paragraph goes on
                cursor = 0;
            } else if (fit == n - 1) {
                break_after = n - 2;  // two lines go on together
            }
        }
        for (size_t k = 0; k < bl.lines.size(); ++k) {
            float before = k == 0 ? space_before(bi) : 0.0f;
            if (k == break_after || (cursor + before + f.pitch > box.height + 0.01f && !pages.back().lines.empty())) {
                pages.emplace_back();
                cursor = 0;
                before = 0;
            }
            Line& line = bl.lines[k];
            cursor += before;
            line.y = box.y + cursor + (f.pitch - f.size) / 2 + kEmBoxAscent * f.size;
            cursor += f.pitch;
            pages.back().lines.push_back(std::move(line));
        }
    }
    const int of = static_cast<int>(pages.size());
    for (int i = 0; i < of; ++i) {
        pages[static_cast<size_t>(i)].number = i + 1;
        pages[static_cast<size_t>(i)].of = of;
        pages[static_cast<size_t>(i)].box = box;
    }
    return pages;
}

namespace {

// One line of chrome, shaped on the spot (chrome changes per page and per minute).
Line chrome_label(FontSet& fonts, std::string role, const std::string& utf8_text, float size,
                  Weight weight, Tone tone, float x, float baseline, float max_width, Align align) {
    content::Block block;
    block.role = weight == Weight::bold ? content::Role::heading : content::Role::caption;
    // No character is narrower than a quarter em: anything past max_width/size*4 characters
    // is cut anyway, so it is never shaped (a 160,000-character title on every page would be).
    std::u32string text = utf8::decode(utf8_text);
    const size_t most = static_cast<size_t>(std::max(0.0f, max_width / std::max(size, 1.0f)) * 4) + 2;
    if (text.size() > most) text.resize(most);
    ShapedBlock sb = shape_block(fonts, block, std::move(text));
    auto width_of = [&](const ShapedBlock& b) {
        float w = 0;
        for (const auto& m : b.metrics) w += m.advance * size;
        return w;
    };
    float width = width_of(sb);
    if (width > max_width && !sb.shaped.text.empty()) {
        // Too long: cut and end with an ellipsis.
        const float budget = max_width - size;
        float used = 0;
        size_t keep = 0;
        while (keep < sb.metrics.size() && used + sb.metrics[keep].advance * size <= budget)
            used += sb.metrics[keep++].advance * size;
        sb = shape_block(fonts, block, sb.shaped.text.substr(0, keep) + U"…");
        width = width_of(sb);
    }
    if (align == Align::end) x -= width;
    if (align == Align::center) x -= width / 2;
    BlockFormat f;
    f.size = size;
    f.tone = tone;
    const LineContext ctx{sb, size, false};
    Line line = set_line(ctx, -1, LineSpan{0, sb.shaped.text.size(), false}, f, x, width + size, false, true);
    line.chrome_role = std::move(role);
    line.y = baseline;
    return line;
}

}  // namespace

void add_chrome(FontSet& fonts, std::vector<Page>& pages, const Style& style,
                const PageGeometry& g, const ChromeText& chrome) {
    const float size = style.chrome_px;
    const float left = g.body.x, right = g.body.x + g.body.width;
    const float header_base = g.header.y + (g.header.height - size) / 2 + kEmBoxAscent * size;
    const float footer_base = g.footer.y + (g.footer.height - size) / 2 + kEmBoxAscent * size;
    for (Page& page : pages) {
        page.chrome.clear();
        float hall_width = 0;
        if (!chrome.hall_name.empty()) {
            page.chrome.push_back(chrome_label(fonts, "hall-name", chrome.hall_name, size,
                                               Weight::bold, Tone::header, left, header_base,
                                               g.body.width / 2, Align::start));
            hall_width = page.chrome.back().width + size * 2;
        }
        if (!chrome.item_title.empty()) {
            page.chrome.push_back(chrome_label(fonts, "running-title", chrome.item_title, size,
                                               Weight::regular, Tone::header, right, header_base,
                                               g.body.width - hall_width, Align::end));
        }
        // Footer, left to right: the clock; the document's date and source, when its content
        // was last updated (marked when stale); the page number; the QR code in the corner.
        float footer_right = right;
        page.qr.reset();
        if (!chrome.qr_url.empty()) {
            // As tall as the footer band and the gap above it: big enough for a phone at arm's length.
            const float side = std::round(g.footer.height + (g.footer.y - g.body.y - g.body.height));
            page.qr = QrBox{Box{right - side, g.height - side - std::round(g.footer.height * 0.08f), side, side}, chrome.qr_url};
            footer_right = right - side - size * 0.6f;
        }
        std::string number = "第 " + std::to_string(page.number) + "/" + std::to_string(page.of) + " 页";
        page.chrome.push_back(chrome_label(fonts, "page-number", number, size, Weight::regular,
                                           Tone::muted, footer_right, footer_base, g.body.width / 4,
                                           Align::end));
        footer_right -= page.chrome.back().width + size * 1.2f;
        float footer_left = left;
        if (!chrome.clock.empty()) {
            page.chrome.push_back(chrome_label(fonts, "clock", chrome.clock, size, Weight::regular,
                                               Tone::muted, left, footer_base, g.body.width / 2,
                                               Align::start));
            footer_left += page.chrome.back().width + size * 1.2f;
        }
        // The freshness line: "内容更新于 …", with a marker in the accent colour when stale;
        // then the document's date and source. Each is shown whole or, on a narrow footer,
        // in its shorter form or not at all — except the stale marker, which always shows.
        const float small = std::round(size * 0.85f);
        auto whole = [&](const std::string& role, const std::string& text, Tone tone, float x, float room, Align align) {
            Line l = chrome_label(fonts, role, text, small, Weight::regular, tone, x, footer_base, room, align);
            return l.text == utf8::decode(text) ? std::optional<Line>(std::move(l)) : std::nullopt;
        };
        std::vector<std::string> fresh;
        if (chrome.stale) fresh = {"● 内容可能不是最新　" + chrome.updated, "● 内容可能不是最新", "● 未及时更新"};
        else if (!chrome.updated.empty()) fresh = {chrome.updated};
        for (const std::string& text : fresh) {
            auto l = whole(chrome.stale ? "stale" : "updated", text, chrome.stale ? Tone::accent : Tone::muted, footer_right,
                           footer_right - footer_left, Align::end);
            if (!l && chrome.stale && &text == &fresh.back())  // no room at all: over the clock, it matters more
                l = whole("stale", text, Tone::accent, footer_right, footer_right - left, Align::end);
            if (l) {
                footer_right -= l->width + size;
                page.chrome.push_back(std::move(*l));
                break;
            }
        }
        if (!chrome.source.empty())
            if (auto l = whole("source", chrome.source, Tone::muted, footer_left, footer_right - footer_left, Align::start))
                page.chrome.push_back(std::move(*l));
        for (const PlacedImage& im : page.images)
            if (im.placeholder)
                page.chrome.push_back(chrome_label(fonts, "image-placeholder", "图片暂不可用", size, Weight::regular,
                                                   Tone::muted, im.box.x + im.box.width / 2,
                                                   im.box.y + im.box.height / 2 + (kEmBoxAscent - 0.5f) * size,
                                                   im.box.width, Align::center));
    }
}

}  // namespace kiosk::text
