// 新旧对照 (issue 30), the word level: word_diff marks whole ICU words, folds small unchanged
// islands so a changed sentence is one or two runs, never marks '\n', and past its budget
// marks both texts whole; compare_from_table reads published 对照表 pages (a GBK one, one with
// a 序号 column and chapter rows spanning both columns, one with <p> inside cells) into pairs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_internal.hpp"
#include "content/html_extract.hpp"
#include "support.hpp"

using namespace kiosk;

namespace {

// The text with its marked ranges in brackets: 为了[促进依法行政]，…
std::string bracketed(const std::u32string& text, const std::vector<std::pair<int, int>>& ranges) {
    std::u32string out;
    size_t r = 0;
    for (int i = 0; i <= static_cast<int>(text.size()); ++i) {
        if (r < ranges.size() && ranges[r].second == i) out += U']', ++r;
        if (r < ranges.size() && ranges[r].first == i) out += U'[';
        if (i < static_cast<int>(text.size())) out += text[static_cast<size_t>(i)];
    }
    return utf8::encode(out);
}

struct Marked {
    std::string old_side, new_side;
    content::WordDiff diff;
};

Marked diff(const std::string& old_text, const std::string& new_text, size_t max_cells = content::CompareLimits{}.max_diff_cells) {
    const std::u32string o = utf8::decode(old_text), n = utf8::decode(new_text);
    Marked m;
    m.diff = content::word_diff(o, n, max_cells);
    m.old_side = bracketed(o, m.diff.deleted);
    m.new_side = bracketed(n, m.diff.inserted);
    return m;
}

// Ranges ascending, not empty, not touching (touching ranges are merged).
void check_ranges(const std::vector<std::pair<int, int>>& ranges, size_t size) {
    for (size_t i = 0; i < ranges.size(); ++i) {
        CHECK(ranges[i].first < ranges[i].second);
        CHECK(ranges[i].second <= static_cast<int>(size));
        if (i > 0) CHECK(ranges[i - 1].second < ranges[i].first);
    }
}

}  // namespace

TEST_CASE("word_diff marks the changed words of 第一条 as one run a side", "[compare_diff]") {
    const Marked m = diff("第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，促进依法行政，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。",
                          "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，建设法治政府，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。");
    CHECK(m.old_side == "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，[促进依法行政]，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。");
    CHECK(m.new_side == "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，[建设法治政府]，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。");
    CHECK_FALSE(m.diff.whole);
}

TEST_CASE("word_diff identical and empty texts", "[compare_diff]") {
    CHECK(diff("相同的文字。", "相同的文字。").diff.deleted.empty());
    CHECK(diff("", "").diff.inserted.empty());
    const Marked added = diff("", "第五十五条　本条例自2019年5月15日起施行。");
    CHECK(added.diff.deleted.empty());
    CHECK(added.new_side == "[第五十五条　本条例自2019年5月15日起施行。]");
    const Marked deleted = diff("第一段。\n第二段。", "");
    CHECK(deleted.old_side == "[第一段。]\n[第二段。]");  // '\n' never marked
}

TEST_CASE("word_diff folds small unchanged islands and keeps real phrases plain", "[compare_diff]") {
    // 第五条: the lone 、 between two insertions folds into them; 遵循公正、公平 stays plain.
    const Marked five = diff("第五条　行政机关公开政府信息，应当遵循公正、公平、便民的原则。",
                             "第五条　行政机关公开政府信息，应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。");
    CHECK(five.old_side == "第五条　行政机关公开政府信息，应当遵循公正、公平、便民的原则。");
    CHECK(five.new_side == "第五条　行政机关公开政府信息，应当[坚持以公开为常态、不公开为例外，]遵循公正、公平、[合法、]便民的原则。");
    // Two changed words two characters apart are one run a side.
    const Marked near = diff("申请人可以向上一级行政机关申请复议。", "申请人可以向本级人民政府申请复议。");
    CHECK(near.diff.deleted.size() == 1);
    CHECK(near.diff.inserted.size() == 1);
    // A renumbered article: the ordinal is one word (not 十四条 or 四).
    const Marked moved = diff("第十四条　行政机关应当建立健全政府信息发布保密审查机制，明确审查的程序和责任。",
                              "第十七条　行政机关应当建立健全政府信息公开审查机制，明确审查的程序和责任。");
    CHECK(moved.old_side == "[第十四条]　行政机关应当建立健全政府信息[发布保密]审查机制，明确审查的程序和责任。");
    CHECK(moved.new_side == "[第十七条]　行政机关应当建立健全政府信息[公开]审查机制，明确审查的程序和责任。");
}

