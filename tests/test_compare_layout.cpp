// 新旧对照 (issue 30): the pages of a comparison — the opening page, two columns (landscape)
// or stacked pairs (portrait), line-synchronised breaks, the marks' strokes — on comparison
// Documents built here by hand (content/compare.hpp aligns real texts; these test the look).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <sstream>
#include <tuple>

#include "base/utf8.hpp"
#include "checks.hpp"
#include "config/config.hpp"
#include "support.hpp"
#include "text/layout.hpp"
#include "text/layout_json.hpp"

using namespace kiosk;
using content::Change;
using content::CompareSide;
using content::Relation;
using content::Role;

namespace {

// Code points of `part` in `text` (the first occurrence): a mark's place.
std::pair<int, int> where(const std::string& text, const std::string& part) {
    const size_t at = text.find(part);
    REQUIRE(at != std::string::npos);
    const int begin = static_cast<int>(utf8::decode(text.substr(0, at)).size());
    return {begin, begin + static_cast<int>(utf8::decode(part).size())};
}

CompareSide side(const std::string& number, std::vector<std::string> paragraphs) {
    CompareSide s;
    s.number = number;
    s.paragraphs = std::move(paragraphs);
    return s;
}

void mark(CompareSide& s, int paragraph, const std::string& part) {
    auto [b, e] = where(s.paragraphs[static_cast<size_t>(paragraph)], part);
    s.marks.push_back(content::DiffMark{paragraph, b, e});
}

content::Block pair(Change change, CompareSide old_side, CompareSide new_side, const std::string& note = "",
                    Relation relation = Relation::same, bool heading = false) {
    content::Block b;
    b.role = Role::compare;
    b.compare.change = change;
    b.compare.relation = relation;
    b.compare.heading = heading;
    b.compare.level = heading ? 1 : 0;
    b.compare.old_side = std::move(old_side);
    b.compare.new_side = std::move(new_side);
    b.compare.note = note;
    return b;
}

const std::string kFill =
    "行政机关应当建立健全政府信息公开协调机制，涉及其他机关的，应当与有关机关协商、确认，保证行政机关公开的政府信息准确一致。"
    "公开政府信息涉及其他机关的，应当依照法律、行政法规和国家有关规定，经批准后方可公开。";

// A comparison of the kinds a revision has: kept, changed (marks crossing line ends),
// added, deleted, renumbered, merged, headings, and articles long enough to break.
content::Document comparison() {
    content::Document doc;
    doc.title = "《中华人民共和国政府信息公开条例》新旧对照";
    content::CompareSummary s;
    s.added = 2, s.deleted = 1, s.modified = 4, s.unchanged = 2, s.moved = 1, s.merged = 1;
    s.old_title = "中华人民共和国政府信息公开条例（2007年）";
    s.new_title = "中华人民共和国政府信息公开条例（2019年修订）";
    s.effective = "2019-05-15";
    doc.compare_summary = s;
    doc.blocks.push_back(pair(Change::unchanged, side("第一章", {"第一章　总则"}), side("第一章", {"第一章　总则"}), "", Relation::same, true));
    const std::string first =
        "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，促进依法行政，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。";
    const std::string first_new =
        "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，建设法治政府，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。";
    CompareSide o1 = side("第一条", {first}), n1 = side("第一条", {first_new});
    mark(o1, 0, "促进依法行政");
    mark(n1, 0, "建设法治政府");
    doc.blocks.push_back(pair(Change::modified, o1, n1));
    const std::string second = "第二条　本条例所称政府信息，是指行政机关在履行职责过程中制作或者获取的，以一定形式记录、保存的信息。";
    const std::string second_new = "第二条　本条例所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息。";
    CompareSide o2 = side("第二条", {second}), n2 = side("第二条", {second_new});
    mark(o2, 0, "职责");
    mark(n2, 0, "行政管理职能");
    doc.blocks.push_back(pair(Change::modified, o2, n2));
    // A new article (新增) and a deleted one (删除).
    doc.blocks.push_back(pair(Change::added, CompareSide{},
                              side("第三条", {"第三条　各级人民政府应当加强对政府信息公开工作的组织领导。",
                                               "国务院办公厅是全国政府信息公开工作的主管部门，负责推进、指导、协调、监督全国的政府信息公开工作。"})));
    doc.blocks.push_back(pair(Change::deleted, side("第八条", {"第八条　行政机关公开政府信息，不得危及国家安全、公共安全、经济安全和社会稳定。"}),
                              CompareSide{}));
    // Renumbered and unchanged.
    const std::string same = "第五条　行政机关公开政府信息，应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。";
    doc.blocks.push_back(pair(Change::unchanged, side("第四条", {"第四条" + same.substr(same.find("　"))}), side("第五条", {same}),
                              "原第四条", Relation::moved));
    // A chapter heading renamed.
    CompareSide oh = side("第二章", {"第二章　公开的范围"}), nh = side("第二章", {"第二章　公开的主体和范围"});
    mark(nh, 0, "主体和");
    doc.blocks.push_back(pair(Change::modified, oh, nh, "", Relation::same, true));
    // Merged, long: old side two articles of several paragraphs; a mark across many lines.
    CompareSide om = side("第十条", {"第十条　" + kFill, kFill + kFill, "第十一条　" + kFill, kFill});
    CompareSide nm = side("第十条", {"第十条　" + kFill, kFill + "各级人民政府应当按照国家有关规定建立健全政府信息公开工作考核制度、社会评议制度和责任追究制度。" + kFill, kFill});
    mark(om, 1, kFill.substr(0, 3 * 60));
    mark(om, 2, "第十一条　");
    mark(nm, 1, "各级人民政府应当按照国家有关规定建立健全政府信息公开工作考核制度、社会评议制度和责任追究制度。");
    doc.blocks.push_back(pair(Change::modified, om, nm, "由原第十条、第十一条合并", Relation::merged));
    // Very long on the new side only: longer than a page at every size.
    std::vector<std::string> many;
    for (int i = 0; i < 9; ++i) many.push_back((i == 0 ? "第十二条　" : "") + kFill + kFill.substr(0, 3 * (10 * i)));
    CompareSide nl = side("第十二条", many);
    mark(nl, 3, kFill.substr(0, 3 * 40));
    CompareSide ol = side("第十二条", {"第十二条　" + kFill});
    doc.blocks.push_back(pair(Change::modified, ol, nl));
    doc.blocks.push_back(pair(Change::added, CompareSide{}, side("第十三条", {"第十三条　" + kFill + kFill})));
    doc.blocks.push_back(pair(Change::unchanged, side("第十四条", {"第十四条　" + kFill}), side("第十四条", {"第十四条　" + kFill})));
    return doc;
}

struct Laid {
    text::Style style;
    text::PageGeometry geometry;
    std::vector<text::Page> pages;
};

Laid lay_out(const content::Document& doc, int width, int height) {
    Laid l;
    l.style = text::resolve_style(config::Typography{}, width, height);
    l.geometry = text::resolve_geometry(config::Margins{}, width, height);
    l.pages = text::layout_document(text::shape_document(test::fonts(), doc), l.style, l.geometry);
    return l;
}

// Everything each size must hold: the counts at 0, every line inside the body, strokes thick
// enough, each mark's ink coloured.
void check_pages(const content::Document& doc, const Laid& l, const std::string& what) {
    INFO(what);
    const text::CompareStats st = text::measure_compare(doc, l.pages);
    int pairs = 0;
    for (const auto& b : doc.blocks) pairs += b.role == Role::compare;
    CHECK(st.pairs == pairs);
    CHECK(st.misaligned_starts == 0);
    CHECK(st.stubs == 0);
    CHECK(st.stranded_numbers == 0);
    CHECK(st.lost_characters == 0);
    const text::Box& box = l.geometry.body;
    const float thick = std::max(2.0f, std::ceil(text::kMarkStrokeEm * l.style.body_px - 0.001f));
    for (const auto& page : l.pages)
        for (const auto& line : page.lines) {
            INFO("page " << page.number << ": " << utf8::encode(line.text));
            CHECK(line.y - 0.88f * line.font_size >= box.y - 0.5f);
            CHECK(line.y + 0.12f * line.font_size <= box.y + box.height + 0.5f);
            CHECK(line.x >= box.x - 0.5f);
            CHECK(line.x + line.width <= box.x + box.width + 0.5f);
            for (const auto& m : line.marks) {
                CHECK(m.stroke.height >= 2.0f);
                CHECK(m.stroke.height >= text::kMarkStrokeEm * line.font_size - 0.01f);
                CHECK(m.stroke.height == std::max(2.0f, std::ceil(text::kMarkStrokeEm * line.font_size - 0.001f)));
                if (line.font_size == l.style.body_px) CHECK(m.stroke.height == thick);
                CHECK(m.stroke.width > 0);
                if (m.mark == text::Mark::deleted) {
                    // Across the em box's middle.
                    const float middle = line.y - (0.88f - 0.5f) * line.font_size;
                    CHECK(std::fabs(m.stroke.y + m.stroke.height / 2 - middle) <= 1.0f);
                    CHECK(line.column == text::Column::old_text);
                } else {
                    // Under the em box, clear of the glyphs' feet, within the line's pitch.
                    CHECK(m.stroke.y >= line.y + 0.12f * line.font_size);
                    CHECK(m.stroke.y + m.stroke.height <= line.y + 0.12f * line.font_size + 0.3f * line.font_size);
                    CHECK(line.column == text::Column::new_text);
                }
            }
        }
}

constexpr std::pair<int, int> kSizes[] = {{1920, 1080}, {1080, 1920}, {1280, 720}};

std::string size_name(std::pair<int, int> size) { return std::to_string(size.first) + "x" + std::to_string(size.second); }

// A page dump for the golden files: per page its rules, then a line per line (column, pair,
// role, baseline, x, the first and last characters, its marked spans).
std::string dump(const Laid& l) {
    std::ostringstream out;
    for (const auto& page : l.pages) {
        int across = 0, down = 0, shaded = 0;
        for (const auto& r : page.rules) {
            if (r.header) ++shaded;
            else if (r.box.width == 0) ++down;
            else if (r.box.height == 0) ++across;
        }
        out << "== page " << page.number << "/" << page.of << ": band " << shaded << ", column rules " << down
            << ", rules across " << across << "\n";
        for (const auto& line : page.lines) {
            static const char* kColumns[] = {"-", "old", "new", "both"};
            std::u32string t = line.text;
            if (t.size() > 14) t = t.substr(0, 9) + U"…" + t.substr(t.size() - 4);
            char lead[128];
            std::snprintf(lead, sizeof lead, "%-4s %3d %-15s %4.0fpx y %6.1f x %6.1f ", kColumns[static_cast<int>(line.column)],
                          line.pair, line.chrome_role.empty() ? content::role_name(line.role) : line.chrome_role.c_str(),
                          line.font_size, line.y, line.x);
            out << lead << utf8::encode(t);
            for (const auto& m : line.marks)
                out << (m.mark == text::Mark::deleted ? "  [del " : "  [ins ") << m.begin << "-" << m.end << "]";
            out << "\n";
        }
    }
    return out.str();
}

}  // namespace

