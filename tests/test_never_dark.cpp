// Never dark: input nobody designed for — from the portal, the operator or the disk — is
// refused or cut with a clear error, and never takes the process down. Each reproduction of
// issue 13 is a case here (in-process), or in test_never_dark_run.cpp (a running kiosk).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/content_source.hpp"
#include "app/library.hpp"
#include "app/pictures.hpp"
#include "render/png_writer.hpp"
#include "base/file_read.hpp"
#include "base/utf8.hpp"
#include "config/config.hpp"
#include "config/json_lint.hpp"
#include "content/budget.hpp"
#include "content/column.hpp"
#include "content/html_extract.hpp"
#include "content/markup_budget.hpp"
#include "content/text_import.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using namespace std::chrono_literals;

namespace {

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

const std::string kBody = "<p>本年度报告依据《中华人民共和国政府信息公开条例》编制。</p>";

std::string page_with(const std::string& inner) {
    return "<html><head><title>深层页面</title></head><body><div class=\"TRS_Editor\">" + kBody + inner + "</div></body></html>";
}

std::string all_text(const content::Document& doc) {
    std::string t;
    for (const auto& b : doc.blocks) t += b.text + "\n";
    return t;
}

// Runs `f` on a thread and fails the test if it has not returned within `seconds` (a FIFO
// read would block for ever; the test must not).
template <typename F>
auto within(double seconds, F f) {
    auto future = std::async(std::launch::async, std::move(f));
    REQUIRE(future.wait_for(std::chrono::duration<double>(seconds)) == std::future_status::ready);
    return future.get();
}

config::KioskConfig test_config() {
    config::KioskConfig cfg;
    cfg.file = "/etc/kiosk/kiosk.json";
    cfg.network.allowed_hosts = {"www.changchun.gov.cn"};
    return cfg;
}

}  // namespace

// Reproduction 1: 5,000 nested <table><tr><td> (105 KB) and 20,000 nested <div> crashed
// extraction with a stack overflow; gumbo itself needs minutes past 100,000 levels.
TEST_CASE("deep nesting: thousands of nested tables or divs are read, their text kept", "[never-dark][portal]") {
    for (const auto& [name, inner] : std::vector<std::pair<std::string, std::string>>{
             {"5,000 tables", repeat("<table><tr><td>", 5000) + "深处的文字" + repeat("</td></tr></table>", 5000)},
             {"20,000 divs", repeat("<div>", 20000) + "深处的文字" + repeat("</div>", 20000)},
             {"1,000,000 divs unclosed", repeat("<div>", 1000000) + "深处的文字"},
             {"100,000 distinct unclosed <b>", [] {
                  std::string s;
                  for (int i = 0; i < 100000; ++i) s += "<b id=" + std::to_string(i) + ">字";
                  return s;
              }()},
             {"formatting rebuilt in every paragraph", [] {
                  std::string s;
                  for (int i = 0; i < 20000; ++i) s += "<p><font face=f" + std::to_string(i) + ">字</p>";
                  return s;
              }()}}) {
        INFO(name);
        content::MarkupReport report;
        const std::string html = page_with(inner);
        content::bound_markup(html, {}, &report);
        CHECK(report.deepest > content::MarkupBudget{}.max_depth);  // the budget had work to do
        CHECK(report.dropped_tags > 0);
        auto doc = content::extract_article(html, {});
        REQUIRE(doc.ok());
        const std::string text = all_text(*doc);
        CHECK(text.find("本年度报告") != std::string::npos);
        if (inner.find("深处的文字") != std::string::npos)
            CHECK(text.find("深处的文字") != std::string::npos);  // deeper content kept as text
    }
    // A list page as deep: the column reader walks it without recursion (links past the
    // budget's depth are flattened away with their markup; this one stands before them).
    const std::string list = "<html><body><ul><li><a href=\"/zw/t20261120_1.html\">关于调整窗口服务时间的公告</a> 2026-11-20</li></ul>" +
                             repeat("<div>", 20000) + "</body></html>";
    auto entries = content::read_column(list, content::ColumnOptions{"https://www.changchun.gov.cn/zw/", ""});
    REQUIRE(entries.ok());
    CHECK(entries->size() == 1);
}

