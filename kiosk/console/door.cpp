#include "console/door.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/unique_fd.hpp"

namespace kiosk::console {

namespace {

using Clock = std::chrono::steady_clock;

struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

// handshake (TLS) -> head -> body -> a worker -> head …; linger: refused, the rest read and dropped.
enum class Phase { handshake, head, body, linger };

struct Conn {
    UniqueFd fd;
    SslPtr ssl;  // after fd: freed before the socket closes
    std::string address, local_address;
    int port = 0, local_port = 0;
    Phase phase = Phase::head;
    std::string in;              // read, not yet served: this request, perhaps the next one's start
    std::size_t head_end = 0;    // the head is in[0, head_end), the body the next body_bytes
    std::size_t body_bytes = 0;
    std::size_t reserved = 0;    // of the large-body budget
    ParsedHead parsed;
    Clock::time_point deadline;
    std::uint32_t watching = 0;  // epoll events registered, 0: none
    int served = 0;
    bool keep = false;           // the worker's verdict: it may take another request
};
using ConnPtr = std::unique_ptr<Conn>;

void address_of(const sockaddr_storage& sa, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = "";
    if (sa.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&sa);
        ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&sa);
        ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
    }
    ip = text;
}

// Refusals under /api/ are JSON (the page shows their "error"); pages get text.
bool wants_json(const Conn& c) {
    const auto space = c.in.find(' ');
    return space != std::string::npos && c.in.compare(space + 1, 5, "/api/") == 0;
}

// A few bytes written without waiting (a refusal, 100 Continue): what does not fit is dropped.
void send_now(Conn& c, std::string_view bytes) {
    if (c.ssl) {
        ERR_clear_error();
        SSL_write(c.ssl.get(), bytes.data(), static_cast<int>(bytes.size()));
    } else {
        ::send(c.fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
}

// One request for httplib: its head and body from memory; the answer to the socket, under
// deadlines (a stall, and the whole answer).
class MemoryStream final : public httplib::Stream {
public:
    MemoryStream(Conn& c, const DoorLimits& limits)
        : c_(c), body_(std::string_view(c.in).substr(c.head_end, c.body_bytes)), stall_(limits.write_stall),
          until_(Clock::now() + limits.write_total) {}
    bool is_readable() const override { return at_ < c_.parsed.head.size() + body_.size(); }
    bool is_writable() const override { return !failed_; }
    ssize_t read(char* ptr, size_t size) override {
        const std::string_view head = c_.parsed.head;
        const std::string_view from = at_ < head.size() ? head.substr(at_) : body_.substr(at_ - head.size());
        const std::size_t n = std::min(size, from.size());
        std::memcpy(ptr, from.data(), n);
        at_ += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        if (failed_) return -1;
        if (size == 0) return 0;
        for (;;) {
            short events = POLLOUT;
            if (c_.ssl) {
                ERR_clear_error();
                const int r = SSL_write(c_.ssl.get(), ptr, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
                if (r > 0) return r;
                const int e = SSL_get_error(c_.ssl.get(), r);
                if (e == SSL_ERROR_WANT_READ) events = POLLIN;
                else if (e != SSL_ERROR_WANT_WRITE) return fail();
            } else {
                const ssize_t n = ::send(c_.fd.get(), ptr, size, MSG_NOSIGNAL);
                if (n >= 0) return n;
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) return fail();
            }
            if (!wait(events)) return fail();
        }
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = c_.address;
        port = c_.port;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = c_.local_address;
        port = c_.local_port;
    }
    socket_t socket() const override { return c_.fd.get(); }
    bool failed() const { return failed_; }

private:
    ssize_t fail() {
        failed_ = true;
        return -1;
    }
    bool wait(short events) const {
        const auto left = std::min<Clock::duration>(stall_, until_ - Clock::now());
        if (left <= Clock::duration::zero()) return false;
        pollfd p{c_.fd.get(), events, 0};
        const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count()) + 1;
        int r;
        do r = ::poll(&p, 1, ms);
        while (r < 0 && errno == EINTR);
        return r > 0;
    }
    Conn& c_;
    std::string_view body_;
    std::size_t at_ = 0;
    std::chrono::seconds stall_;
    Clock::time_point until_;
    bool failed_ = false;
};

}  // namespace