TEST_CASE("compare layout: a revision's pairs at three sizes, nothing lost, every start aligned, no stubs", "[compare_layout]") {
    const content::Document doc = comparison();
    for (auto size : kSizes) {
        const Laid l = lay_out(doc, size.first, size.second);
        REQUIRE(l.pages.size() >= 3);
        check_pages(doc, l, size_name(size));
        // The opening page: the title, the counts with their figures large, the date.
        std::string opening;
        bool big_figure = false;
        for (const auto& line : l.pages[0].lines) {
            opening += utf8::encode(line.text);
            if (line.text == U"4") big_figure = line.font_size >= 1.5f * l.style.body_px;
        }
        CHECK(opening.find("新旧对照") != std::string::npos);
        CHECK(opening.find("自2019年5月15日起施行") != std::string::npos);
        CHECK(opening.find("新增2条，删除1条，修改4条，未改2条") != std::string::npos);
        CHECK(big_figure);
        CHECK(opening.find("修订前：中华人民共和国政府信息公开条例（2007年）") != std::string::npos);
        // The marks, all of them, and the header band on every page of pairs (landscape).
        const text::CompareStats st = text::measure_compare(doc, l.pages);
        CHECK(st.changed_pairs == 5);
        CHECK(st.fragments == 9);
        const bool landscape = size.first > size.second;
        for (size_t p = 1; p < l.pages.size(); ++p) {
            int heads = 0, repeats = 0;
            for (const auto& line : l.pages[p].lines)
                if (line.chrome_role == "compare-head") ++heads, repeats += line.repeat;
            CHECK(heads == (landscape ? 2 : 0));
            CHECK(repeats == (landscape && p > 1 ? 2 : 0));
        }
        // Every marked character's ink is drawn in the mark's colour, and only those.
        for (const auto& page : l.pages)
            for (const auto& line : page.lines) {
                size_t marked = 0;
                for (const auto& ink : line.ink) marked += ink.mark != text::Mark::none;
                if (line.marks.empty()) CHECK(marked == 0);
                else CHECK(marked > 0);
            }
    }
}

