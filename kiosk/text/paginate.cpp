// Pagination: each block's lines broken and set, then lines, pictures and tables placed on
// pages with the keep rules (P2, P3, a signature kept whole), the last two pages balanced.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

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

bool is_signature(const content::Block& b) { return b.role == Role::meta && b.align == Align::end; }

// A document's blocks broken into lines and its tables planned, once: they are then placed
// on pages as often as balancing the last pages needs.
struct Prepared {
    const ShapedDocument& doc;
    const Style& style;
    Box box;
    std::vector<BlockLines> blocks;
    std::vector<std::optional<TablePlan>> tables;  // per block
};

Prepared prepare(const ShapedDocument& doc, const Style& style, const Box& box) {
    Prepared prep{doc, style, box, {}, {}};
    prep.blocks.reserve(doc.blocks.size());
    prep.tables.resize(doc.blocks.size());
    for (size_t bi = 0; bi < doc.blocks.size(); ++bi) {
        const ShapedBlock& sb = doc.blocks[bi];
        BlockLines bl;
        bl.format = format_for(sb.block, style);
        if (sb.block.role == Role::table) {
            prep.tables[bi] = plan_table(sb, style, box.width);
            prep.blocks.push_back(std::move(bl));
            continue;
        }
        const float first_measure = box.width - bl.format.indent;
        const Role role = sb.block.role;
        // S3 trims an opening mark at the start of every line but an indented first line.
        std::vector<LineSpan> spans = break_lines(LineContext{sb, bl.format.size, bl.format.indent == 0}, first_measure, box.width);
        // A title, heading or meta line breaks between words (…工作/年度报告, not
        // …年度报/告; …建设/管理局) unless a word is wider than the measure. One that fits
        // on one line is set the same either way, so ICU's word breaker is not even asked
        // (its Chinese dictionary is 1.3 MB of data faulted in for the first word).
        const ShapedBlock* source = &sb;
        std::optional<ShapedBlock> by_words;
        const bool one_line = spans.size() == 1 && !spans.front().emergency;
        if ((role == Role::title || role == Role::heading || role == Role::meta) && !one_line &&
            (by_words = breaking_at_words(sb))) {
            const LineContext word_ctx{*by_words, bl.format.size, bl.format.indent == 0};
            auto tried = break_lines(word_ctx, first_measure, box.width);
            if (std::none_of(tried.begin(), tried.end(), [](const LineSpan& s) { return s.emergency; })) {
                source = &*by_words;
                spans = std::move(tried);
            }
        }
        const LineContext ctx{*source, bl.format.size, bl.format.indent == 0};
        if (bl.format.justify) avoid_lone_last_character(ctx, spans, first_measure, box.width);
        if (role == Role::title || role == Role::heading) balance_lines(ctx, spans, first_measure, box.width);
        for (size_t k = 0; k < spans.size(); ++k) {
            bl.lines.push_back(set_line(ctx, static_cast<int>(bi), spans[k], bl.format, box.x,
                                        k == 0 ? first_measure : box.width, k == 0,
                                        k + 1 == spans.size()));
        }
        prep.blocks.push_back(std::move(bl));
    }
    return prep;
}

// A picture's size on the page before any shrinking to fit: kPictureMaxHeight of the body's
// height, at most kPictureMaxScale its own size; a placeholder's when it is missing.
std::pair<float, float> picture_size(const content::Image& im, const Box& box) {
    const bool ok = im.width > 0 && im.height > 0 && im.problem.empty();
    float w = std::round(box.width * kPlaceholderWidth), h = std::round(w * 9.0f / 16.0f);
    if (ok) {
        const float scale = std::min({box.width / static_cast<float>(im.width),
                                      box.height * kPictureMaxHeight / static_cast<float>(im.height), kPictureMaxScale});
        w = std::round(static_cast<float>(im.width) * scale);
        h = std::round(static_cast<float>(im.height) * scale);
    }
    return {w, h};
}

