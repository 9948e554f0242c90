// 新旧对照's alignment (issue 30): small revision pairs written for the purpose, one change
// each (tests/fixtures/compare/CASE-old.txt, CASE-new.txt), compared to their kiosk-compare/1
// golden files (tests/golden/compare/CASE.json; KIOSK_UPDATE_GOLDEN=1 rewrites them: read the
// diff before committing it), and asserts that fail when the alignment breaks.
#include <catch2/catch.hpp>
#include <ctime>
#include <map>
#include <tuple>

#include "base/utf8.hpp"
#include "checks.hpp"
#include "content/compare.hpp"
#include "content/document_json.hpp"
#include "content/ingest.hpp"
#include "content/text_import.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace kiosk::content;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(KIOSK_TEST_FIXTURES) / "compare";

Document read_text(const fs::path& file) {
    IngestHints hints;
    hints.file_name = file.filename().string();
    auto in = ingest(test::read_file(file), hints);
    REQUIRE(in);
    return in->doc;
}

Document compared(const std::string& name, const CompareOptions& options = {}) {
    auto doc = compare_documents(read_text(kFixtures / (name + "-old.txt")), read_text(kFixtures / (name + "-new.txt")), options);
    INFO(name << ": " << (doc ? "" : doc.error().message));
    REQUIRE(doc);
    REQUIRE(doc->compare_summary);
    return *doc;
}

std::vector<Comparison> pairs_of(const Document& doc) {
    std::vector<Comparison> out;
    for (const Block& b : doc.blocks) {
        REQUIRE(b.role == Role::compare);
        out.push_back(b.compare);
    }
    return out;
}

// The pair whose new (else old) side is `number`.
const Comparison& pair_at(const std::vector<Comparison>& pairs, const std::string& new_number, const std::string& old_number = "") {
    for (const Comparison& c : pairs)
        if ((!new_number.empty() && c.new_side.number == new_number) || (new_number.empty() && c.old_side.number == old_number)) return c;
    FAIL("no pair " << new_number << old_number);
    return pairs.front();
}

int count_relation(const std::vector<Comparison>& pairs, Relation r) {
    int n = 0;
    for (const Comparison& c : pairs) n += c.relation == r ? 1 : 0;
    return n;
}

void check_golden_json(const std::string& name, const Document& doc) {
    test::check_golden(fs::path(KIOSK_TEST_GOLDEN) / "compare" / (name + ".json"), compare_json(doc).dump(2) + "\n");
}

Document text_of(const std::string& text) { return import_plain_text(text); }

}  // namespace

TEST_CASE("compare golden files: one revision each", "[compare_align][golden]") {
    for (const char* name : {"renumbered", "moved", "merged", "split", "added", "deleted", "chapters", "unchanged"}) {
        INFO(name);
        check_golden_json(name, compared(name));
    }
}

TEST_CASE("compare: an article inserted renumbers the rest, kept as 未改 with 原第X条", "[compare_align]") {
    const Document doc = compared("renumbered");
    const auto pairs = pairs_of(doc);
    const CompareSummary& s = *doc.compare_summary;
    CHECK(s.added == 1);
    CHECK(s.deleted == 0);
    CHECK(s.merged == 0);
    CHECK(s.split == 0);
    CHECK(s.unchanged == 9);  // 第九条 refers to 第七条, now 第八条: modified
    CHECK(s.modified == 1);
    CHECK(s.moved == 6);
    CHECK(pair_at(pairs, "第五条").change == Change::added);
    CHECK(pair_at(pairs, "第五条").old_side.empty());
    const Comparison& six = pair_at(pairs, "第六条");
    CHECK(six.change == Change::unchanged);
    CHECK(six.relation == Relation::moved);
    CHECK(six.note == "原第五条");
    CHECK(six.old_side.marks.empty());
    CHECK(pair_at(pairs, "第十条").change == Change::modified);
    CHECK(pair_at(pairs, "第十条").old_side.number == "第九条");
    CHECK(pair_at(pairs, "第一条").relation == Relation::same);
    CHECK(s.old_title == "江川市公共图书馆服务办法（2020年）");
    CHECK(s.new_title == "江川市公共图书馆服务办法（2023年修订）");
    CHECK(s.effective == "2021年3月1日");
    CHECK(doc.title == "《江川市公共图书馆服务办法》新旧对照");
}