TEST_CASE("compare layout: a pair longer than a page breaks in pieces of two lines or more", "[compare_layout]") {
    const content::Document doc = comparison();
    for (auto size : kSizes) {
        const Laid l = lay_out(doc, size.first, size.second);
        INFO(size_name(size));
        // The long pair (index 8) spans at least two pages, and both columns of each of its
        // pieces start on the same line.
        std::map<int, std::vector<float>> old_y, new_y;
        for (const auto& page : l.pages)
            for (const auto& line : page.lines)
                if (line.pair == 8 && line.chrome_role.empty()) {
                    if (line.column == text::Column::old_text) old_y[page.number].push_back(line.y);
                    if (line.column == text::Column::new_text) new_y[page.number].push_back(line.y);
                }
        CHECK(new_y.size() >= 2);
        for (const auto& [page, ys] : new_y) {
            CHECK(ys.size() >= 2);
            if (old_y.count(page) && size.first > size.second) CHECK(old_y[page].front() == ys.front());
        }
    }
}

TEST_CASE("compare layout: kiosk-layout/1 gives each comparison line its column, pair and marks", "[compare_layout]") {
    const content::Document doc = comparison();
    const Laid l = lay_out(doc, 1920, 1080);
    const auto j = text::layout_json(1920, 1080, 0, {text::ItemPages{"tiaoli", doc.title, l.pages}});
    int marks = 0, heads = 0;
    for (const auto& page : j["items"][0]["pages"])
        for (const auto& line : page["lines"]) {
            if (!line.contains("column")) continue;
            CHECK((line["column"] == "old" || line["column"] == "new" || line["column"] == "both"));
            CHECK(line.contains("pair"));
            heads += line["role"] == "compare-head";
            for (const auto& m : line["marks"]) {
                ++marks;
                CHECK((m["mark"] == "deleted" || m["mark"] == "inserted"));
                CHECK(m["to"].get<int>() > m["from"].get<int>());
                CHECK(m["stroke"]["height"].get<double>() >= 2.0);
            }
        }
    CHECK(marks >= 8);
    CHECK(heads >= 2);
}

