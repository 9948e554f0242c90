#pragma once
// 新旧对照 (issue 30), internal to text/: the words layout_compare sets besides the pairs
// (ShapedDocument::compare_words, in this order), the proportions of its pages, and the
// steps: compare_shape.cpp (shaping the pairs' cells and the words), compare_pairs.cpp
// (a pair's lines, marks and rows), compare_layout.cpp (the opening page and pagination).
#include <string>
#include <vector>

#include "text/layout_internal.hpp"

namespace kiosk::text {

// Indices into ShapedDocument::compare_words.
enum CompareWord : size_t {
    kWordHeadOld,      // 修订前 (the header band, bold)
    kWordHeadNew,      // 修订后
    kWordLabelOld,     // 修订前 (a stacked side's label, small)
    kWordLabelNew,     // 修订后
    kWordAdded,        // 新增
    kWordDeleted,      // 删除
    kWordSame,         // 未修改 (portrait: an article unchanged, set once)
    kWordTitle,        // the document's title
    kWordEffective,    // 自2019年5月15日起施行 ("" when unknown)
    kWordOldTitle,     // 修订前：…（2007年）
    kWordNewTitle,     // 修订后：…（2019年修订）
    kWordRelations,    // 其中重新编号 N 条，合并 M 条，拆分 K 条 ("" when none)
    kWordCountFirst,   // then four groups of three: 新增 | 12 | 条，  删除 | 3 | 条， …
    kWordCount = kWordCountFirst + 12,
};

namespace typography {
// The header band 修订前 | 修订后: its height in body em, and the space under it.
inline constexpr float kCompareBandEm = 1.6f;
inline constexpr float kCompareBandGapEm = 0.45f;
// The space between two pairs (a hairline across in its middle), in body em.
inline constexpr float kComparePairGapEm = 0.8f;
// Before a chapter heading pair.
inline constexpr float kCompareHeadingGapEm = 1.0f;
// The gutter between the two columns (the rule in its middle), in body em.
inline constexpr float kCompareGutterEm = 1.6f;
// Narrower columns than this (body em) are not set side by side: stacked instead.
inline constexpr float kCompareMinColumnEm = 12.0f;
// The opening page's figures, in body em, and the words beside them (body size).
inline constexpr float kCompareFigureEm = 2.0f;
// Where the underline starts below the baseline (just under the em box, 0.12 em, with a hair
// of air so that it never touches a Han glyph's foot).
inline constexpr float kUnderlineDropEm = 0.15f;
}  // namespace typography

// compare_shape.cpp
void shape_compare(FontSet& fonts, const content::Document& doc, const ShapeOptions& options, ShapedDocument& out);
// "2019-05-15" -> "2019年5月15日"; anything else as it is.
std::string chinese_date(const std::string& date);

// compare_pairs.cpp: one pair set for a measure, as rows a page may break between.
struct CompareRow {
    float height = 0;          // px
    std::vector<Line> lines;   // y relative to the row's top; x absolute
    bool break_before = false; // a page may break before this row (never before the first)
    bool rule_across = false;  // a heading set across both columns: the column rule stops around it
    int penalty = 0;           // a break before this row leaves a paragraph's first line alone at a
                               // page's foot or its last alone at the top (P3), in as many columns
};
struct CompareUnit {
    int block = 0, pair = 0;
    bool heading = false;
    std::vector<CompareRow> rows;
    // The smallest number of rows that may start a page's piece (a heading is kept with them).
    size_t least_first_piece() const;
};
struct CompareFrame {
    bool side_by_side = true;
    Box box;            // the body
    float column = 0;   // a column's width (side by side)
    float old_x = 0, new_x = 0, rule_x = 0;
};
CompareFrame compare_frame(const Style& style, const PageGeometry& geometry);
CompareUnit compare_unit(const ShapedDocument& doc, size_t block, int pair, const Style& style, const CompareFrame& frame);
// The stroke of a marked span of a line: strike-through or underline.
Box mark_stroke(const Line& line, int begin, int end, Mark mark);

}  // namespace kiosk::text
