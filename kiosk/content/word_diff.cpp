// Word-level differences of two texts (content/compare.hpp: word_diff): ICU's dictionary
// word boundaries (locale zh), the shortest edit script over the words, then small unchanged
// islands between two changes folded into the change so a changed sentence reads as one or
// two marked runs. '\n' (the paragraphs of one side joined) is a word of its own, never marked.
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>

#include "content/compare.hpp"

namespace kiosk::content {
namespace {

struct Token {
    int begin = 0, end = 0;  // code points of the text
};

// One ICU word iterator per thread: creating one loads the dictionaries.
icu::BreakIterator* word_iterator() {
    thread_local std::unique_ptr<icu::BreakIterator> it = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale("zh"), status));
        if (U_FAILURE(status)) b.reset();
        return b;
    }();
    return it.get();
}

bool is_punctuation(char32_t c) {
    return u_ispunct(static_cast<UChar32>(c)) || u_isUWhiteSpace(static_cast<UChar32>(c)) ||
           u_charType(static_cast<UChar32>(c)) == U_MATH_SYMBOL || u_charType(static_cast<UChar32>(c)) == U_OTHER_SYMBOL;
}

// A short unchanged phrase between two changes at least as long is folded too (see below).
constexpr int kPhraseChars = 4;

bool is_numeral(char32_t c) {
    return (c >= U'0' && c <= U'9') || std::u32string_view(U"〇零一二三四五六七八九十百千两").find(c) != std::u32string_view::npos;
}

// The words of `text`: ICU's word segments, with every punctuation mark, space and '\n' a
// token of its own, and an ordinal (第十四条, 第二章, 第3款) one token however ICU cut it, so
// 第十四条 -> 第十七条 is one word changed, not 十四条 or 四. Without ICU: one token a character.
std::vector<Token> tokenize(const std::u32string& text) {
    std::vector<Token> tokens;
    if (text.empty()) return tokens;
    const int size = static_cast<int>(text.size());
    std::vector<char> boundary(text.size() + 1, 0);  // a token starts (or the text ends) here
    boundary[0] = boundary[text.size()] = 1;

    if (icu::BreakIterator* it = word_iterator()) {
        std::u16string utf16;
        std::vector<int> code_point_at;  // UTF-16 index -> code point index (and one past the end)
        utf16.reserve(text.size() + 8);
        code_point_at.reserve(text.size() + 8);
        for (size_t i = 0; i < text.size(); ++i) {
            char32_t c = text[i];
            if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;  // not a character: ICU gets a stand-in
            if (c >= 0x10000) {
                utf16.push_back(static_cast<char16_t>(U16_LEAD(c)));
                utf16.push_back(static_cast<char16_t>(U16_TRAIL(c)));
                code_point_at.push_back(static_cast<int>(i));
            } else {
                utf16.push_back(static_cast<char16_t>(c));
            }
            code_point_at.push_back(static_cast<int>(i));
        }
        code_point_at.push_back(size);
        // The UnicodeString aliases utf16 (read-only), which outlives the iteration.
        const icu::UnicodeString s(false, reinterpret_cast<const UChar*>(utf16.data()), static_cast<int32_t>(utf16.size()));
        it->setText(s);
        for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next())
            boundary[static_cast<size_t>(code_point_at[static_cast<size_t>(b)])] = 1;
        it->setText(icu::UnicodeString());  // drop the alias before utf16 goes
    } else {
        std::fill(boundary.begin(), boundary.end(), 1);
    }

    for (int i = 0; i < size; ++i)
        if (is_punctuation(text[static_cast<size_t>(i)])) boundary[static_cast<size_t>(i)] = boundary[static_cast<size_t>(i) + 1] = 1;
    for (int i = 0; i + 2 < size; ++i) {
        if (text[static_cast<size_t>(i)] != U'第') continue;
        int j = i + 1;
        while (j < size && is_numeral(text[static_cast<size_t>(j)])) ++j;
        if (j == i + 1 || j >= size || std::u32string_view(U"条章节款项编").find(text[static_cast<size_t>(j)]) == std::u32string_view::npos)
            continue;
        std::fill(boundary.begin() + i + 1, boundary.begin() + j + 1, 0);
        boundary[static_cast<size_t>(i)] = boundary[static_cast<size_t>(j) + 1] = 1;
        i = j;
    }
    for (int b = 0, e = 1; e <= size; ++e)
        if (boundary[static_cast<size_t>(e)]) {
            tokens.push_back({b, e});
            b = e;
        }
    return tokens;
}