TEST_CASE("the markup budget leaves ordinary pages untouched", "[never-dark][portal]") {
    for (const char* fixture : {"trs-editor.html", "regulation.html", "report-2021-tables.html", "list-trs.html"}) {
        const std::string html = test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "portal" / fixture);
        content::MarkupReport report;
        CHECK(content::bound_markup(html, {}, &report) == html);
        CHECK(report.dropped_tags == 0);
        CHECK(report.deepest < 64);
    }
}

// Reproduction 2: <img src="file:///dev/zero"> on a fetched page was read as a local file.
TEST_CASE("a web page may point only at http(s): file: pictures, links and <base> are refused", "[never-dark][portal]") {
    const std::string html = page_with(
        "<img src=\"file:///dev/zero\" width=\"400\" height=\"300\"><img src=\"/etc/passwd\" width=\"400\" height=\"300\">"
        "<a href=\"file:///etc/shadow.pdf\">附件</a><img src=\"photo.jpg\" width=\"400\" height=\"300\">");
    content::ExtractOptions web;
    web.base_url = "https://www.changchun.gov.cn/zw/t1.html";
    auto doc = content::extract_article(html, web);
    REQUIRE(doc.ok());
    std::vector<std::string> urls;
    for (const auto& b : doc->blocks)
        if (b.role == content::Role::image) urls.push_back(b.image.url);
    CHECK(urls == std::vector<std::string>{"https://www.changchun.gov.cn/etc/passwd", "https://www.changchun.gov.cn/zw/photo.jpg"});
    CHECK(doc->attachments.empty());

    // A <base href="file:///"> cannot turn the page's relative links into local files.
    auto based = content::extract_article("<html><head><base href=\"file:///dev/\"></head><body><div id=\"zoom\">" + kBody +
                                              "<img src=\"zero\" width=\"400\" height=\"300\"></div></body></html>",
                                          web);
    REQUIRE(based.ok());
    std::vector<std::string> based_urls;
    for (const auto& b : based->blocks)
        if (b.role == content::Role::image) based_urls.push_back(b.image.url);
    REQUIRE(based_urls.size() == 1);  // the picture is kept, with the page's own address
    CHECK(based_urls[0].rfind("https://", 0) == 0);

    // A list page's links likewise: a file: entry is never followed.
    auto entries = content::read_column(
        "<html><body><ul><li><a href=\"file:///etc/t20261120_1.html\">关于调整窗口服务时间的公告一</a> 2026-11-20</li>"
        "<li><a href=\"/zw/t20261121_2.html\">关于调整窗口服务时间的公告二</a> 2026-11-21</li></ul></body></html>",
        content::ColumnOptions{"https://www.changchun.gov.cn/zw/", ""});
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 1);
    CHECK((*entries)[0].url == "https://www.changchun.gov.cn/zw/t20261121_2.html");

    // The operator's own local page may show local pictures.
    content::ExtractOptions local;
    local.base_url = "file:///srv/kiosk/page.html";
    auto mine = content::extract_article(html, local);
    REQUIRE(mine.ok());
    bool has_local = false;
    for (const auto& b : mine->blocks) has_local |= b.role == content::Role::image && b.image.url == "file:///dev/zero";
    CHECK(has_local);
}

TEST_CASE("pictures: a web document never reads a local file, local reads are regular files only", "[never-dark][portal]") {
    test::TempDir dir;
    const fs::path fifo = dir.path() / "fifo.png";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    render::PictureStore store;
    auto doc_with = [](const std::string& doc_url, const std::string& image_url) {
        content::Document doc;
        doc.url = doc_url;
        content::Block b;
        b.role = content::Role::image;
        b.image.url = image_url;
        doc.blocks.push_back(b);
        return doc;
    };
    // A cached web document from before the rule: the file: picture is not read.
    auto web = doc_with("https://www.changchun.gov.cn/zw/t1.html", "file:///dev/zero");
    app::prepare_pictures(web, store, nullptr, nullptr);
    CHECK(web.blocks[0].image.problem.find("may not point at a local file") != std::string::npos);
    // The operator's own document: /dev/zero and a FIFO are refused at once, not read.
    for (const std::string& target : {std::string("/dev/zero"), fifo.string()}) {
        auto local = doc_with("file:///srv/page.html", "file://" + target);
        within(5, [&] { app::prepare_pictures(local, store, nullptr, nullptr); });
        CHECK(local.blocks[0].image.problem.find("not a regular file") != std::string::npos);
    }
}

