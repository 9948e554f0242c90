// The portal fixture set (tests/fixtures/portal, written by make_fixtures.py in the shapes
// real CMSs produce): each page's Document, each list page's or feed's entries, compared
// with a committed expected file (KIOSK_UPDATE_GOLDEN=1 rewrites them: read the diff), and
// the properties that matter asserted outright so a golden update cannot hide a regression.
#include <catch2/catch.hpp>

#include "checks.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "content/html_extract.hpp"
#include "support.hpp"

using namespace kiosk::content;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(KIOSK_TEST_FIXTURES) / "portal";
const std::string kArticleUrl = "https://www.changchun.gov.cn/zw/xxgk/202404/t20240407_3287654.html";

std::string http_charset_for(const fs::path& page) {
    fs::path http = page;
    http.replace_extension(".http");
    if (!fs::exists(http)) return "";
    std::string header = test::read_file(http);
    const size_t at = header.find("charset=");
    std::string cs = at == std::string::npos ? "" : header.substr(at + 8);
    while (!cs.empty() && (cs.back() == '\n' || cs.back() == ' ')) cs.pop_back();
    return cs;
}

void compare_with_expected(const std::string& name, const nlohmann::json& actual) {
    test::check_golden(kDir / (name + ".expected.json"), actual.dump(2) + "\n");
}

Document extract_fixture(const std::string& file, const std::string& base_url = kArticleUrl) {
    ExtractOptions options;
    options.base_url = base_url;
    options.http_charset = http_charset_for(kDir / file);
    auto doc = extract_article(test::read_file(kDir / file), options);
    INFO(file << ": " << (doc ? std::string() : doc.error().message));
    REQUIRE(doc.ok());
    compare_with_expected(fs::path(file).stem().string(), to_json(*doc));
    return std::move(*doc);
}

std::string all_text(const Document& doc) {
    std::string out;
    for (const auto& b : doc.blocks) {
        out += b.text + "\n";
        for (const auto& row : b.table.rows)
            for (const auto& c : row) out += c.text + "\n";
    }
    return out;
}

// Nothing of the portal around the article: menus, widgets, scripts, styles, footers.
void check_no_noise(const Document& doc) {
    const std::string text = all_text(doc);
    for (const char* noise : {"首页", "登录", "注册", "政务公开", "当前位置", "字体", "打印本页", "关闭窗口", "【", "扫一扫", "分享",
                              "ICP", "统计代码", "_hmt", "margin-top", "font-family", "TRS_Editor", "点击数", "document.write"}) {
        INFO(noise);
        CHECK(text.find(noise) == std::string::npos);
    }
}

std::vector<Role> roles(const Document& doc) {
    std::vector<Role> out;
    for (const auto& b : doc.blocks) out.push_back(b.role);
    return out;
}

const Block* first(const Document& doc, Role role) {
    for (const auto& b : doc.blocks)
        if (b.role == role) return &b;
    return nullptr;
}

}  // namespace

TEST_CASE("portal fixture: TRS_Editor with its inner style, a photo and its caption, attachments", "[extract][fixtures]") {
    const Document doc = extract_fixture("trs-editor.html");
    check_no_noise(doc);
    CHECK(doc.title == "市政务服务中心推行“一窗受理、集成服务”改革");
    CHECK(doc.blocks[1].text == "发布日期：2024-04-07　　来源：长春市政务服务和数字化建设管理局");
    CHECK(doc.blocks[2].text.rfind("为进一步优化营商环境", 0) == 0);      // full-width indent is not text
    CHECK(doc.blocks[3].text.rfind("改革后，群众办事", 0) == 0);           // text-indent is not text
    const Block* image = first(doc, Role::image);
    REQUIRE(image);
    CHECK(image->image.url == "https://www.changchun.gov.cn/zw/xxgk/202404/W020240407754781682465.jpg");
    CHECK(image->image.alt == "综合受理窗口");
    CHECK(image->text == "图为综合受理窗口工作人员为群众办理业务　张伟摄");
    CHECK(all_text(doc).find("share_weixin") == std::string::npos);
    // The photo sits between the second paragraph and the first heading, as on the page.
    CHECK(doc.blocks[4].role == Role::image);
    CHECK(doc.blocks[5].role == Role::heading);
    REQUIRE(doc.attachments.size() == 2);
    CHECK(doc.attachments[0].name == "1.综合窗口事项清单.pdf");
    CHECK(doc.attachments[0].url == "https://www.changchun.gov.cn/zw/xxgk/202404/P020240407555123456789.pdf");
    CHECK(doc.attachments[1].url.substr(doc.attachments[1].url.size() - 5) == ".docx");
}

