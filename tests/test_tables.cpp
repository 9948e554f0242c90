// Tables on the page: the annual report's three statistical tables (2019 and 2021
// templates, Word-pasted HTML) laid out at 1920x1080 and 1080x1920. Every cell's text is
// on the pages exactly once unmarked (repeats marked), nothing leaves its cell, header rows
// open every page of a table, a table too wide is split into column groups that repeat the
// row labels, and the text is never smaller than the legible minimum.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "base/utf8.hpp"
#include "content/html_extract.hpp"
#include "support.hpp"
#include "text/layout.hpp"
#include "text/layout_json.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

struct Laid {
    content::Document doc;
    text::ShapedDocument shaped;
    text::Style style;
    std::vector<text::Page> pages;
};

// `body_cut`: px the body gives up at its foot (to a QR code).
Laid lay_out(const std::string& fixture, int w, int h, float body_cut = 0) {
    Laid l;
    auto doc = content::extract_article(test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "portal" / fixture));
    REQUIRE(doc.ok());
    l.doc = std::move(*doc);
    l.shaped = text::shape_document(test::fonts(), l.doc);
    l.style = text::resolve_style(config::Typography{}, w, h);
    text::PageGeometry g = text::resolve_geometry(config::Margins{}, w, h);
    g.body.height -= body_cut;
    l.pages = text::layout_document(l.shaped, l.style, g);
    return l;
}

}  // namespace

TEST_CASE("tables: every cell once, inside its box, headers on every page, legible, in both templates and orientations", "[table][layout]") {
    for (const char* fixture : {"report-2019-tables.html", "report-2021-tables.html"})
        for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}}) {
            INFO(fixture << " at " << w << "x" << h);
            const Laid l = lay_out(fixture, w, h);
            for (size_t bi = 0; bi < l.shaped.blocks.size(); ++bi) {
                const auto& sb = l.shaped.blocks[bi];
                if (sb.block.role != content::Role::table) continue;
                INFO("block " << bi);
                // Each cell's unmarked lines, in order, spell its text; repeats spell it again.
                const auto slots = content::table_slots(sb.block.table);
                std::map<std::pair<int, int>, std::u32string> once, repeated;
                for (const auto& page : l.pages) {
                    bool body = false, header = false;
                    for (const auto& line : page.lines) {
                        if (line.block != static_cast<int>(bi)) continue;
                        REQUIRE(line.cell);
                        (line.repeat ? repeated : once)[{line.cell->row, line.cell->col}] += line.text;
                        // Inside the cell: left, right, top, bottom.
                        const text::Box& b = line.cell->box;
                        CHECK(line.x >= b.x - 0.01f);
                        CHECK(line.x + line.width <= b.x + b.width + 0.5f);
                        CHECK(line.y - 0.88f * line.font_size >= b.y - 0.5f);
                        CHECK(line.y + 0.12f * line.font_size <= b.y + b.height + 0.5f);
                        CHECK(b.x + b.width <= page.box.x + page.box.width + 0.5f);
                        CHECK(b.y + b.height <= page.box.y + page.box.height + 0.5f);
                        CHECK(line.font_size >= static_cast<float>(config::Typography{}.min_body_px));
                        if (line.cell->row < sb.block.table.header_rows) header = true;
                        else body = true;
                    }
                    if (body) CHECK(header);  // the header rows open every page with body rows
                }
                size_t index = 0;
                for (size_t r = 0; r < sb.block.table.rows.size(); ++r)
                    for (size_t i = 0; i < sb.block.table.rows[r].size(); ++i, ++index) {
                        const std::u32string& text = sb.cells[index].shaped.text;
                        // The cell's first slot.
                        int row = -1, col = -1;
                        for (size_t rr = 0; rr < slots.size() && row < 0; ++rr)
                            for (size_t cc = 0; cc < slots[rr].size(); ++cc)
                                if (slots[rr][cc].row == static_cast<int>(r) && slots[rr][cc].index == static_cast<int>(i)) {
                                    row = static_cast<int>(rr);
                                    col = static_cast<int>(cc);
                                    break;
                                }
                        INFO("cell " << row << "," << col << " " << utf8::encode(text));
                        auto strip = [](std::u32string s) {  // line ends drop spaces
                            std::erase(s, U' ');
                            return s;
                        };
                        CHECK(strip(once[{row, col}]) == strip(text));
                        if (repeated.count({row, col})) {
                            // A repeat is the whole text again, once per page or group it is carried to.
                            const std::u32string rep = strip(repeated[{row, col}]);
                            CHECK(rep.size() % std::max<size_t>(1, strip(text).size()) == 0);
                        }
                    }
            }
        }
}

