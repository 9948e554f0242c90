#include "app/control.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/utf8.hpp"
#include "base/log.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

namespace {

std::atomic<int> g_sighup_fd{-1};

void on_sighup(int) {
    int fd = g_sighup_fd.load();
    if (fd >= 0) {
        const char h = 'h';
        [[maybe_unused]] ssize_t n = ::write(fd, &h, 1);  // async-signal-safe
    }
}

bool make_address(const fs::path& path, sockaddr_un& addr) {
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof addr.sun_path) return false;
    std::strcpy(addr.sun_path, path.c_str());
    return true;
}

}  // namespace

Result<std::unique_ptr<ControlChannel>> ControlChannel::start(const fs::path& playlist, const fs::path& socket_path,
                                                              std::function<void()> wake) {
    std::unique_ptr<ControlChannel> c(new ControlChannel());
    c->wake_ = std::move(wake);
    c->playlist_name_ = playlist.filename().string();
    c->socket_path_ = socket_path;
    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC | O_NONBLOCK) != 0)
        return make_error(std::string("control: pipe: ") + std::strerror(errno));
    c->wake_read_.reset(pipe_ends[0]);
    c->wake_write_.reset(pipe_ends[1]);

    if (!playlist.empty()) c->inotify_fd_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (playlist.empty()) {
        // A playlist on the portal is fetched, not watched.
    } else if (!c->inotify_fd_.valid() ||
        ::inotify_add_watch(c->inotify_fd_.get(), playlist.parent_path().c_str(),
                            IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0)
        log::warn("control", playlist.parent_path().string() + ": cannot watch for playlist edits (" +
                                  std::strerror(errno) + "); send SIGHUP or `kiosk reload` after editing");

    std::error_code ec;
    fs::create_directories(socket_path.parent_path(), ec);
    sockaddr_un addr;
    c->socket_fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!c->socket_fd_.valid() || !make_address(socket_path, addr))
        return make_error(socket_path.string() + ": cannot create the control socket");
    ::unlink(socket_path.c_str());  // a stale socket from a previous run
    if (::bind(c->socket_fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(c->socket_fd_.get(), 64) != 0)
        return make_error(socket_path.string() + ": " + std::strerror(errno));
    ::chmod(socket_path.c_str(), 0660);

    g_sighup_fd = c->wake_write_.get();
    struct sigaction sa {};
    sa.sa_handler = on_sighup;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGHUP, &sa, nullptr);

    c->thread_ = std::thread([raw = c.get()] { raw->run(); });
    return c;
}

ControlChannel::~ControlChannel() {
    g_sighup_fd = -1;
    signal(SIGHUP, SIG_DFL);
    if (wake_write_.valid()) {
        const char q = 'q';
        [[maybe_unused]] ssize_t n = ::write(wake_write_.get(), &q, 1);
    }
    if (thread_.joinable()) thread_.join();  // the descriptors close after it (members)
    if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
}

void ControlChannel::push(ControlEvent e) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(e));
    }
    wake_();
}

void ControlChannel::set_known_items(std::set<std::string> ids) {
    std::lock_guard lock(mutex_);
    known_items_ = std::move(ids);
}

std::deque<ControlEvent> ControlChannel::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(queue_, {});
}

void ControlChannel::run() {
    bool playlist_dirty = false;
    for (;;) {
        pollfd fds[3] = {{wake_read_.get(), POLLIN, 0}, {inotify_fd_.get(), POLLIN, 0}, {socket_fd_.get(), POLLIN, 0}};
        // After an edit, wait for 300 ms of quiet: editors write in several steps.
        int ready = ::poll(fds, 3, playlist_dirty ? 300 : -1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0 && playlist_dirty) {
            playlist_dirty = false;
            push({ControlEvent::Kind::playlist_changed, ""});
            continue;
        }
        if (fds[0].revents & POLLIN) {
            char buf[16];
            ssize_t n = ::read(wake_read_.get(), buf, sizeof buf);
            for (ssize_t i = 0; i < n; ++i) {
                if (buf[i] == 'q') return;
                if (buf[i] == 'h') push({ControlEvent::Kind::reload, ""});
            }
        }
        if (fds[1].revents & POLLIN) {
            alignas(inotify_event) char buf[4096];
            ssize_t n = ::read(inotify_fd_.get(), buf, sizeof buf);
            for (ssize_t off = 0; off < n;) {
                const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                if (ev->len > 0 && playlist_name_ == ev->name) playlist_dirty = true;
                off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            }
        }
        if (fds[2].revents & POLLIN) {
            const UniqueFd client(::accept4(socket_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
            if (!client.valid()) continue;
            try {
                serve(client.get());
            } catch (const std::exception& e) {  // never the end of the control thread
                log::once(log::Level::error, "control", e.what(), std::string("control: unexpected error: ") + e.what());
            }
        }
    }
}

// One client: a command line read within two seconds in all (a client that trickles bytes
// or never writes cannot hold the channel), one answer written without SIGPIPE.
void ControlChannel::serve(int client) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    std::string line;
    char buf[256];
    while (line.find('\n') == std::string::npos && line.size() < 1024) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return;  // too slow: no answer
        pollfd cp{client, POLLIN, 0};
        const int ready = ::poll(&cp, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return;
        const ssize_t n = ::read(client, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
    }
    line = line.substr(0, line.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string reply = "ok\n";
    if (line == "reload") {
        push({ControlEvent::Kind::reload, ""});
    } else if (line == "refresh" || line.rfind("refresh ", 0) == 0) {
        const std::string item = line.size() > 8 ? line.substr(8) : "";
        bool known = true;
        {
            std::lock_guard lock(mutex_);
            known = item.empty() || !known_items_ || known_items_->count(item);
        }
        if (known) push({ControlEvent::Kind::refresh, item});
        else reply = "error: no item \"" + utf8::printable(utf8::truncate(item, 200)) + "\" in the playlist\n";
    } else {
        reply = "error: unknown command \"" + utf8::printable(utf8::truncate(line, 200)) + "\" (refresh [ITEM], reload)\n";
    }
    // The client may be gone: MSG_NOSIGNAL (a SIGPIPE would end the kiosk), non-blocking.
    [[maybe_unused]] ssize_t w = ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

Result<std::string> send_control(const fs::path& socket_path, const std::string& command, std::chrono::milliseconds timeout) {
    sockaddr_un addr;
    if (!make_address(socket_path, addr)) return make_error(socket_path.string() + ": path too long");
    const UniqueFd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int fd = socket.get();
    if (fd < 0) return make_error(std::string("socket: ") + std::strerror(errno));
    // Every step bounded: connect (a full backlog), write and each read.
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        return make_error(socket_path.string() + ": " + std::strerror(errno) + " (is the kiosk running?)");
    }
    std::string line = command + "\n";
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
        return make_error(socket_path.string() + ": " + std::strerror(errno));
    }
    std::string reply;
    char buf[256];
    ssize_t n = 0;
    while (reply.size() < 4096 && (n = ::read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
    const int err = errno;
    if (n < 0 && (err == EAGAIN || err == EWOULDBLOCK))
        return make_error(socket_path.string() + ": no answer within " + std::to_string(timeout.count() / 1000) +
                          " s (is the kiosk stuck?)");
    if (reply.empty()) return make_error(socket_path.string() + ": the kiosk closed the connection without an answer");
    return reply;
}

}  // namespace kiosk::app