std::u32string fold_width(const std::u32string& text) {
    std::u32string out = text;
    for (char32_t& c : out) {
        if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;
        else if (c == 0x3000) c = U' ';
    }
    return out;
}

std::u32string_view view(const std::u32string& text, Token t) {
    return std::u32string_view(text).substr(static_cast<size_t>(t.begin), static_cast<size_t>(t.end - t.begin));
}

// A run of the edit script: `equal` (the same tokens on both sides) or a change (old tokens
// deleted, new tokens inserted; either may be empty).
struct Run {
    bool equal = false;
    size_t old_begin = 0, old_end = 0, new_begin = 0, new_end = 0;  // token indices
};

void push(std::vector<Run>& runs, bool equal, size_t ob, size_t oe, size_t nb, size_t ne) {
    if (ob == oe && nb == ne) return;
    if (!runs.empty() && runs.back().equal == equal && runs.back().old_end == ob && runs.back().new_end == nb) {
        runs.back().old_end = oe;
        runs.back().new_end = ne;
        return;
    }
    runs.push_back({equal, ob, oe, nb, ne});
}

// Code point ranges of the tokens [b, e) of `text`, without the '\n' tokens.
void add_ranges(std::vector<std::pair<int, int>>& out, const std::u32string& text, const std::vector<Token>& tokens,
                size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
        const Token t = tokens[i];
        if (t.end - t.begin == 1 && text[static_cast<size_t>(t.begin)] == U'\n') continue;
        if (!out.empty() && out.back().second == t.begin) out.back().second = t.end;
        else out.emplace_back(t.begin, t.end);
    }
}

// A mark never starts or ends with a space (the one after 第八条, between two changes).
void trim_spaces(std::vector<std::pair<int, int>>& ranges, const std::u32string& text) {
    std::vector<std::pair<int, int>> kept;
    for (auto [b, e] : ranges) {
        while (b < e && u_isUWhiteSpace(static_cast<UChar32>(text[static_cast<size_t>(b)]))) ++b;
        while (e > b && u_isUWhiteSpace(static_cast<UChar32>(text[static_cast<size_t>(e) - 1]))) --e;
        if (b < e) kept.emplace_back(b, e);
    }
    ranges = std::move(kept);
}

void mark_whole(const std::u32string& text, std::vector<std::pair<int, int>>& out) {
    int start = 0;
    for (int i = 0; i <= static_cast<int>(text.size()); ++i)
        if (i == static_cast<int>(text.size()) || text[static_cast<size_t>(i)] == U'\n') {
            if (start < i) out.emplace_back(start, i);
            start = i + 1;
        }
}

}  // namespace

