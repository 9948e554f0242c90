// 新旧对照 (issue 30): a comparison's pages — the opening page (title, effective date, the
// counts set large, the two texts' titles), then the pairs: side by side under the header
// band 修订前 | 修订后 with a rule between the columns (landscape), or stacked (portrait);
// each pair starts on one baseline in both columns and breaks line-synchronised.
#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "text/compare_internal.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

namespace {

constexpr const char* kSummaryRole = "compare-summary";

// One line of words (no breaking), its pen at x, on `baseline`.
Line word_line(const ShapedBlock& sb, float size, Tone tone, float x, float baseline) {
    BlockFormat f;
    f.size = size;
    f.tone = tone;
    const LineContext ctx{sb, size, false};
    Line line = set_line(ctx, -1, LineSpan{0, sb.shaped.text.size(), false}, f, x, 1e6f, false, true);
    line.y = baseline;
    line.chrome_role = kSummaryRole;
    return line;
}

// A block of words broken in `measure` (balanced, between words when it takes several
// lines), centred in the box; baselines from `top` at `pitch`. Returns the height used.
float centred_text(const ShapedBlock& sb, float size, float pitch, Tone tone, const Box& box, float measure, float top,
                   std::vector<Line>& out) {
    if (sb.shaped.text.empty()) return 0;
    BlockFormat f;
    f.size = size;
    f.pitch = pitch;
    f.tone = tone;
    f.align = Align::center;
    const float x = box.x + (box.width - measure) / 2;
    std::vector<LineSpan> spans = break_lines(LineContext{sb, size, true}, measure, measure);
    const ShapedBlock* source = &sb;
    std::optional<ShapedBlock> by_words;
    if (spans.size() > 1 && (by_words = breaking_at_words(sb))) {
        auto tried = break_lines(LineContext{*by_words, size, true}, measure, measure);
        if (std::none_of(tried.begin(), tried.end(), [](const LineSpan& s) { return s.emergency; })) {
            source = &*by_words;
            spans = std::move(tried);
        }
    }
    const LineContext ctx{*source, size, true};
    balance_lines(ctx, spans, measure, measure);
    for (size_t k = 0; k < spans.size(); ++k) {
        Line line = set_line(ctx, -1, spans[k], f, x, measure, k == 0, k + 1 == spans.size());
        line.y = top + static_cast<float>(k) * pitch + (pitch - size) / 2 + kEmBoxAscent * size;
        line.chrome_role = kSummaryRole;
        out.push_back(std::move(line));
    }
    return static_cast<float>(spans.size()) * pitch;
}

// The counts: 新增 12 条，删除 3 条，… with the figures large in the accent colour, the words
// beside them at the body size, on one baseline; groups wrap when the line is too narrow.
float counts(const ShapedDocument& doc, const Style& style, const Box& box, float top, std::vector<Line>& out) {
    const auto& w = doc.compare_words;
    if (w.size() < kWordCount) return 0;
    const float body = style.body_px, big = std::round(kCompareFigureEm * body);
    const float pitch = std::round(big * 1.35f);
    const float inner = std::round(0.25f * body), between = std::round(0.6f * body);
    struct Group {
        std::vector<Line> lines;
        float width = 0;
    };
    std::vector<Group> groups;
    for (size_t g = 0; g < 4; ++g) {
        Group group;
        float x = 0;
        const size_t at = kWordCountFirst + 3 * g;
        group.lines.push_back(word_line(w[at], body, Tone::text, x, 0));
        x += group.lines.back().width + inner;
        group.lines.push_back(word_line(w[at + 1], big, Tone::accent, x, 0));
        x += group.lines.back().width + inner;
        group.lines.push_back(word_line(w[at + 2], body, Tone::text, x, 0));
        x += group.lines.back().width;
        group.width = x;
        groups.push_back(std::move(group));
    }
    // Rows of groups, as many to a row as fit; then each row centred.
    float y = top;
    for (size_t g = 0; g < groups.size();) {
        size_t end = g;
        float width = 0;
        while (end < groups.size() && (end == g || width + between + groups[end].width <= box.width)) {
            width += (end == g ? 0 : between) + groups[end].width;
            ++end;
        }
        float x = box.x + (box.width - width) / 2;
        const float baseline = y + (pitch - big) / 2 + kEmBoxAscent * big;
        for (size_t k = g; k < end; ++k) {
            for (Line line : groups[k].lines) {
                line.x += x;
                for (auto& gl : line.glyphs) gl.x += x;
                for (auto& ink : line.ink) ink.x += x;
                line.y = baseline;
                out.push_back(std::move(line));
            }
            x += groups[k].width + between;
        }
        y += pitch;
        g = end;
    }
    return y - top;
}

Page opening_page(const ShapedDocument& doc, const Style& style, const Box& box) {
    Page page;
    const auto& w = doc.compare_words;
    if (w.size() < kWordCount) return page;
    std::vector<Line> lines;
    const float body = style.body_px;
    const float measure = std::min(box.width, std::round(box.width * 0.86f));
    float y = 0;
    y += centred_text(w[kWordTitle], style.title_px, std::round(style.title_px * 1.35f), Tone::accent, box, measure, y, lines);
    if (!w[kWordEffective].shaped.text.empty()) {
        y += std::round(0.3f * body);
        y += centred_text(w[kWordEffective], body, std::round(body * 1.5f), Tone::text, box, measure, y, lines);
    }
    y += std::round(1.0f * body);
    y += counts(doc, style, box, y, lines);
    if (!w[kWordRelations].shaped.text.empty())
        y += centred_text(w[kWordRelations], style.meta_px, std::round(style.meta_px * 1.5f), Tone::muted, box, measure, y, lines);
    const bool titles = !w[kWordOldTitle].shaped.text.empty() || !w[kWordNewTitle].shaped.text.empty();
    if (titles) y += std::round(1.0f * body);
    for (size_t k : {kWordOldTitle, kWordNewTitle})
        y += centred_text(w[k], style.meta_px, std::round(style.meta_px * 1.5f), Tone::muted, box, measure, y, lines);
    // Set a little above the middle, as a title page is.
    const float top = box.y + std::max(0.0f, std::round((box.height - y) * 0.42f));
    for (Line& line : lines) {
        line.y += top;
        line.block = -1;
        page.lines.push_back(std::move(line));
    }
    return page;
}

// Pairs onto pages.
class Paginator {
public:
    Paginator(const ShapedDocument& doc, const Style& style, const CompareFrame& frame, std::vector<Page>& pages)
        : doc_(doc), style_(style), fr_(frame), pages_(pages) {
        band_ = fr_.side_by_side ? std::round(kCompareBandEm * style.body_px) : 0.0f;
        band_gap_ = fr_.side_by_side ? std::round(kCompareBandGapEm * style.body_px) : 0.0f;
    }