// Lines, pictures and tables onto pages, top to bottom, with the keep rules:
// - a heading (or the title) goes with what it heads: two lines of a paragraph (or all of
//   one of up to three lines), a table's header rows and first body row, a picture (as
//   small as it may shrink) with its caption, or the next heading and what that heads;
// - a table that would start in the last quarter of a page moves whole to the next page
//   when it fits there whole;
// - P3: no paragraph's first line alone at a page's foot nor its last alone at the top;
// - a signature (office, then date, set flush right) stays together.
std::vector<Page> place(const Prepared& prep, const PageRoom& room) {
    const ShapedDocument& doc = prep.doc;
    const Style& style = prep.style;
    const Box& box = prep.box;
    const auto& blocks = prep.blocks;
    const float figure_before = style.body_px * kFigureSpaceBeforeEm;
    std::vector<Page> pages(1);
    float cursor = 0;  // from the body box's top
    // The spaces before blocks on the current page. To fit a heading with what it heads they
    // may shrink to kSpaceMinShare of their size, and the last line kept with it may hang its
    // half-leading below the box (its ink stays inside), rather than the heading leaving the
    // page's foot three lines empty.
    struct Space {
        float at, natural, now;  // where it starts (from the box's top), its size and what is left
    };
    std::vector<Space> spaces;
    float overrun = 0;  // px the current page may run past its height (a hung half-leading)
    auto height = [&] { return room.at(pages.size() - 1) + overrun; };
    auto blank = [&] { return pages.back().lines.empty() && pages.back().images.empty() && pages.back().rules.empty(); };
    auto new_page = [&] {
        pages.emplace_back();
        cursor = 0;
        spaces.clear();
        overrun = 0;
    };
    auto shrinkable = [&] {
        float total = 0;
        for (const Space& sp : spaces) total += sp.now - kSpaceMinShare * sp.natural;
        return total;
    };
    // Takes `by` px from the page's spaces, each in proportion to what it may still give,
    // and moves up what is under them.
    auto shrink = [&](float by) {
        const float total = shrinkable();
        if (total <= 0 || by <= 0) return;
        const float ratio = std::min(1.0f, by / total);
        std::vector<float> cut(spaces.size());
        for (size_t i = 0; i < spaces.size(); ++i) cut[i] = (spaces[i].now - kSpaceMinShare * spaces[i].natural) * ratio;
        auto lift = [&](float y) {  // how far something at y (from the box's top) moves up
            float d = 0;
            for (size_t i = 0; i < spaces.size(); ++i)
                if (spaces[i].at < y) d += cut[i];
            return d;
        };
        Page& page = pages.back();
        for (Line& line : page.lines) {
            const float d = lift(line.y - box.y);
            line.y -= d;
            if (line.cell) line.cell->box.y -= d;
        }
        for (PlacedImage& im : page.images) im.box.y -= lift(im.box.y - box.y);
        for (Rule& rule : page.rules) rule.box.y -= lift(rule.box.y - box.y);
        float done = 0;
        for (size_t i = 0; i < spaces.size(); ++i) {
            spaces[i].at -= done;
            spaces[i].now -= cut[i];
            done += cut[i];
        }
        cursor -= done;
    };
    auto space_before = [&](size_t bi) {
        if (blank()) return 0.0f;
        Role prev = doc.blocks[bi - 1].block.role;
        // Runs of meta lines or captions sit together; a new kind of block gets its space.
        return prev == doc.blocks[bi].block.role && !is_body(prev) ? 0.0f : blocks[bi].format.space_before;
    };
    // Whether a table starting at `at` moves whole to the next page.
    auto table_moves_whole = [&](const TablePlan& plan, float at) {
        const float whole = table_whole_height(plan);
        return at > 0.75f * height() && whole >= 0 && whole <= room.full + 0.01f;
    };
    // The height, from `at` (not a page's top), that block j needs on the same page as a
    // heading before it.
    auto kept_with = [&](auto&& self, size_t j, float at, int depth) -> float {
        if (j >= blocks.size()) return 0.0f;
        const Role role = doc.blocks[j].block.role;
        const BlockLines& next = blocks[j];
        if (prep.tables[j]) {
            const TablePlan& plan = *prep.tables[j];
            if (table_moves_whole(plan, at + figure_before)) return figure_before + table_whole_height(plan);
            return figure_before + table_start_height(plan);
        }
        if (role == Role::image) {
            const float h = picture_size(doc.blocks[j].block.image, box).second * kPictureMinShrink;
            return figure_before + h + style.body_px * kFigureGapEm + next.format.pitch * static_cast<float>(next.lines.size());
        }
        const size_t n = next.lines.size();
        if (n == 0) return 0.0f;
        const float own = next.format.space_before;
        if (next.format.keep_with_next && depth < 3) {
            const float lines = next.format.pitch * static_cast<float>(n);
            return own + lines + self(self, j + 1, at + own + lines, depth + 1);
        }
        // As many lines of a paragraph as P3 keeps together.
        const size_t together = is_body(role) && n >= 2 ? (n <= 3 ? n : 2) : std::min<size_t>(n, 2);
        return own + next.format.pitch * static_cast<float>(together);
    };

    for (size_t bi = 0; bi < blocks.size(); ++bi) {
        const BlockLines& bl = blocks[bi];
        if (doc.blocks[bi].block.page_break && !pages.back().lines.empty()) new_page();  // the next article of a column
        if (prep.tables[bi]) {
            const TablePlan& plan = *prep.tables[bi];
            if (!blank() && table_moves_whole(plan, cursor + figure_before) &&
                cursor + figure_before + table_whole_height(plan) > height() + 0.01f)
                new_page();
            place_table(plan, static_cast<int>(bi), box, room, figure_before, pages, cursor);
            cursor += figure_before;
            continue;
        }
        if (doc.blocks[bi].block.role == Role::image) {
            // The picture scaled to fit, its caption under it, kept together; a neat
            // placeholder of the same place when the picture is missing, broken or refused.
            const content::Image& im = doc.blocks[bi].block.image;
            const bool ok = im.width > 0 && im.height > 0 && im.problem.empty();
            auto [w, h] = picture_size(im, box);
            const bool was_blank = blank();
            const float before = was_blank ? 0.0f : figure_before;
            const float gap = style.body_px * kFigureGapEm;
            const float caption_h = bl.format.pitch * static_cast<float>(bl.lines.size());
            const float room_left = height() - cursor - before - gap - caption_h;
            if (room_left < h && room_left >= kPictureMinShrink * h) {  // a little smaller rather than a half-empty page
                w = std::round(w * room_left / h);
                h = std::floor(room_left);
            }
            const float need = before + h + gap + caption_h;
            const bool moved = cursor + need > height() + 0.01f && !was_blank;
            if (moved) new_page();
            const float top = cursor + (was_blank || moved ? 0.0f : before);
            if (top > cursor) spaces.push_back(Space{cursor, before, before});
            pages.back().images.push_back(PlacedImage{static_cast<int>(bi), Box{box.x + (box.width - w) / 2, box.y + top, w, h}, im.url, !ok});
            cursor = top + h + gap;
            for (const Line& proto : bl.lines) {
                Line line = proto;
                line.y = box.y + cursor + (bl.format.pitch - bl.format.size) / 2 + kEmBoxAscent * bl.format.size;
                cursor += bl.format.pitch;
                pages.back().lines.push_back(std::move(line));
            }
            cursor += gap;
            continue;
        }
        if (bl.lines.empty()) continue;
        const BlockFormat& f = bl.format;
        float own_cut = 0;  // taken from this block's own space before
        if (f.keep_with_next && bi + 1 < blocks.size() && !blank()) {
            const float own_space = space_before(bi);
            const float own = own_space + f.pitch * static_cast<float>(bl.lines.size());
            const float deficit = cursor + own + kept_with(kept_with, bi + 1, cursor + own, 0) - height();
            const float hang = is_body(doc.blocks[bi + 1].block.role) ? (blocks[bi + 1].format.pitch - blocks[bi + 1].format.size) / 2 : 0.0f;
            if (deficit > 0.01f) {
                if (deficit <= shrinkable() + (1 - kSpaceMinShare) * own_space + hang) {
                    const float from_page = std::min(deficit, shrinkable());
                    shrink(from_page);
                    own_cut = std::min(deficit - from_page, (1 - kSpaceMinShare) * own_space);
                    overrun = std::max(0.0f, deficit - from_page - own_cut);
                } else {
                    new_page();
                }
            }
        }
        if (is_signature(doc.blocks[bi].block) && !blank() && !(bi > 0 && is_signature(doc.blocks[bi - 1].block))) {
            float need = space_before(bi);
            for (size_t j = bi; j < blocks.size() && j < bi + 4 && is_signature(doc.blocks[j].block); ++j)
                need += blocks[j].format.pitch * static_cast<float>(blocks[j].lines.size());
            if (cursor + need > height() + 0.01f) new_page();
        }
        // P3: move the first line on, or one more line.
        size_t break_after = bl.lines.size();  // a forced page break after this many lines
        const size_t n = bl.lines.size();
        if (is_body(doc.blocks[bi].block.role) && n >= 2 && !blank()) {
            const float left = height() + 0.01f - cursor - space_before(bi);
            const size_t fit = left < f.pitch ? 0 : static_cast<size_t>(left / f.pitch);
            if (fit == 1 || (fit == n - 1 && n <= 3)) {
                new_page();  // the whole paragraph goes on
            } else if (fit == n - 1) {
                break_after = n - 2;  // two lines go on together
            }
        }
        for (size_t k = 0; k < n; ++k) {
            float before = k == 0 ? space_before(bi) - own_cut : 0.0f;
            if (k == break_after || (cursor + before + f.pitch > height() + 0.01f && !blank())) {
                new_page();
                before = 0;
            }
            if (before > 0) spaces.push_back(Space{cursor, before + own_cut, before});
            Line line = bl.lines[k];
            cursor += before;
            line.y = box.y + cursor + (f.pitch - f.size) / 2 + kEmBoxAscent * f.size;
            cursor += f.pitch;
            pages.back().lines.push_back(std::move(line));
        }
    }
    return pages;
}