TEST_CASE("portal fixture: GB2312 label with GBK-only characters, #zoom as <font>, visible date line", "[extract][fixtures]") {
    const Document doc = extract_fixture("zoom-gb2312.html");
    check_no_noise(doc);
    CHECK(doc.title == "关于公布2023年度“最美窗口”评选结果的通知");
    CHECK(doc.blocks[1].text == "发布日期：2023-06-12　　来源：市政府办公厅");
    const std::string text = all_text(doc);
    CHECK(text.find("王镕") != std::string::npos);
    CHECK(text.find("李堃") != std::string::npos);
    CHECK(text.find("\xEF\xBF\xBD") == std::string::npos);  // no U+FFFD
    const Block* image = first(doc, Role::image);
    REQUIRE(image);
    CHECK(image->image.url == "https://www.changchun.gov.cn/pic/2023/06/zuimei.jpg");
    CHECK(image->text == "“最美窗口”颁奖现场");
    CHECK(doc.blocks.back().text == "2023年6月12日");
    CHECK(doc.blocks.back().align == Align::end);
}

TEST_CASE("portal fixture: gov.cn #UCAP-CONTENT with text-indent and &nbsp, indentation", "[extract][fixtures]") {
    const Document doc = extract_fixture("ucap-content.html");
    check_no_noise(doc);
    CHECK(doc.title == "国务院办公厅关于进一步优化政务服务提升行政效能的意见");
    CHECK(doc.blocks[1].text == "发布日期：2024-03-20");
    int headings = 0;
    for (const auto& b : doc.blocks) headings += b.role == Role::heading;
    CHECK(headings == 2);
    for (const auto& b : doc.blocks) CHECK(b.text.rfind(" ", 0) != 0);
    CHECK(all_text(doc).find("以习近平新时代") != std::string::npos);
}

TEST_CASE("portal fixture: charset claims that disagree, no charset at all", "[extract][fixtures]") {
    const Document a = extract_fixture("header-gb-meta-utf8.html");  // header gb2312, bytes UTF-8
    CHECK(all_text(a).find("国庆期间（10月1日至7日）") != std::string::npos);
    const Document b = extract_fixture("header-utf8-meta-gbk.html");  // header utf-8 (a lie), bytes GBK
    CHECK(all_text(b).find("赵镕堃") != std::string::npos);
    const Document c = extract_fixture("no-charset.html");
    CHECK(c.title == "市民中心停车场收费标准公示");
    CHECK(c.blocks[1].text == "发布时间：2022-11-03");
    CHECK(all_text(c).find("孙镕") != std::string::npos);
    for (const Document* d : {&a, &b, &c}) CHECK(all_text(*d).find("\xEF\xBF\xBD") == std::string::npos);
}

