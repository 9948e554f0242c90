#pragma once
// 新旧对照 (issue 30): a regulation's old and new text read into articles, aligned old to
// new, and each aligned pair's differences at word level — as a Document of compare blocks
// (content/document.hpp, Role::compare) the layout sets in two columns. Pure: no clock, no
// network, no fonts. Untrusted input (either text may be a hostile page) has budgets,
// checked before the work.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.hpp"
#include "content/document.hpp"

namespace kiosk::content {

// One numbered unit of a regulation as written: 第X章 / 第X节 (headings) or 第X条 with the
// paragraphs (款, and their （一） 项) that follow it up to the next unit.
struct Article {
    enum class Unit { chapter, section, article };
    Unit unit = Unit::article;
    int number = 0;                       // 第十三条 -> 13 (第一百零二条 -> 102); 0 when unreadable
    std::string label;                    // 第十三条, as written
    std::vector<std::string> paragraphs;  // the first begins with the label (第十三条　行政机关…)
};

struct CompareLimits {
    size_t max_articles = 2000;          // per side
    size_t max_article_chars = 20000;    // code points of one article (all its paragraphs)
    size_t max_text_chars = 400000;      // code points of one side
    size_t max_similarity_pairs = 4000000;  // old × new articles scored by text; past it: by number only
    size_t max_diff_cells = 4000000;     // word-diff table of one pair (old words × new words); past it: the
                                         // pair is marked whole (all struck, all underlined)
};

// The document's numbered units in order. Text before the first unit (the title, the 公布
// lines) is not an article. Errors (in Chinese, for the clerk): no 第X条 at all, or a budget.
Result<std::vector<Article>> read_articles(const Document& doc, const CompareLimits& limits = {});

// What the caller knows beyond the two texts.
struct CompareOptions {
    std::string title;      // the item's title; else 《new title》新旧对照
    std::string effective;  // 2019-05-15 or 2019年5月15日 (the playlist's "effective"); else found in the new text
    CompareLimits limits;
};

// Old and new text -> the comparison: a Document whose `compare_summary` is set and whose
// blocks are Role::compare pairs in reading order (the new text's order; a deleted article
// after the pair of the old article before it), chapter headings as heading pairs.
//
// Alignment: by number first where the text is similar (same article kept or modified), then
// by text similarity for the rest (renumbered or moved: Relation::moved), then merges (an
// old article whose text is largely inside a new article already paired) and splits (the
// reverse); what is left is 删除 (old) or 新增 (new). Within a pair, word_diff below.
Result<Document> compare_documents(const Document& old_doc, const Document& new_doc, const CompareOptions& options = {});

// A published 对照表: the document's table (the first whose header row has a cell saying
// 修订前 / 原条文 / 现行条文 / 原文 and one saying 修订后 / 新条文 / 修改后 / 修正后) read into pairs: one
// row one pair, an empty side 新增 or 删除; a row spanning both columns (第一章 总则) a
// heading pair. The differences of each row are computed as for two texts.
Result<Document> compare_from_table(const Document& published, const CompareOptions& options = {});

// Word-level differences of two texts (one paragraph each, or the paragraphs of one side
// joined by '\n', which is never marked). Words are ICU's dictionary word boundaries
// (locale zh); the diff is the shortest edit script over words, then small unchanged islands
// between two changes (at most kIslandChars characters, or a lone punctuation mark) are
// folded into the change, so a sentence is not cut into confetti.
struct WordDiff {
    std::vector<std::pair<int, int>> deleted;   // code point ranges [begin, end) of `old_text`, ascending
    std::vector<std::pair<int, int>> inserted;  // of `new_text`
    bool whole = false;  // the budget was exceeded: the two texts are marked whole
};
inline constexpr int kIslandChars = 2;
WordDiff word_diff(const std::u32string& old_text, const std::u32string& new_text,
                   size_t max_cells = CompareLimits{}.max_diff_cells);

// `kiosk compare` and the golden files: the comparison as JSON, format kiosk-compare/1:
// {"format", "title", "summary": {added, deleted, modified, unchanged, moved, merged, split,
// effective}, "pairs": [{"change": "modified", "relation": "moved", "heading": false,
// "note", "old": {"number", "paragraphs", "marks": [[p, begin, end]]}, "new": {…}}]}
nlohmann::json compare_json(const Document& comparison);

// 第十三条 -> 13, 第一百零二条 -> 102, 第二章 -> 2 (the unit character is not checked);
// 0 when the text does not start with a number in Chinese numerals or digits.
int chinese_number(std::u32string_view text);

}  // namespace kiosk::content