// Reproduction 3: a 19.99 MB article took 1.39 GB and 141,698 pages; 10,000 <img> were all fetched.
TEST_CASE("document budget: characters, pictures and cells cut with a visible line, idempotent", "[never-dark][budget]") {
    const std::string text = "巨大的文章\n" + repeat("这是一段很长的正文，用来填满二十兆字节的页面。\n", 20u * 1024 * 1024 / 70);
    REQUIRE(text.size() > 19u * 1024 * 1024);
    content::Document doc = content::import_plain_text(text);
    const content::BudgetReport r = content::enforce_budget(doc);
    CHECK(r.cut);
    size_t chars = 0;
    for (const auto& b : doc.blocks) chars += utf8::decode(b.text).size();
    CHECK(chars <= content::DocumentBudget{}.max_chars + 40);
    CHECK(doc.blocks.back().text == "内容过长，仅显示前 200000 字");
    const size_t blocks = doc.blocks.size();
    CHECK_FALSE(content::enforce_budget(doc).cut);  // idempotent: a second pass changes nothing
    CHECK(doc.blocks.size() == blocks);

    std::string images;
    for (int i = 0; i < 10000; ++i) images += "<img src=\"p" + std::to_string(i) + ".png\" width=\"400\" height=\"300\">";
    content::ExtractOptions web;
    web.base_url = "https://www.changchun.gov.cn/zw/t1.html";
    auto many = content::extract_article(page_with(images), web);
    REQUIRE(many.ok());
    content::enforce_budget(*many);
    size_t kept = 0;
    for (const auto& b : many->blocks) kept += b.role == content::Role::image;
    CHECK(kept == content::DocumentBudget{}.max_images);
    CHECK(many->blocks.back().text.find("内容过长") == 0);

    // One paragraph of 160,000 characters (and as the title): split, the title cut.
    content::Document line;
    line.title = repeat("长", 160000);
    line.blocks.push_back(content::text_block(content::Role::title, line.title));
    line.blocks.push_back(content::text_block(content::Role::paragraph, repeat("字", 160000)));
    content::enforce_budget(line);
    CHECK(utf8::decode(line.title).size() <= content::DocumentBudget{}.max_title_chars + 1);
    for (const auto& b : line.blocks) CHECK(utf8::decode(b.text).size() <= content::DocumentBudget{}.max_block_chars);
}

TEST_CASE("pages per item: past 300 the item ends with a line saying so", "[never-dark][budget]") {
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    content::Document doc;
    doc.title = "很长的文章";
    for (int i = 0; i < 40; ++i)
        doc.blocks.push_back(content::text_block(content::Role::paragraph, repeat("政务服务中心窗口办理事项说明。", 60)));
    config::PlaylistItem item;
    item.id = "long";
    item.source = "file:long.txt";
    library.add(item, doc);
    library.lay_out(480, 270);  // a small panel: thousands of pages unbudgeted
    const auto* entry = library.find("long");
    REQUIRE(entry);
    REQUIRE(entry->pages.size() <= app::kMaxPagesPerItem);
    CHECK(entry->pages.size() > app::kMaxPagesPerItem / 2);
    const auto& last = entry->pages.back();
    std::u32string last_text;
    for (const auto& l : last.lines) last_text += l.text;
    const std::string said = "内容过长，仅显示前" + std::to_string(entry->pages.size()) + "页";
    CHECK(test::without_spaces(last_text).find(utf8::decode(said)) != std::u32string::npos);
    CHECK(last.of == static_cast<int>(entry->pages.size()));
}

