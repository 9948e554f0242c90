// The urgent notice's look (紧急通知): a full-width band in the accent colour across the top
// with 紧急通知, the notice's text below it as large as fits one page, and no chrome but the
// clock — so that a passer-by sees at once that this is not the usual report.
#include <algorithm>
#include <cmath>

#include "text/layout_internal.hpp"

namespace kiosk::text {

namespace {

// The text grows up to this many times the body size (a two-line notice is not set in
// glyphs a third of the screen high: past ~4x it reads worse, not better, from 3 m).
constexpr float kUrgentMaxScale = 4.0f;
// The band's height as a share of the page's shorter side: twice the usual header's, so
// it reads as an alarm, not as a header.
constexpr float kUrgentBandShare = 0.16f;

Style scaled(const Style& s, float k) {
    Style out = s;
    for (float* px : {&out.body_px, &out.title_px, &out.heading_px, &out.meta_px, &out.caption_px, &out.table_px})
        *px = std::round(*px * k);
    return out;
}

// Moves a page's content down by dy (the text block centred in the space under the band).
void shift_page(Page& page, float dy) {
    for (Line& line : page.lines) {
        line.y += dy;
        if (line.cell) line.cell->box.y += dy;
    }
    for (Rule& r : page.rules) r.box.y += dy;
    for (PlacedImage& im : page.images) im.box.y += dy;
}

// The narrowest body (centred on the page) on which the page's one block still takes as
// many lines: a centred notice of two lines reads as two near-equal lines, not a full one
// and a stub.
void balance_single_block(const ShapedDocument& doc, const Style& style, const PageGeometry& page_geometry,
                          std::vector<Page>& pages) {
    if (doc.blocks.size() != 1 || pages.size() != 1 || pages.front().lines.size() < 2) return;
    const size_t lines = pages.front().lines.size();
    float lo = page_geometry.body.width / static_cast<float>(lines), hi = page_geometry.body.width;
    std::vector<Page> best;
    for (int step = 0; step < 12 && hi - lo > 1; ++step) {
        const float mid = (lo + hi) / 2;
        PageGeometry g = page_geometry;
        g.body.x += (page_geometry.body.width - mid) / 2;
        g.body.width = mid;
        auto tried = layout_document(doc, style, g);
        if (tried.size() == 1 && tried.front().lines.size() == lines) {
            hi = mid;
            best = std::move(tried);
        } else {
            lo = mid;
        }
    }
    if (!best.empty()) pages = std::move(best);
}

}  // namespace

content::Document urgent_document(content::Document doc) {
    size_t text_blocks = 0;
    for (const auto& b : doc.blocks) text_blocks += b.role != content::Role::table && b.role != content::Role::image;
    if (doc.blocks.size() == 1 && text_blocks == 1) {
        // One sentence: set as a sign — centred, no indent, in the heading's weight.
        content::Block& b = doc.blocks.front();
        b.role = content::Role::heading;
        b.level = 2;
        b.align = content::Align::center;
    }
    return doc;
}

UrgentGeometry urgent_geometry(const PageGeometry& g) {
    const float short_side = static_cast<float>(std::min(g.width, g.height));
    UrgentGeometry u;
    u.band = Box{0, 0, static_cast<float>(g.width), std::round(short_side * kUrgentBandShare)};
    const float gap = g.body.y - g.header.height;  // the page's own gap between band and body
    u.page = g;
    u.page.header = u.band;
    u.page.body.y = u.band.height + gap;
    u.page.body.height = std::max(1.0f, g.body.y + g.body.height - u.page.body.y);
    return u;
}

std::vector<Page> layout_urgent(const ShapedDocument& doc, const Style& style, const PageGeometry& geometry) {
    const UrgentGeometry u = urgent_geometry(geometry);
    auto pages = layout_document(doc, style, u.page);
    if (pages.size() == 1) {
        // It fits at the body size: find the largest size at which it still fits one page.
        float lo = 1, hi = kUrgentMaxScale;
        std::vector<Page> best = std::move(pages);
        auto at_most = layout_document(doc, scaled(style, hi), u.page);
        if (at_most.size() == 1) {
            best = std::move(at_most);
            lo = hi;
        } else {
            for (int step = 0; step < 10 && hi - lo > 0.02f; ++step) {
                const float mid = (lo + hi) / 2;
                auto tried = layout_document(doc, scaled(style, mid), u.page);
                if (tried.size() == 1) {
                    lo = mid;
                    best = std::move(tried);
                } else {
                    hi = mid;
                }
            }
        }
        pages = std::move(best);
        balance_single_block(doc, scaled(style, lo), u.page, pages);
        // Centred in the space under the band, as the standing page is on the whole screen.
        Page& page = pages.front();
        if (!page.lines.empty()) {
            const Line& first = page.lines.front();
            const Line& last = page.lines.back();
            const float top = first.y - first.font_size;
            const float bottom = last.y + last.font_size * kStandingFootEm;
            const float room = u.page.body.y + u.page.body.height - bottom;
            const float above = top - u.page.body.y;
            const float dy = std::max(0.0f, (room - above) / 2);
            shift_page(page, dy);
        }
    }
    for (Page& page : pages) page.alert_band = u.band;
    return pages;
}

}  // namespace kiosk::text
