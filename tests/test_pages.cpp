// Page-level rules (issue 17), checked on every page of real and swept documents at the
// three screen sizes, and page dumps diffed against golden files:
// - keep with next: a heading never ends a page; it goes with two lines of a paragraph, a
//   table's header rows and first body row, or a picture and its caption;
// - a table starting in the last quarter of a page moves whole to the next when it fits;
// - no short tail: an item's last page holds more than two lines besides a signature;
// - no page but the last ends more than two body lines short, unless a table or picture
//   that could not fit follows, or it was shortened to give the last page its lines;
// - and whatever moved to make that so, every line's characters stay inside the body box.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "base/utf8.hpp"
#include "checks.hpp"
#include "content/ingest.hpp"
#include "support.hpp"
#include "text/layout.hpp"

using namespace kiosk;
using content::Align;
using content::Role;
namespace fs = std::filesystem;

namespace {

struct Laid {
    content::Document doc;
    text::ShapedDocument shaped;
    text::Style style;
    std::vector<text::Page> pages;
};

// `qr_url`: the body gives up its foot to that address's QR code, as on the screen.
Laid lay_out(content::Document doc, int w, int h, const std::string& qr_url = "") {
    Laid l;
    l.doc = std::move(doc);
    l.shaped = text::shape_document(test::fonts(), l.doc);
    l.style = text::resolve_style(config::Typography{}, w, h);
    text::PageGeometry g = text::resolve_geometry(config::Margins{}, w, h);
    g.body.height -= text::place_qr(l.style, g, qr_url).body_cut;
    l.pages = text::layout_document(l.shaped, l.style, g);
    return l;
}

// A file read as `kiosk layout --input` reads it (and as bench/page_polish.py sees it).
content::Document fixture(const std::string& name) {
    const fs::path file = fs::path(KIOSK_SOURCE_DIR) / name;
    content::IngestHints hints;
    hints.file_name = file.string();
    auto got = content::ingest(test::read_file(file), hints);
    INFO(name << ": " << (got ? std::string() : got.error().message));
    REQUIRE(got.ok());
    return std::move(got->doc);
}

bool is_head(Role r) { return r == Role::title || r == Role::heading; }

bool is_signature(const content::Document& doc, const text::Line& line) {
    const auto& b = doc.blocks[static_cast<size_t>(line.block)];
    return b.role == Role::meta && b.align == Align::end;
}

// What breaks the rules on these pages, one description per fault; none when all is well.
std::vector<std::string> page_faults(const Laid& l) {
    std::vector<std::string> faults;
    const auto& pages = l.pages;
    const float pitch = l.style.body_px * l.style.line_height;
    auto own = [](const text::Page& page) {
        std::vector<const text::Line*> lines;
        for (const auto& line : page.lines)
            if (!line.repeat) lines.push_back(&line);
        return lines;
    };
    auto continues = [&](size_t n, int block) {
        if (n + 1 >= pages.size()) return false;
        for (const auto& line : pages[n + 1].lines)
            if (line.block == block) return true;
        for (const auto& im : pages[n + 1].images)
            if (im.block == block) return true;
        return false;
    };
    for (size_t n = 0; n < pages.size(); ++n) {
        const text::Page& page = pages[n];
        const std::string where = "page " + std::to_string(n + 1) + ": ";
        const float top = page.box.y, bottom = page.box.y + page.box.height;
        for (const auto& line : page.lines)
            if (line.y - 0.88f * line.font_size < top - 0.5f || line.y + 0.12f * line.font_size > bottom + 0.5f)
                faults.push_back(where + "a line's characters leave the body box: " + utf8::encode(line.text));
        const auto lines = own(page);
        if (lines.empty()) continue;
        if (n + 1 == pages.size()) {
            size_t signature = 0;
            for (const auto* line : lines) signature += is_signature(l.doc, *line);
            if (pages.size() > 1 && page.images.empty() && lines.size() - signature <= 2)
                faults.push_back(where + "a short tail of " + std::to_string(lines.size()) + " lines");
            continue;
        }
        // The page's last heading and what follows it on the page.
        for (size_t k = lines.size(); k-- > 0;) {
            if (!is_head(lines[k]->role)) {
                if (lines.size() - k > 4) break;
                continue;
            }
            std::vector<const text::Line*> after;
            for (size_t j = k + 1; j < lines.size(); ++j)
                if (!is_head(lines[j]->role)) after.push_back(lines[j]);
            bool picture_after = false;
            for (const auto& im : page.images) picture_after |= im.box.y > lines[k]->y;
            bool fault = after.empty() && !picture_after;
            if (!after.empty() && continues(n, after.back()->block)) {
                if (after.back()->cell) {
                    std::set<int> rows;
                    for (const auto* line : after) rows.insert(line->cell->row);
                    fault = rows.size() < 2;
                } else {
                    fault = after.size() < 2;
                }
            }
            if (fault) faults.push_back(where + "ends with the heading " + utf8::encode(lines[k]->text));
            break;
        }
        // The lines short: whole body lines that would still fit under the last line's box.
        float last = top;
        for (const auto* line : lines)
            last = std::max(last, line->y + 0.12f * line->font_size + (pitch - line->font_size) / 2);
        for (const auto& im : page.images) last = std::max(last, im.box.y + im.box.height);
        for (const auto& rule : page.rules) last = std::max(last, rule.box.y + rule.box.height);
        const int lines_short = static_cast<int>(std::floor((bottom - last) / pitch + 0.01f));
        const auto next = own(pages[n + 1]);
        const text::Line* first = nullptr;
        size_t heads = 0;
        for (const auto* line : next) {
            if (!is_head(line->role)) {
                first = line;
                break;
            }
            ++heads;
        }
        bool object_follows = first && first->cell;
        for (const auto& im : pages[n + 1].images) object_follows |= !first || im.box.y < first->y;
        // Shortened to give the last page its lines: taking back what would fit here would
        // leave the last page a short tail again.
        int last_lines = 0;  // the last page's lines besides its signature
        for (const auto* line : own(pages.back())) last_lines += !is_signature(l.doc, *line);
        const bool balanced = n + 2 == pages.size() && last_lines - lines_short <= 2;
        // A chain of headings (二、 then （一）) with two lines needs four and a half lines.
        const bool chain = heads >= 2 && lines_short <= 4;
        if (lines_short > 2 && !object_follows && !balanced && !chain && page.images.empty())
            faults.push_back(where + "ends " + std::to_string(lines_short) + " lines short");
    }
    return faults;
}

// A page dump for the golden files: per page its number and the space at its foot, then a
// line per line (block, role, table cell, the first and last characters) and per picture.
std::string dump(const Laid& l) {
    std::ostringstream out;
    const float pitch = l.style.body_px * l.style.line_height;
    static const char* kRoles[] = {"title", "meta", "heading", "paragraph", "article", "list", "caption", "table", "image"};
    for (const auto& page : l.pages) {
        float last = page.box.y;
        for (const auto& line : page.lines) last = std::max(last, line.y + 0.12f * line.font_size);
        for (const auto& im : page.images) last = std::max(last, im.box.y + im.box.height);
        char head[96];
        std::snprintf(head, sizeof head, "== page %d/%d, %.1f lines free at the foot\n", page.number, page.of,
                      (page.box.y + page.box.height - last) / pitch);
        out << head;
        for (const auto& im : page.images) out << "   [picture of block " << im.block << "]\n";
        for (const auto& line : page.lines) {
            if (line.repeat) continue;
            std::u32string text = line.text;
            if (text.size() > 14) text = text.substr(0, 9) + U"…" + text.substr(text.size() - 4);
            char lead[64];
            std::snprintf(lead, sizeof lead, "%3d %-9s ", line.block, kRoles[static_cast<int>(line.role)]);
            out << lead;
            if (line.cell) out << "(" << line.cell->row << "," << line.cell->col << ") ";
            out << utf8::encode(text) << "\n";
        }
    }
    return out.str();
}

constexpr std::pair<int, int> kSizes[] = {{1920, 1080}, {1080, 1920}, {1280, 720}};

std::string size_name(std::pair<int, int> size) {
    return std::to_string(size.first) + "x" + std::to_string(size.second);
}

content::Block paragraph(const std::string& text) { return content::text_block(Role::paragraph, text); }

content::Block table_block(int rows) {
    content::Block b;
    b.role = Role::table;
    b.table.header_rows = 1;
    for (int r = 0; r < rows; ++r) {
        std::vector<content::TableCell> row;
        for (const char* label : {"项目", "申请数", "办结数", "备注"}) {
            content::TableCell cell;
            cell.text = r == 0 ? label : std::to_string(r * 7 + static_cast<int>(row.size()));
            cell.header = r == 0;
            row.push_back(cell);
        }
        b.table.rows.push_back(row);
    }
    return b;
}

content::Block picture() {
    content::Block b;
    b.role = Role::image;
    b.text = "图一　政务服务中心大厅";
    b.image.url = "file:///hall.jpg";
    b.image.width = 800;
    b.image.height = 450;
    return b;
}

const std::string kLine = "政务服务中心设综合受理窗口，办事群众按号顺序办理。";

}  // namespace

