#pragma once
// The console's connections, in front of httplib's request parser and routes ("the door").
//
// httplib 0.11 gives each accepted connection one thread of a fixed pool (8 here) for as
// long as the connection lasts: an idle keep-alive connection, or a client sending one header
// line every few seconds, holds a thread, and its read timeout bounds one read, not the
// request (slowloris). Its API has no deadline for a request's head or body, no bound on its
// queue (TaskQueue::enqueue cannot refuse), and a size cap only for the whole server. So the
// door takes each socket from httplib's listening thread (Server::process_and_close_socket,
// a virtual, overridden) and does the waiting itself, on one epoll thread that holds no
// worker: the TLS handshake, the request's head (a deadline), the checks on the head (Host,
// the route's body size: refused before the body is read), the body (a deadline), the check
// on the body (its JSON values). Only a request complete in memory goes to a worker, which
// hands it to httplib's own parser and routes (Server::process_request) through a Stream
// that reads from memory and writes to the socket under deadlines; then the connection comes
// back to wait for its next request. Refusals are answered at once by the epoll thread;
// a full queue of complete requests is a refusal (503), never a wait.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "console/front_door.hpp"

namespace kiosk::console {

// The figures the door keeps (docs/console.md, "Limits").
struct DoorLimits {
    int workers = 16;                               // threads running complete requests
    std::size_t queue = 64;                         // complete requests waiting for one; beyond: 503
    std::size_t max_connections = 256;              // open connections in all; beyond: refused at once
    std::size_t max_connections_per_address = 64;   // from one address (behind a proxy: all)
    std::chrono::seconds head{10};                  // a new connection's first request head, complete
    std::chrono::seconds idle{5};                   // a kept connection waiting for its next request
    std::size_t max_head_bytes = 16u << 10;         // request line and headers
    std::size_t small_body_bytes = 64u << 10;       // bodies up to this need no share of the budget
    std::size_t large_body_budget = 12u << 20;      // larger bodies being received, all together
    std::size_t body_bytes_per_second = 64u << 10;  // a body's deadline: `head` and one second per this
    std::chrono::seconds write_stall{15};           // an answer's write making no progress
    std::chrono::seconds write_total{120};          // an answer's whole write
    int requests_per_connection = 100;
    std::chrono::seconds linger{2};                 // after a refusal: the rest of the request read and dropped
};

struct DoorChecks {
    std::function<std::optional<Refusal>(const RequestHead&)> head;
    std::function<std::optional<Refusal>(const RequestHead&, std::string_view body)> body;
};

class Door;

// httplib's server (HTTPS from the two files when `tls_cert` is not empty) with the door in
// front. bind(), then server->listen_after_bind(); door->stop() after listening has ended.
struct DoorServer {
    std::unique_ptr<httplib::Server> server;
    Door* door = nullptr;  // owned by the server
    // Server::bind_to_port, then the listening socket's backlog widened to max_connections:
    // httplib's is 5, and a burst of new connections beyond it waits a second or more for TCP
    // to try again.
    std::function<bool(const std::string& address, int port)> bind;
};
Result<DoorServer> make_door_server(const DoorLimits& limits, DoorChecks checks, const std::string& tls_cert,
                                    const std::string& tls_key);

class Door {
public:
    // Serves one request (its head and body in the stream); httplib's process_request.
    using Serve = std::function<bool(httplib::Stream&, bool last, bool& closed)>;
    Door(const DoorLimits& limits, SSL_CTX* tls, DoorChecks checks, Serve serve);
    ~Door();
    Door(const Door&) = delete;
    Door& operator=(const Door&) = delete;

    bool valid() const;  // its thread started
    // A socket just accepted (from the listening thread): the door owns it from now on.
    void admit(int fd);
    // Waits for the requests being served, then closes every connection. Idempotent.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// A request's head as the door reads it, strictly (what it accepts, httplib reads the same
// way): the request line, each header once at most for Host and Content-Length, CRLF only,
// no Transfer-Encoding (`chunked` says it was there: 411). `text` ends with the blank line.
struct ParsedHead {
    RequestHead request;
    std::string head;  // the head for httplib: `Expect: 100-continue` taken out (the door answered it)
    bool expect_continue = false;
    bool chunked = false;
    bool api = false;  // the path is under /api/: refusals are JSON
};
std::optional<ParsedHead> parse_head(std::string_view text);
// A refusal as a whole HTTP answer that closes the connection (JSON under /api/, else text).
std::string refusal_answer(const Refusal& refusal, bool json);

}  // namespace kiosk::console