WordDiff word_diff(const std::u32string& old_text, const std::u32string& new_text, size_t max_cells) {
    WordDiff out;
    // Words are compared with full-width forms folded to ASCII: （一） and (一), ０ and 0, the
    // ideographic space and a space are the same to a reader; one source typing the other's
    // brackets must not mark every item of a list.
    const std::u32string old_folded = fold_width(old_text), new_folded = fold_width(new_text);
    if (old_folded == new_folded) return out;
    const std::vector<Token> a = tokenize(old_text), b = tokenize(new_text);
    auto same = [&](size_t i, size_t j) { return view(old_folded, a[i]) == view(new_folded, b[j]); };

    // The common head costs nothing (the walk below would match it the same way); the table
    // covers the rest. (Not the common tail: it would tie the old text's last words to the new
    // text's, across an added paragraph.)
    size_t head = 0;
    while (head < a.size() && head < b.size() && same(head, head)) ++head;
    const size_t n = a.size() - head, m = b.size() - head;

    // The budget before the table: its (n + 1) × (m + 1) cells, words past the common head
    // (and each count within the cell type).
    if ((n > 0 && m > 0 && n + 1 > max_cells / (m + 1)) || std::min(n, m) >= UINT16_MAX) {
        out.whole = true;
        mark_whole(old_text, out.deleted);
        mark_whole(new_text, out.inserted);
        return out;
    }

    // lcs[i][j]: the longest common subsequence of a[head + i..] and b[head + j..], so the
    // script is read forwards: equal words matched as soon as they meet, deletions before
    // insertions.
    std::vector<Run> runs;
    push(runs, true, 0, head, 0, head);
    if (n > 0 && m > 0) {
        const size_t w = m + 1;
        std::vector<uint16_t> lcs((n + 1) * w, 0);
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                lcs[i * w + j] = same(head + i, head + j) ? static_cast<uint16_t>(lcs[(i + 1) * w + j + 1] + 1)
                                                          : std::max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && same(head + i, head + j)) {
                push(runs, true, head + i, head + i + 1, head + j, head + j + 1);
                ++i, ++j;
            } else if (j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
                push(runs, false, head + i, head + i + 1, head + j, head + j);
                ++i;
            } else {
                push(runs, false, head + i, head + i, head + j, head + j + 1);
                ++j;
            }
        }
    } else {
        push(runs, false, head, a.size(), head, b.size());
    }

    // Fold the unchanged islands between two changes into one change: a few characters
    // (kIslandChars), a lone punctuation mark, or a short phrase (kPhraseChars) no longer than
    // the change on either side of it; never one holding '\n' (a paragraph's end stays a
    // boundary). Folding grows the change, so the island before it is looked at again.
    auto chars = [](const std::vector<Token>& t, size_t begin, size_t end) {
        int c = 0;
        for (size_t k = begin; k < end; ++k) c += t[k].end - t[k].begin;
        return c;
    };
    auto weight = [&](const Run& r) { return std::max(chars(a, r.old_begin, r.old_end), chars(b, r.new_begin, r.new_end)); };
    for (size_t r = 1; r + 1 < runs.size();) {
        const Run& island = runs[r];
        if (!island.equal || runs[r - 1].equal || runs[r + 1].equal) {
            ++r;
            continue;
        }
        const int size = chars(a, island.old_begin, island.old_end);
        bool newline = false;
        for (size_t k = island.old_begin; k < island.old_end && !newline; ++k)
            newline = view(old_text, a[k]).find(U'\n') != std::u32string_view::npos;
        const bool lone_mark = island.old_end - island.old_begin == 1 && size == 1 &&
                               is_punctuation(old_text[static_cast<size_t>(a[island.old_begin].begin)]);
        const bool short_phrase = size <= kPhraseChars && size <= std::min(weight(runs[r - 1]), weight(runs[r + 1]));
        if (newline || !(size <= kIslandChars || lone_mark || short_phrase)) {
            ++r;
            continue;
        }
        runs[r - 1].old_end = runs[r + 1].old_end;
        runs[r - 1].new_end = runs[r + 1].new_end;
        runs.erase(runs.begin() + static_cast<long>(r), runs.begin() + static_cast<long>(r) + 2);
        r = r >= 3 ? r - 2 : 1;
    }

    // A paragraph's closing mark matched across an added (or dropped) paragraph: old
    // "…内。" against new "…内；\n（四）…大厅。" matches the 。 of the new last item, which
    // would leave that item's 。 plain and the old 。 unmarked. When a change spanning a
    // paragraph break is followed by one unchanged mark ending the paragraph on both sides,
    // the mark goes into the change.
    auto newline_at = [](const std::u32string& text, const std::vector<Token>& t, size_t k) {
        return k < t.size() && t[k].end - t[k].begin == 1 && text[static_cast<size_t>(t[k].begin)] == U'\n';
    };
    auto spans_break = [&](const Run& r) {
        for (size_t k = r.old_begin; k < r.old_end; ++k)
            if (newline_at(old_text, a, k)) return true;
        for (size_t k = r.new_begin; k < r.new_end; ++k)
            if (newline_at(new_text, b, k)) return true;
        return false;
    };
    for (size_t r = 1; r < runs.size(); ++r) {
        Run& mark = runs[r];
        if (!mark.equal || runs[r - 1].equal || !spans_break(runs[r - 1])) continue;
        const size_t k = mark.old_begin;
        if (a[k].end - a[k].begin != 1 || !is_punctuation(old_text[static_cast<size_t>(a[k].begin)]) || newline_at(old_text, a, k))
            continue;
        const bool ends = k + 1 == mark.old_end ? r + 1 == runs.size() : newline_at(old_text, a, k + 1);
        if (!ends) continue;
        ++runs[r - 1].old_end, ++runs[r - 1].new_end;
        ++mark.old_begin, ++mark.new_begin;
        if (mark.old_begin == mark.old_end) runs.erase(runs.begin() + static_cast<long>(r));
    }

    for (const Run& r : runs) {
        if (r.equal) continue;
        add_ranges(out.deleted, old_text, a, r.old_begin, r.old_end);
        add_ranges(out.inserted, new_text, b, r.new_begin, r.new_end);
    }
    trim_spaces(out.deleted, old_text);
    trim_spaces(out.inserted, new_text);
    return out;
}

}  // namespace kiosk::content