TEST_CASE("pages: a heading is kept with what it heads wherever on the page it falls", "[layout][pages]") {
    // Filler paragraphs push the heading down a line at a time across the foot of the first
    // page; after it comes a paragraph, a table, a picture, or a second heading and a paragraph.
    const std::string long_paragraph = kLine + kLine + kLine + kLine + kLine + kLine;
    const std::vector<std::pair<std::string, std::vector<content::Block>>> followers = {
        {"paragraph", {paragraph(long_paragraph)}},
        {"table", {table_block(12)}},
        {"picture", {picture(), paragraph(long_paragraph)}},
        {"two headings", {content::text_block(Role::heading, "（一）窗口设置", 2), paragraph(long_paragraph)}},
    };
    for (auto size : kSizes)
        for (const auto& [kind, blocks] : followers)
            for (int filler = 4; filler < 40; ++filler) {
                content::Document doc;
                for (int i = 0; i < filler; ++i) doc.blocks.push_back(paragraph(kLine.substr(0, 3 * (10 + i % 7))));
                doc.blocks.push_back(content::text_block(Role::heading, "二、办理流程", 1));
                for (const auto& b : blocks) doc.blocks.push_back(b);
                doc.blocks.push_back(paragraph(long_paragraph));
                const Laid l = lay_out(doc, size.first, size.second);
                INFO(size_name(size) << ", a heading then a " << kind << " after " << filler << " paragraphs");
                CHECK(page_faults(l) == std::vector<std::string>{});
            }
}

