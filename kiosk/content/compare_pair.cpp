// One pair of a 新旧对照 (content/compare_internal.hpp): change, numbers and word marks.
#include <algorithm>
#include <string_view>
#include <utility>

#include "base/utf8.hpp"
#include "content/compare_internal.hpp"

namespace kiosk::content {
namespace {

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000' || c == U'\u00A0'; }

// `ranges` of `joined` (the paragraphs joined by '\n') as marks of the paragraphs.
std::vector<DiffMark> to_marks(const std::u32string& joined, const std::vector<std::pair<int, int>>& ranges) {
    std::vector<DiffMark> marks;
    std::vector<int> line_start{0};  // code point where each paragraph starts
    for (int i = 0; i < static_cast<int>(joined.size()); ++i)
        if (joined[static_cast<size_t>(i)] == U'\n') line_start.push_back(i + 1);
    size_t p = 0;
    for (const auto& [begin, end] : ranges) {
        while (p + 1 < line_start.size() && line_start[p + 1] <= begin) ++p;
        // word_diff never marks '\n', so a range stays within its paragraph; clip to be sure.
        const int line_end = p + 1 < line_start.size() ? line_start[p + 1] - 1 : static_cast<int>(joined.size());
        const int b = begin - line_start[p], e = std::min(end, line_end) - line_start[p];
        if (b < e) marks.push_back(DiffMark{static_cast<int>(p), b, e});
    }
    return marks;
}

// The number an article starts with (and the space after it) is not a word that changed:
// a renumbering is said by the pair's note (原第十三条), never struck or underlined. Marks
// inside the leading 第X条 / 第X章 of each paragraph are cut away.
std::vector<DiffMark> unmark_labels(std::vector<DiffMark> marks, const std::vector<std::string>& paragraphs) {
    std::vector<int> label_end(paragraphs.size(), 0);
    for (size_t p = 0; p < paragraphs.size(); ++p) {
        const std::string label = leading_label(paragraphs[p]);
        if (label.empty()) continue;
        const std::u32string t = utf8::decode(paragraphs[p]);
        const std::u32string l = utf8::decode(label);
        size_t end = t.find(l);
        if (end == std::u32string::npos) continue;
        end += l.size();
        while (end < t.size() && is_space(t[end])) ++end;
        label_end[p] = static_cast<int>(end);
    }
    std::vector<DiffMark> kept;
    for (DiffMark m : marks) {
        if (m.paragraph >= 0 && static_cast<size_t>(m.paragraph) < label_end.size()) m.begin = std::max(m.begin, label_end[static_cast<size_t>(m.paragraph)]);
        if (m.begin < m.end) kept.push_back(m);
    }
    return kept;
}

std::u32string join(const std::vector<std::string>& paragraphs) {
    std::u32string out;
    for (size_t i = 0; i < paragraphs.size(); ++i) {
        if (i > 0) out += U'\n';
        std::u32string p = utf8::decode(paragraphs[i]);
        for (char32_t& c : p)
            if (c == U'\n' || c == U'\r') c = U' ';  // a paragraph is one line
        out += p;
    }
    return out;
}

}  // namespace

std::string leading_label(const std::string& paragraph) {
    const std::u32string text = utf8::decode(paragraph);
    size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || text[i] != U'第') return "";
    size_t j = i + 1;
    constexpr std::u32string_view numerals = U"〇零一二三四五六七八九十百千两0123456789０１２３４５６７８９";
    while (j < text.size() && numerals.find(text[j]) != std::u32string_view::npos) ++j;
    if (j == i + 1 || j >= text.size() || std::u32string_view(U"条章节编").find(text[j]) == std::u32string_view::npos)
        return "";
    return utf8::encode(std::u32string_view(text).substr(i, j + 1 - i));
}

Comparison compare_pair(std::vector<std::string> old_paragraphs, std::vector<std::string> new_paragraphs,
                        const CompareLimits& limits) {
    Comparison c;
    const bool old_empty = old_paragraphs.empty(), new_empty = new_paragraphs.empty();
    if (old_empty && !new_empty) c.change = Change::added;
    else if (!old_empty && new_empty) c.change = Change::deleted;
    else if (old_paragraphs != new_paragraphs) c.change = Change::modified;
    if (!old_empty) c.old_side.number = leading_label(old_paragraphs.front());
    if (!new_empty) c.new_side.number = leading_label(new_paragraphs.front());
    if (c.change == Change::modified) {
        const std::u32string old_text = join(old_paragraphs), new_text = join(new_paragraphs);
        const WordDiff diff = word_diff(old_text, new_text, limits.max_diff_cells);
        c.old_side.marks = unmark_labels(to_marks(old_text, diff.deleted), old_paragraphs);
        c.new_side.marks = unmark_labels(to_marks(new_text, diff.inserted), new_paragraphs);
        // Nothing a reader would see differs (（一） against (一), or only the number): 未改.
        if (c.old_side.marks.empty() && c.new_side.marks.empty()) c.change = Change::unchanged;
    }
    c.old_side.paragraphs = std::move(old_paragraphs);
    c.new_side.paragraphs = std::move(new_paragraphs);
    return c;
}

}  // namespace kiosk::content
