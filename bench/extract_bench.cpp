// Extraction speed: a 200 KB portal page (TRS shape: navigation, scripts, the bundled report
// as paragraphs inside div.TRS_Editor with its <style>, the three statistical tables of the
// 2021 report template, photos) decoded and extracted repeatedly, as UTF-8 and as GBK bytes
// (the decoder's slow path). Prints the median and p95 per page. Target: median ≤ 10 ms.
//   build/bench/extract_bench [--runs N]
#include <unicode/ucnv.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
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

int main(int argc, char** argv) {
    int runs = 200;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));

    const std::string report = read(KIOSK_BENCH_CORPUS);
    const std::string tables_page = read(KIOSK_BENCH_TABLES);
    const size_t t0 = tables_page.find("<table"), t1 = tables_page.rfind("</table>");
    const std::string tables = tables_page.substr(t0, t1 + 8 - t0);
    std::string body;
    std::istringstream lines(report);
    std::vector<std::string> paragraphs;
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) paragraphs.push_back("<p style=\"text-indent:2em\">" + line + "</p>\n");
    std::string page = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
                       "<meta name=\"ArticleTitle\" content=\"2019年政府信息公开工作年度报告\"><meta name=\"PubDate\" content=\"2020-01-20\">"
                       "<script>var nav = {};</script></head><body><div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/zw/\">政务公开</a></div>"
                       "<div class=TRS_Editor><style>.TRS_Editor P{margin-top:5px;font-family:宋体;}</style>";
    for (int round = 0; page.size() < 200 * 1024; ++round) {
        for (const auto& p : paragraphs) page += p;
        page += "<p align=\"center\"><img src=\"./W02020012" + std::to_string(round) + ".jpg\"></p><p align=\"center\">图为政务服务大厅</p>";
        page += tables;
    }
    page += "</div><div class=\"footer\">ICP备案</div><script>var _hmt=[];</script></body></html>";
    std::string gbk_page = to_gb18030(page);
    const std::string meta = "charset=utf-8";
    gbk_page.replace(gbk_page.find(meta), meta.size(), "charset=gbk  ");

    std::printf("extract_bench: page %.0f KB (UTF-8), %.0f KB (GBK); %d runs each\n", page.size() / 1024.0,
                gbk_page.size() / 1024.0, runs);
    for (const auto& [name, bytes] : {std::pair<const char*, const std::string*>{"UTF-8", &page}, {"GBK", &gbk_page}}) {
        std::vector<double> ms;
        size_t blocks = 0;
        kiosk::content::ExtractOptions options;
        options.base_url = "https://www.changchun.gov.cn/zw/xxgk/202001/t20200120_1.html";
        for (int i = 0; i < runs; ++i) {
            const auto t = Clock::now();
            auto doc = kiosk::content::extract_article(*bytes, options);
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
            if (!doc) {
                std::fprintf(stderr, "extract_bench: %s\n", doc.error().message.c_str());
                return 1;
            }
            blocks = doc->blocks.size();
        }
        std::sort(ms.begin(), ms.end());
        std::printf("  %-6s median %.2f ms  p95 %.2f ms  min %.2f ms  (%zu blocks)\n", name, ms[ms.size() / 2],
                    ms[ms.size() * 95 / 100], ms.front(), blocks);
    }
    return 0;
}
