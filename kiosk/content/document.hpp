#pragma once
// The Document: what an article is, independent of where it came from (text file,
// portal page) and of how it will be set. Text is UTF-8.
#include <string>
#include <vector>

namespace kiosk::content {

enum class Role { title, meta, heading, paragraph, article, list, caption, table, image };
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

struct Block {
    Role role = Role::paragraph;
    std::string text;  // an image's caption; a table's text is in its cells
    int level = 0;     // headings: 1 for 一、/第一章, 2 for （一）/第一节
    Align align = Align::start;
    Table table;               // role table
    Image image;               // role image
    bool page_break = false;   // starts a new page (each article of a column item)
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