    // `next_first`: the least height the unit after a heading needs on the heading's page.
    void place(const CompareUnit& u, float next_first) {
        if (u.rows.empty()) return;
        if (!started_) new_page();
        const float gap = std::round((u.heading ? kCompareHeadingGapEm : kComparePairGapEm) * style_.body_px);
        float before = empty_ ? 0.0f : gap;
        auto height = [&](size_t a, size_t b) {
            float h = 0;
            for (size_t r = a; r < b; ++r) h += u.rows[r].height;
            return h;
        };
        float need = height(0, u.least_first_piece());
        if (u.heading) need = height(0, u.rows.size()) + next_first;
        if (!empty_ && cursor_ + before + need > room() + 0.01f) {
            new_page();
            before = 0;
        }
        size_t r = 0;
        while (r < u.rows.size()) {
            const float left = room() + 0.01f - cursor_ - before;
            if (height(r, u.rows.size()) <= left) {
                put(u, r, u.rows.size(), before);
                return;
            }
            // The last allowed break that fits, leaving the piece at least two rows; one row
            // earlier when that spares a lone first or last line of a paragraph (P3).
            size_t k = 0;
            for (size_t j = r + 2; j < u.rows.size(); ++j)
                if (u.rows[j].break_before && height(r, j) <= left) k = j;
            if (k > 0 && u.rows[k].penalty > 0 && k - 1 >= r + 2 && u.rows[k - 1].break_before && u.rows[k - 1].penalty == 0)
                --k;
            if (k == 0) {
                if (!empty_) {
                    new_page();
                    before = 0;
                    continue;
                }
                // Longer than a page with no allowed break on it: as many rows as fit.
                k = r + 1;
                while (k < u.rows.size() && height(r, k + 1) <= left) ++k;
            }
            put(u, r, k, before);
            new_page();
            before = 0;
            r = k;
        }
    }