TEST_CASE("compare: an article moved and reworded is found at its new place", "[compare_align]") {
    const auto pairs = pairs_of(compared("moved"));
    const Comparison& five = pair_at(pairs, "第五条");
    CHECK(five.old_side.number == "第八条");
    CHECK(five.relation == Relation::moved);
    CHECK(five.change == Change::modified);
    CHECK(five.note == "原第八条");
    CHECK_FALSE(five.new_side.marks.empty());
    for (const Comparison& c : pairs) CHECK((c.change != Change::added && c.change != Change::deleted));
    // The new text's order: 第一条 … 第十条.
    REQUIRE(pairs.size() == 10);
    for (size_t i = 0; i < pairs.size(); ++i) CHECK(chinese_number(utf8::decode(pairs[i].new_side.number)) == static_cast<int>(i + 1));
}

TEST_CASE("compare: two articles merged into one: one pair whose old side holds both", "[compare_align]") {
    const Document doc = compared("merged");
    const auto pairs = pairs_of(doc);
    REQUIRE(count_relation(pairs, Relation::merged) == 1);
    const Comparison& merged = pair_at(pairs, "第五条");
    CHECK(merged.relation == Relation::merged);
    CHECK(merged.change == Change::modified);
    CHECK(merged.old_side.number == "第五条、第六条");
    REQUIRE(merged.old_side.paragraphs.size() == 2);
    CHECK(merged.old_side.paragraphs[0].rfind("第五条", 0) == 0);
    CHECK(merged.old_side.paragraphs[1].rfind("第六条", 0) == 0);
    CHECK(merged.note == "由原第五条、第六条合并");
    CHECK(doc.compare_summary->merged == 1);
    CHECK(doc.compare_summary->deleted == 0);
    CHECK(doc.compare_summary->added == 0);
    CHECK(pairs.size() == 9);
}

TEST_CASE("compare: one article split in two: one pair whose new side holds both", "[compare_align]") {
    const Document doc = compared("split");
    const auto pairs = pairs_of(doc);
    REQUIRE(count_relation(pairs, Relation::split) == 1);
    const Comparison& split = pair_at(pairs, "第三条、第四条");
    CHECK(split.relation == Relation::split);
    CHECK(split.change == Change::modified);
    CHECK(split.old_side.number == "第三条");
    CHECK(split.new_side.paragraphs.size() == 2);
    CHECK(split.note == "由原第三条拆分");
    CHECK(doc.compare_summary->split == 1);
    CHECK(doc.compare_summary->added == 0);
    CHECK(doc.compare_summary->deleted == 0);
    CHECK(pair_at(pairs, "第五条").old_side.number == "第四条");
}

TEST_CASE("compare: new articles are 新增 in their place, the rest follow them", "[compare_align]") {
    const Document doc = compared("added");
    const auto pairs = pairs_of(doc);
    CHECK(doc.compare_summary->added == 2);
    REQUIRE(pairs.size() == 12);
    CHECK(pairs[8].change == Change::added);
    CHECK(pairs[8].new_side.number == "第九条");
    CHECK(pairs[9].change == Change::added);
    CHECK(pairs[10].old_side.number == "第九条");
    CHECK(pairs[10].new_side.number == "第十一条");
    CHECK(pairs[10].note == "原第九条");
}

