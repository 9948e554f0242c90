// Article extraction from portal pages (gumbo) and the decoding of their bytes.
#include <catch2/catch.hpp>

#include "content/html_extract.hpp"
#include <unicode/ucnv.h>
#include "base/url.hpp"
#include "content/ingest.hpp"
#include "support.hpp"

using namespace kiosk::content;
namespace fs = std::filesystem;

namespace {
std::string gbk(const std::string& utf8_text) {
    // Round trip through ICU: UTF-8 -> GB18030 bytes (via the test's own converter).
    UErrorCode status = U_ZERO_ERROR;
    std::string out(utf8_text.size() * 2 + 16, '\0');
    int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8_text.data(),
                             static_cast<int32_t>(utf8_text.size()), &status);
    out.resize(static_cast<size_t>(n));
    return out;
}
std::vector<std::string> texts(const Document& doc) {
    std::vector<std::string> out;
    for (const auto& b : doc.blocks) out.push_back(b.text);
    return out;
}
}  // namespace

TEST_CASE("extract: the demo page (TRS WCM shape, GBK) gives just the article", "[extract]") {
    const std::string bytes = test::read_file(fs::path(KIOSK_TEST_CORPUS).parent_path() / "xxgk-shenqing-zhinan.html");
    auto doc = extract_article(bytes);
    REQUIRE(doc.ok());
    CHECK(doc->title == "政府信息公开申请办理指南");
    const auto t = texts(*doc);
    CHECK(t[1] == "发布日期：2026-03-02　　来源：长春市政务服务中心");
    CHECK(doc->blocks[2].role == Role::paragraph);
    CHECK(t[2].rfind("为方便公民", 0) == 0);  // indentation spaces are not text
    int headings = 0;
    for (const auto& b : doc->blocks) headings += b.role == Role::heading;
    CHECK(headings == 5);
    CHECK(doc->blocks.back().text == "2026年3月2日");
    CHECK(doc->blocks.back().align == Align::end);
    for (const std::string& s : t) {
        INFO(s);
        for (const char* noise : {"TRS_Editor", "margin-top", "字体", "打印", "扫一扫", "首页", "无障碍", "分享", "ICP", "统计代码", "点击数"})
            CHECK(s.find(noise) == std::string::npos);
    }
}

TEST_CASE("extract: charsets decided from BOM, header and meta, a lying label falls through", "[extract]") {
    const std::string page = "<html><head><meta charset=\"utf-8\"></head><body><div id=zoom><p>政务公开工作年度报告正文，"
                             "内容足够长，用来确认正文容器被找到，并且编码判断正确无误。镕堃</p></div></body></html>";
    auto utf8_page = decode_html(page);
    CHECK(utf8_page.encoding == "UTF-8");
    // Declared UTF-8 (header and meta) but GBK bytes: validated, found false, read as GB18030.
    auto lying = decode_html(gbk(page), "utf-8");
    CHECK(lying.encoding == "GB18030");
    CHECK(lying.utf8.find("镕堃") != std::string::npos);
    // Declared gb2312, containing GBK-only characters: read as GB18030, nothing lost.
    std::string declared_gb = page;
    declared_gb.replace(declared_gb.find("utf-8"), 5, "gb2312");
    auto gb = extract_article(gbk(declared_gb));
    INFO((gb.ok() ? std::string() : gb.error().message));
    REQUIRE(gb.ok());
    CHECK(texts(*gb).back().find("镕堃") != std::string::npos);
}