struct Door::Impl {
    Impl(const DoorLimits& l, SSL_CTX* t, DoorChecks c, Serve s)
        : limits(l), tls(t), checks(std::move(c)), serve(std::move(s)) {}
    const DoorLimits limits;
    SSL_CTX* const tls;  // the server's (null: plain HTTP)
    const DoorChecks checks;
    const Serve serve;
    UniqueFd epoll, wake;
    std::thread doorman;
    std::vector<std::thread> workers;
    std::atomic<bool> stopping{false};
    std::mutex stop_mutex;
    bool stopped = false;

    // Handed to the doorman: sockets just accepted, connections back from a worker.
    std::mutex inbox_mutex;
    std::vector<UniqueFd> arrived;
    std::vector<ConnPtr> returned;

    // The doorman's own: connections waiting for bytes, and the counts of all.
    std::unordered_map<int, ConnPtr> conns;
    std::map<std::string, std::size_t> per_address;
    std::size_t total = 0, reserved = 0;

    // Complete requests waiting for a worker.
    std::mutex jobs_mutex;
    std::condition_variable jobs_ready;
    std::deque<ConnPtr> jobs;

    void poke() {
        const std::uint64_t one = 1;
        const ssize_t r = ::write(wake.get(), &one, sizeof one);
        static_cast<void>(r);
    }

    void watch(Conn& c, std::uint32_t events) {
        if (c.watching == events) return;
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = c.fd.get();
        ::epoll_ctl(epoll.get(), c.watching ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd.get(), &ev);
        c.watching = events;
    }
    void unwatch(Conn& c) {
        if (c.watching) ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
        c.watching = 0;
    }
    void release(Conn& c) {
        reserved -= c.reserved;
        c.reserved = 0;
    }

    // The connection's end: its counts, its TLS goodbye; the caller then lets it go.
    void finish(Conn& c) {
        release(c);
        unwatch(c);
        if (auto a = per_address.find(c.address); a != per_address.end() && --a->second == 0) per_address.erase(a);
        --total;
        if (c.ssl && c.phase != Phase::handshake && c.phase != Phase::linger) {
            ERR_clear_error();
            SSL_shutdown(c.ssl.get());
        }
    }
    void close(int fd) {
        auto it = conns.find(fd);
        if (it == conns.end()) return;
        ConnPtr c = std::move(it->second);
        conns.erase(it);
        finish(*c);
    }

    // Refused: the answer now, then the rest of the request read and dropped for a moment
    // (closing with it unread would reset the connection before the client reads why).
    bool refuse(Conn& c, const Refusal& r) {
        send_now(c, refusal_answer(r, wants_json(c)));
        release(c);
        if (c.ssl) {
            ERR_clear_error();
            SSL_shutdown(c.ssl.get());
        }
        ::shutdown(c.fd.get(), SHUT_WR);
        c.phase = Phase::linger;
        c.in.clear();
        c.deadline = Clock::now() + limits.linger;
        watch(c, EPOLLIN);
        return false;
    }
    void linger(Conn& c) {
        char buf[16384];
        for (int i = 0; i < 64; ++i) {
            const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
            if (n > 0) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
            return close(c.fd.get());
        }
    }