    void finish() {
        if (!started_) new_page();  // a comparison with no pairs: the band alone
        close_page();
    }

private:
    float room() const { return fr_.box.height; }

    void new_page() {
        if (started_) close_page();
        pages_.emplace_back();
        started_ = true;
        closed_ = false;
        empty_ = true;
        across_.clear();
        bottom_ = band_;
        cursor_ = band_ > 0 ? band_ + band_gap_ : 0.0f;
        if (!fr_.side_by_side) return;
        Page& page = pages_.back();
        const Box& b = fr_.box;
        page.rules.push_back(Rule{Box{b.x, b.y, b.width, band_}, true});
        const auto& w = doc_.compare_words;
        if (w.size() <= kWordHeadNew) return;
        const float size = style_.body_px;
        const float baseline = b.y + (band_ - size) / 2 + kEmBoxAscent * size;
        const bool repeat = first_pair_page_ >= 0;
        if (!repeat) first_pair_page_ = static_cast<int>(pages_.size()) - 1;
        for (auto [word, x, column] : {std::tuple{kWordHeadOld, fr_.old_x, Column::old_text}, std::tuple{kWordHeadNew, fr_.new_x, Column::new_text}}) {
            Line line = word_line(w[word], size, Tone::accent, 0, baseline);
            const float dx = x + (fr_.column - line.width) / 2;
            line.x += dx;
            for (auto& g : line.glyphs) g.x += dx;
            for (auto& ink : line.ink) ink.x += dx;
            line.chrome_role = "compare-head";
            line.role = Role::compare;
            line.column = column;
            line.repeat = repeat;
            page.lines.push_back(std::move(line));
        }
    }

    // The rule between the columns, from the band's top to the page's last line, stopping
    // around headings set across.
    void close_page() {
        if (closed_) return;
        closed_ = true;
        if (!fr_.side_by_side) return;
        Page& page = pages_.back();
        const float y0 = fr_.box.y;
        float from = y0;
        for (const auto& [a, b] : across_) {
            if (a > from) page.rules.push_back(Rule{Box{fr_.rule_x, from, 0, a - from}, false});
            from = b;
        }
        const float to = y0 + bottom_;
        if (to > from) page.rules.push_back(Rule{Box{fr_.rule_x, from, 0, to - from}, false});
    }

    void put(const CompareUnit& u, size_t a, size_t b, float before) {
        Page& page = pages_.back();
        const Box& box = fr_.box;
        if (before > 0) {
            // A hairline across between two pairs (not around a heading).
            if (!u.heading && !last_heading_)
                page.rules.push_back(Rule{Box{box.x, box.y + cursor_ + std::round(before / 2), box.width, 0}, false});
            const bool across = !u.rows.empty() && u.rows[a].rule_across;
            if (across) across_.emplace_back(box.y + cursor_ + before * 0.25f, 0);
            cursor_ += before;
        }
        for (size_t r = a; r < b; ++r) {
            const CompareRow& row = u.rows[r];
            const float top = box.y + cursor_;
            if (row.rule_across) {
                if (across_.empty() || across_.back().second != 0) across_.emplace_back(top, 0);
                across_.back().second = top + row.height;
            }
            for (Line line : row.lines) {
                line.y += top;
                for (MarkSpan& m : line.marks) m.stroke.y += top;
                page.lines.push_back(std::move(line));
            }
            cursor_ += row.height;
        }
        bottom_ = cursor_;
        empty_ = false;
        last_heading_ = u.heading;
    }