TEST_CASE("word_diff never marks a newline and keeps paragraphs apart", "[compare_diff]") {
    const std::string old_text = "第三条　各级人民政府应当加强对政府信息公开工作的组织领导。\n"
                                 "县级以上地方人民政府办公厅(室)或者县级以上地方人民政府确定的其他政府信息公开工作主管部门负责推进、指导、协调、监督本行政区域的政府信息公开工作。";
    const std::string new_text = "第三条　各级人民政府应当加强对政府信息公开工作的组织领导。\n"
                                 "县级以上地方人民政府办公厅(室)是本行政区域的政府信息公开工作主管部门，负责推进、指导、协调、监督本行政区域的政府信息公开工作。\n"
                                 "实行垂直领导的部门的办公厅(室)主管本系统的政府信息公开工作。";
    const Marked m = diff(old_text, new_text);
    // The added paragraph is marked whole, the paragraph before it keeps its own ending.
    CHECK(m.new_side.find("\n[实行垂直领导的部门的办公厅(室)主管本系统的政府信息公开工作。]") != std::string::npos);
    CHECK(m.new_side.find("监督本行政区域的政府信息公开工作。\n") != std::string::npos);
    const std::u32string n = utf8::decode(new_text);
    for (const auto& [b, e] : m.diff.inserted)
        for (int i = b; i < e; ++i) CHECK(n[static_cast<size_t>(i)] != U'\n');
    check_ranges(m.diff.inserted, n.size());
    check_ranges(m.diff.deleted, utf8::decode(old_text).size());
}

TEST_CASE("word_diff marks whole ICU words, never half a word", "[compare_diff]") {
    // 职责 -> 职能 shares 职: still the whole word is marked on both sides.
    const Marked m = diff("与政府信息公开有关的其他职责。", "与政府信息公开有关的其他职能。");
    CHECK(m.old_side == "与政府信息公开有关的其他[职责]。");
    CHECK(m.new_side == "与政府信息公开有关的其他[职能]。");
    // Outside the BMP (UTF-16 surrogate pairs): indices stay in code points.
    const Marked wide = diff("𠀀𠀁甲乙丙。", "𠀀𠀁甲丁丙。");
    for (const auto& [b, e] : wide.diff.inserted) CHECK(e <= 6);
    CHECK(wide.new_side.find("[") != std::string::npos);
}

TEST_CASE("word_diff past its budget marks both texts whole except newlines", "[compare_diff]") {
    const Marked m = diff("甲方应当履行义务。\n乙方应当支付费用。", "丙方应当履行职责。\n丁方可以支付费用。", 4);
    CHECK(m.diff.whole);
    CHECK(m.old_side == "[甲方应当履行义务。]\n[乙方应当支付费用。]");
    CHECK(m.new_side == "[丙方应当履行职责。]\n[丁方可以支付费用。]");
    // Within the budget the same pair is diffed word by word.
    CHECK_FALSE(diff("甲方应当履行义务。\n乙方应当支付费用。", "丙方应当履行职责。\n丁方可以支付费用。").diff.whole);
}

TEST_CASE("compare_pair sets change, numbers and marks per paragraph", "[compare_diff]") {
    using content::Change;
    const content::CompareLimits limits;
    const content::Comparison same = content::compare_pair({"第九条　公民有权监督。"}, {"第九条　公民有权监督。"}, limits);
    CHECK(same.change == Change::unchanged);
    CHECK(same.old_side.marks.empty());
    CHECK(same.new_side.number == "第九条");

    const content::Comparison six = content::compare_pair(
        {"第六条　行政机关应当及时、准确地公开政府信息。行政机关发现虚假信息的，应当在其职责范围内发布准确的政府信息予以澄清。"},
        {"第六条　行政机关应当及时、准确地公开政府信息。", "行政机关发现虚假信息的，应当发布准确的政府信息予以澄清。"}, limits);
    CHECK(six.change == Change::modified);
    CHECK(six.old_side.number == "第六条");
    REQUIRE(six.old_side.marks.size() == 1);
    CHECK(six.old_side.marks[0].paragraph == 0);
    const std::u32string old0 = utf8::decode(six.old_side.paragraphs[0]);
    CHECK(utf8::encode(old0.substr(static_cast<size_t>(six.old_side.marks[0].begin),
                                   static_cast<size_t>(six.old_side.marks[0].end - six.old_side.marks[0].begin))) == "应当在其职责范围内");  // ICU reads 应当在 as one word
    // The new side's second paragraph is the same words, so nothing is marked there.
    for (const content::DiffMark& m : six.new_side.marks) CHECK(m.paragraph <= 1);

    const content::Comparison added = content::compare_pair({}, {"第五十四条　参照本条例执行。", "具体办法另行制定。"}, limits);
    CHECK(added.change == Change::added);
    CHECK(added.old_side.empty());
    CHECK(added.old_side.number.empty());
    CHECK(added.new_side.number == "第五十四条");
    CHECK(added.new_side.marks.empty());  // 新增 says it; nothing is underlined

    // Only the brackets' width and the number differ: nothing to mark, 未改.
    const content::Comparison width = content::compare_pair({"第十条　（一）行政法规；"}, {"第二十条　(一)行政法规；"}, limits);
    CHECK(width.change == Change::unchanged);
    CHECK(width.old_side.marks.empty());
    const content::Comparison deleted = content::compare_pair({"第二章　公开的范围"}, {}, limits);
    CHECK(deleted.change == Change::deleted);
    CHECK(deleted.old_side.number == "第二章");
    CHECK(content::leading_label("  第一百零二条 附则") == "第一百零二条");
    CHECK(content::leading_label("第十三项") == "");
}

