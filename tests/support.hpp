#pragma once
// Shared helpers for the tests: files, the corpus, fonts, running the kiosk binary, PNGs.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "content/document.hpp"
#include "text/fonts.hpp"

namespace test {

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& bytes);

// A fresh folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
private:
    std::filesystem::path path_;
};

kiosk::content::Document corpus_document();

// A Document of one block (a paragraph) for each line of `text` that is not empty.
kiosk::content::Document paragraphs(const std::string& text);

// The default fonts (Noto Sans CJK SC through fontconfig), opened once per process.
kiosk::text::FontSet& fonts();

struct ProcessResult {
    int status = -1;
    std::string out;
    std::string err;
};
// Runs the built kiosk binary with `args` (shell-quoted here) and an optional environment prefix.
ProcessResult run_kiosk(const std::vector<std::string>& args, const std::string& env = "");

// The kiosk binary running in the background (stdout and stderr to files); killed if still
// running when the object goes.
class BackgroundKiosk {
public:
    // `binary`: the kiosk (default), or the soak test's fast_clock_kiosk.
    BackgroundKiosk(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::filesystem::path& log_dir, const std::string& binary = KIOSK_BINARY);
    ~BackgroundKiosk();
    int stop();  // SIGTERM, then the exit status
    // Waits up to `seconds` for the kiosk to end by itself: its exit status (-1: by a
    // signal), or nothing while it still runs.
    std::optional<int> wait_exit(double seconds);
    bool running() const;
    std::string err() const;
    int pid() const { return pid_; }
private:
    int pid_ = -1;
    std::filesystem::path log_dir_;
};

// Polls `condition` every 50 ms until it holds or `seconds` pass.
bool wait_for(const std::function<bool()>& condition, double seconds);

// Waits until a server the test started (on a thread, or as a process) is `up`, polling
// every 2 ms; if it is not within `seconds`, throws — failing the test with "WHAT did not
// come up within N s" — instead of waiting forever. (Throws rather than REQUIREs: the
// benchmarks that share this file do not link Catch2.)
void wait_until_up(const std::function<bool()>& up, const std::string& what, double seconds = 10);

// A port on 127.0.0.1 that was free a moment ago (taken from the kernel, then let go):
// for a server about to start there, or as a port where nobody listens.
int free_port();

// A server on 127.0.0.1 that accepts connections (the kernel does, into its backlog) and
// never says a word: a hung portal or broker. Closed when it goes.
class SilentServer {
public:
    SilentServer();
    ~SilentServer();
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;
    int port() const { return port_; }
    // Someone has connected (a connection waits in the backlog) within `seconds`.
    bool connected_within(double seconds) const;
private:
    int fd_ = -1;
    int port_ = 0;
};

struct Image {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;
    int luminance(int x, int y) const;
};
Image read_png(const std::filesystem::path& file);

// The ASan + UBSan build: process tests run shorter there, and skip memory figures (ASan's
// own heap makes them meaningless).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// A running kiosk's status.json in `runtime`, or null while there is none (or it is being
// replaced).
nlohmann::json status_of(const std::filesystem::path& runtime);

// A field of /proc/PID/status in kB ("VmHWM:" the peak RSS, "VmRSS:"), or -1.
long proc_status_kb(int pid, const char* field);

// Removes ASCII and ideographic spaces (layout drops spaces at line breaks).
std::u32string without_spaces(const std::u32string& s);

}  // namespace test