TEST_CASE("portal fixture: a regulation keeps 章/节/条/款/项/目 past 第一百条", "[extract][fixtures]") {
    const Document doc = extract_fixture("regulation.html");
    check_no_noise(doc);
    int chapters = 0, sections = 0, articles = 0;
    for (const auto& b : doc.blocks) {
        if (b.role == Role::heading && b.level == 1) ++chapters;
        if (b.role == Role::heading && b.level == 2) ++sections;
        if (b.role == Role::article) ++articles;
    }
    CHECK(chapters == 10);
    CHECK(sections == 1);
    CHECK(articles == 103);
    // 第一百零二条 with its two 款; 第四十七条 with 项 and 目; the last chapter is 附则.
    size_t i = 0;
    while (i < doc.blocks.size() && doc.blocks[i].text.rfind("第一百零二条", 0) != 0) ++i;
    REQUIRE(i + 2 < doc.blocks.size());
    CHECK(doc.blocks[i].role == Role::article);
    CHECK((doc.blocks[i + 1].role == Role::paragraph && doc.blocks[i + 1].level == 1));
    CHECK((doc.blocks[i + 2].role == Role::paragraph && doc.blocks[i + 2].level == 1));
    CHECK(doc.blocks.back().text == "第一百零三条　本条例自2019年7月1日起施行。");
    i = 0;
    while (i < doc.blocks.size() && doc.blocks[i].text.rfind("第四十七条", 0) != 0) ++i;
    REQUIRE(i + 4 < doc.blocks.size());
    CHECK((doc.blocks[i + 1].role == Role::list && doc.blocks[i + 1].level == 1));
    CHECK((doc.blocks[i + 2].role == Role::list && doc.blocks[i + 2].level == 2));
    CHECK((doc.blocks[i + 3].role == Role::list && doc.blocks[i + 3].level == 2));
    CHECK((doc.blocks[i + 4].role == Role::list && doc.blocks[i + 4].level == 1));
}

TEST_CASE("portal fixture: the annual report's three tables as grids, both templates", "[extract][fixtures][table]") {
    for (int year : {2019, 2021}) {
        INFO(year);
        const Document doc = extract_fixture("report-" + std::to_string(year) + "-tables.html");
        check_no_noise(doc);
        std::vector<const Block*> tables;
        for (const auto& b : doc.blocks)
            if (b.role == Role::table) tables.push_back(&b);
        REQUIRE(tables.size() == 3);
        // 三: 3 header rows; the top-left cell spans 3 rows and 3 columns; 10 columns.
        const Table& applications = tables[1]->table;
        const auto slots = table_slots(applications);
        CHECK(slots[0].size() == 10);
        CHECK(applications.rows.size() == (year == 2021 ? 28u : 26u));
        CHECK(applications.header_rows == 3);
        CHECK(applications.rows[0][0].rowspan == 3);
        CHECK(applications.rows[0][0].colspan == 3);
        for (size_t r = 0; r < slots.size(); ++r)
            for (size_t c = 0; c < slots[r].size(); ++c) {
                INFO("row " << r << " col " << c);
                CHECK(slots[r][c].row >= 0);  // every slot covered: the spans add up
            }
        CHECK(applications.rows[3][0].text == "一、本年新收政府信息公开申请数量");
        CHECK(applications.rows[3].back().text == "29");
        // 四: 15 columns under two header rows.
        const Table& reviews = tables[2]->table;
        CHECK(table_slots(reviews)[0].size() == 15);
        CHECK(reviews.header_rows == 3);
        // Empty cells (&nbsp;) are empty, not a space.
        if (year == 2019) CHECK(tables[0]->table.rows[10].back().text.empty());
        // Reading order: the photo, then section 二's heading and its table.
        const auto r = roles(doc);
        auto at = [&](Role role) { return std::find(r.begin(), r.end(), role) - r.begin(); };
        CHECK(at(Role::image) < at(Role::table));
        CHECK(first(doc, Role::image)->text == "市政务服务中心大厅一角");
    }
}

namespace {
nlohmann::json entries_json(const std::vector<ColumnEntry>& entries) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) out.push_back({{"url", e.url}, {"title", e.title}, {"date", e.date}, {"doc_id", e.doc_id}});
    return out;
}
std::vector<ColumnEntry> column_fixture(const std::string& file, const std::string& base, size_t newest) {
    auto entries = read_column(test::read_file(kDir / file), ColumnOptions{base, ""});
    INFO(file << ": " << (entries ? std::string() : entries.error().message));
    REQUIRE(entries.ok());
    auto top = newest_entries(*entries, newest);
    compare_with_expected(fs::path(file).stem().string(), {{"entries", entries_json(*entries)}, {"newest", entries_json(top)}});
    return top;
}
}  // namespace