namespace {

content::Document page(const std::string& name) {
    auto doc = content::extract_article(test::read_file(std::string(KIOSK_TEST_FIXTURES) + "/compare/" + name));
    REQUIRE(doc.ok());
    return *doc;
}

std::vector<const content::Comparison*> pairs(const content::Document& doc) {
    std::vector<const content::Comparison*> out;
    for (const content::Block& b : doc.blocks) {
        CHECK(b.role == content::Role::compare);
        out.push_back(&b.compare);
    }
    return out;
}

// The marked words of one side, joined by |.
std::string marked(const content::CompareSide& side) {
    std::string out;
    for (const content::DiffMark& m : side.marks) {
        const std::u32string p = utf8::decode(side.paragraphs.at(static_cast<size_t>(m.paragraph)));
        REQUIRE(m.begin < m.end);
        REQUIRE(m.end <= static_cast<int>(p.size()));
        if (!out.empty()) out += "|";
        out += utf8::encode(p.substr(static_cast<size_t>(m.begin), static_cast<size_t>(m.end - m.begin)));
    }
    return out;
}

}  // namespace

TEST_CASE("compare_from_table reads a Word-pasted GBK 对照表 with 删除 and 新增 written in the cells", "[compare_diff]") {
    using content::Change;
    auto result = content::compare_from_table(page("duizhaobiao-gbk.html"));
    REQUIRE(result.ok());
    const content::Document& doc = *result;
    REQUIRE(doc.compare_summary);
    CHECK(doc.title == "《某市政务公开规定》新旧对照");
    const auto p = pairs(doc);
    REQUIRE(p.size() == 6);
    CHECK(p[0]->change == Change::modified);
    CHECK(marked(p[0]->old_side) == "促进依法行政");
    CHECK(marked(p[0]->new_side) == "建设法治政府");
    CHECK(p[1]->change == Change::unchanged);
    CHECK(p[3]->change == Change::deleted);  // （删除）
    CHECK(p[3]->new_side.empty());
    CHECK(p[3]->old_side.number == "第四条");
    CHECK(p[4]->change == Change::added);  // （新增）
    CHECK(p[4]->old_side.empty());
    CHECK(p[4]->new_side.number == "第四条");
    const content::CompareSummary& s = *doc.compare_summary;
    CHECK(s.added == 1);
    CHECK(s.deleted == 1);
    CHECK(s.modified == 3);
    CHECK(s.unchanged == 1);
    CHECK(s.effective == "2024年3月1日");  // 第五条　本规定自2024年3月1日起施行
    CHECK(s.new_title == "某市政务公开规定（修订后）");
}