TEST_CASE("compare: a deleted article comes right after the pair of the article before it", "[compare_align]") {
    const Document doc = compared("deleted");
    const auto pairs = pairs_of(doc);
    CHECK(doc.compare_summary->deleted == 1);
    CHECK(doc.compare_summary->added == 0);
    REQUIRE(pairs.size() == 10);
    CHECK(pairs[4].old_side.number == "第五条");
    CHECK(pairs[5].change == Change::deleted);
    CHECK(pairs[5].old_side.number == "第六条");
    CHECK(pairs[5].new_side.empty());
    CHECK(pairs[5].note.empty());
    CHECK(pairs[6].old_side.number == "第七条");
    CHECK(pairs[6].new_side.number == "第六条");
}

TEST_CASE("compare: chapters renamed, added and renumbered are heading pairs", "[compare_align]") {
    const Document doc = compared("chapters");
    const auto pairs = pairs_of(doc);
    std::vector<Comparison> headings;
    for (const Comparison& c : pairs)
        if (c.heading) headings.push_back(c);
    REQUIRE(headings.size() == 5);
    for (const Comparison& h : headings) CHECK(h.level == 1);
    CHECK(headings[0].change == Change::unchanged);
    CHECK(headings[1].change == Change::modified);  // 服务规范 -> 读者服务: the same articles
    CHECK(headings[1].relation == Relation::same);
    CHECK(headings[1].old_side.number == "第二章");
    CHECK(headings[2].change == Change::added);  // 第三章 数字服务
    CHECK(headings[2].new_side.paragraphs[0] == "第三章\u3000数字服务");
    CHECK(headings[3].relation == Relation::moved);
    CHECK(headings[3].note == "原第三章");
    CHECK(headings[3].change == Change::unchanged);
    CHECK(headings[4].note == "原第四章");
    // Headings are not counted among the articles.
    const CompareSummary& s = *doc.compare_summary;
    CHECK(s.added + s.deleted + s.modified + s.unchanged == 11);
    CHECK(s.added == 1);
}

TEST_CASE("compare: the same words with other spaces are all 未改", "[compare_align]") {
    const Document doc = compared("unchanged");
    for (const Comparison& c : pairs_of(doc)) {
        CHECK(c.change == Change::unchanged);
        CHECK(c.relation == Relation::same);
        CHECK(c.old_side.marks.empty());
        CHECK(c.new_side.marks.empty());
    }
    CHECK(doc.compare_summary->unchanged == 10);
}

TEST_CASE("compare: the effective date from the item, else the new text", "[compare_align]") {
    CompareOptions options;
    options.effective = "2023-08-01";
    CHECK(compared("moved", options).compare_summary->effective == "2023年8月1日");
    options.effective = "2023年8月1日";
    CHECK(compared("moved", options).compare_summary->effective == "2023年8月1日");
    options.title = "图书馆办法修订对照";
    CHECK(compared("moved", options).title == "图书馆办法修订对照");
    // A line of its own under the title, and Chinese numerals in the article.
    auto a = compare_documents(text_of("条例\n第一条　甲乙丙丁。\n"),
                               text_of("条例\n2019年5月15日施行\n第一条　甲乙丙丁戊。\n"));
    REQUIRE(a);
    CHECK(a->compare_summary->effective == "2019年5月15日");
    auto b = compare_documents(text_of("条例\n第一条　甲乙丙丁。\n"),
                               text_of("条例\n第一条　甲乙丙丁戊。\n第二条　本条例自二〇一九年五月十五日起施行。\n"));
    REQUIRE(b);
    CHECK(b->compare_summary->effective == "2019年5月15日");
}

