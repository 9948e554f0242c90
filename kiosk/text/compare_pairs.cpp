// 新旧对照 (issue 30): one pair set for the page's measure — each side's paragraphs broken and
// justified as body text, its marked spans (ink colour and stroke), the 新增 / 删除 labels and
// the note — as rows a page may break between: side by side, row k of both columns on one
// baseline; stacked (portrait), the old side above the new, each labelled.
#include <algorithm>
#include <cmath>
#include <optional>

#include "text/compare_internal.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

CompareFrame compare_frame(const Style& style, const PageGeometry& geometry) {
    CompareFrame f;
    f.box = geometry.body;
    const float gutter = std::round(kCompareGutterEm * style.body_px);
    f.column = std::floor((f.box.width - gutter) / 2);
    f.side_by_side = geometry.width > geometry.height && f.column >= kCompareMinColumnEm * style.body_px;
    if (!f.side_by_side) {
        f.column = f.box.width;
        f.old_x = f.new_x = f.rule_x = f.box.x;
        return f;
    }
    f.old_x = f.box.x;
    f.new_x = f.box.x + f.box.width - f.column;
    f.rule_x = std::round((f.old_x + f.column + f.new_x) / 2);
    return f;
}

Box mark_stroke(const Line& line, int begin, int end, Mark mark) {
    const GlyphBox& a = line.glyphs[static_cast<size_t>(begin)];
    const GlyphBox& b = line.glyphs[static_cast<size_t>(end - 1)];
    const float size = line.font_size;
    const float thick = std::max(2.0f, std::round(kMarkStrokeEm * size));
    const float top = mark == Mark::deleted ? line.y - (kEmBoxAscent - 0.5f) * size - thick / 2
                                            : line.y + kUnderlineDropEm * size;
    return Box{a.x, std::round(top), b.x + b.w - a.x, thick};
}

size_t CompareUnit::least_first_piece() const {
    for (size_t k = 1; k < rows.size(); ++k)
        if (rows[k].break_before) return k;
    return rows.size();
}