TEST_CASE("compare_from_table reads a 对照表 with a 序号 column, chapter rows and a split article", "[compare_diff]") {
    using content::Change;
    content::CompareOptions options;
    options.title = "政府信息公开条例新旧对照";
    options.effective = "2019-05-15";
    auto result = content::compare_from_table(page("duizhaobiao-xuhao.html"), options);
    REQUIRE(result.ok());
    const auto p = pairs(*result);
    CHECK(result->title == "政府信息公开条例新旧对照");
    REQUIRE(p.size() == 11);
    // 第一章 across both columns: a heading pair, unchanged.
    CHECK(p[0]->heading);
    CHECK(p[0]->level == 1);
    CHECK(p[0]->change == Change::unchanged);
    CHECK(p[0]->new_side.paragraphs == std::vector<std::string>{"第一章　总则"});
    CHECK(marked(p[2]->new_side) == "行政管理职能");
    CHECK(marked(p[3]->new_side) == "坚持以公开为常态、不公开为例外，|合法、");
    CHECK(p[4]->change == Change::deleted);  // 删去
    // A chapter renamed: a heading pair with its words marked.
    CHECK(p[5]->heading);
    CHECK(p[5]->change == Change::modified);
    CHECK(marked(p[5]->new_side) == "主体和");
    // One old article (rowspan 2) split into two new ones: one pair.
    CHECK(p[6]->relation == content::Relation::split);
    CHECK(p[6]->note == "由原第十七条拆分");  // as compare_documents words it
    CHECK(p[6]->new_side.paragraphs.size() == 2);
    CHECK(p[7]->change == Change::added);  // old cell empty
    // Renumbered, the same words: 未改, moved, the number never marked.
    CHECK(p[8]->change == Change::unchanged);
    CHECK(p[8]->relation == content::Relation::moved);
    CHECK(p[8]->note == "原第二十九条");
    CHECK(p[8]->old_side.marks.empty());
    CHECK(p[9]->heading);
    CHECK(p[10]->old_side.number == "第三十八条");
    CHECK(p[10]->new_side.number == "第五十六条");
    CHECK(marked(p[10]->old_side) == "2008|1");  // not 第三十八条
    CHECK(p[10]->note == "原第三十八条");
    const content::CompareSummary& s = *result->compare_summary;
    CHECK(s.added == 1);
    CHECK(s.deleted == 1);
    CHECK(s.modified == 5);
    CHECK(s.unchanged == 1);
    CHECK(s.split == 1);
    CHECK(s.moved == 2);
    CHECK(s.effective == "2019年5月15日");
}

TEST_CASE("compare_from_table splits cells written as paragraphs back into 款 and 项", "[compare_diff]") {
    auto result = content::compare_from_table(page("duizhaobiao-p.html"));
    REQUIRE(result.ok());
    const auto p = pairs(*result);
    REQUIRE(p.size() == 4);
    CHECK(result->title == "《某市公共场所控制吸烟条例》新旧对照");
    // <p> per item: the extractor joins a cell's paragraphs without a separator; the items
    // （一）… are split back after ： and ；.
    CHECK(p[1]->old_side.paragraphs.size() == 4);
    CHECK(p[1]->new_side.paragraphs.size() == 5);
    CHECK(p[1]->new_side.paragraphs[4] == "（四）政务服务大厅。");
    CHECK(marked(p[1]->new_side) == "和工作场所|、少年宫|和室外区域|；|（四）政务服务大厅。");
    CHECK(marked(p[1]->old_side) == "。");  // the closing 。 became ； before the added item
    CHECK(result->compare_summary->effective == "2024年9月1日");
}

TEST_CASE("compare_from_table refuses a page without a 对照表 and one past its budgets", "[compare_diff]") {
    auto plain = content::compare_from_table(test::paragraphs("第一条　为了控制吸烟，制定本条例。\n第二条　本条例适用于本市。"));
    REQUIRE_FALSE(plain.ok());
    CHECK(plain.error().message == "这个页面里没有找到新旧对照表：表头应有“修订前”和“修订后”两栏");
    // A table of other columns (an annual report's) is not a 对照表.
    auto report = content::extract_article(test::read_file(std::string(KIOSK_TEST_FIXTURES) + "/portal/report-2019-tables.html"));
    REQUIRE(report.ok());
    CHECK_FALSE(content::compare_from_table(*report).ok());

    content::CompareOptions tight;
    tight.limits.max_articles = 3;
    auto rows = content::compare_from_table(page("duizhaobiao-gbk.html"), tight);
    REQUIRE_FALSE(rows.ok());
    CHECK(rows.error().message == "新旧对照表有 6 行，超过了能显示的 3 行：请把它分成几个条目");
    content::CompareOptions short_articles;
    short_articles.limits.max_article_chars = 40;
    auto chars = content::compare_from_table(page("duizhaobiao-gbk.html"), short_articles);
    REQUIRE_FALSE(chars.ok());
    CHECK(chars.error().message.find("超过了一条能显示的 40 字") != std::string::npos);
    // Past the word-diff budget the pairs are still read, marked whole.
    content::CompareOptions small_diff;
    small_diff.limits.max_diff_cells = 10;
    auto whole = content::compare_from_table(page("duizhaobiao-gbk.html"), small_diff);
    REQUIRE(whole.ok());
    const content::CompareSide& first = whole->blocks[0].compare.old_side;
    REQUIRE(first.marks.size() == 1);
    CHECK(first.marks[0].begin == 4);  // after 第一条 and its space
    CHECK(first.marks[0].end == static_cast<int>(utf8::decode(first.paragraphs[0]).size()));
}
