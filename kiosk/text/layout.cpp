#include "text/layout.hpp"

#include <algorithm>
#include <cmath>

#include "base/utf8.hpp"
#include "text/line_break.hpp"

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

struct Span {
    size_t begin = 0, end = 0;  // characters [begin, end) of the block
    bool emergency = false;
};

// Greedy fill at ICU's break opportunities. A run with no opportunity that is wider than the
// measure is cut where it must be (an emergency break, marked on the line).
std::vector<Span> break_lines(const ShapedText& t, float size, float first_measure, float measure) {
    std::vector<Span> spans;
    const size_t n = t.text.size();
    std::vector<bool> allowed = break_opportunities(t.text);
    size_t start = 0;
    while (start < n && is_space(t.text[start])) ++start;
    while (start < n) {
        const float limit = (spans.empty() ? first_measure : measure) + 0.01f;
        float width = 0;
        size_t last_break = start;
        size_t i = start;
        Span span{start, n, false};
        for (; i < n; ++i) {
            if (i > start && allowed[i]) last_break = i;
            float w = t.advance[i] * size;
            // Spaces may hang past the margin; they are not drawn at a line's end.
            if (width + w > limit && !is_space(t.text[i])) {
                if (last_break > start) span.end = last_break;
                else if (i > start) span = Span{start, i, true};
                else span.end = i + 1;  // one glyph wider than the measure: it stands alone
                break;
            }
            width += w;
        }
        spans.push_back(span);
        start = span.end;
        while (start < n && is_space(t.text[start])) ++start;
    }
    return spans;
}

Line set_line(const ShapedBlock& sb, int block_index, const Span& span, const BlockFormat& f,
              float box_x, float measure, bool first, bool last) {
    const ShapedText& t = sb.shaped;
    size_t end = span.end;
    while (end > span.begin && is_space(t.text[end - 1])) --end;

    Line line;
    line.block = block_index;
    line.role = sb.block.role;
    line.text = t.text.substr(span.begin, end - span.begin);
    line.font_size = f.size;
    line.measure = measure;
    line.last_of_block = last;
    line.emergency = span.emergency;
    line.tone = f.tone;

    float natural = 0;
    for (size_t i = span.begin; i < end; ++i) natural += t.advance[i] * f.size;
    float gap = 0;
    const size_t count = end - span.begin;
    if (f.justify && !last && count > 1 && natural < measure) {
        gap = (measure - natural) / static_cast<float>(count - 1);
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
        float w = t.advance[i] * f.size;
        line.glyphs.push_back(GlyphBox{static_cast<int>(i - span.begin), x, w});
        for (uint32_t g = t.glyph_start[i]; g < t.glyph_start[i + 1]; ++g) {
            const ShapedGlyph& sg = t.glyphs[g];
            line.ink.push_back(Ink{sg.id, sg.face, x + sg.x_offset * f.size, -sg.y_offset * f.size});
        }
        x += w + (i + 1 < end ? gap : 0);
    }
    return line;
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

ShapedDocument shape_document(FontSet& fonts, const content::Document& doc) {
    ShapedDocument out;
    out.title = doc.title;
    out.blocks.reserve(doc.blocks.size());
    for (const content::Block& b : doc.blocks)
        out.blocks.push_back(ShapedBlock{b, shape(fonts, utf8::decode(b.text), weight_for(b))});
    return out;
}

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
        std::vector<Span> spans = break_lines(sb.shaped, bl.format.size, first_measure, box.width);
        for (size_t k = 0; k < spans.size(); ++k) {
            bl.lines.push_back(set_line(sb, static_cast<int>(bi), spans[k], bl.format, box.x,
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
        if (bl.lines.empty()) continue;
        const BlockFormat& f = bl.format;
        // A heading (or the title) moves to the next page unless its next line fits under it.
        if (f.keep_with_next && bi + 1 < blocks.size() && !pages.back().lines.empty()) {
            float need = space_before(bi) + f.pitch * static_cast<float>(bl.lines.size());
            const BlockLines& next = blocks[bi + 1];
            if (!next.lines.empty()) need += next.format.space_before + next.format.pitch;
            if (cursor + need > box.height) {
                pages.emplace_back();
                cursor = 0;
            }
        }
        for (size_t k = 0; k < bl.lines.size(); ++k) {
            float before = k == 0 ? space_before(bi) : 0.0f;
            if (cursor + before + f.pitch > box.height + 0.01f && !pages.back().lines.empty()) {
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
    ShapedText t = shape(fonts, utf8::decode(utf8_text), weight);
    float width = 0;
    for (float a : t.advance) width += a * size;
    if (width > max_width && !t.text.empty()) {
        // Too long: cut and end with an ellipsis.
        std::u32string cut = t.text;
        ShapedText ellipsis = shape(fonts, U"…", weight);
        float budget = max_width - ellipsis.advance[0] * size;
        float used = 0;
        size_t keep = 0;
        while (keep < t.text.size() && used + t.advance[keep] * size <= budget)
            used += t.advance[keep++] * size;
        t = shape(fonts, cut.substr(0, keep) + U"…", weight);
        width = 0;
        for (float a : t.advance) width += a * size;
    }
    if (align == Align::end) x -= width;
    if (align == Align::center) x -= width / 2;
    ShapedBlock sb{content::Block{content::Role::caption, "", 0, Align::start}, std::move(t)};
    BlockFormat f;
    f.size = size;
    f.tone = tone;
    Line line = set_line(sb, -1, Span{0, sb.shaped.text.size(), false}, f, x, width, false, true);
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
        std::string number = "第 " + std::to_string(page.number) + "/" + std::to_string(page.of) + " 页";
        page.chrome.push_back(chrome_label(fonts, "page-number", number, size, Weight::regular,
                                           Tone::muted, right, footer_base, g.body.width / 2,
                                           Align::end));
        if (!chrome.clock.empty()) {
            page.chrome.push_back(chrome_label(fonts, "clock", chrome.clock, size, Weight::regular,
                                               Tone::muted, left, footer_base, g.body.width / 2,
                                               Align::start));
        }
    }
}

}  // namespace kiosk::text
