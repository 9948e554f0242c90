// Extraction speed: ~200 KB portal pages (TRS shape: navigation, scripts, the bundled report
// as paragraphs inside div.TRS_Editor with its <style>; then with the three statistical
// tables of the 2021 report template; then that as GBK bytes, the decoder's slow path),
// decoded and extracted repeatedly. Prints the median per page beside gumbo's own parse of
// the same bytes, so the parser's share is plain. Target: median ≤ 10 ms.
//   build/bench/extract_bench [--runs N]
#include <gumbo.h>
#include <unicode/ucnv.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "content/html_extract.hpp"

using Clock = std::chrono::steady_clock;

static std::string read(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

static std::string to_gb18030(const std::string& utf8) {
    UErrorCode status = U_ZERO_ERROR;
    std::string out(utf8.size() * 2 + 16, '\0');
    const int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                   static_cast<int32_t>(utf8.size()), &status);
    out.resize(U_SUCCESS(status) ? static_cast<size_t>(n) : 0);
    return out;
}

static double median_ms(int runs, const std::function<bool()>& once) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t = Clock::now();
        if (!once()) return -1;
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// A page of the portal's shape holding `body` repeated to 200 KB.
static std::string portal_page(const std::string& body_unit) {
    std::string page = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
                       "<meta name=\"ArticleTitle\" content=\"2019年政府信息公开工作年度报告\"><meta name=\"PubDate\" content=\"2020-01-20\">"
                       "<script>var nav = {};</script></head><body><div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/zw/\">政务公开</a></div>"
                       "<div class=TRS_Editor><style>.TRS_Editor P{margin-top:5px;font-family:宋体;}</style>";
    while (page.size() < 200 * 1024) page += body_unit;
    return page + "</div><div class=\"footer\">ICP备案</div><script>var _hmt=[];</script></body></html>";
}

int main(int argc, char** argv) {
    int runs = 200;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));

    const std::string report = read(KIOSK_BENCH_CORPUS);
    const std::string tables_page = read(KIOSK_BENCH_TABLES);
    const size_t t0 = tables_page.find("<table"), t1 = tables_page.rfind("</table>");
    const std::string tables = tables_page.substr(t0, t1 + 8 - t0);
    std::string paragraphs;
    std::istringstream lines(report);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) paragraphs += "<p style=\"text-indent:2em\">" + line + "</p>\n";
    struct Case {
        const char* name;
        std::string bytes;
    };
    std::vector<Case> cases;
    cases.push_back({"text (the report's paragraphs), UTF-8", portal_page(paragraphs)});
    cases.push_back({"report with its 3 Word-pasted tables, UTF-8", portal_page(paragraphs + tables)});
    std::string gbk = to_gb18030(cases.back().bytes);
    gbk.replace(gbk.find("charset=utf-8"), 13, "charset=gbk  ");
    cases.push_back({"report with its 3 Word-pasted tables, GBK", gbk});

    std::printf("extract_bench: decode + extract a ~200 KB portal page, %d runs each (median)\n", runs);
    std::printf("  %-46s %8s %10s %12s %8s\n", "page", "KB", "extract", "gumbo alone", "blocks");
    for (const Case& c : cases) {
        kiosk::content::ExtractOptions options;
        options.base_url = "https://www.changchun.gov.cn/zw/xxgk/202001/t20200120_1.html";
        size_t blocks = 0;
        const double extract = median_ms(runs, [&] {
            auto doc = kiosk::content::extract_article(c.bytes, options);
            if (!doc) std::fprintf(stderr, "extract_bench: %s\n", doc.error().message.c_str());
            blocks = doc ? doc->blocks.size() : 0;
            return doc.ok();
        });
        // The parser's own share, on the bytes as UTF-8 (what extraction hands it).
        const std::string utf8 = kiosk::content::decode_html(c.bytes).utf8;
        const double parse = median_ms(runs, [&] {
            GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, utf8.data(), utf8.size());
            gumbo_destroy_output(&kGumboDefaultOptions, out);
            return true;
        });
        std::printf("  %-46s %8.0f %7.2f ms %9.2f ms %8zu\n", c.name, c.bytes.size() / 1024.0, extract, parse, blocks);
    }
    return 0;
}
