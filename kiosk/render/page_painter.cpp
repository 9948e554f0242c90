#include "render/page_painter.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::render {
namespace {

uint32_t rgb(config::Color c) { return (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b; }

// A layout box in whole pixels, rounded as the layout's coordinates are everywhere.
Rect pixels(const text::Box& b) {
    return Rect{static_cast<int>(std::lround(b.x)), static_cast<int>(std::lround(b.y)),
                static_cast<int>(std::lround(b.width)), static_cast<int>(std::lround(b.height))};
}

void fill(const Canvas& canvas, const text::Box& box, config::Color c) { canvas.fill(pixels(box), rgb(c)); }

}  // namespace

PagePainter::PagePainter(const text::FontSet& fonts, const config::Theme& theme) : theme_(theme), glyphs_(fonts) {}

uint32_t PagePainter::colour(text::Tone tone) const {
    switch (tone) {
        case text::Tone::text: return rgb(theme_.text);
        case text::Tone::muted: return rgb(theme_.muted);
        case text::Tone::accent: return rgb(theme_.accent);
        case text::Tone::header: return rgb(theme_.header_text);
    }
    return rgb(theme_.text);
}

config::Color PagePainter::mix(config::Color a, config::Color b, float t) {
    auto m = [t](uint8_t x, uint8_t y) { return static_cast<uint8_t>(std::lround(x + (y - x) * t)); };
    return config::Color{m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

uint32_t PagePainter::mark_colour(text::Mark mark, uint32_t plain) const {
    switch (mark) {
        case text::Mark::none: return plain;
        case text::Mark::deleted: return rgb(theme_.muted);
        case text::Mark::inserted: return rgb(theme_.accent);
    }
    return plain;
}

void PagePainter::draw_line(const text::Line& line, const Canvas& canvas, std::optional<uint32_t> over) {
    const uint32_t c = over ? *over : colour(line.tone);
    // A comparison's strokes (issue 30), placed by the layout: whole pixels from the rounded
    // edges, never thinner than one. A strike-through runs across the middle of the em box,
    // where 一, 二, 三 and 十 have their own strokes: it is drawn first, in the line's colour,
    // and the struck glyphs in the muted colour over it, so a numeral's stroke still shows as
    // a grey dash in the dark line ((三) does not read as (二)). An underline is under the
    // em box and drawn after, in the accent.
    auto strokes = [&](text::Mark which) {
        for (const text::MarkSpan& span : line.marks) {
            const text::Box& b = span.stroke;
            if (span.mark != which || b.width <= 0) continue;
            const int x0 = static_cast<int>(std::lround(b.x)), x1 = static_cast<int>(std::lround(b.x + b.width));
            const int y0 = static_cast<int>(std::lround(b.y)), y1 = static_cast<int>(std::lround(b.y + b.height));
            canvas.fill(Rect{x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0)},
                        which == text::Mark::deleted ? c : mark_colour(which, c));
        }
    };
    strokes(text::Mark::deleted);
    // No glyph reaches further than twice its size from its baseline: a line well away from
    // the band is passed over without looking its glyphs up.
    const float reach = 2 * line.font_size;
    for (const text::Ink& ink : line.ink) {
        const float baseline = line.y + ink.dy;
        if (baseline + reach < static_cast<float>(canvas.top()) || baseline - reach > static_cast<float>(canvas.bottom()))
            continue;
        const GlyphCache::Glyph& g = glyphs_.get(ink.face, ink.id, line.font_size);
        if (g.width == 0) continue;
        // A comparison's marked text: deleted in the muted colour, inserted in the accent.
        canvas.blend_coverage(static_cast<int>(std::lround(ink.x)) + g.left, static_cast<int>(std::lround(baseline)) - g.top,
                              g.coverage.data(), g.width, g.height, g.width, over ? c : mark_colour(ink.mark, c));
    }
    strokes(text::Mark::inserted);
}

void PagePainter::draw_image(const text::PlacedImage& image, const Canvas& canvas) {
    const Rect r = pixels(image.box);
    if (r.y >= canvas.bottom() || r.y + r.h <= canvas.top()) return;
    if (!image.placeholder && pictures_) {
        if (auto picture = pictures_->get(image.url)) {
            canvas.draw_picture(*picture, r);
            return;
        }
    }
    // The placeholder: a tinted panel framed by a hairline (its label is in the chrome).
    const text::Box& b = image.box;
    const float hair = 2;
    const config::Color frame = mix(theme_.background, theme_.muted, 0.5f);
    fill(canvas, b, mix(theme_.background, theme_.muted, 0.12f));
    fill(canvas, text::Box{b.x, b.y, b.width, hair}, frame);
    fill(canvas, text::Box{b.x, b.y + b.height - hair, b.width, hair}, frame);
    fill(canvas, text::Box{b.x, b.y, hair, b.height}, frame);
    fill(canvas, text::Box{b.x + b.width - hair, b.y, hair, b.height}, frame);
}

void PagePainter::draw_qr(const text::QrBox& qr, const Canvas& canvas) {
    // The layout encoded it and sized it (whole pixels a module, a four-module quiet zone):
    // black on white, which every phone reads.
    if (qr.modules <= 0 || qr.dark.size() != static_cast<size_t>(qr.modules) * static_cast<size_t>(qr.modules)) return;
    const int module = std::max(1, static_cast<int>(std::lround(qr.module)));
    const int x0 = static_cast<int>(std::lround(qr.box.x)), y0 = static_cast<int>(std::lround(qr.box.y));
    const int side = static_cast<int>(std::lround(qr.box.width));
    const int quiet = (side - qr.modules * module) / 2;
    if (y0 >= canvas.bottom() || y0 + side <= canvas.top()) return;
    canvas.fill(Rect{x0, y0, side, side}, 0xFFFFFF);
    for (int y = 0; y < qr.modules; ++y)
        for (int x = 0; x < qr.modules; ++x)
            if (qr.dark[static_cast<size_t>(y * qr.modules + x)])
                canvas.fill(Rect{x0 + quiet + x * module, y0 + quiet + y * module, module, module}, 0x000000);
}

void PagePainter::paint(const text::Page& page, const text::PageGeometry& g, const Canvas& canvas) {
    // Between pages (a page's first band), a cache grown past its bound starts again.
    if (canvas.top() == 0) glyphs_.trim();
    canvas.fill(Rect{0, canvas.top(), canvas.width(), canvas.bottom() - canvas.top()}, rgb(theme_.background));
    if (page.alert_band) {
        // An urgent notice: the accent band is the page's only band (no header, no footer rule);
        // an official warning's in the level's colour.
        if (page.alert_level != warning::Level::none)
            canvas.fill(pixels(*page.alert_band), warning::level_colors(page.alert_level).band);
        else
            fill(canvas, *page.alert_band, theme_.accent);
    } else {
        fill(canvas, g.header, theme_.header_background);
        // A hairline in the accent colour sets the footer apart without a heavy band.
        const float rule = std::max(1.0f, std::round(static_cast<float>(std::min(g.width, g.height)) / 540.0f));
        // It stops short of a QR code's quiet zone that comes down into the footer.
        float rule_width = g.body.width;
        if (page.qr && page.qr->box.y < g.footer.y + rule && page.qr->box.y + page.qr->box.height > g.footer.y)
            rule_width = std::max(0.0f, page.qr->box.x - g.body.x);
        fill(canvas, text::Box{g.body.x, g.footer.y, rule_width, rule}, theme_.accent);
    }
    // Table cells: header shading, then hairline borders in the muted colour.
    const float hair = std::max(1.0f, std::round(static_cast<float>(std::min(g.width, g.height)) / 1080.0f));
    for (const text::Rule& r : page.rules)
        if (r.header) fill(canvas, r.box, mix(theme_.background, theme_.accent, 0.08f));  // a tint of the accent
    for (const text::Rule& r : page.rules) {
        const text::Box& b = r.box;
        fill(canvas, text::Box{b.x, b.y, b.width + hair, hair}, theme_.muted);
        fill(canvas, text::Box{b.x, b.y + b.height, b.width + hair, hair}, theme_.muted);
        fill(canvas, text::Box{b.x, b.y, hair, b.height + hair}, theme_.muted);
        fill(canvas, text::Box{b.x + b.width, b.y, hair, b.height + hair}, theme_.muted);
    }
    for (const text::PlacedImage& image : page.images) draw_image(image, canvas);
    for (const text::Line& line : page.lines) draw_line(line, canvas);
    for (const text::Line& line : page.chrome) {
        if (page.alert_level != warning::Level::none && line.chrome_role == "alert")
            draw_line(line, canvas, warning::level_colors(page.alert_level).text);
        else
            draw_line(line, canvas);
    }
    if (page.qr) draw_qr(*page.qr, canvas);
}

}  // namespace kiosk::render