// Reproduction 11: a 160,000-character first line is the running title, shaped for every page.
TEST_CASE("a running title of 160,000 characters is cut before it is shaped", "[never-dark][budget]") {
    config::KioskConfig cfg;
    const auto style = text::resolve_style(cfg.typography, 1920, 1080);
    const auto geometry = text::resolve_geometry(cfg.margins, 1920, 1080);
    std::vector<text::Page> pages(20);
    text::ChromeText chrome;
    chrome.item_title = repeat("标", 160000);
    text::add_chrome(test::fonts(), pages, style, geometry, chrome);
    // Every page has its running title (a loop that met none would prove nothing), each cut.
    std::size_t titled = 0;
    for (const auto& page : pages)
        for (const auto& c : page.chrome)
            if (c.chrome_role == "running-title") {
                ++titled;
                CHECK(!c.text.empty());
                CHECK(c.text.size() < 200);
            }
    CHECK(titled == pages.size());
}

// Reproductions 4 and 5: numbers past a double, deep nesting, full-width punctuation.
TEST_CASE("JSON past its budget is a positioned error, never an abort", "[never-dark][config]") {
    const auto cfg = test_config();
    auto big = config::parse_playlist("{\"items\": [{\"id\": \"a\", \"source\": \"file:a.txt\", \"page_seconds\": 1e400}]}",
                                      "playlist.json", cfg, false);
    REQUIRE_FALSE(big.ok());
    CHECK(big.error().message == "playlist.json:1:64: not valid JSON: the number 1e400 is too large");
    const std::string deep = "{\"items\": " + repeat("[", 30000) + repeat("]", 30000) + "}";
    auto nested = config::parse_playlist(deep, "playlist", cfg, false);
    REQUIRE_FALSE(nested.ok());
    CHECK(nested.error().message == "playlist:1:26: not valid JSON: nested more than 16 levels deep");
    auto many = config::lint_json("[" + repeat("0,", 60000) + "0]");
    REQUIRE(many);
    CHECK(many->message.find("more than 50000 values") != std::string::npos);
    CHECK(config::lint_json(test::read_file(fs::path(KIOSK_SOURCE_DIR) / "config" / "playlist.json")) == std::nullopt);
    CHECK(config::lint_json(test::read_file(fs::path(KIOSK_SOURCE_DIR) / "config" / "kiosk.json")) == std::nullopt);
}

