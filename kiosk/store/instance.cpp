#include "store/instance.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file_read.hpp"
#include "base/log.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::store {
namespace fs = std::filesystem;

namespace {
long pid_in(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? std::strtol(buf, nullptr, 10) : 0;
}
}  // namespace

Result<std::unique_ptr<InstanceLock>> InstanceLock::acquire(const fs::path& runtime) {
    std::error_code ec;
    fs::create_directories(runtime, ec);
    const fs::path file = runtime / "kiosk.lock";
    UniqueFd lock(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
    const int fd = lock.get();
    if (fd < 0) return make_error(file.string() + ": cannot open the instance lock (" + std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const long pid = pid_in(fd);
        return make_error("another kiosk" + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                          " is running with the runtime folder " + runtime.string() +
                          "; stop it first, or give this one its own paths.runtime in kiosk.json");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        log::warn("app", file.string() + ": cannot record the pid (" + std::strerror(errno) + ")");
    return std::unique_ptr<InstanceLock>(new InstanceLock(std::move(lock)));
}

InstanceLock::~InstanceLock() { ::flock(fd_.get(), LOCK_UN); }  // closed by fd_

Liveness kiosk_liveness(const fs::path& runtime) {
    Liveness l;
    const UniqueFd lock(::open((runtime / "kiosk.lock").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    const int fd = lock.get();
    if (fd < 0) return l;  // never started here
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        l.running = true;
        l.pid = pid_in(fd);
    } else {
        ::flock(fd, LOCK_UN);
    }
    return l;
}

void LastGood::keep(const std::string& name, const std::string& text, const fs::path& origin) const {
    if (auto kept = get(name); kept && kept->text == text && kept->origin == origin) return;
    std::error_code ec;
    fs::create_directories(folder_, ec);
    // The origin first: a crash between the two writes leaves a text with the old origin
    // only when both name the same file anyway (origins rarely change).
    auto a = store::write_file_atomically(folder_ / (name + ".origin"), origin.string() + "\n");
    auto b = a ? store::write_file_atomically(folder_ / name, text) : a;
    if (!b) log::once(log::Level::warning, "config", "last good " + name, "cannot keep the last good " + name + ": " + b.error().message);
}

std::optional<KeptFile> LastGood::get(const std::string& name) const {
    auto text = files::read_regular_file(folder_ / name, 1u << 20, files::Symlinks::refuse);
    auto origin = files::read_regular_file(folder_ / (name + ".origin"), 4096, files::Symlinks::refuse);
    if (!text || !origin) return std::nullopt;
    std::string o = *origin;
    while (!o.empty() && (o.back() == '\n' || o.back() == '\r')) o.pop_back();
    return KeptFile{std::move(*text), fs::path(o)};
}

}  // namespace kiosk::store
