#include "support.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <png.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "content/charset.hpp"
#include "content/text_import.hpp"

namespace fs = std::filesystem;
extern char** environ;

namespace test {

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::stringstream b;
    b << in.rdbuf();
    return b.str();
}

void write_file(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("kiosk-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
}
TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

kiosk::content::Document corpus_document() {
    auto decoded = kiosk::content::decode_text(read_file(KIOSK_TEST_CORPUS));
    return kiosk::content::import_plain_text(decoded.utf8);
}

kiosk::content::Document paragraphs(const std::string& text) {
    kiosk::content::Document doc;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) {
            kiosk::content::Block b;
            b.text = line;
            doc.blocks.push_back(b);
        }
    return doc;
}

kiosk::text::FontSet& fonts() {
    static std::unique_ptr<kiosk::text::FontSet> set = [] {
        auto opened = kiosk::text::FontSet::open(kiosk::text::FontRequest{});
        if (!opened) throw std::runtime_error(opened.error().message);
        return std::move(*opened);
    }();
    return *set;
}

static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

ProcessResult run_kiosk(const std::vector<std::string>& args, const std::string& env) {
    TempDir dir;
    // English messages unless a test asks otherwise (env comes later and wins).
    std::string cmd = "LANGUAGE= LC_ALL=C.UTF-8 " + env + " " + quote(KIOSK_BINARY);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " >" + quote((dir.path() / "out").string()) + " 2>" + quote((dir.path() / "err").string());
    int raw = std::system(cmd.c_str());
    ProcessResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_file(dir.path() / "out");
    r.err = read_file(dir.path() / "err");
    return r;
}

BackgroundKiosk::BackgroundKiosk(const std::vector<std::string>& args, const std::vector<std::string>& env,
                                 const fs::path& log_dir, const std::string& binary)
    : log_dir_(log_dir) {
    std::error_code ec;
    fs::create_directories(log_dir, ec);
    std::vector<std::string> argv_s = {binary};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    // The given settings replace the inherited ones of the same name (getenv takes the first:
    // an appended ASAN_OPTIONS would otherwise be ignored under the sanitized build).
    std::vector<std::string> given = {"LANGUAGE=", "LC_ALL=C.UTF-8"};
    given.insert(given.end(), env.begin(), env.end());
    auto name_of = [](const std::string& e) { return e.substr(0, e.find('=') + 1); };
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        const std::string inherited = *e;
        const bool replaced = std::any_of(given.begin(), given.end(), [&](const std::string& g) { return name_of(g) == name_of(inherited); });
        if (!replaced) env_s.push_back(inherited);
    }
    env_s.insert(env_s.end(), given.begin(), given.end());
    // Everything the child needs is made before fork: after it only async-signal-safe calls,
    // since another thread of the test (a loopback server, an MQTT client) may hold the
    // allocator's or stdio's lock, which the child would wait on forever.
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int out = ::open((log_dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open((log_dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    // Signals wait until the child has its default handlers: a SIGTERM between fork and
    // exec would otherwise run the test framework's handler in the child.
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &before);
    pid_ = fork();
    if (pid_ == 0) {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
        pthread_sigmask(SIG_SETMASK, &before, nullptr);
        if (out >= 0) ::dup2(out, 1);
        if (err >= 0) ::dup2(err, 2);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
}

BackgroundKiosk::~BackgroundKiosk() {
    if (pid_ > 0 && running()) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

bool BackgroundKiosk::running() const {
    return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
}

int BackgroundKiosk::stop() {
    kill(pid_, SIGTERM);
    int raw = 0;
    waitpid(pid_, &raw, 0);
    pid_ = -1;
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::optional<int> BackgroundKiosk::wait_exit(double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        int raw = 0;
        if (pid_ > 0 && waitpid(pid_, &raw, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        }
        if (std::chrono::steady_clock::now() >= until) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string BackgroundKiosk::err() const {
    std::error_code ec;
    return fs::exists(log_dir_ / "err", ec) ? read_file(log_dir_ / "err") : "";
}

bool wait_for(const std::function<bool()>& condition, double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

void wait_until_up(const std::function<bool()>& up, const std::string& what, double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!up()) {
        if (std::chrono::steady_clock::now() >= until) {
            std::ostringstream message;
            message << what << " did not come up within " << seconds << " s";
            throw std::runtime_error(message.str());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

namespace {
// A TCP socket bound to 127.0.0.1 and a free port (throws if it cannot be); its port.
int bound_socket(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot bind a socket to 127.0.0.1");
    }
    port = ntohs(addr.sin_port);
    return fd;
}
}  // namespace

int free_port() {
    int port = 0;
    ::close(bound_socket(port));
    return port;
}

SilentServer::SilentServer() {
    fd_ = bound_socket(port_);  // (in the body: port_'s own initializer would come after)
    if (::listen(fd_, 16) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port_));
    }
}
SilentServer::~SilentServer() { ::close(fd_); }

bool SilentServer::connected_within(double seconds) const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(seconds * 1000)) == 1;
}

int Image::luminance(int x, int y) const {
    const unsigned char* p = &rgb[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3];
    return (299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000;
}

Image read_png(const fs::path& file) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, file.c_str()))
        throw std::runtime_error("not a PNG: " + file.string());
    image.format = PNG_FORMAT_RGB;
    Image out;
    out.width = static_cast<int>(image.width);
    out.height = static_cast<int>(image.height);
    out.rgb.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr))
        throw std::runtime_error("broken PNG: " + file.string());
    return out;
}

std::u32string without_spaces(const std::u32string& s) {
    std::u32string out;
    for (char32_t c : s)
        if (c != U' ' && c != 0x3000 && c != 0xA0) out.push_back(c);
    return out;
}

nlohmann::json status_of(const fs::path& runtime) {
    try {
        return nlohmann::json::parse(read_file(runtime / "status.json"));
    } catch (...) {
        return nullptr;  // not written yet, or read while being replaced
    }
}

long proc_status_kb(int pid, const char* field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
    return -1;
}

}  // namespace test
