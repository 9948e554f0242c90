// Choosing line ends (R1-R7 through the break opportunities, 先挤进 before 后推出, J4's
// loose-line rule, P1's lone last character).
#include <algorithm>
#include <cmath>

#include "text/break_opportunities.hpp"
#include "text/layout_internal.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

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

// P1: a paragraph's last line is not one character (with or without its punctuation):
// break the line before it earlier so two or more characters go down, when the line before
// stays even (gaps ≤ ¼ em).
void avoid_lone_last_character(const LineContext& ctx, std::vector<LineSpan>& spans, float first_measure,
                               float measure, bool ragged) {
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
    // The nearest break first: carrying one character down (工作。 for 作。) leaves the line
    // before the least slack.
    for (size_t cut = last.begin - 1; cut > before.begin; --cut) {  // the new end of the line before
        if (ctx.sb.breaks[cut] != Break::allowed) continue;
        const LineWidth lw = measure_line(ctx, before.begin, cut, first);
        const size_t gaps = lw.visible_end > before.begin + 1 ? lw.visible_end - before.begin - 1 : 0;
        if (gaps == 0 || (!ragged && (limit - lw.width) / static_cast<float>(gaps) > kLooseGapEm * ctx.size)) return;
        before.end = cut;
        before.emergency = false;
        last.begin = cut;
        return;
    }
}

void balance_lines(const LineContext& ctx, std::vector<LineSpan>& spans, float first_measure, float measure) {
    // Four lines at most: a title longer than that is not a title to balance, and the search
    // below re-breaks the text a dozen times.
    const size_t lines = spans.size();
    if (lines < 2 || lines > 4) return;
    for (const LineSpan& s : spans)
        if (s.emergency) return;
    const float indent = measure - first_measure;
    float lo = measure / static_cast<float>(lines), hi = measure;
    std::vector<LineSpan> best;
    for (int step = 0; step < 12 && hi - lo > 0.5f; ++step) {
        const float mid = (lo + hi) / 2;
        auto tried = break_lines(ctx, mid - indent, mid);
        bool clean = tried.size() == lines;
        for (const LineSpan& s : tried) clean = clean && !s.emergency;
        if (clean) {
            hi = mid;
            best = std::move(tried);
        } else {
            lo = mid;
        }
    }
    if (!best.empty()) spans = std::move(best);
}

std::optional<ShapedBlock> breaking_at_words(const ShapedBlock& sb) {
    const std::vector<bool> words = word_boundaries(sb.shaped.text);
    if (words.size() != sb.breaks.size()) return std::nullopt;
    ShapedBlock by_words = sb;
    bool changed = false;
    for (size_t i = 1; i + 1 < by_words.breaks.size(); ++i)
        if (by_words.breaks[i] != Break::never && !words[i]) {
            by_words.breaks[i] = Break::never;
            changed = true;
        }
    if (!changed) return std::nullopt;
    return by_words;
}

}  // namespace kiosk::text