TEST_CASE("compare layout: the capped layout and the chrome work on a comparison", "[compare_layout]") {
    const content::Document doc = comparison();
    auto& fonts = test::fonts();
    const auto shaped = text::shape_document(fonts, doc);
    const auto style = text::resolve_style(config::Typography{}, 1280, 720);
    const auto g = text::resolve_geometry(config::Margins{}, 1280, 720);
    const auto all = text::layout_document(shaped, style, g);
    REQUIRE(all.size() >= 4);
    bool cut = false;
    auto pages = text::layout_document_capped(fonts, shaped, style, g, 3, [](size_t n) { return "仅显示前" + std::to_string(n) + "页"; },
                                              {}, &cut);
    CHECK(cut);
    CHECK(pages.size() <= 3);
    std::string last;
    for (const auto& line : pages.back().lines) last += utf8::encode(line.text);
    CHECK(last.find("仅显示前") != std::string::npos);
    text::add_chrome(fonts, pages, style, g, text::ChromeText{"长春市政务服务中心", doc.title, "2026年12月3日 星期四 10:00", "", "", false, ""});
    for (const auto& page : pages) CHECK(page.chrome.size() >= 3);
}

TEST_CASE("compare layout: random pairs at random sizes keep every count at 0", "[compare_layout]") {
    std::mt19937 rng(30);
    const std::u32string fill = utf8::decode(kFill + "第三十条　公民、法人或者其他组织认为行政机关侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。");
    auto text_of = [&](size_t n) {
        std::u32string t;
        size_t at = rng() % fill.size();
        while (t.size() < n) t.push_back(fill[at++ % fill.size()]);
        return t;
    };
    const auto start = std::chrono::steady_clock::now();
    for (int run = 0; run < 40; ++run) {
        content::Document doc;
        doc.title = "随机对照";
        doc.compare_summary = content::CompareSummary{};
        const int n = 3 + static_cast<int>(rng() % 10);
        for (int p = 0; p < n; ++p) {
            const bool heading = rng() % 8 == 0;
            auto make = [&](const std::string& number) {
                CompareSide s;
                if (rng() % 6 == 0) return s;  // an empty side
                s.number = number;
                const int paras = heading ? 1 : 1 + static_cast<int>(rng() % 5);
                for (int k = 0; k < paras; ++k) {
                    const size_t len = heading ? 4 + rng() % 10 : 4 + rng() % (rng() % 4 == 0 ? 700 : 120);
                    std::string para = utf8::encode(text_of(len));
                    if (k == 0) para = number + "　" + para;
                    s.paragraphs.push_back(para);
                    const int cps = static_cast<int>(utf8::decode(para).size());
                    for (int m = 0; m < 3 && cps > 2; ++m) {
                        const int b = static_cast<int>(rng() % static_cast<unsigned>(cps - 1));
                        const int e = std::min(cps, b + 1 + static_cast<int>(rng() % 60));
                        if (!s.marks.empty() && s.marks.back().paragraph == k && s.marks.back().end > b) continue;
                        s.marks.push_back(content::DiffMark{k, b, e});
                    }
                }
                return s;
            };
            const std::string number = heading ? "第" + std::to_string(p) + "章" : "第" + std::to_string(p) + "条";
            CompareSide o = make(number), nw = make(number);
            if (o.empty() && nw.empty()) nw = make(number);
            if (o.empty() && nw.empty()) continue;
            doc.blocks.push_back(pair(o.empty() ? Change::added : nw.empty() ? Change::deleted : Change::modified, o, nw,
                                      rng() % 4 == 0 ? "由原第" + std::to_string(p) + "条、第" + std::to_string(p + 1) + "条合并" : "",
                                      Relation::same, heading));
        }
        const auto shaped = text::shape_document(test::fonts(), doc);
        for (int s = 0; s < 8; ++s) {
            int w = 700 + static_cast<int>(rng() % 1800), h = 600 + static_cast<int>(rng() % 1500);
            if (s < 3) std::tie(w, h) = kSizes[s];
            Laid l;
            l.style = text::resolve_style(config::Typography{}, w, h);
            l.geometry = text::resolve_geometry(config::Margins{}, w, h);
            l.pages = text::layout_document(shaped, l.style, l.geometry);
            check_pages(doc, l, "run " + std::to_string(run) + " at " + std::to_string(w) + "x" + std::to_string(h));
        }
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("golden: a comparison's pages at three sizes", "[compare_layout][golden]") {
    const content::Document doc = comparison();
    for (auto size : kSizes) test::check_golden(test::golden_file("compare-pages-" + size_name(size)), dump(lay_out(doc, size.first, size.second)));
}
