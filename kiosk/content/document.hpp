#pragma once
// The Document: what an article is, independent of where it came from (text file,
// portal page) and of how it will be set. Text is UTF-8.
#include <optional>
#include <string>
#include <vector>

namespace kiosk::content {

// `compare`: one aligned pair of a 新旧对照 (issue 30): Block::compare holds both sides.
enum class Role { title, meta, heading, paragraph, article, list, caption, table, image, compare };
enum class Align { start, center, end };

// A table as written: rows of cells, each cell placed by the HTML table model (a cell
// spanning rows occupies the slots below it; later cells in those rows move right).
struct TableCell {
    std::string text;  // one line; "" for an empty cell (&nbsp; included)
    int rowspan = 1;
    int colspan = 1;
    bool header = false;  // <th>, or a row of <thead>
    Align align = Align::start;
};
struct Table {
    std::vector<std::vector<TableCell>> rows;
    int header_rows = 0;  // leading rows that label the columns (repeated on every page)
};

struct Image {
    std::string url;  // absolute when the page's URL is known, else as written
    std::string alt;
    int width = 0;    // pixels, from the file's header once it has been fetched; 0: unknown
    int height = 0;
    std::string problem;  // why it cannot be shown (missing, broken, too large); "" when fine or not yet known
};

// 新旧对照 (issue 30). A pair of the old and new text of one article (or chapter heading),
// aligned by content/compare.hpp; its differences as marked spans of each side.
enum class Change {
    unchanged,  // same text (the number may differ: see `moved`)
    modified,   // both sides, text differs
    added,      // 新增: only the new side
    deleted,    // 删除: only the old side
};
// How the pair was found, beyond same-number-same-place (the page notes it under the pair).
enum class Relation {
    same,     // matched at its place
    moved,    // matched by text at another number (renumbered or moved): 原第十三条
    merged,   // several old articles into one new: the old side holds them all, in order
    split,    // one old article into several new: the new side holds them all
};
// A span of one side's paragraph that differs: struck on the old side, underlined on the new.
struct DiffMark {
    int paragraph = 0;  // index in CompareSide::paragraphs
    int begin = 0;      // code points [begin, end) of that paragraph (as written, before S6)
    int end = 0;
};
struct CompareSide {
    std::string number;                   // 第十三条 / 第二章, as written; "" when the side is empty or unnumbered
    std::vector<std::string> paragraphs;  // the article's 款 (the first starts with the number); empty: no such side
    std::vector<DiffMark> marks;          // ascending, not overlapping
    bool empty() const { return paragraphs.empty(); }
};
struct Comparison {
    Change change = Change::unchanged;
    Relation relation = Relation::same;
    bool heading = false;  // a 章/节 heading pair (set as headings across both columns)
    int level = 0;         // heading: 1 章, 2 节
    CompareSide old_side, new_side;
    std::string note;      // for the clerk and the page, Chinese: 原第十三条 / 由原第八条、第九条合并 / 拆分为第十条、第十一条; "" none
};
// The opening page's figures (counted in articles, 条; headings are not counted).
struct CompareSummary {
    int added = 0, deleted = 0, modified = 0, unchanged = 0;
    int moved = 0, merged = 0, split = 0;  // among the above: how many pairs carry each relation
    std::string old_title, new_title;      // e.g. 中华人民共和国政府信息公开条例（2007年） / （2019年修订）
    std::string effective;                 // 2019年5月15日, from the item's "effective" or the new text (自…起施行); "" unknown
};

struct Block {
    Role role = Role::paragraph;
    std::string text;  // an image's caption; a table's text is in its cells
    int level = 0;     // headings: 1 for 一、/第一章, 2 for （一）/第一节
    Align align = Align::start;
    Table table;               // role table
    Image image;               // role image
    bool page_break = false;   // starts a new page (each article of a column item)
    Comparison compare;        // role compare
};

inline Block text_block(Role role, std::string text, int level = 0, Align align = Align::start) {
    Block b;
    b.role = role;
    b.text = std::move(text);
    b.level = level;
    b.align = align;
    return b;
}

struct Attachment {
    std::string name;
    std::string url;
};

struct Document {
    std::string title;
    std::vector<Block> blocks;  // the title and meta lines are blocks too, in reading order
    std::vector<Attachment> attachments;
    std::string url;  // where it was read from, if it came from the web
    // A 新旧对照 (issue 30): set when the blocks are compare pairs; the layout then sets the
    // opening summary page and the two-column (portrait: stacked) pages.
    std::optional<CompareSummary> compare_summary;
};

const char* role_name(Role role);

// Slot grid of a table (the HTML table model): slot[r][c] is the index of the cell covering
// that slot as {row, index in row}, or {-1, -1} for a slot no cell covers.
struct CellRef {
    int row = -1;
    int index = -1;
};
std::vector<std::vector<CellRef>> table_slots(const Table& table);

}  // namespace kiosk::content
