#pragma once
// What the steps of text layout share (internal to text/): each block's format, a line as
// a span of its block, a line's measure, and the named proportions of the page. The steps:
// layout.cpp (styles, shaping into em units), line_break.cpp (choosing line ends),
// justify.cpp (setting one line), table_layout.cpp (tables), paginate.cpp (lines and
// pictures onto pages), chrome.cpp (header, footer, standing page).
#include <cstddef>
#include <optional>
#include <vector>

#include "text/layout.hpp"

namespace kiosk::text {

// Typography: the fixed proportions of the page, in em of the text they belong to (or as
// shares of the body box), each with the reason for its value.
namespace typography {
// The ideographic em box of Noto CJK (and most CJK fonts) spans 0.88 em above the baseline
// to 0.12 em below it; centring that box in the line pitch centres the Han characters.
inline constexpr float kEmBoxAscent = 0.88f;
// S4: the space between Han and Latin letters or digits (盘古之白), ⅛–¼ em: set at 0.2 em, and
// given up to ⅛ em when a line is compressed.
inline constexpr float kHanLatinSpaceEm = 0.2f;
inline constexpr float kHanLatinSpaceMinEm = 0.125f;

// J4: a justified line whose gaps would exceed this (em) is loose.
inline constexpr float kLooseGapEm = 0.25f;
// 先挤进: a line may be compressed by up to this much (em) to pull up a character that may
// not start the next line, before anything is pushed down.
inline constexpr float kPushInEm = 1.0f;
// A picture takes at most this share of the body's height: its caption and a line of the
// text around it still fit on the same page.
inline constexpr float kPictureMaxHeight = 0.62f;
// Pictures are never enlarged past twice their pixel size (they would blur).
inline constexpr float kPictureMaxScale = 2.0f;
// A picture shrinks to as little as this share of its size to stay on a page rather than
// leave the rest of the page empty; smaller than that it would be hard to read: next page.
inline constexpr float kPictureMinShrink = 0.6f;
// A missing picture's placeholder: this share of the body's width, at 16:9.
inline constexpr float kPlaceholderWidth = 0.4f;
// Space before a picture or a table, and between a picture and its caption or after it,
// in body em: enough to set them apart from the paragraphs, no more.
inline constexpr float kFigureSpaceBeforeEm = 0.5f;
inline constexpr float kFigureGapEm = 0.3f;
// A space before a block may shrink to this share of its size on a page where that lets a
// heading keep its two lines (a page three lines short looks worse than a tighter space).
inline constexpr float kSpaceMinShare = 0.4f;
// Table cells: line pitch, horizontal and vertical padding, in em of the table's text.
inline constexpr float kTablePitchEm = 1.4f;
inline constexpr float kTablePadXEm = 0.35f;
inline constexpr float kTablePadYEm = 0.25f;
// The standing page is centred with this much counted below its last baseline (the
// descent and a little air), so the block looks centred rather than measures centred.
inline constexpr float kStandingFootEm = 0.3f;
}  // namespace typography
using namespace typography;
using content::Align;
using content::Role;

inline bool is_space(char32_t c) { return c == U' ' || c == 0x3000 || c == 0x00A0; }

inline bool is_body(Role r) { return r == Role::paragraph || r == Role::article || r == Role::list; }

struct BlockFormat {
    float size = 40;
    float pitch = 66;         // line pitch, px
    float space_before = 0;   // px, dropped at the top of a page
    float indent = 0;         // first line, px
    Align align = Align::start;
    bool justify = false;
    bool keep_with_next = false;
    Tone tone = Tone::text;
};

BlockFormat format_for(const content::Block& b, const Style& s);
Weight weight_for(const content::Block& b);

struct LineSpan {
    size_t begin = 0, end = 0;  // characters [begin, end) of the block
    bool emergency = false;
};

struct LineContext {
    const ShapedBlock& sb;
    float size;
    bool trim_first_start;  // S3 on the block's first line (not for an indented first line)
};

// Width in px of [begin, end) set as one line: S3 on its first character, S1 on its last,
// trailing spaces dropped. Also the squeeze (J2) available from its inner characters.
struct LineWidth {
    float width = 0;
    float squeeze = 0;
    size_t visible_end = 0;
};

// line_break.cpp
LineWidth measure_line(const LineContext& ctx, size_t begin, size_t end, bool first_line);
std::vector<LineSpan> break_lines(const LineContext& ctx, float first_measure, float measure);
// P1 for a paragraph; with `ragged` (a table cell, whose lines are not justified) the line
// before may end shorter, so the lone character always gets company.
void avoid_lone_last_character(const LineContext& ctx, std::vector<LineSpan>& spans, float first_measure,
                               float measure, bool ragged = false);
// A title or heading set balanced: when it takes two to four lines, the breaks of the
// narrowest measure at which it still takes as many, so its lines are near-equal and the
// last is never a stub (…年度报/告).
void balance_lines(const LineContext& ctx, std::vector<LineSpan>& spans, float first_measure, float measure);

// The block with its line breaks kept to ICU's word boundaries (its dictionary for Han
// text: never inside 年度, 报告, 通知, 管理局), for titles, headings and table cells; none
// when that removes no break.
std::optional<ShapedBlock> breaking_at_words(const ShapedBlock& sb);

// justify.cpp: one line set in its measure: compressed (J2) or justified (J3), glyphs placed.
Line set_line(const LineContext& ctx, int block_index, const LineSpan& span, const BlockFormat& f, float box_x,
              float measure, bool first, bool last);

// table_layout.cpp
// A table set for one width: column groups (when all columns at their narrowest do not fit,
// the table is split into groups that each repeat the row-label columns), column widths,
// every cell's lines broken inside its width, and row heights.
struct TablePlan {
    struct Cell {
        int row = 0, col = 0, rowspan = 1, colspan = 1;  // in slots
        const ShapedBlock* shaped = nullptr;
        bool header = false;
        bool numeric = false;
    };
    struct Group {
        std::vector<int> columns;           // slot columns shown, in order
        std::vector<float> x;               // left edge of each, relative to the table
        std::vector<float> width;
        float total = 0;
        std::vector<std::vector<Line>> lines;  // per cell, relative to the cell's inner top-left
        std::vector<float> text_height;        // per cell: its lines' height (0 when not shown)
        std::vector<float> row_height;
    };
    std::vector<Cell> cells;
    int rows = 0, header_rows = 0;
    float size = 32, pitch = 44, pad_x = 12, pad_y = 6;
    std::vector<Group> groups;
};
TablePlan plan_table(const ShapedBlock& sb, const Style& style, float width);
// Places one table on the pages, starting at `cursor` on the last page: group after group;
// header rows on top of every page; breaks between rows, keeping a small spanning group
// together; a cell split by a page break draws its box on both pages and its text where it
// fits (first time plain, later times marked repeat), as does a cell shown in another group.
// The body's height on each page: the box's, but one page may be made shorter (so that
// lines move on to the last page and it is not left holding a line or two).
struct PageRoom {
    float full = 0;
    size_t short_page = static_cast<size_t>(-1);
    float short_height = 0;
    float at(size_t page) const { return page == short_page ? short_height : full; }
};
// The height of a table's header rows and first body row (at least two rows) in its first
// column group: what a heading before it must be kept with. And the whole table's height
// when it is one group (it can then move whole to the next page), else a negative number.
float table_start_height(const TablePlan& plan);
float table_whole_height(const TablePlan& plan);
void place_table(const TablePlan& plan, int block, const Box& box, const PageRoom& room, float space_before,
                 std::vector<Page>& pages, float& cursor);

}  // namespace kiosk::text
