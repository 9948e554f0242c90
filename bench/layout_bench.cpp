// Lays out and paginates the bundled report repeatedly and prints the median time per
// layout. Shaping is done once (as the kiosk does); each run re-breaks and re-paginates.
//   build/bench/layout_bench [--runs N] [--size WxH] [FILE.txt]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "content/charset.hpp"
#include "content/text_import.hpp"
#include "base/log.hpp"
#include "text/layout.hpp"

using namespace kiosk;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
    int runs = 200;
    std::string file = KIOSK_BENCH_CORPUS;
    std::vector<std::pair<int, int>> sizes = {{1920, 1080}, {1080, 1920}, {1280, 720}};
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) {
            int w = 0, h = 0;
            if (std::sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 64 || h < 64) {
                std::fprintf(stderr, "layout_bench: --size wants WxH\n");
                return 2;
            }
            sizes = {{w, h}};
        } else {
            file = argv[i];
        }
    }
    log::set_threshold(log::Level::warning);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "layout_bench: cannot read %s\n", file.c_str());
        return 1;
    }
    std::stringstream bytes;
    bytes << in.rdbuf();

    auto t0 = Clock::now();
    auto fonts = text::FontSet::open(text::FontRequest{});
    if (!fonts) {
        std::fprintf(stderr, "layout_bench: %s\n", fonts.error().message.c_str());
        return 1;
    }
    const double open_ms = ms_since(t0);
    t0 = Clock::now();
    content::Document doc = content::import_plain_text(content::decode_text(bytes.str()).utf8);
    const double import_ms = ms_since(t0);
    t0 = Clock::now();
    text::ShapedDocument shaped = text::shape_document(**fonts, doc);
    const double shape_ms = ms_since(t0);
    size_t chars = 0;
    for (const auto& b : shaped.blocks) chars += b.shaped.text.size();

    std::printf("corpus: %s (%zu blocks, %zu characters)\n", file.c_str(), doc.blocks.size(), chars);
    std::printf("fonts open %.2f ms, import %.2f ms, shaping (once per document) %.2f ms\n", open_ms,
                import_ms, shape_ms);
    for (auto [w, h] : sizes) {
        const auto geometry = text::resolve_geometry(config::Margins{}, w, h);
        const auto style = text::resolve_style(config::Typography{}, w, h);
        std::vector<double> times;
        size_t pages = 0;
        for (int r = 0; r < runs + 5; ++r) {
            t0 = Clock::now();
            auto laid = text::layout_document(shaped, style, geometry);
            double t = ms_since(t0);
            pages = laid.size();
            if (r >= 5) times.push_back(t);  // the first runs warm the caches
        }
        std::sort(times.begin(), times.end());
        std::printf("layout+paginate %dx%d: median %.3f ms, p95 %.3f ms, min %.3f ms over %d runs (%zu pages)\n",
                    w, h, times[times.size() / 2], times[times.size() * 95 / 100], times.front(), runs,
                    pages);
    }
    return 0;
}