    void adopt(UniqueFd fd) {
        auto c = std::make_unique<Conn>();
        sockaddr_storage sa{};
        socklen_t len = sizeof sa;
        if (::getpeername(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) == 0) address_of(sa, c->address, c->port);
        len = sizeof sa;
        if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) == 0) address_of(sa, c->local_address, c->local_port);
        const auto here = per_address.find(c->address);
        if (total >= limits.max_connections || (here != per_address.end() && here->second >= limits.max_connections_per_address)) {
            if (!tls) {
                const std::string answer = refusal_answer({503, words::kTooManyConnections, 5}, false);
                ::send(fd.get(), answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            }
            return;
        }
        const int flags = ::fcntl(fd.get(), F_GETFL);
        if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0) return;
        c->fd = std::move(fd);
        if (tls) {
            c->ssl.reset(SSL_new(tls));
            if (!c->ssl || SSL_set_fd(c->ssl.get(), c->fd.get()) != 1) return;
            c->phase = Phase::handshake;
        }
        c->deadline = Clock::now() + limits.head;
        ++per_address[c->address];
        ++total;
        Conn& ref = *c;
        conns.emplace(ref.fd.get(), std::move(c));
        watch(ref, EPOLLIN);
    }

    // Back from a worker: closed, or waiting for its next request (perhaps already read).
    void resume(ConnPtr c) {
        release(*c);
        if (!c->keep || stopping.load()) return finish(*c);
        c->phase = Phase::head;
        c->deadline = Clock::now() + (c->in.empty() ? limits.idle : limits.head);
        const int fd = c->fd.get();
        Conn& ref = *c;
        conns.emplace(fd, std::move(c));
        watch(ref, EPOLLIN);
        step(fd);
    }

    // TLS: true once the handshake is done; false while it waits, or when it failed (closed).
    bool handshake(Conn& c) {
        ERR_clear_error();
        const int r = SSL_accept(c.ssl.get());
        if (r == 1) {
            c.phase = Phase::head;
            watch(c, EPOLLIN);
            return true;
        }
        const int e = SSL_get_error(c.ssl.get(), r);
        if (e == SSL_ERROR_WANT_READ) watch(c, EPOLLIN);
        else if (e == SSL_ERROR_WANT_WRITE) watch(c, EPOLLOUT);
        else close(c.fd.get());
        return false;
    }

    // Reads what the connection has, up to what this request may still need (and the head
    // of a next one); false at the connection's end.
    bool fill(Conn& c) {
        const std::size_t cap = (c.phase == Phase::body ? c.head_end + c.body_bytes : 0) + limits.max_head_bytes;
        char buf[16384];
        while (c.in.size() < cap) {
            const std::size_t want = std::min(sizeof buf, cap - c.in.size());
            ssize_t n = 0;
            if (c.ssl) {
                ERR_clear_error();
                const int r = SSL_read(c.ssl.get(), buf, static_cast<int>(want));
                if (r <= 0) {
                    const int e = SSL_get_error(c.ssl.get(), r);
                    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                        watch(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
                        return true;
                    }
                    return false;
                }
                n = r;
            } else {
                n = ::recv(c.fd.get(), buf, want, 0);
                if (n == 0) return false;
                if (n < 0) {
                    if (errno == EINTR) continue;
                    return errno == EAGAIN || errno == EWOULDBLOCK;
                }
            }
            // A kept connection's next request has begun: from now, the head's deadline.
            if (c.in.empty() && c.served > 0 && c.phase == Phase::head) c.deadline = Clock::now() + limits.head;
            c.in.append(buf, static_cast<std::size_t>(n));
        }
        return true;
    }

    // The request as far as it has come: true while it still needs bytes; false when it went
    // to a worker or was refused.
    bool advance(Conn& c) {
        if (c.phase == Phase::head) {
            if (c.in.empty()) return true;
            const std::size_t end = c.in.find("\r\n\r\n");
            if (end == std::string::npos || end + 4 > limits.max_head_bytes) {
                if (c.in.size() >= limits.max_head_bytes) return refuse(c, {431, words::kHeadTooLarge});
                return true;
            }
            c.head_end = end + 4;
            auto parsed = parse_head(std::string_view(c.in).substr(0, c.head_end));
            if (!parsed) return refuse(c, {400, words::kBadRequest});
            c.parsed = std::move(*parsed);
            c.parsed.request.address = c.address;
            if (c.parsed.chunked) return refuse(c, {411, words::kNeedLength});
            if (auto r = checks.head(c.parsed.request)) return refuse(c, *r);
            c.body_bytes = c.parsed.request.content_length;
            if (c.body_bytes > limits.small_body_bytes) {
                if (reserved + c.body_bytes > limits.large_body_budget) return refuse(c, {503, words::kServerBusy, 5});
                reserved += c.body_bytes;
                c.reserved = c.body_bytes;
            }
            if (c.parsed.expect_continue && c.in.size() < c.head_end + c.body_bytes) send_now(c, "HTTP/1.1 100 Continue\r\n\r\n");
            c.phase = Phase::body;
            c.deadline = Clock::now() + limits.head + std::chrono::seconds(c.body_bytes / limits.body_bytes_per_second);
        }
        if (c.in.size() < c.head_end + c.body_bytes) return true;
        if (auto r = checks.body(c.parsed.request, std::string_view(c.in).substr(c.head_end, c.body_bytes))) return refuse(c, *r);
        bool full = false;
        {
            std::lock_guard lock(jobs_mutex);
            full = jobs.size() >= limits.queue;
        }
        if (full) return refuse(c, {503, words::kServerBusy, 2});
        unwatch(c);
        auto it = conns.find(c.fd.get());
        ConnPtr job = std::move(it->second);
        conns.erase(it);
        {
            std::lock_guard lock(jobs_mutex);
            jobs.push_back(std::move(job));
        }
        jobs_ready.notify_one();
        return false;
    }

    // The socket said something: read, and move the request on as far as it goes.
    void step(int fd) {
        for (;;) {
            auto it = conns.find(fd);
            if (it == conns.end()) return;
            Conn& c = *it->second;
            if (c.phase == Phase::handshake && !handshake(c)) return;
            if (c.phase == Phase::linger) return linger(c);
            const Phase phase = c.phase;
            const std::size_t had = c.in.size();
            const bool open = fill(c);
            if (!advance(c)) return;
            if (!open) return close(fd);
            if (c.phase == phase && c.in.size() == had) return;
        }
    }

    // Deadlines: an idle connection closes; a request still arriving is told it was too slow.
    void expire() {
        const auto now = Clock::now();
        std::vector<int> late;
        for (const auto& [fd, c] : conns)
            if (c->deadline <= now) late.push_back(fd);
        for (int fd : late) {
            Conn& c = *conns.at(fd);
            if (c.phase == Phase::body || (c.phase == Phase::head && !c.in.empty()))
                send_now(c, refusal_answer({408, words::kTooSlow}, wants_json(c)));
            close(fd);
        }
    }

    void take_inbox() {
        std::vector<UniqueFd> fresh;
        std::vector<ConnPtr> back;
        {
            std::lock_guard lock(inbox_mutex);
            fresh.swap(arrived);
            back.swap(returned);
        }
        // The answered first: a client that closed one and opened the next is not counted twice.
        for (auto& c : back) resume(std::move(c));
        for (auto& fd : fresh) adopt(std::move(fd));
    }

    void run() {
        epoll_event events[64];
        while (!stopping.load()) {
            const int n = ::epoll_wait(epoll.get(), events, 64, 250);
            for (int i = 0; i < n; ++i) {
                if (events[i].data.fd == wake.get()) {
                    std::uint64_t count;
                    while (::read(wake.get(), &count, sizeof count) > 0) {
                    }
                    continue;
                }
                step(events[i].data.fd);
            }
            take_inbox();
            expire();
        }
    }

    void work() {
        for (;;) {
            ConnPtr c;
            {
                std::unique_lock lock(jobs_mutex);
                jobs_ready.wait(lock, [&] { return stopping.load() || !jobs.empty(); });
                if (stopping.load()) return;
                c = std::move(jobs.front());
                jobs.pop_front();
            }
            MemoryStream stream(*c, limits);
            const bool last = c->served + 1 >= limits.requests_per_connection;
            bool closed = false, ok = false;
            try {
                ok = serve(stream, last, closed);
            } catch (...) {
                ok = false;
            }
            ++c->served;
            c->keep = ok && !closed && !last && !stream.failed();
            c->in.erase(0, c->head_end + c->body_bytes);
            if (c->in.capacity() > limits.small_body_bytes) c->in.shrink_to_fit();  // a kept connection keeps no upload's room
            c->head_end = c->body_bytes = 0;
            c->parsed = {};
            {
                std::lock_guard lock(inbox_mutex);
                returned.push_back(std::move(c));
            }
            poke();
        }
    }
};