TEST_CASE("chinese_number reads 第X条 in Chinese numerals and digits", "[compare_align]") {
    CHECK(chinese_number(U"第十三条") == 13);
    CHECK(chinese_number(U"第一百零二条") == 102);
    CHECK(chinese_number(U"第二章") == 2);
    CHECK(chinese_number(U"第十条") == 10);
    CHECK(chinese_number(U"第二十条") == 20);
    CHECK(chinese_number(U"第五十六条") == 56);
    CHECK(chinese_number(U"第一百一十条") == 110);
    CHECK(chinese_number(U"第两千零一条") == 2001);
    CHECK(chinese_number(U"第一〇二条") == 102);
    CHECK(chinese_number(U"第13条") == 13);
    CHECK(chinese_number(U"第１３条") == 13);
    CHECK(chinese_number(U"二十一") == 21);
    CHECK(chinese_number(U"第条") == 0);
    CHECK(chinese_number(U"总则") == 0);
    CHECK(chinese_number(U"") == 0);
    CHECK(chinese_number(U"第99999999999999条") > 0);  // no overflow
}

TEST_CASE("read_articles: units, their paragraphs, and what is not an article", "[compare_align]") {
    const Document doc = text_of(
        "某某条例\n（2001年1月1日公布）\n前言里的一段话，说明制定的背景。\n第一章\n总　则\n第一条　为了规范管理，制定本条例。\n"
        "第二条　下列事项适用本条例：\n（一）甲事项；\n（二）乙事项。\n前款规定以外的事项，另行规定。\n第一节　一般规定\n第三条　本条例自公布之日起施行。\n");
    auto units = read_articles(doc);
    REQUIRE(units);
    REQUIRE(units->size() == 5);
    CHECK((*units)[0].unit == Article::Unit::chapter);
    CHECK((*units)[0].number == 1);
    CHECK((*units)[0].paragraphs == std::vector<std::string>{"第一章\u3000总\u3000则"});
    CHECK((*units)[1].label == "第一条");
    CHECK((*units)[2].paragraphs.size() == 4);
    CHECK((*units)[2].paragraphs[3] == "前款规定以外的事项，另行规定。");
    CHECK((*units)[3].unit == Article::Unit::section);
    CHECK((*units)[4].number == 3);
}

TEST_CASE("read_articles: errors in Chinese, budgets before the work", "[compare_align]") {
    auto none = compare_documents(text_of("通知\n各单位：请于周五前报送材料。\n"), text_of("条例\n第一条　甲。\n"));
    REQUIRE_FALSE(none);
    CHECK(none.error().message.rfind("修订前的文本里没有找到“第一条”这样的条文编号，不能逐条对照", 0) == 0);
    auto none_new = compare_documents(text_of("条例\n第一条　甲。\n"), text_of("通知\n请报送材料。\n"));
    REQUIRE_FALSE(none_new);
    CHECK(none_new.error().message.rfind("修订后的文本里没有找到", 0) == 0);

    CompareLimits limits;
    limits.max_articles = 5;
    auto many = read_articles(read_text(kFixtures / "added-old.txt"), limits);
    REQUIRE_FALSE(many);
    CHECK(many.error().message.find("超过 5 个") != std::string::npos);
    limits = {};
    limits.max_article_chars = 40;
    auto long_one = read_articles(read_text(kFixtures / "added-old.txt"), limits);
    REQUIRE_FALSE(long_one);
    CHECK(long_one.error().message.find("第一条有") != std::string::npos);
    limits = {};
    limits.max_text_chars = 100;
    CompareOptions options;
    options.limits = limits;
    auto big = compare_documents(read_text(kFixtures / "added-old.txt"), read_text(kFixtures / "added-new.txt"), options);
    REQUIRE_FALSE(big);
    CHECK(big.error().message.rfind("修订前的文本有", 0) == 0);
}

TEST_CASE("compare: past the similarity budget, articles are paired by number only", "[compare_align]") {
    CompareOptions options;
    options.limits.max_similarity_pairs = 10;
    const auto pairs = pairs_of(compared("moved", options));
    // 第八条 is no longer found at 第五条: the pairs follow the numbers.
    const Comparison& five = pair_at(pairs, "第五条");
    CHECK(five.old_side.number == "第五条");
    CHECK(five.relation == Relation::same);
    CHECK(count_relation(pairs, Relation::moved) == 0);
}