TEST_CASE("a clerk's JSON mistakes are explained at the mistake itself", "[never-dark][config]") {
    struct Case {
        std::string text, where, says;
    };
    const std::vector<Case> cases = {
        {"{\"items\"：[]}", "1:9", "a full-width colon \"：\" where JSON needs \":\""},
        {"{\"items\": [{“id”: \"a\"}]}", "1:13", "a curly quote \"“\" where JSON needs \"\"\""},
        {"{\"items\": [{\"id\": \"a\"，\"source\": \"file:a\"}]}", "1:22", "a full-width comma \"，\" where JSON needs \",\""},
        {"{'items': []}", "1:2", "a single quote '"},
        {"{\"items\": [\n  {\"id\": \"a\"}\n  {\"id\": \"b\"}\n]}", "2:14", "a comma is missing here"},
        {"{\"items\": [\n  {\"id\": \"a\"},\n]}", "2:14", "a comma after the last entry"},
        {"{\"items\": [{\"id\": \"a}]}\n", "1:19", "this text is not closed"},
        {"{\"items\": [}", "1:12", "a value is missing before this closing bracket"},
        {"{\"items\": [{\"id\" \"a\"}]}", "1:17", "a colon : is missing after this key"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        auto r = config::parse_playlist(c.text, "playlist.json", test_config(), true);
        REQUIRE_FALSE(r.ok());
        const std::string& m = r.error().message;
        CHECK(m.rfind("playlist.json:" + c.where + ": not valid JSON: ", 0) == 0);
        CHECK(m.find(c.says) != std::string::npos);
        CHECK(utf8::is_valid(m));
        // The message survives a JSON dump (status.json) without the strict handler.
        CHECK_NOTHROW(nlohmann::json{{"refused", m}}.dump());
    }
}

// Reproduction 6: what `kiosk check` used to accept.
TEST_CASE("the checker refuses what would break the screen, naming the item by id", "[never-dark][config]") {
    const auto cfg = test_config();
    auto item_error = [&](const std::string& item_json) {
        auto r = config::parse_playlist("{\"items\": [" + item_json + "]}", "playlist.json", cfg, true);
        return r.ok() ? std::string() : r.error().message;
    };
    CHECK(item_error("{\"id\": \"a\\u001b[2J\", \"source\": \"file:a.txt\"}").find("control characters") != std::string::npos);
    CHECK(item_error("{\"id\": \"" + repeat("长", 65) + "\", \"source\": \"file:a.txt\"}").find("at most 64 characters") !=
          std::string::npos);
    CHECK(item_error("{\"id\": \"" + repeat("长", 30) + "\", \"source\": \"file:a.txt\"}").empty());
    CHECK(item_error("{\"id\": \"r\", \"source\": \"ftp://x/a\"}").find("items[0] (\"r\").source") != std::string::npos);

    auto config_error = [](const std::string& text) {
        test::TempDir dir;
        test::write_file(dir.path() / "kiosk.json", text);
        auto r = config::load_kiosk_config(dir.path() / "kiosk.json");
        return r.ok() ? std::string() : r.error().message;
    };
    CHECK(config_error(R"({"typography": {"min_body_px": 100000}})").find("typography.min_body_px: 100000 is not a number from 8 to 200") !=
          std::string::npos);
    CHECK(config_error(R"({"margins": {"header": 0.6}})").find("margins.header: 0.6 is not a number from 0 to 0.25") !=
          std::string::npos);
    CHECK(config_error(R"({"margins": {"header": 0.2, "footer": 0.2, "gap": 0.06}})").find("more than half the page") !=
          std::string::npos);
    CHECK(config_error(R"({"page_seconds": 1e400})").find("too large") != std::string::npos);
    // Files FreeType and curl would open: a device or FIFO would block or flood them.
    CHECK(config_error(R"({"fonts": {"regular_path": "/dev/zero"}})").find("fonts.regular_path: \"/dev/zero\" is not a regular file") !=
          std::string::npos);
    CHECK(config_error(R"({"network": {"ca_file": "/dev/zero"}})").find("is not a regular file") != std::string::npos);

    // A file: source that is not there.
    test::TempDir dir;
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "gone", "source": "file:missing.txt"}]})");
    auto pl = config::load_playlist(dir.path() / "playlist.json", cfg);
    REQUIRE(pl.ok());
    const auto missing = config::check_local_sources(*pl);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].find("items[0] (\"gone\").source") != std::string::npos);
    CHECK(missing[0].find("no such file") != std::string::npos);
}

TEST_CASE("a playlist path that is a FIFO or /dev/zero is refused at once", "[never-dark][config]") {
    test::TempDir dir;
    const fs::path fifo = dir.path() / "playlist.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const fs::path& path : {fifo, fs::path("/dev/zero")}) {
        auto r = within(5, [&] { return config::load_playlist(path, test_config()); });
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("not a regular file") != std::string::npos);
    }
    auto big = within(5, [&] { return files::read_regular_file("/dev/zero", 1024); });
    CHECK_FALSE(big.ok());
    test::write_file(dir.path() / "big.txt", std::string(3000, 'x'));
    auto capped = files::read_regular_file(dir.path() / "big.txt", 2048);
    REQUIRE_FALSE(capped.ok());
    CHECK(capped.error().message.find("larger than 2 KB") != std::string::npos);
}

