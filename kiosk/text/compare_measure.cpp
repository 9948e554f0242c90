// 新旧对照 (issue 30): what the bench and the tests count on a comparison's pages, from the
// pages alone (their lines' column, pair and marks) and the comparison Document (P5).
#include <algorithm>
#include <cmath>
#include <map>

#include "base/utf8.hpp"
#include "text/compare_internal.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
using content::Role;

namespace {

// A side's own text on a page (not a label, a note or the header band).
bool side_text(const Line& line) { return line.pair >= 0 && line.column != Column::none && line.chrome_role.empty() && !line.repeat; }

bool shows(const Line& line, Column side) { return line.column == side || line.column == Column::both; }

struct Placed {
    size_t page = 0;
    const Line* line = nullptr;
};

// Characters of `paragraphs` (spaces aside) not shown by `lines` in order, plus characters
// shown that are not there (twice, or out of order). A shown character matches its paragraph's
// as written or after S6.
int lost(const std::vector<std::string>& paragraphs, const std::vector<Placed>& lines) {
    std::u32string raw, s6, got;
    for (const std::string& p : paragraphs) {
        const std::u32string t = utf8::decode(p);
        const std::u32string f = fullwidth_punctuation(t);
        for (size_t i = 0; i < t.size(); ++i) {
            if (is_space(t[i]) || is_space_char(t[i])) continue;
            raw.push_back(t[i]);
            s6.push_back(i < f.size() ? f[i] : t[i]);
        }
    }
    for (const Placed& pl : lines)
        for (char32_t c : pl.line->text)
            if (!is_space(c) && !is_space_char(c)) got.push_back(c);
    size_t matched = 0, at = 0;
    for (char32_t c : got) {
        size_t j = at;
        while (j < raw.size() && raw[j] != c && s6[j] != c) ++j;
        if (j < raw.size()) {
            ++matched;
            at = j + 1;
        }
    }
    return static_cast<int>((raw.size() - matched) + (got.size() - matched));
}

}  // namespace

CompareStats measure_compare(const content::Document& comparison, const std::vector<Page>& pages) {
    CompareStats st;
    std::vector<const content::Comparison*> pairs;
    for (const content::Block& b : comparison.blocks)
        if (b.role == Role::compare) pairs.push_back(&b.compare);
    st.pairs = static_cast<int>(pairs.size());
    bool side_by_side = false;
    // Every line of each pair, by column, in reading order.
    std::vector<std::vector<Placed>> all(pairs.size()), old_text(pairs.size()), new_text(pairs.size());
    for (size_t p = 0; p < pages.size(); ++p)
        for (const Line& line : pages[p].lines) {
            if (line.chrome_role == "compare-head") side_by_side = true;
            if (line.pair < 0 || static_cast<size_t>(line.pair) >= pairs.size() || line.repeat) continue;
            const size_t i = static_cast<size_t>(line.pair);
            all[i].push_back(Placed{p, &line});
            if (!side_text(line)) continue;
            if (shows(line, Column::old_text)) old_text[i].push_back(Placed{p, &line});
            if (shows(line, Column::new_text)) new_text[i].push_back(Placed{p, &line});
        }
    for (size_t i = 0; i < pairs.size(); ++i) {
        const content::Comparison& c = *pairs[i];
        st.lost_characters += lost(c.old_side.paragraphs, old_text[i]) + lost(c.new_side.paragraphs, new_text[i]);
        // Misaligned: the first lines of the two columns (a label standing in an empty one
        // counts) not on one baseline of one page.
        if (side_by_side) {
            const Placed* first_old = nullptr;
            const Placed* first_new = nullptr;
            for (const Placed& pl : all[i]) {
                if (pl.line->chrome_role == "compare-note") continue;
                if (pl.line->column == Column::old_text && !first_old) first_old = &pl;
                if (pl.line->column == Column::new_text && !first_new) first_new = &pl;
            }
            if (first_old && first_new && (first_old->page != first_new->page || std::fabs(first_old->line->y - first_new->line->y) > 0.5f))
                ++st.misaligned_starts;
        }
        // Stubs: a page's piece of a broken pair holding one line in its longer column.
        std::map<size_t, std::pair<int, int>> per_page;
        for (const Placed& pl : old_text[i]) ++per_page[pl.page].first;
        for (const Placed& pl : new_text[i]) ++per_page[pl.page].second;
        if (per_page.size() > 1)
            for (const auto& [page, n] : per_page)
                if (std::max(n.first, n.second) == 1) ++st.stubs;
        // Stranded numbers: a column's last line on a page is its first (the article's number)
        // and the column goes on overleaf.
        for (const auto* column : {&old_text[i], &new_text[i]}) {
            const content::CompareSide& side = column == &old_text[i] ? c.old_side : c.new_side;
            if (column->size() < 2 || side.number.empty() || c.heading) continue;
            if ((*column)[1].page != (*column)[0].page) ++st.stranded_numbers;
        }
        // Fragments: marked spans, one however many lines it takes.
        bool changed = false;
        for (const auto* column : {&old_text[i], &new_text[i]}) {
            const Line* prev = nullptr;
            for (const Placed& pl : *column) {
                const Line& line = *pl.line;
                for (const MarkSpan& m : line.marks) {
                    changed = true;
                    size_t lead = 0;
                    while (lead < line.text.size() && is_space(line.text[lead])) ++lead;
                    bool continues = false;
                    if (prev && !prev->last_of_block && static_cast<size_t>(m.begin) <= lead && !prev->marks.empty()) {
                        const MarkSpan& pm = prev->marks.back();
                        size_t end = prev->text.size();
                        while (end > 0 && is_space(prev->text[end - 1])) --end;
                        continues = pm.mark == m.mark && static_cast<size_t>(pm.end) >= end;
                    }
                    if (!continues) ++st.fragments;
                }
                prev = &line;
            }
        }
        if (changed) ++st.changed_pairs;
    }
    return st;
}

}  // namespace kiosk::text
