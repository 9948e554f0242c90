// What proving the panel is drawn costs: the frame sample (render::Screen's read-back of the
// frame about to be presented, and the check whether every pixel is one colour) at 1920x1080
// on SDL's dummy driver with the software renderer, for a drawn text page (the check stops
// at the first pixel that differs) and a page drawn black (every pixel checked), and the
// CPU it takes per minute at the default interval (kiosk.json screen.frame_sample_seconds).
//
//   SDL_VIDEODRIVER=dummy build/bench/frame_sample_bench [samples] [interval_seconds]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "app/library.hpp"
#include "config/config.hpp"
#include "content/document.hpp"
#include "render/screen.hpp"
#include "text/fonts.hpp"

using namespace kiosk;

namespace {
double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
    const int samples = argc > 1 ? std::max(1, std::atoi(argv[1])) : 60;
    const int interval = argc > 2 ? std::max(1, std::atoi(argv[2])) : config::KioskConfig{}.frame_sample_seconds;
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    auto fonts = text::FontSet::open(text::FontRequest{});
    if (!fonts) {
        std::fprintf(stderr, "frame_sample_bench: %s\n", fonts.error().message.c_str());
        return 1;
    }
    struct Case {
        const char* name;
        bool black;
    };
    std::printf("frame sample, 1920x1080, SDL dummy driver, software renderer, %d samples each\n", samples);
    double worst_cpu = 0;
    for (const Case c : {Case{"text page", false}, Case{"page drawn black", true}}) {
        config::KioskConfig cfg;
        if (c.black) cfg.theme = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
        cfg.qr_code = false;
        render::ScreenOptions options;
        options.windowed = true;
        options.window_width = 1920;
        options.window_height = 1080;
        auto screen = render::Screen::open(options, **fonts, cfg.theme);
        if (!screen) {
            std::fprintf(stderr, "frame_sample_bench: %s\n", screen.error().message.c_str());
            return 1;
        }
        app::Library library(**fonts, std::make_shared<const config::KioskConfig>(cfg));
        content::Document doc;
        doc.blocks.push_back(content::text_block(content::Role::heading, "办事指南"));
        doc.blocks.push_back(content::text_block(content::Role::paragraph,
            "请群众携带身份证原件到一楼东侧窗口取号，按叫号顺序办理。办理时间为工作日上午九时至十二时，下午一时半至五时。"));
        config::PlaylistItem item;
        item.id = "guide";
        library.add(item, doc);
        library.lay_out((*screen)->page_width(), (*screen)->page_height());
        (*screen)->show(library.page_with_chrome(library.items().back(), 0, 0), library.geometry());
        (*screen)->set_frame_sample_interval(std::chrono::seconds(interval));
        // CPU of this thread (the frame loop's): a present that samples (sample_now) against
        // one that does not (the progress bar's strip redrawn and presented, no sample due).
        std::vector<double> sample_ms, sampled_cpu, plain_cpu;
        for (int i = 0; i < samples; ++i) {
            double before = thread_cpu_ms();
            (*screen)->sample_now();
            sampled_cpu.push_back(thread_cpu_ms() - before);
            sample_ms.push_back((*screen)->frames().sample_ms);
            before = thread_cpu_ms();
            (*screen)->set_progress(0.5);
            plain_cpu.push_back(thread_cpu_ms() - before);
        }
        const auto f = (*screen)->frames();
        const double sample_cpu = std::max(0.0, median(sampled_cpu) - median(plain_cpu));
        const double per_minute = sample_cpu * 60.0 / interval;
        const double with_present = median(sampled_cpu) * 60.0 / interval;
        worst_cpu = std::max(worst_cpu, with_present);
        std::printf("  %-16s present with a sample %.2f ms CPU, without %.2f ms: the sample %.2f ms CPU (%.2f ms wall); uniform=%s\n",
                    c.name, median(sampled_cpu), median(plain_cpu), sample_cpu, median(sample_ms), f.uniform ? "true" : "false");
        std::printf("  %-16s every %d s: %.1f ms CPU per minute for the samples (%.3f%% of one core), %.1f ms with a\n"
                    "  %-16s re-present for each (a still page without progress bar)\n",
                    "", interval, per_minute, per_minute / 600.0, with_present, "");
    }
    std::printf("frame sample cost: at most %.1f ms CPU per minute at one sample every %d s (re-present included)\n", worst_cpu, interval);
    return 0;
}