Door::Door(const DoorLimits& limits, SSL_CTX* tls, DoorChecks checks, Serve serve)
    : impl_(std::make_unique<Impl>(limits, tls, std::move(checks), std::move(serve))) {
    impl_->epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
    impl_->wake.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!impl_->epoll.valid() || !impl_->wake.valid()) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = impl_->wake.get();
    if (::epoll_ctl(impl_->epoll.get(), EPOLL_CTL_ADD, impl_->wake.get(), &ev) != 0) return;
    impl_->doorman = std::thread([this] { impl_->run(); });
    for (int i = 0; i < limits.workers; ++i) impl_->workers.emplace_back([this] { impl_->work(); });
}

Door::~Door() { stop(); }

bool Door::valid() const { return impl_->doorman.joinable(); }

void Door::admit(int fd) {
    UniqueFd owned(fd);
    if (impl_->stopping.load() || !valid()) return;
    {
        std::lock_guard lock(impl_->inbox_mutex);
        impl_->arrived.push_back(std::move(owned));
    }
    impl_->poke();
}

void Door::stop() {
    std::lock_guard guard(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    {
        std::lock_guard lock(impl_->jobs_mutex);
        impl_->stopping = true;
    }
    impl_->jobs_ready.notify_all();
    if (impl_->wake.valid()) impl_->poke();
    for (auto& w : impl_->workers) w.join();
    if (impl_->doorman.joinable()) impl_->doorman.join();
    impl_->conns.clear();
    impl_->jobs.clear();
    std::lock_guard lock(impl_->inbox_mutex);
    impl_->returned.clear();
    impl_->arrived.clear();
}

namespace {

// The door takes each socket from the listening thread at once: httplib's own pool would
// give it a thread for as long as the connection lasts.
class AtOnce final : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

template <class Base>
class ServerWithDoor final : public Base {
public:
    template <class... Args>
    ServerWithDoor(const DoorLimits& limits, DoorChecks checks, Args&&... args)
        : Base(std::forward<Args>(args)...),
          door_(limits, tls_context(), std::move(checks),
                [this](httplib::Stream& s, bool last, bool& closed) { return this->process_request(s, last, closed, nullptr); }) {
        this->new_task_queue = [] { return new AtOnce(); };
        this->set_keep_alive_max_count(static_cast<std::size_t>(limits.requests_per_connection));
        this->set_keep_alive_timeout(limits.idle.count());
    }
    ~ServerWithDoor() override { door_.stop(); }
    Door& door() { return door_; }
    bool bind_wide(const std::string& address, int port, int backlog) {
        return this->bind_to_port(address, port) && ::listen(this->svr_sock_, backlog) == 0;
    }

private:
    SSL_CTX* tls_context() const {
        if constexpr (std::is_same_v<Base, httplib::SSLServer>) return this->ssl_context();
        else return nullptr;
    }
    bool process_and_close_socket(socket_t sock) override {
        door_.admit(sock);
        return true;
    }
    Door door_;
};

}  // namespace

Result<DoorServer> make_door_server(const DoorLimits& limits, DoorChecks checks, const std::string& tls_cert,
                                    const std::string& tls_key) {
    DoorServer out;
    const int backlog = static_cast<int>(limits.max_connections);
    auto take = [&](auto s) {
        out.door = &s->door();
        out.bind = [raw = s.get(), backlog](const std::string& address, int port) { return raw->bind_wide(address, port, backlog); };
        out.server = std::move(s);
    };
    if (tls_cert.empty()) {
        take(std::make_unique<ServerWithDoor<httplib::Server>>(limits, std::move(checks)));
    } else {
        auto s = std::make_unique<ServerWithDoor<httplib::SSLServer>>(limits, std::move(checks), tls_cert.c_str(), tls_key.c_str());
        if (!s->is_valid()) return make_error("the HTTPS server could not load its certificate and key");
        take(std::move(s));
    }
    if (!out.door->valid()) return make_error("the console's connection thread could not start (epoll)");
    return out;
}

}  // namespace kiosk::console