TEST_CASE("pages: a table that would start in a page's last quarter moves whole to the next", "[layout][pages]") {
    for (auto size : kSizes)
        for (int filler = 4; filler < 40; ++filler) {
            content::Document doc;
            for (int i = 0; i < filler; ++i) doc.blocks.push_back(paragraph(kLine.substr(0, 3 * (10 + i % 7))));
            doc.blocks.push_back(table_block(6));
            doc.blocks.push_back(paragraph(kLine));
            const Laid l = lay_out(doc, size.first, size.second);
            INFO(size_name(size) << " after " << filler << " paragraphs");
            std::map<size_t, std::pair<float, float>> table_on;  // page -> the table's top and bottom
            for (size_t n = 0; n < l.pages.size(); ++n)
                for (const auto& rule : l.pages[n].rules) {
                    auto [it, fresh] = table_on.try_emplace(n, rule.box.y, rule.box.y + rule.box.height);
                    it->second.first = std::min(it->second.first, rule.box.y);
                    it->second.second = std::max(it->second.second, rule.box.y + rule.box.height);
                }
            REQUIRE(!table_on.empty());
            const auto& first = *table_on.begin();
            const text::Box& box = l.pages[first.first].box;
            // Either all on one page, or it started above the last quarter.
            if (table_on.size() > 1) CHECK(first.second.first - box.y <= 0.75f * box.height + 0.5f);
            CHECK(page_faults(l) == std::vector<std::string>{});
        }
}

TEST_CASE("pages: the last page is never a line or two or a lone signature", "[layout][pages]") {
    for (auto size : kSizes)
        for (int filler = 8; filler < 48; ++filler) {
            for (bool signed_off : {false, true}) {
                content::Document doc;
                doc.blocks.push_back(content::text_block(Role::title, "关于调整政务服务中心办公时间的通知"));
                for (int i = 0; i < filler; ++i) doc.blocks.push_back(paragraph(kLine + kLine.substr(0, 3 * (i % 9))));
                if (signed_off) {
                    doc.blocks.push_back(content::text_block(Role::meta, "长春市政务服务中心", 0, Align::end));
                    doc.blocks.push_back(content::text_block(Role::meta, "2026年12月3日", 0, Align::end));
                }
                const Laid l = lay_out(doc, size.first, size.second);
                INFO(size_name(size) << ", " << filler << " paragraphs" << (signed_off ? " and a signature" : ""));
                CHECK(page_faults(l) == std::vector<std::string>{});
            }
        }
}