TEST_CASE("extract: a selector picks the container, errors say what is missing", "[extract]") {
    const std::string page = "<html><body><div class=main><div class=content><p>第一条　为了规范政务服务，制定本办法。</p>"
                             "<p>第二条　本办法适用于本市。</p></div></div><div class=side>推荐阅读：无关内容</div></body></html>";
    ExtractOptions options;
    options.selector = "div.main .content";
    auto doc = extract_article(page, options);
    REQUIRE(doc.ok());
    CHECK(doc->blocks.back().role == Role::article);
    CHECK(doc->blocks.back().text == "第二条\u3000本办法适用于本市。");
    options.selector = "#missing";
    auto none = extract_article(page, options);
    REQUIRE(!none.ok());
    CHECK(none.error().message == "the selector \"#missing\" finds no text on this page");
    auto no_container = extract_article("<html><body><p>短</p></body></html>");
    REQUIRE(!no_container.ok());
    CHECK(no_container.error().message.find("give the item a selector") != std::string::npos);
}

TEST_CASE("fetched bodies: HTML extracted, text imported, garbage refused", "[extract]") {
    auto fetched = [](const std::string& body, const std::string& type) {
        kiosk::content::IngestHints hints;
        hints.content_type = type;
        hints.refuse_binary = true;
        return kiosk::content::ingest(body, hints);
    };
    auto html = fetched(
        "<html><body><div class=TRS_Editor><p>本年度报告依据条例编制，全文由六部分组成，统计期限自2019年1月1日至12月31日。</p></div></body></html>",
        "text/html; charset=utf-8");
    REQUIRE(html);
    auto text = fetched(test::read_file(KIOSK_TEST_CORPUS), "text/plain");
    REQUIRE(text);
    CHECK(text->doc.title == "2019年政府信息公开工作年度报告");
    CHECK(text->chars == kiosk::content::document_chars(text->doc));
    CHECK(text->chars > 3000);
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) & 0xFF);
    auto refused = fetched(garbage, "application/octet-stream");
    REQUIRE(!refused);
    CHECK(refused.error().message.find("not text") == 0);
    // A file of the same bytes is the operator's own: shown, with the bad bytes noted.
    kiosk::content::IngestHints local;
    local.file_name = "notes.txt";
    auto shown = kiosk::content::ingest(test::read_file(KIOSK_TEST_CORPUS) + "\xFF\xFE\xFD", local);
    REQUIRE(shown);
    CHECK(!shown->notes.empty());
}

TEST_CASE("ingest: the Content-Type's charset parameter, however written, and the file name decide", "[extract]") {
    using kiosk::url::charset_param;
    CHECK(charset_param("text/html; charset=GBK") == "GBK");
    CHECK(charset_param("text/html;Charset=\"gb2312\" ; q=1") == "gb2312");
    CHECK(charset_param("text/html; format=flowed; CHARSET = utf-8") == "utf-8");
    CHECK(charset_param("text/html") == "");
    CHECK(charset_param("text/html; xcharset=gbk") == "");
    kiosk::content::IngestHints hints;
    hints.file_name = "PAGE.HTM";
    CHECK(kiosk::content::is_page(hints));
    hints.file_name = "report.txt";
    CHECK_FALSE(kiosk::content::is_page(hints));
    hints.content_type = "application/xhtml+xml";
    CHECK(kiosk::content::is_page(hints));
    // A GBK page declared by its header only.
    const std::string gbk_page = "<html><body><div class=TRS_Editor><p>"
                                 "\xB1\xBE\xC4\xEA\xB6\xC8\xB1\xA8\xB8\xE6\xD2\xC0\xBE\xDD\xCC\xF5\xC0\xFD\xB1\xE0\xD6\xC6\xA3\xAC\xC8\xAB\xCE\xC4\xD3\xC9\xC1\xF9\xB2\xBF\xB7\xD6\xD7\xE9\xB3\xC9\xA1\xA3"
                                 "</p></div></body></html>";
    hints.content_type = "text/html; Charset=\"GBK\"";
    auto doc = kiosk::content::ingest(gbk_page, hints);
    REQUIRE(doc);
    REQUIRE(!doc->doc.blocks.empty());
    CHECK(doc->doc.blocks.back().text.find("本年度报告依据条例编制") != std::string::npos);
}