TEST_CASE("compare pairs survive the kiosk-document/1 round trip, bad marks do not", "[compare_align]") {
    const Document doc = compared("merged");
    const nlohmann::json j = to_json(doc);
    CHECK(j.contains("compare_summary"));
    auto back = document_from_json(j);
    REQUIRE(back);
    REQUIRE(back->compare_summary);
    CHECK(to_json(*back) == j);
    CHECK(compare_json(*back) == compare_json(doc));

    // A damaged copy: marks past their paragraph, overlapping or backwards are dropped.
    nlohmann::json bad = j;
    nlohmann::json* pair = nullptr;
    size_t index = 0;
    for (size_t i = 0; i < bad["blocks"].size(); ++i)
        if (bad["blocks"][i]["compare"]["change"] == "modified") pair = &bad["blocks"][i]["compare"], index = i;
    REQUIRE(pair);
    (*pair)["new"]["marks"] = {{0, 0, 2}, {0, 1, 3}, {0, 5, 4}, {7, 0, 1}, {0, 3, 100000}, {0, 6, 8}, "x"};
    (*pair)["level"] = 99;
    (*pair)["change"] = "exploded";
    auto read = document_from_json(bad);
    REQUIRE(read);
    REQUIRE(read->blocks.size() > index);
    const Comparison* c = &read->blocks[index].compare;
    REQUIRE(c->new_side.marks.size() == 2);
    CHECK(c->new_side.marks[0].begin == 0);
    CHECK(c->new_side.marks[1].begin == 6);
    CHECK(c->change == Change::unchanged);
}

namespace {
// old article number -> new article number(s) of the comparison's pairs (headings left out).
std::map<std::string, std::string> article_map(const Document& doc) {
    std::map<std::string, std::string> out;
    for (const Block& b : doc.blocks)
        if (!b.compare.heading && !b.compare.old_side.empty()) out[b.compare.old_side.number] = b.compare.new_side.number;
    return out;
}
}  // namespace

// The real revision: 《政府信息公开条例》 2007 (5 章 38 条) -> 2019 (6 章 56 条), the pairs checked
// by hand against the 2019 text (tests/fixtures/compare/xxgk-*.txt, from the bench).
TEST_CASE("compare: the 2007 and 2019 政府信息公开条例, pairs checked by hand", "[compare_align][golden]") {
    const Document old_doc = read_text(kFixtures / "xxgk-2007.txt");
    const Document new_doc = read_text(kFixtures / "xxgk-2019.txt");
    // How long it takes is bench/compare_bench's to say (docs/measurements.md), not a test's.
    auto doc = compare_documents(old_doc, new_doc);
    REQUIRE(doc);
    check_golden_json("xxgk-2007-2019", *doc);

    const auto map = article_map(*doc);
    const std::vector<std::pair<int, int>> by_hand = {
        {1, 1},   {2, 2},   {3, 3},   {4, 4},   {5, 5},   {6, 6},   {7, 11},  {8, 14},  {9, 19},  {10, 20}, {11, 21},
        {13, 27}, {14, 17}, {15, 23}, {16, 25}, {17, 10}, {18, 26}, {19, 12}, {20, 29}, {21, 36}, {22, 37}, {23, 32},
        {24, 33}, {25, 41}, {26, 40}, {27, 42}, {28, 43}, {29, 46}, {30, 47}, {31, 49}, {32, 50}, {33, 51}, {34, 52},
        {35, 53}, {36, 54}, {37, 55}, {38, 56}};
    for (const auto& [from, to] : by_hand) {
        std::string old_number;
        for (const auto& [o, n] : map)
            if (chinese_number(utf8::decode(o)) == from) old_number = o;
        INFO("2007 article " << from << " should be 2019 article " << to);
        REQUIRE_FALSE(old_number.empty());
        CHECK(chinese_number(utf8::decode(map.at(old_number))) == to);
    }
    const CompareSummary& s = *doc->compare_summary;
    CHECK(s.old_title == "中华人民共和国政府信息公开条例（2007年）");
    CHECK(s.new_title == "中华人民共和国政府信息公开条例（2019年修订）");
    CHECK(s.effective == "2019年5月15日");
    CHECK(s.added + s.modified + s.unchanged == 56);  // every 2019 article once
    int last = 0;
    for (const Block& b : doc->blocks) {
        if (b.compare.heading || b.compare.new_side.empty()) continue;
        const int n = chinese_number(utf8::decode(b.compare.new_side.number));
        CHECK(n == last + 1);  // the new text's order
        last = n;
    }
    // 第四章 监督和保障 is 2019's 第五章, words unchanged.
    bool found = false;
    for (const Block& b : doc->blocks)
        if (b.compare.heading && b.compare.old_side.number == "第四章") {
            found = true;
            CHECK(b.compare.new_side.number == "第五章");
            CHECK(b.compare.change == Change::unchanged);
            CHECK(b.compare.note == "原第四章");
        }
    CHECK(found);
}