    const ShapedDocument& doc_;
    const Style& style_;
    const CompareFrame& fr_;
    std::vector<Page>& pages_;
    float band_ = 0, band_gap_ = 0;
    float cursor_ = 0, bottom_ = 0;
    bool started_ = false, closed_ = false, empty_ = true, last_heading_ = false;
    int first_pair_page_ = -1;
    std::vector<std::pair<float, float>> across_;  // headings set across: where the column rule stops
};

// A block that is not a pair (the capped layout's notice): full width, its own format.
CompareUnit plain_unit(const ShapedBlock& sb, size_t block, const Style& style, const Box& box) {
    CompareUnit u;
    u.block = static_cast<int>(block);
    u.pair = -1;
    if (sb.shaped.text.empty()) return u;
    const BlockFormat f = format_for(sb.block, style);
    const LineContext ctx{sb, f.size, f.indent == 0};
    auto spans = break_lines(ctx, box.width - f.indent, box.width);
    for (size_t k = 0; k < spans.size(); ++k) {
        CompareRow row;
        row.height = f.pitch;
        row.break_before = k > 0;
        Line line = set_line(ctx, static_cast<int>(block), spans[k], f, box.x, k == 0 ? box.width - f.indent : box.width, k == 0,
                             k + 1 == spans.size());
        line.y = (f.pitch - f.size) / 2 + kEmBoxAscent * f.size;
        row.lines.push_back(std::move(line));
        u.rows.push_back(std::move(row));
    }
    return u;
}

}  // namespace

std::vector<Page> layout_compare(const ShapedDocument& doc, const Style& style, const PageGeometry& geometry) {
    const CompareFrame frame = compare_frame(style, geometry);
    std::vector<Page> pages;
    pages.push_back(opening_page(doc, style, frame.box));
    std::vector<CompareUnit> units;
    int pair = 0;
    for (size_t bi = 0; bi < doc.blocks.size(); ++bi) {
        if (doc.blocks[bi].block.role == Role::compare) units.push_back(compare_unit(doc, bi, pair++, style, frame));
        else units.push_back(plain_unit(doc.blocks[bi], bi, style, frame.box));
    }
    Paginator paginator(doc, style, frame, pages);
    for (size_t i = 0; i < units.size(); ++i) {
        float next_first = 0;
        if (units[i].heading) {
            // Kept with the pairs it heads: the next one's first piece (and the one after a
            // second heading), with the space before it.
            for (size_t j = i + 1; j < units.size() && j < i + 3; ++j) {
                const CompareUnit& next = units[j];
                const size_t rows = next.heading ? next.rows.size() : next.least_first_piece();
                next_first += std::round((next.heading ? kCompareHeadingGapEm : kComparePairGapEm) * style.body_px);
                for (size_t r = 0; r < rows; ++r) next_first += next.rows[r].height;
                if (!next.heading) break;
            }
        }
        paginator.place(units[i], next_first);
    }
    paginator.finish();
    const int of = static_cast<int>(pages.size());
    for (int i = 0; i < of; ++i) {
        pages[static_cast<size_t>(i)].number = i + 1;
        pages[static_cast<size_t>(i)].of = of;
        pages[static_cast<size_t>(i)].box = geometry.body;
    }
    return pages;
}

}  // namespace kiosk::text