TEST_CASE("pages: the report, portal pages and texts of our own follow the page rules at three sizes", "[layout][pages]") {
    for (const char* name :
         {"assets/samples/changchun-2019-xxgk-annual-report.txt", "assets/samples/xxgk-shenqing-zhinan.html",
          "tests/fixtures/portal/report-2019-tables.html", "tests/fixtures/portal/report-2021-tables.html", "tests/fixtures/portal/photo-article.html",
          "tests/fixtures/portal/ucap-content.html", "tests/fixtures/portal/zoom-gb2312.html", "tests/fixtures/portal/regulation.html", "tests/fixtures/pages/short-tail.txt",
          "tests/fixtures/pages/service-guide.txt", "tests/fixtures/pages/holiday-notice.txt"})
        for (auto size : kSizes)
            for (const std::string qr : {"", "https://www.changchun.gov.cn/zw/xxgk/202001/t20200120_2019nb.html"}) {
                const Laid l = lay_out(fixture(name), size.first, size.second, qr);
                INFO(name << " at " << size_name(size) << (qr.empty() ? "" : " with a QR code"));
                CHECK(page_faults(l) == std::vector<std::string>{});
            }
}

TEST_CASE("golden: page breaks of the report, a tables report, a picture article and a signed notice", "[layout][golden][pages]") {
    for (const char* name : {"assets/samples/changchun-2019-xxgk-annual-report.txt", "tests/fixtures/portal/report-2019-tables.html",
                             "tests/fixtures/portal/photo-article.html", "tests/fixtures/portal/ucap-content.html", "tests/fixtures/pages/short-tail.txt"})
        for (auto size : kSizes) {
            const Laid l = lay_out(fixture(name), size.first, size.second);
            test::check_golden(test::golden_file("pages-" + fs::path(name).stem().string() + "-" + size_name(size)), dump(l));
        }
}

TEST_CASE("golden: header and footer, with the QR code, at three sizes", "[layout][golden][pages][chrome]") {
    const std::string url = "https://www.changchun.gov.cn/zw/xxgk/202001/t20200120_2019nb.html";
    for (auto size : kSizes) {
        Laid l = lay_out(fixture("tests/fixtures/portal/report-2019-tables.html"), size.first, size.second, url);
        const text::PageGeometry g = text::resolve_geometry(config::Margins{}, size.first, size.second);
        text::ChromeText chrome{"长春市政务服务中心", "长春市政务服务和数字化建设管理局2019年政府信息公开工作年度报告",
                                "2026年12月3日 星期四 10:00", "发布日期：2020-01-20　　来源：长春市政务服务和数字化建设管理局",
                                "内容更新于 12月3日 09:30", false, url};
        std::vector<text::Page> first{l.pages.front()};
        text::add_chrome(test::fonts(), first, l.style, g, chrome);
        std::ostringstream out;
        const float body_bottom = first[0].box.y + first[0].box.height;
        out << "body " << first[0].box.y << ".." << body_bottom << " of " << size.second << ", footer rule at " << g.footer.y << "\n";
        for (const auto& c : first[0].chrome) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%-14s %4.0f px  x %7.1f..%7.1f  baseline %7.1f  ", c.chrome_role.c_str(), c.font_size,
                          c.x, c.x + c.width, c.y);
            out << buf << utf8::encode(c.text) << "\n";
        }
        REQUIRE(first[0].qr);
        const auto& q = *first[0].qr;
        char buf[160];
        std::snprintf(buf, sizeof buf, "qr  %d modules at %.0f px, square %.0f..%.0f x %.0f..%.0f\n", q.modules, q.module, q.box.x,
                      q.box.x + q.box.width, q.box.y, q.box.y + q.box.height);
        out << buf;
        // What the golden shows, asserted too: nothing in the body comes into the square.
        CHECK(body_bottom <= q.box.y + 0.5f);
        test::check_golden(test::golden_file("chrome-" + size_name(size)), out.str());
    }
}
