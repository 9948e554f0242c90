// The ticker band's frames (issue 29): frame intervals and CPU of the run loop's ticker
// (app/ticker_loop) against the static page in the same process, on whatever SDL driver the
// environment picks: SDL_VIDEODRIVER=dummy, or x11 under Xvfb:
//   SDL_VIDEODRIVER=dummy build/bench/ticker_bench [SECONDS]
//   SDL_VIDEODRIVER=x11 xvfb-run -s "-screen 0 1920x1080x24" build/bench/ticker_bench [SECONDS]
// SECONDS (default 60) is each phase's length. Figures: docs/measurements.md, "The ticker band".
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "app/library.hpp"
#include "app/ticker_loop.hpp"
#include "base/zone_time.hpp"
#include "render/screen.hpp"
#include "text/fonts.hpp"

using namespace kiosk;
using Clock = std::chrono::steady_clock;

namespace {
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(v.size()))) - (p > 0 ? 1 : 0))];
}
}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 60;
    auto fonts = text::FontSet::open(text::FontRequest{});
    if (!fonts) {
        std::fprintf(stderr, "fonts: %s\n", fonts.error().message.c_str());
        return 1;
    }
    config::KioskConfig cfg;
    render::ScreenOptions options;
    options.windowed = true;  // 1920x1080 on any driver (the dummy driver's desktop is 1024x768)
    options.window_width = 1920;
    options.window_height = 1080;
    auto opened = render::Screen::open(options, **fonts, cfg.theme);
    if (!opened) {
        std::fprintf(stderr, "screen: %s\n", opened.error().message.c_str());
        return 1;
    }
    render::Screen& screen = **opened;
    auto snapshot = std::make_shared<const config::KioskConfig>(cfg);
    app::Library library(**fonts, snapshot);

    // A report page, and two ticker notices in force.
    config::Playlist pl;
    config::PlaylistItem report;
    report.id = "report";
    report.text = "2019年政府信息公开工作年度报告\n";
    for (int i = 0; i < 20; ++i) report.text += "本年度报告是依据《中华人民共和国政府信息公开条例》汇总本机关政府信息公开工作情况编制而成的。\n";
    pl.items.push_back(report);
    for (auto [id, title, text] : {std::tuple{"t1", "停电通知", "今天下午三点停电检修，请各位办事群众合理安排时间。"},
                                   std::tuple{"t2", "温馨提示", "不动产登记窗口已迁至二楼东侧，请前往办理。"}}) {
        config::PlaylistItem t;
        t.id = id;
        t.title = title;
        t.text = text;
        config::NoticeTiming n;
        n.start = 0;
        n.expires = std::time(nullptr) + 86400;
        n.interrupt = config::Interrupt::ticker;
        t.notice = n;
        pl.items.push_back(t);
    }
    library.sync(pl);
    library.lay_out(screen.page_width(), screen.page_height());
    app::TickerLoop ticker(screen, **fonts, library);
    const auto now = [] { return schedule::make_now(std::time(nullptr), 8 * 3600); };
    auto show = [&] { screen.show(library.page_with_chrome(*library.find("report"), 0, std::time(nullptr)), library.geometry()); };
    show();

    const auto d = screen.display();
    std::printf("driver %s, %dx%d, refresh %d Hz (0: not said)\n", d.driver.c_str(), d.width, d.height, d.refresh_hz);

    // 1. The static page: the loop sleeps as the runner does between page turns.
    double cpu0 = cpu_seconds();
    auto t0 = Clock::now();
    while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) screen.wait(std::chrono::milliseconds(1000));
    const double static_cpu = (cpu_seconds() - cpu0) / std::chrono::duration<double>(Clock::now() - t0).count();

    // 2. The ticker: a frame at each refresh, as the runner's loop draws them.
    ticker.update(pl, cfg, now(), true, false);
    show();
    const auto pacing = screen.pacing();
    std::printf("renderer %s, vsync %s, paced at %d Hz\n", pacing.renderer.c_str(), pacing.vsync ? "on" : "off", pacing.refresh_hz);
    ticker.clear_intervals();
    cpu0 = cpu_seconds();
    t0 = Clock::now();
    while (Clock::now() - t0 < std::chrono::duration<double>(seconds)) {
        if (screen.wait_until(ticker.next_frame()) == render::Screen::Wake::timeout) ticker.frame();
    }
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const double ticker_cpu = (cpu_seconds() - cpu0) / wall;
    std::vector<double> v = ticker.intervals();
    const double period = 1.0 / pacing.refresh_hz;
    long dropped = 0;
    for (double x : v) dropped += std::max(0L, std::lround(x / period) - 1);
    double mean = 0;
    for (double x : v) mean += x;
    mean /= std::max<size_t>(1, v.size());
    std::printf("frames %zu in %.1f s (%.1f a second)\n", v.size() + 1, wall, static_cast<double>(v.size() + 1) / wall);
    std::printf("frame interval ms: mean %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", mean * 1e3, percentile(v, 50) * 1e3,
                percentile(v, 95) * 1e3, percentile(v, 99) * 1e3, (v.empty() ? 0 : *std::max_element(v.begin(), v.end())) * 1e3);
    std::printf("dropped frames at %d Hz: %ld (%.2f %%)\n", pacing.refresh_hz, dropped,
                100.0 * static_cast<double>(dropped) / std::max(1.0, static_cast<double>(v.size() + dropped)));
    std::printf("CPU (process CPU seconds / wall): static page %.2f %%, ticker %.2f %% of a core\n", static_cpu * 100, ticker_cpu * 100);
    return 0;
}
