// The worst inputs the budgets accept, each through the whole path a running kiosk takes —
// bytes as fetched -> Document (extraction or import, the budget) -> shaping -> layout at
// 1920x1080 (the page budget) -> the first page with its chrome — in a process of its own,
// so its peak memory is its own. Prints wall time and peak RSS per case. Target: every case
// under 2 s and under 300 MiB (half the unit's MemoryMax).
//   build/bench/worst_inputs            all cases, one child process each
//   build/bench/worst_inputs CASE       one case in this process
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/content_source.hpp"
#include "app/fetch_worker.hpp"
#include "app/library.hpp"
#include "config/config.hpp"

using namespace kiosk;

namespace {

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

const std::string kHead =
    "<html><head><meta charset=\"utf-8\"><title>页面</title></head><body><div class=\"TRS_Editor\"><p>正文内容，足够长的一段文字。</p>";
constexpr size_t kPageCap = 20u << 20;  // the fetcher's cap: the largest body it accepts

// A page as fetched: bytes and their content type.
struct Input {
    std::string body;
    std::string type;
};

const std::vector<std::pair<std::string, std::function<Input()>>>& cases() {
    static const std::vector<std::pair<std::string, std::function<Input()>>> all = {
        {"largest-html", [] {
             const std::string p = "<p>本年度报告依据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息情况等。</p>\n";
             return Input{kHead + repeat(p, (kPageCap - 4096) / p.size()) + "</div></body></html>", "text/html; charset=utf-8"};
         }},
        {"largest-text", [] {
             const std::string p = "本年度报告依据《中华人民共和国政府信息公开条例》编制，全文包括总体情况。\n";
             return Input{"年度报告\n" + repeat(p, (kPageCap - 4096) / p.size()), "text/plain; charset=utf-8"};
         }},
        {"deepest-divs", [] { return Input{kHead + repeat("<div>", 1'000'000) + "深</div></body></html>", "text/html"}; }},
        {"deepest-tables", [] { return Input{kHead + repeat("<table><tr><td>", 200'000) + "深</body></html>", "text/html"}; }},
        {"unclosed-formatting", [] {
             std::string s = kHead;
             for (int i = 0; i < 400'000; ++i) s += "<b id=" + std::to_string(i) + ">字";
             return Input{s, "text/html"};
         }},
        {"most-pictures", [] {
             std::string s = kHead;
             for (int i = 0; i < 100'000; ++i) s += "<img src=\"/p/" + std::to_string(i) + ".png\" width=400 height=300>";
             return Input{s + "</div></body></html>", "text/html"};
         }},
        {"longest-line", [] { return Input{repeat("长", 6'000'000) + "\n正文。\n", "text/plain; charset=utf-8"}; }},
        {"largest-table", [] {
             std::string s = kHead + "<table><thead><tr>";
             for (int c = 0; c < 10; ++c) s += "<th>栏目" + std::to_string(c) + "</th>";
             s += "</tr></thead>";
             for (int r = 0; r < 5000; ++r) {
                 s += "<tr><td>事项名称" + std::to_string(r) + "</td>";
                 for (int c = 1; c < 10; ++c) s += "<td>" + std::to_string(r * c) + "</td>";
                 s += "</tr>";
             }
             return Input{s + "</table></div></body></html>", "text/html"};
         }},
    };
    return all;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The largest playlist the checker accepts: 1 MB, items up to the 50,000-value budget.
int run_playlist_case() {
    std::string text = "{\"version\": 1, \"items\": [\n";
    for (int i = 0;; ++i) {
        std::string item = "{\"id\": \"item-" + std::to_string(i) + "\", \"title\": \"第" + std::to_string(i) +
                           "项\", \"source\": \"https://www.changchun.gov.cn/zw/t" + std::to_string(i) +
                           ".html\", \"refresh\": \"6h\", \"schedule\": {\"weekdays\": [\"mon\", \"fri\"], \"hours\": [\"08:30-12:00\"]}}";
        if (text.size() + item.size() + 8 > config::kMaxConfigFileBytes || (i + 1) * 11 > 49'000) break;
        text += (i ? ",\n" : "") + item;
    }
    text += "\n]}\n";
    config::KioskConfig cfg;
    cfg.network.allowed_hosts = {"www.changchun.gov.cn"};
    const auto start = std::chrono::steady_clock::now();
    auto pl = config::parse_playlist(text, "playlist.json", cfg, false);
    const double took = seconds_since(start);
    std::printf("%zu bytes, %zu items, %s, %.3f s\n", text.size(), pl ? pl->items.size() : 0, pl ? "accepted" : "refused", took);
    return pl ? 0 : 1;
}

int run_case(const std::string& name) {
    if (name == "largest-playlist") return run_playlist_case();
    for (const auto& [case_name, make] : cases()) {
        if (case_name != name) continue;
        const Input input = make();  // not timed: the bytes as they arrive
        config::KioskConfig cfg;
        auto fonts = text::FontSet::open(text::FontRequest{cfg.fonts.family, "", ""});
        if (!fonts) return 2;
        const auto start = std::chrono::steady_clock::now();
        auto in = app::ingest_fetched(input.body, input.type, "", "https://www.changchun.gov.cn/zw/t1.html");
        if (!in) {
            std::printf("%zu bytes: refused (%s), %.3f s\n", input.body.size(), in.error().message.c_str(), seconds_since(start));
            return 0;
        }
        auto doc = &in->doc;
        const double extracted = seconds_since(start);
        app::Library library(**fonts, std::make_shared<const config::KioskConfig>(cfg));
        config::PlaylistItem item;
        item.id = name;
        item.source = "https://www.changchun.gov.cn/zw/t1.html";
        library.add(item, std::move(*doc));
        library.lay_out(1920, 1080);
        const auto* entry = library.find(name);
        const size_t pages = entry ? entry->pages.size() : 0;
        if (pages) (void)library.page_with_chrome(*entry, 0, std::time(nullptr));
        std::printf("%zu bytes, %zu pages, read %.3f s, %.3f s in all\n", input.body.size(), pages, extracted, seconds_since(start));
        return 0;
    }
    std::fprintf(stderr, "worst_inputs: no case \"%s\"\n", name.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1) return run_case(argv[1]);
    std::vector<std::string> names;
    for (const auto& [name, make] : cases()) names.push_back(name);
    names.push_back("largest-playlist");
    std::printf("%-20s %10s %10s  %s\n", "case", "wall s", "peak MiB", "what");
    bool all_within = true;
    for (const std::string& name : names) {
        std::fflush(stdout);
        int pipe_fd[2];
        if (::pipe(pipe_fd) != 0) return 2;
        const auto start = std::chrono::steady_clock::now();
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::dup2(pipe_fd[1], 1);
            ::close(pipe_fd[0]);
            ::execl("/proc/self/exe", argv[0], name.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        ::close(pipe_fd[1]);
        std::string said;
        char buf[512];
        for (ssize_t n; (n = ::read(pipe_fd[0], buf, sizeof buf)) > 0;) said.append(buf, static_cast<size_t>(n));
        ::close(pipe_fd[0]);
        int status = 0;
        rusage usage{};
        ::wait4(pid, &status, 0, &usage);
        // Wall time includes building the input in the child; the child prints its own timing.
        (void)start;
        while (!said.empty() && said.back() == '\n') said.pop_back();
        const double peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
        double took = 0;
        if (auto at = said.rfind(", "); at != std::string::npos) took = std::atof(said.c_str() + at + 2);
        const bool within = WIFEXITED(status) && WEXITSTATUS(status) == 0 && peak_mib < 300 && took < 2;
        all_within &= within;
        std::printf("%-20s %10.3f %10.1f  %s%s\n", name.c_str(), took, peak_mib, said.c_str(), within ? "" : "  <- OVER");
    }
    std::printf("%s\n", all_within ? "every case within 2 s and 300 MiB" : "some case is over its budget");
    return all_within ? 0 : 1;
}