// The bench's revision pairs (tests/fixtures/compare/pairs/, revise.py): their merges, each
// rewritten into one article, are found.
TEST_CASE("compare: the bench's revision pairs, their merges found", "[compare_align]") {
    const std::vector<std::tuple<std::string, std::string, std::string>> merges = {
        {"zhongxin", "第七条、第八条", "第七条"},
        {"guiding", "第七条、第八条", "第八条"},
        {"chuangkou", "第四条、第五条", "第四条"},
        {"rexian", "第九条、第十一条", "第十一条"}};
    for (const auto& [name, olds, into] : merges) {
        INFO(name);
        auto doc = compare_documents(read_text(kFixtures / "pairs" / (name + "-old.txt")), read_text(kFixtures / "pairs" / (name + "-new.txt")));
        REQUIRE(doc);
        const auto pairs = pairs_of(*doc);
        REQUIRE(count_relation(pairs, Relation::merged) == 1);
        const Comparison& merged = pair_at(pairs, into);
        CHECK(merged.relation == Relation::merged);
        CHECK(merged.old_side.number == olds);
    }
}

TEST_CASE("kiosk compare prints the counts and the changed pairs, or kiosk-compare/1", "[compare_align][cli][process]") {
    const std::string old_file = (kFixtures / "merged-old.txt").string(), new_file = (kFixtures / "merged-new.txt").string();
    auto r = test::run_kiosk({"compare", old_file, new_file, "--effective", "2023-08-01"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("新增 0 条，删除 0 条，修改 2 条，未改 7 条") != std::string::npos);
    CHECK(r.out.find("施行日期：2023年8月1日") != std::string::npos);
    CHECK(r.out.find("第五条、第六条 -> 第五条  修改  由原第五条、第六条合并") != std::string::npos);
    CHECK(r.out.find("第一条 -> 第一条") == std::string::npos);  // kept as it was: not listed

    auto j = test::run_kiosk({"compare", old_file, new_file, "--json"});
    REQUIRE(j.status == 0);
    const auto parsed = nlohmann::json::parse(j.out);
    CHECK(parsed["format"] == "kiosk-compare/1");
    CHECK(parsed["summary"]["merged"] == 1);

    auto help = test::run_kiosk({"compare", "--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("usage: kiosk compare OLD NEW") != std::string::npos);
    auto one = test::run_kiosk({"compare", old_file});
    CHECK(one.status == 2);
    auto notice = test::run_kiosk({"compare", (kFixtures / "README.md").string(), new_file});
    CHECK(notice.status == 1);
    CHECK(notice.err.find("修订前的文本里没有找到“第一条”") != std::string::npos);
}
