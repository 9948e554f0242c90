#include "console/preview.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <fstream>

#include "base/file_read.hpp"
#include "base/url.hpp"
#include "base/unique_fd.hpp"

extern char** environ;

namespace kiosk::console {
namespace fs = std::filesystem;

Result<ToolRun> run_tool(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, int timeout_ms,
                         std::size_t max_output) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return make_error("pipe failed");
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return make_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& e : extra_env) env.push_back(e);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    UniqueFd out_fd(out_pipe[0]), err_fd(err_pipe[0]);
    if (rc != 0) return make_error(argv[0] + ": cannot start (" + std::string(std::strerror(rc)) + ")");
    ToolRun run;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    bool out_open = true, err_open = true, timed_out = false;
    char buf[65536];
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out_fd.get() : -1, POLLIN, 0}, {err_open ? err_fd.get() : -1, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (int k = 0; k < 2; ++k) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
            std::string& sink = k == 0 ? run.out : run.err;
            if (n <= 0) (k == 0 ? out_open : err_open) = false;
            else if (sink.size() < max_output) sink.append(buf, static_cast<size_t>(std::min<ssize_t>(n, static_cast<ssize_t>(max_output - sink.size()))));
        }
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (timed_out) return make_error(argv[0] + ": took longer than " + std::to_string(timeout_ms / 1000) + " s; stopped");
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

namespace {

// A folder of its own under the system's temporary folder, removed when this goes.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "kiosk-console-preview-XXXXXX").string();
        if (::mkdtemp(tmpl.data())) path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

Status write(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) return make_error(file.string() + ": cannot write");
    return Ok{};
}

}  // namespace

// What the clerk reads after 预览失败：: kiosk's last line (its log lines before it, in English,
// are for the screen's log), without the program's own prefixes; the reason itself, in Chinese
// when kiosk gives one (a 新旧对照 that cannot be made says why in Chinese).
std::string preview_failure_reason(std::string_view err) {
    std::string why(err);
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r' || why.back() == ' ')) why.pop_back();
    if (const size_t nl = why.rfind('\n'); nl != std::string::npos) why.erase(0, nl + 1);
    for (const char* prefix : {"kiosk: ", "preview: ", "the comparison could not be made: "})
        if (why.rfind(prefix, 0) == 0) why.erase(0, std::string_view(prefix).size());
    return why;
}

Result<std::vector<PreviewPages>> render_preview(const PreviewRequest& r) {
    TempDir dir;
    if (dir.path.empty()) return make_error("cannot make a temporary folder for the preview");
    // The office's style; none of its own paths, broker or playlist.
    nlohmann::json cfg = nlohmann::json::object();
    for (const char* key : {"hall_name", "welcome", "time_zone", "screen", "fonts", "typography", "margins", "theme",
                            "page_seconds", "reading", "network", "ticker"})
        if (r.office_config.contains(key)) cfg[key] = r.office_config[key];
    if (cfg.contains("fonts") && cfg["fonts"].is_object()) cfg["fonts"].erase("files");
    cfg["version"] = 1;
    cfg["playlist"] = "playlist.json";
    cfg["paths"] = {{"runtime", (dir.path / "run").string()}, {"state", (dir.path / "state").string()},
                    {"cache", (dir.path / "cache").string()}};
    nlohmann::json item = r.item;
    item["id"] = "preview";
    item["enabled"] = true;
    item.erase("schedule");  // the preview shows the pages whatever the day
    // Fetched (--fetch) when any of its sources is on the web: a 新旧对照 item has two, "old" and "new".
    bool web = false;
    for (const char* key : {"source", "old", "new"})
        web = web || (item.contains(key) && item[key].is_string() && url::is_web_address(item[key].get<std::string>()));
    nlohmann::json playlist = {{"version", 1}, {"items", nlohmann::json::array({item})}};
    if (r.ticker.is_object()) {
        nlohmann::json band = r.ticker;
        band["id"] = "preview-ticker";
        band["enabled"] = true;
        playlist["items"].push_back(band);
    }
    if (auto st = write(dir.path / "kiosk.json", cfg.dump()); !st) return st.error();
    if (auto st = write(dir.path / "playlist.json", playlist.dump()); !st) return st.error();
    std::vector<PreviewPages> out;
    for (const auto& [w, h] : r.sizes) {
        const fs::path pages_dir = dir.path / ("out-" + std::to_string(w) + "x" + std::to_string(h));
        // With a 滚动字幕 notice the whole playlist is drawn (the stand-in page and the band
        // beside it: `--item` draws one item's pages without the band).
        std::vector<std::string> argv = {r.kiosk_binary.string(), "render", "--config", (dir.path / "kiosk.json").string(),
                                         "--item", "preview", "--out", pages_dir.string(),
                                         "--size", std::to_string(w) + "x" + std::to_string(h),
                                         "--pages", std::to_string(r.max_pages), "--count"};
        if (r.ticker.is_object()) argv.erase(argv.begin() + 4, argv.begin() + 6);
        if (!r.now.empty()) {
            argv.push_back("--now");
            argv.push_back(r.now);
        }
        if (web) argv.push_back("--fetch");
        // 20 s a size: the demo report laid out and six pages drawn take 0.7 s at 1080p.
        auto run = run_tool(argv, {"SDL_VIDEODRIVER=dummy", "LANGUAGE=zh_CN"}, 20000, 1 << 20);
        if (!run) return run.error();
        if (run->status != 0) {
            return make_error("预览失败：" + preview_failure_reason(run->err));
        }
        PreviewPages p{w, h, {}, 0};
        // "preview: 9 pages": the whole count, which the pages' own 第 x/9 页 shows.
        const std::string counted = "preview: ";
        for (size_t at = run->out.find(counted); at != std::string::npos; at = run->out.find(counted, at + 1))
            if (at == 0 || run->out[at - 1] == '\n') p.total = std::atoi(run->out.c_str() + at + counted.size());
        std::vector<fs::path> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(pages_dir, ec))
            if (e.path().extension() == ".png") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            auto bytes = files::read_regular_file(f, 16u << 20);
            if (!bytes) return bytes.error();
            p.png.push_back(std::move(*bytes));
        }
        if (p.total < static_cast<int>(p.png.size())) p.total = static_cast<int>(p.png.size());
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace kiosk::console
