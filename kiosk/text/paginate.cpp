// Pagination: each block's lines broken and set, then lines, pictures and tables placed on
// pages with the keep rules (P2, P3, a signature kept whole).
#include <algorithm>
#include <cmath>

#include <set>

#include "base/utf8.hpp"
#include "text/layout_internal.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

namespace {

struct BlockLines {
    BlockFormat format;
    std::vector<Line> lines;
};

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
        const Role role = sb.block.role;
        if (role == Role::title || role == Role::heading) balance_lines(ctx, spans, first_measure, box.width);
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
            place_table(plan, static_cast<int>(bi), box, style.body_px * kFigureSpaceBeforeEm, pages, cursor);
            cursor += style.body_px * kFigureSpaceBeforeEm;
            continue;
        }
        if (doc.blocks[bi].block.role == Role::image) {
            // The picture scaled to fit (kPictureMaxHeight of the page's height, at most
            // kPictureMaxScale its own size), its caption under it, kept together; a neat
            // placeholder of the same place when the picture is missing, broken or refused.
            const content::Image& im = doc.blocks[bi].block.image;
            const bool ok = im.width > 0 && im.height > 0 && im.problem.empty();
            float w = std::round(box.width * kPlaceholderWidth), h = std::round(w * 9.0f / 16.0f);
            if (ok) {
                const float scale = std::min({box.width / static_cast<float>(im.width),
                                              box.height * kPictureMaxHeight / static_cast<float>(im.height), kPictureMaxScale});
                w = std::round(static_cast<float>(im.width) * scale);
                h = std::round(static_cast<float>(im.height) * scale);
            }
            const bool blank = pages.back().lines.empty() && pages.back().images.empty();
            const float before = blank ? 0.0f : style.body_px * kFigureSpaceBeforeEm;
            const float gap = style.body_px * kFigureGapEm;
            const float caption_h = bl.format.pitch * static_cast<float>(bl.lines.size());
            const float room = box.height - cursor - before - gap - caption_h;
            if (room < h && room >= kPictureMinShrink * h) {  // a little smaller rather than a half-empty page
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
            cursor += style.body_px * kFigureGapEm;
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

std::vector<Page> layout_document_capped(FontSet& fonts, const ShapedDocument& doc, const Style& style,
                                         const PageGeometry& geometry, size_t max_pages,
                                         const std::function<std::string(size_t pages)>& notice,
                                         const ShapeOptions& options, bool* cut_out) {
    std::vector<Page> pages = layout_document(doc, style, geometry);
    if (cut_out) *cut_out = pages.size() > max_pages;
    if (pages.size() <= max_pages || max_pages == 0) return pages;
    const Page& last = pages[max_pages];  // the first page past the cap
    const Page& before = pages[max_pages - 1];
    std::set<int> continued;  // blocks already begun on the page before
    for (const auto& line : before.lines) continued.insert(line.block);
    // The first block that starts on the first page past the cap; when a block runs across
    // it (a long paragraph on a small panel), the block after that one.
    int cut = static_cast<int>(doc.blocks.size());
    int running = -1;
    for (const auto& line : last.lines) {
        if (!continued.count(line.block)) cut = std::min(cut, line.block);
        else running = std::max(running, line.block);
    }
    for (const auto& image : last.images) cut = std::min(cut, image.block);
    if (cut == static_cast<int>(doc.blocks.size()) && running >= 0) cut = running + 1;
    auto lay_out_cut = [&](int blocks, size_t pages_said) {
        const std::string line = notice(pages_said);
        ShapedDocument shorter;
        shorter.title = doc.title;
        shorter.blocks.assign(doc.blocks.begin(), doc.blocks.begin() + blocks);
        shorter.blocks.push_back(
            shape_block(fonts, content::text_block(Role::caption, line, 0, Align::center), utf8::decode(line), options));
        return layout_document(shorter, style, geometry);
    };
    for (int attempt = 0; attempt < 6 && cut > 1; ++attempt, --cut) {
        pages = lay_out_cut(cut, max_pages);
        if (pages.size() <= max_pages) break;
    }
    // The line names the pages there are (a block given up can leave one or two fewer).
    if (pages.size() < max_pages) pages = lay_out_cut(cut, pages.size());
    if (pages.size() > max_pages) pages.resize(max_pages);
    for (auto& page : pages) page.of = static_cast<int>(pages.size());
    return pages;
}

}  // namespace kiosk::text