// Reproduction 9: a cache header field of the wrong type aborted at every start; a cache
// entry that is a link to a FIFO or /dev/zero hung or flooded memory.
TEST_CASE("cache: wrong header types, links to FIFOs and devices are damage, not crashes", "[never-dark][cache]") {
    test::TempDir dir;
    store::Cache cache(dir.path());
    store::CachedItem item;
    item.meta.url = "https://www.changchun.gov.cn/a.html";
    item.payload = "{}";
    item.body = "body";
    REQUIRE(cache.put("a", item).ok());
    const fs::path file = cache.file_for("a");
    std::string bytes = test::read_file(file);
    const size_t size_at = bytes.find("\"document_size\":2");
    REQUIRE(size_at != std::string::npos);
    for (const std::string wrong : {"\"document_size\":\"2\"", "\"document_size\":-2", "\"document_size\":[2]"}) {
        std::string damaged = bytes;
        damaged.replace(size_at, std::string("\"document_size\":2").size(), wrong);
        test::write_file(file, damaged);
        auto r = cache.get("a");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("damaged cache file") != std::string::npos);
    }
    std::string url_number = bytes;
    url_number.replace(bytes.find("\"url\":\""), 7, "\"url\":7,\"x\":\"");
    test::write_file(file, url_number);
    CHECK_FALSE(cache.get("a").ok());

    const fs::path fifo = dir.path() / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const fs::path& target : {fifo, fs::path("/dev/zero")}) {
        fs::remove(file);
        fs::create_symlink(target, file);
        auto r = within(5, [&] { return cache.get("a"); });
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("symbolic link") != std::string::npos);
    }

    // A 30-character Chinese id (270 bytes escaped) still has a cache file of its own.
    const std::string long_id(utf8::encode(std::u32string(30, U'长')));
    const fs::path long_file = cache.file_for(long_id);
    CHECK(long_file.filename().string().size() < 255);
    CHECK(long_file != cache.file_for(long_id + "x"));
    REQUIRE(cache.put(long_id, item).ok());
    CHECK(cache.get(long_id).ok());
    // Its parts stay with it through a prune.
    REQUIRE(cache.put(store::Cache::part_key(long_id, "https://x/1"), item).ok());
    cache.prune({long_id});
    CHECK(cache.get(store::Cache::part_key(long_id, "https://x/1")).ok());
}

TEST_CASE("utf8: cut at character boundaries, sanitized, printable for a terminal", "[never-dark]") {
    const std::string s = "全角冒号：";
    for (size_t n = 0; n <= s.size(); ++n) CHECK(utf8::is_valid(utf8::truncate(s, n)));
    CHECK(utf8::truncate(s, 7) == "全…");
    CHECK(utf8::sanitize("a\xE5\x85z") == "a\xEF\xBF\xBD\xEF\xBF\xBDz");  // one U+FFFD a byte, as decode()
    CHECK(utf8::printable("id\x1b[2J\n") == "id\\x1B[2J\\x0A");
}

TEST_CASE("the standing page says 内容维护中 when no playlist could be read", "[never-dark][run]") {
    config::KioskConfig cfg;
    cfg.hall_name = "长春市政务服务中心";
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    library.lay_out(1920, 1080);
    auto text_of = [](const text::Page& page) {
        std::u32string all;
        for (const auto& l : page.lines) all += l.text;
        return test::without_spaces(all);
    };
    const text::Page maintenance = library.standing_page(0, true);
    CHECK(text_of(maintenance).find(U"内容维护中") != std::u32string::npos);
    CHECK(text_of(maintenance).find(U"长春市政务服务中心") != std::u32string::npos);
    CHECK(text_of(library.standing_page(0, false)).find(U"欢迎光临") != std::u32string::npos);
    // Drawn: the page is not blank where its lines are.
    test::TempDir dir;
    const fs::path out = std::getenv("KIOSK_TEST_KEEP") ? fs::path(std::getenv("KIOSK_TEST_KEEP")) : dir.path();
    auto files = render::render_pages_to_png(test::fonts(), cfg.theme, library.geometry(), {maintenance}, {out, "standing", 0, nullptr});
    REQUIRE(files.ok());
    const auto png = test::read_png(files->front());
    const auto& line = maintenance.lines.back();
    int dark = 0;
    for (int x = static_cast<int>(line.x); x < static_cast<int>(line.x + line.width); ++x)
        dark += png.luminance(x, static_cast<int>(line.y - line.font_size * 0.4f)) < 128;
    CHECK(dark > 10);
}