namespace {

// A side's lines, each with the paragraph it comes from and its place in it.
struct SideLine {
    Line line;
    size_t paragraph = 0;
    bool first = false, last = false;  // of its paragraph
};

struct PairContext {
    const ShapedDocument& doc;
    const Style& style;
    const CompareFrame& frame;
    int block = 0, pair = 0;
    float pitch = 0;  // body
};

// Ink colours and MarkSpans of a line set from characters [begin, end) of a paragraph.
void apply_marks(Line& line, const ShapedText& t, size_t begin, size_t end, const std::vector<content::DiffMark>& marks,
                 size_t paragraph, Mark mark) {
    size_t visible = end;
    while (visible > begin && is_space(t.text[visible - 1])) --visible;
    auto inside = [&](size_t i) {
        for (const auto& m : marks)
            if (static_cast<size_t>(m.paragraph) == paragraph && static_cast<size_t>(m.begin) <= i && i < static_cast<size_t>(m.end))
                return true;
        return false;
    };
    size_t ink = 0;
    for (size_t i = begin; i < visible; ++i) {
        const bool in = inside(i);
        for (uint32_t g = t.glyph_start[i]; g < t.glyph_start[i + 1] && ink < line.ink.size(); ++g)
            line.ink[ink++].mark = in ? mark : Mark::none;
    }
    for (const auto& m : marks) {
        if (static_cast<size_t>(m.paragraph) != paragraph) continue;
        size_t from = std::max(begin, static_cast<size_t>(std::max(0, m.begin)));
        const size_t to = std::min(visible, static_cast<size_t>(std::max(0, m.end)));
        while (from < to && is_space(t.text[from])) ++from;
        if (from >= to) continue;
        line.marks.push_back(MarkSpan{static_cast<int>(from - begin), static_cast<int>(to - begin), mark, Box{}});
    }
}

// A block's text broken and set in `measure` at `x` (a heading between words and balanced,
// body text justified with P1), its marks applied.
std::vector<SideLine> set_text(const PairContext& pc, const ShapedBlock& sb, const BlockFormat& f, float x, float measure,
                               Column column, size_t paragraph, const std::vector<content::DiffMark>& marks, Mark mark) {
    std::vector<SideLine> out;
    if (sb.shaped.text.empty()) return out;
    const float first_measure = measure - f.indent;
    const bool heading = sb.block.role == Role::heading || sb.block.role == Role::title;
    std::vector<LineSpan> spans = break_lines(LineContext{sb, f.size, f.indent == 0}, first_measure, measure);
    const ShapedBlock* source = &sb;
    std::optional<ShapedBlock> by_words;
    if (heading && spans.size() > 1 && (by_words = breaking_at_words(sb))) {
        auto tried = break_lines(LineContext{*by_words, f.size, f.indent == 0}, first_measure, measure);
        if (std::none_of(tried.begin(), tried.end(), [](const LineSpan& s) { return s.emergency; })) {
            source = &*by_words;
            spans = std::move(tried);
        }
    }
    const LineContext ctx{*source, f.size, f.indent == 0};
    if (f.justify) avoid_lone_last_character(ctx, spans, first_measure, measure);
    if (heading) balance_lines(ctx, spans, first_measure, measure);
    for (size_t k = 0; k < spans.size(); ++k) {
        SideLine sl;
        sl.line = set_line(ctx, pc.block, spans[k], f, x, k == 0 ? first_measure : measure, k == 0, k + 1 == spans.size());
        sl.line.role = Role::compare;
        sl.line.column = column;
        sl.line.pair = pc.pair;
        sl.paragraph = paragraph;
        sl.first = k == 0;
        sl.last = k + 1 == spans.size();
        if (mark != Mark::none) apply_marks(sl.line, sb.shaped, spans[k].begin, spans[k].end, marks, paragraph, mark);
        out.push_back(std::move(sl));
    }
    return out;
}

// A side's paragraphs (cells [first, first + count) of the pair's block).
std::vector<SideLine> set_side(const PairContext& pc, const ShapedBlock& pair_block, size_t first,
                               const content::CompareSide& side, bool heading, float x, float measure, Column column,
                               Mark mark, Align heading_align) {
    std::vector<SideLine> out;
    for (size_t i = 0; i < side.paragraphs.size() && first + i < pair_block.cells.size(); ++i) {
        const ShapedBlock& cell = pair_block.cells[first + i];
        BlockFormat f = format_for(heading ? cell.block : content::text_block(Role::compare, ""), pc.style);
        if (heading) {
            f.align = heading_align;
            f.space_before = 0;
            f.keep_with_next = false;
        }
        auto lines = set_text(pc, cell, f, x, measure, column, i, side.marks, mark);
        for (auto& l : lines) out.push_back(std::move(l));
    }
    return out;
}

// A small muted line (新增, 删除, 修订前, the note) set in `measure` at `x`; more than one line
// only for a long note.
std::vector<SideLine> set_small(const PairContext& pc, const ShapedBlock& sb, float x, float measure, Column column,
                                std::string chrome_role) {
    BlockFormat f;
    f.size = pc.style.meta_px;
    f.pitch = pc.pitch;
    f.tone = Tone::muted;
    auto lines = set_text(pc, sb, f, x, measure, column, 0, {}, Mark::none);
    for (auto& l : lines) l.line.chrome_role = chrome_role;
    return lines;
}

// Places `line` in a row of `height` on the baseline a body line of the row would have.
Line in_row(Line line, float height, float body_px) {
    line.y = (height - body_px) / 2 + kEmBoxAscent * body_px;
    return line;
}

bool same_text(const content::Comparison& c) {
    return !c.old_side.empty() && c.old_side.paragraphs == c.new_side.paragraphs && c.old_side.marks.empty() &&
           c.new_side.marks.empty();
}

// Side by side: row k holds line k of each column. A break before row k leaves each broken
// column at least two lines on both pages (so an article's number never ends a column), and
// never parts the new side from its note.
CompareUnit side_by_side(const PairContext& pc, const ShapedBlock& sb) {
    const content::Comparison& c = sb.block.compare;
    const CompareFrame& fr = pc.frame;
    const size_t old_n = c.old_side.paragraphs.size(), new_n = c.new_side.paragraphs.size();
    CompareUnit u;
    u.block = pc.block;
    u.pair = pc.pair;
    u.heading = c.heading;
    const float body = pc.style.body_px;
    if (c.heading && same_text(c)) {  // 第一章　总则 on both sides: once, across the columns
        auto lines = set_side(pc, sb, 0, c.new_side, true, fr.box.x, fr.box.width, Column::both, Mark::none, Align::center);
        const float h = std::max(format_for(sb.cells[0].block, pc.style).pitch, pc.pitch);
        for (auto& l : lines) {
            CompareRow row;
            row.height = h;
            row.rule_across = true;
            row.lines.push_back(in_row(std::move(l.line), h, l.line.font_size));
            u.rows.push_back(std::move(row));
        }
        return u;
    }
    auto old_lines = set_side(pc, sb, 0, c.old_side, c.heading, fr.old_x, fr.column, Column::old_text, Mark::deleted, Align::center);
    auto new_lines = set_side(pc, sb, old_n, c.new_side, c.heading, fr.new_x, fr.column, Column::new_text, Mark::inserted, Align::center);
    const size_t old_text = old_lines.size(), new_text = new_lines.size();
    const auto& words = pc.doc.compare_words;
    if (c.old_side.empty() && words.size() > kWordAdded)
        old_lines = set_small(pc, words[kWordAdded], fr.old_x, fr.column, Column::old_text, "compare-label");
    if (c.new_side.empty() && words.size() > kWordDeleted)
        new_lines = set_small(pc, words[kWordDeleted], fr.new_x, fr.column, Column::new_text, "compare-label");
    if (old_n + new_n < sb.cells.size())
        for (auto& l : set_small(pc, sb.cells[old_n + new_n], fr.new_x, fr.column, Column::new_text, "compare-note"))
            new_lines.push_back(std::move(l));
    const size_t n = std::max(old_lines.size(), new_lines.size());
    const BlockFormat head = format_for(sb.cells.empty() ? sb.block : sb.cells[0].block, pc.style);
    const float h = c.heading ? std::max(head.pitch, pc.pitch) : pc.pitch;
    const float base_size = c.heading ? head.size : body;
    const size_t old_count = c.old_side.empty() ? 0 : old_text, new_count = c.new_side.empty() ? 0 : new_text;
    for (size_t k = 0; k < n; ++k) {
        CompareRow row;
        row.height = h;
        for (auto* side : {&old_lines, &new_lines})
            if (k < side->size()) row.lines.push_back(in_row((*side)[k].line, h, base_size));
        if (!c.heading && k >= 2 && n - k >= 2) {
            bool ok = true;
            for (size_t count : {old_count, new_count})
                if (k < count && count - k < 2) ok = false;
            if (k >= new_count && k < new_lines.size()) ok = false;  // the note stays with the text
            row.break_before = ok;
            for (const auto* side : {&old_lines, &new_lines}) {
                const size_t count = side == &old_lines ? old_count : new_count;
                if (k >= count) continue;
                if ((*side)[k - 1].first && !(*side)[k - 1].last) ++row.penalty;
                if ((*side)[k].last && !(*side)[k].first) ++row.penalty;
            }
        }
        u.rows.push_back(std::move(row));
    }
    return u;
}

// Stacked: [修订前] old lines, [修订后] new lines, the note; an added pair [新增] and the new
// side, a deleted one [删除] and the old side; an unchanged one [未修改] and its text once.
// A side breaks only with two lines of it on each page; a label stays with its side.
CompareUnit stacked(const PairContext& pc, const ShapedBlock& sb) {
    const content::Comparison& c = sb.block.compare;
    const CompareFrame& fr = pc.frame;
    const size_t old_n = c.old_side.paragraphs.size();
    const auto& words = pc.doc.compare_words;
    CompareUnit u;
    u.block = pc.block;
    u.pair = pc.pair;
    u.heading = c.heading;
    const float label_h = std::round(pc.style.meta_px * 1.5f);
    const float side_gap = std::round(pc.style.body_px * 0.3f);
    auto label = [&](size_t word, float extra) {
        if (words.size() <= word) return;
        for (auto& l : set_small(pc, words[word], fr.box.x, fr.box.width, Column::none, "compare-label")) {
            CompareRow row;
            row.height = label_h + extra;
            Line line = std::move(l.line);
            line.y = extra + (label_h - line.font_size) / 2 + kEmBoxAscent * line.font_size;
            row.lines.push_back(std::move(line));
            u.rows.push_back(std::move(row));
        }
    };
    auto side = [&](std::vector<SideLine> lines, Column column) {
        const float h = c.heading && !lines.empty() ? std::max(format_for(sb.cells[0].block, pc.style).pitch, pc.pitch) : pc.pitch;
        const size_t n = lines.size();
        for (size_t k = 0; k < n; ++k) {
            CompareRow row;
            row.height = h;
            Line line = in_row(std::move(lines[k].line), h, lines[k].line.font_size);
            line.column = column;
            row.lines.push_back(std::move(line));
            if (!c.heading && k >= 2 && n - k >= 2) {
                row.break_before = true;
                row.penalty = (lines[k - 1].first && !lines[k - 1].last) + (lines[k].last && !lines[k].first);
            }
            u.rows.push_back(std::move(row));
        }
    };
    const bool once = same_text(c);
    const Align head_align = Align::center;
    if (once) {
        if (!c.heading) label(kWordSame, 0);
        side(set_side(pc, sb, 0, c.new_side, c.heading, fr.box.x, fr.box.width, Column::both, Mark::none, head_align), Column::both);
        if (c.heading)
            for (auto& r : u.rows) r.rule_across = true;
    } else {
        if (!c.old_side.empty()) {
            label(c.new_side.empty() ? kWordDeleted : kWordLabelOld, 0);
            side(set_side(pc, sb, 0, c.old_side, c.heading, fr.box.x, fr.box.width, Column::old_text, Mark::deleted, head_align),
                 Column::old_text);
        }
        if (!c.new_side.empty()) {
            const size_t at = u.rows.size();
            label(c.old_side.empty() ? kWordAdded : kWordLabelNew, c.old_side.empty() ? 0 : side_gap);
            if (at > 0 && at < u.rows.size() && !c.heading) u.rows[at].break_before = true;  // between the sides
            side(set_side(pc, sb, old_n, c.new_side, c.heading, fr.box.x, fr.box.width, Column::new_text, Mark::inserted, head_align),
                 Column::new_text);
        }
    }
    const size_t note = old_n + c.new_side.paragraphs.size();
    if (note < sb.cells.size())
        for (auto& l : set_small(pc, sb.cells[note], fr.box.x, fr.box.width, once ? Column::both : Column::new_text, "compare-note")) {
            CompareRow row;
            row.height = pc.pitch;
            row.lines.push_back(in_row(std::move(l.line), pc.pitch, pc.style.body_px));
            u.rows.push_back(std::move(row));
        }
    return u;
}

}  // namespace

CompareUnit compare_unit(const ShapedDocument& doc, size_t block, int pair, const Style& style, const CompareFrame& frame) {
    const PairContext pc{doc, style, frame, static_cast<int>(block), pair, style.body_px * style.line_height};
    const ShapedBlock& sb = doc.blocks[block];
    CompareUnit u = frame.side_by_side ? side_by_side(pc, sb) : stacked(pc, sb);
    // Labels in a stacked pair: the column of the side under them.
    for (size_t r = 0; r < u.rows.size(); ++r)
        for (Line& l : u.rows[r].lines) {
            if (l.column != Column::none) continue;
            for (size_t s = r + 1; s < u.rows.size() && l.column == Column::none; ++s)
                for (const Line& next : u.rows[s].lines)
                    if (next.chrome_role.empty()) {
                        l.column = next.column;
                        break;
                    }
        }
    for (auto& row : u.rows)
        for (Line& l : row.lines) {
            l.block = u.block;
            l.pair = pair;
            for (MarkSpan& m : l.marks) m.stroke = mark_stroke(l, m.begin, m.end, m.mark);
        }
    return u;
}

}  // namespace kiosk::text