// An item's last page that holds only a line or two besides a signature (…无。 and the
// date): a short tail.
bool short_tail(const ShapedDocument& doc, const std::vector<Page>& pages) {
    if (pages.size() < 2) return false;
    const Page& last = pages.back();
    if (!last.images.empty()) return false;
    size_t lines = 0, signature = 0;
    for (const Line& line : last.lines) {
        if (line.repeat) continue;
        ++lines;
        if (is_signature(doc.blocks[static_cast<size_t>(line.block)].block)) ++signature;
    }
    return lines - signature <= 2;
}

}  // namespace

std::vector<Page> layout_document(const ShapedDocument& doc, const Style& style,
                                  const PageGeometry& geometry) {
    if (doc.compare_summary) return layout_compare(doc, style, geometry);  // 新旧对照 (issue 30)
    const Box& box = geometry.body;
    const Prepared prep = prepare(doc, style, box);
    PageRoom room;
    room.full = box.height;
    std::vector<Page> pages = place(prep, room);
    // No short tail: the page before the last is made a line shorter at a time (down to
    // half its height, the two pages balanced) until the last holds more than two lines
    // besides a signature, on as many pages.
    if (short_tail(doc, pages)) {
        const float pitch = style.body_px * style.line_height;
        room.short_page = pages.size() - 2;
        for (float cut = pitch; cut <= box.height / 2; cut += pitch) {
            room.short_height = box.height - cut;
            std::vector<Page> balanced = place(prep, room);
            if (balanced.size() != pages.size()) break;
            if (!short_tail(doc, balanced)) {
                pages = std::move(balanced);
                break;
            }
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
    // Lines of no block (a comparison's opening page and header band) do not decide the cut.
    // The first block that starts on the first page past the cap; when a block runs across
    // it (a long paragraph on a small panel), the block after that one.
    int cut = static_cast<int>(doc.blocks.size());
    int running = -1;
    for (const auto& line : last.lines) {
        if (line.block < 0) continue;
        if (!continued.count(line.block)) cut = std::min(cut, line.block);
        else running = std::max(running, line.block);
    }
    for (const auto& image : last.images) cut = std::min(cut, image.block);
    if (cut == static_cast<int>(doc.blocks.size()) && running >= 0) cut = running + 1;
    auto lay_out_cut = [&](int blocks, size_t pages_said) {
        const std::string line = notice(pages_said);
        ShapedDocument shorter;
        shorter.title = doc.title;
        shorter.compare_summary = doc.compare_summary;
        shorter.compare_words = doc.compare_words;
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