TEST_CASE("portal fixture: a TRS list page yields its newest articles in date order, duplicates once", "[column][fixtures]") {
    const auto top = column_fixture("list-trs.html", "https://www.changchun.gov.cn/zw/xxgk/tzgg/index.html", 4);
    REQUIRE(top.size() == 4);
    CHECK(top[0].url == "https://www.changchun.gov.cn/zw/xxgk/tzgg/202401/t20240118_3301290.html");
    CHECK(top[0].title == "长春市政务服务和数字化建设管理局2023年政府信息公开工作年度报告");  // from title=, not the cut text
    CHECK(top[0].date == "2024-01-18");
    CHECK(top[1].date == "2024-01-05");
    CHECK(top[2].date == "2023-12-28");
    CHECK(top[3].date == "2023-12-15");  // the pinned 2019 entry is old: not among the newest
    for (const auto& e : top) CHECK(e.url.find("index_") == std::string::npos);
}

TEST_CASE("portal fixture: a Hanweb list page's datastore records", "[column][fixtures]") {
    const auto top = column_fixture("list-hanweb.html", "http://zwfw.jl.gov.cn/col/col1234/index.html", 10);
    REQUIRE(top.size() == 3);
    CHECK(top[0].url == "http://zwfw.jl.gov.cn/art/2024/2/6/art_1234_56790.html");
    CHECK(top[0].doc_id == "hanweb:56790");
    CHECK(top[1].date == "2024-01-22");
    CHECK(top[2].title == "市政务服务中心开展“周末不打烊”服务");
}

TEST_CASE("portal fixture: RSS and Atom feeds", "[column][fixtures]") {
    const auto rss = column_fixture("feed-rss.xml", "https://zwfw.changchun.gov.cn/tzgg/rss.xml", 5);
    REQUIRE(rss.size() == 3);
    CHECK(rss[0].title == "市政务服务中心“帮办代办”服务上线");
    CHECK(rss[0].date == "2024-03-15");
    CHECK(rss[2].url == "https://zwfw.changchun.gov.cn/tzgg/202402/t20240220_3309001.html");  // from guid
    const auto atom = column_fixture("feed-atom.xml", "https://zwfw.changchun.gov.cn/zcwj/atom.xml", 5);
    REQUIRE(atom.size() == 2);
    CHECK(atom[0].url == "https://zwfw.changchun.gov.cn/zcwj/202404/t20240402_3312000.html");
    CHECK(atom[1].date == "2023-12-01");  // published, not updated
    CHECK(atom[1].url.find(".pdf") == std::string::npos);  // the enclosure is not the article
}

TEST_CASE("column: dates in the shapes portals write them", "[column]") {
    CHECK(find_date("2024-01-15") == "2024-01-15");
    CHECK(find_date("[2024/1/5]") == "2024-01-05");
    CHECK(find_date("发布时间：2023年12月8日") == "2023-12-08");
    CHECK(find_date("Mon, 15 Jan 2024 08:00:00 +0800") == "2024-01-15");
    CHECK(find_date("2024-01-15T08:00:00+08:00") == "2024-01-15");
    CHECK(find_date("电话 12345-678-90") == "");
    CHECK(find_date("2024-13-40") == "");
}

TEST_CASE("column: a page without article links, and a broken feed, are errors", "[column]") {
    CHECK_FALSE(read_column("<html><body><a href='/'>首页</a></body></html>").ok());
    CHECK_FALSE(read_column("<?xml version='1.0'?><rss><channel><item><title>x</title>").ok());
    // An entity bomb is not expanded (no entity substitution; libxml2's own limits).
    const std::string bomb = "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                             "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>"
                             "<rss><channel><item><title>&d;&d;&d;</title><link>http://x.gov.cn/a/t20240101_1.html</link></item></channel></rss>";
    // libxml2 refuses the nested expansion outright: an error, never a huge title.
    auto r = read_column(bomb);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "the feed is not well-formed XML");
}