TEST_CASE("tables: the 15-column table splits into column groups at 1080 wide, a spanning header is carried as a repeat", "[table][layout]") {
    const Laid l = lay_out("report-2021-tables.html", 1080, 1920);
    int reviews = -1;
    for (size_t bi = 0; bi < l.shaped.blocks.size(); ++bi)
        if (l.shaped.blocks[bi].block.role == content::Role::table) reviews = static_cast<int>(bi);
    int pages = 0;
    bool carried = false;
    for (const auto& page : l.pages) {
        bool here = false;
        for (const auto& line : page.lines)
            if (line.block == reviews) {
                here = true;
                if (line.repeat && utf8::encode(line.text) == "行政诉讼") carried = true;
            }
        pages += here;
    }
    CHECK(pages >= 2);
    CHECK(carried);
    // In landscape the same table needs fewer groups.
    const Laid wide = lay_out("report-2021-tables.html", 1920, 1080);
    int wide_pages = 0;
    for (const auto& page : wide.pages) {
        bool here = false;
        for (const auto& line : page.lines) here = here || line.block == reviews;
        wide_pages += here;
    }
    CHECK(wide_pages < pages);
}

TEST_CASE("tables: layout JSON marks cells and repeats, empty cells can read 0", "[table][layout]") {
    const Laid l = lay_out("report-2021-tables.html", 1080, 1920);
    const auto j = text::layout_json(1080, 1920, 0, {text::ItemPages{"r", "r", l.pages}});
    int cells = 0, repeats = 0;
    for (const auto& page : j["items"][0]["pages"])
        for (const auto& line : page["lines"])
            if (line["role"] == "table-cell") {
                ++cells;
                CHECK(line["cell"].contains("row"));
                CHECK(line["cell"]["width"].get<double>() > 0);
                repeats += line.value("repeat", false);
            }
    CHECK(cells > 100);
    CHECK(repeats > 0);

    content::Document doc;
    content::Block table;
    table.role = content::Role::table;
    table.table.header_rows = 1;
    table.table.rows = {{{"项目", 1, 1, true, {}}, {"数量", 1, 1, true, {}}}, {{"行政许可", 1, 1, false, {}}, {"", 1, 1, false, {}}}};
    doc.blocks.push_back(table);
    for (bool zero : {false, true}) {
        text::ShapeOptions options;
        options.table_empty_zero = zero;
        const auto pages = text::layout_document(text::shape_document(test::fonts(), doc, options),
                                                 text::resolve_style(config::Typography{}, 1920, 1080),
                                                 text::resolve_geometry(config::Margins{}, 1920, 1080));
        bool has_zero = false;
        for (const auto& line : pages[0].lines) has_zero = has_zero || line.text == U"0";
        CHECK(has_zero == zero);
        CHECK(pages[0].rules.size() == 4);  // four cells framed
    }
}

TEST_CASE("tables: no cell line holds a single character, at the three screen sizes", "[table][layout]") {
    // The 2019 template's narrow label columns once broke 社会公益组/织, 法律服务机/构,
    // （三）不予公/开: the lone character now takes company from the line before.
    auto core_chars = [](const std::u32string& text) {
        size_t n = 0;
        for (char32_t c : text)
            if (c != U' ' && c != U'　' && std::u32string_view(U"、，。：；！？”’」』）】》…").find(c) == std::u32string_view::npos) ++n;
        return n;
    };
    for (const char* fixture : {"report-2019-tables.html", "report-2021-tables.html"})
        for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}, {1280, 720}}) {
            INFO(fixture << " at " << w << "x" << h);
            const Laid l = lay_out(fixture, w, h);
            std::map<std::tuple<int, int, int>, std::vector<std::u32string>> cells;
            for (const auto& page : l.pages)
                for (const auto& line : page.lines)
                    if (line.cell && !line.repeat) cells[{line.block, line.cell->row, line.cell->col}].push_back(line.text);
            REQUIRE(cells.size() > 50);
            for (const auto& [key, lines] : cells) {
                if (lines.size() < 2) continue;
                for (const auto& text : lines) {
                    INFO(utf8::encode(lines.front()) << " … " << utf8::encode(text));
                    CHECK(core_chars(text) > 1);
                }
            }
        }
}

TEST_CASE("titles and headings: balanced lines broken between words, never a one-character stub", "[layout]") {
    content::Document doc;
    content::Block title;
    title.role = content::Role::title;
    title.text = "长春市政务服务和数字化建设管理局2019年政府信息公开工作年度报告";
    doc.blocks.push_back(title);
    content::Block heading;
    heading.role = content::Role::heading;
    heading.level = 1;
    heading.text = "四、政府信息公开行政复议、行政诉讼情况";
    doc.blocks.push_back(heading);
    title.text = "关于调整长春市政务服务中心冬季办公时间的通知";
    doc.blocks.push_back(title);
    text::Style style;
    style.body_px = 40;
    style.title_px = 56;
    style.heading_px = 44;
    for (float measure_em : {10.0f, 14.0f, 19.0f, 23.0f}) {
        INFO("measure " << measure_em << " em");
        text::PageGeometry g;
        g.body = text::Box{0, 0, measure_em * 40, 1e6f};
        const auto pages = text::layout_document(text::shape_document(test::fonts(), doc), style, g);
        std::map<int, std::vector<float>> widths;
        std::map<int, std::u32string> text;         // a block's lines joined
        std::map<int, std::vector<size_t>> breaks;  // where its lines end in that
        for (const auto& line : pages.front().lines) {
            widths[line.block].push_back(line.width);
            CHECK(line.text.size() > 1);
            text[line.block] += line.text;
            breaks[line.block].push_back(text[line.block].size());
        }
        // Breaks fall between words (ICU's dictionary): never inside these.
        for (const auto& [block, joined] : text)
            for (std::u32string word : {U"年度", U"报告", U"通知", U"管理局", U"政府", U"信息", U"公开", U"诉讼", U"办公", U"时间"})
                for (size_t at = joined.find(word); at != std::u32string::npos; at = joined.find(word, at + 1))
                    for (size_t end : breaks[block]) {
                        INFO(utf8::encode(joined) << " breaks inside " << utf8::encode(word));
                        CHECK(!(end > at && end < at + word.size()));
                    }
        for (const auto& [block, w] : widths) {
            if (w.size() < 2) continue;
            // Near-equal: no line of a balanced block is less than half another (with one
            // line more it would not fit; with these breaks every line is as short as it can be).
            const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
            CHECK(*lo >= 0.5f * *hi);
        }
    }
}

TEST_CASE("tables: a row labelling the rows under it (第二十条第（五）项) never ends a page's part of a table", "[table][layout]") {
    for (const char* fixture : {"report-2019-tables.html", "report-2021-tables.html"})
        for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}, {1280, 720}})
            for (float cut : {0.0f, 63.0f, 164.0f}) {  // the body as it is, and shortened for a QR code
                INFO(fixture << " at " << w << "x" << h << ", body " << cut << " px shorter");
                const Laid l = lay_out(fixture, w, h, cut);
                for (size_t n = 0; n + 1 < l.pages.size(); ++n) {
                    // Per table on this page: its last row, the cells in it, and its width.
                    std::map<int, int> last_row;
                    std::map<int, float> left, right;
                    for (const auto& line : l.pages[n].lines) {
                        if (!line.cell) continue;
                        const int b = line.block;
                        left.try_emplace(b, line.cell->box.x);
                        right.try_emplace(b, 0.0f);
                        left[b] = std::min(left[b], line.cell->box.x);
                        right[b] = std::max(right[b], line.cell->box.x + line.cell->box.width);
                        if (!line.repeat) last_row[b] = std::max(last_row.count(b) ? last_row[b] : -1, line.cell->row);
                    }
                    for (const auto& [b, row] : last_row) {
                        bool continues = false;
                        for (const auto& line : l.pages[n + 1].lines) continues |= line.block == b && line.cell && !line.repeat;
                        if (!continues) continue;
                        std::set<int> cols;
                        float width = 0;
                        for (const auto& line : l.pages[n].lines)
                            if (line.block == b && line.cell && line.cell->row == row) {
                                cols.insert(line.cell->col);
                                width = line.cell->box.width;
                            }
                        INFO("page " << n + 1 << ", table block " << b << ", row " << row);
                        CHECK_FALSE((cols.size() == 1 && width >= right[b] - left[b] - 1));
                    }
                }
            }
}
