#pragma once
// A test's loopback HTTP(S) server (cpp-httplib) listening on a thread of its own: bound to
// 127.0.0.1 and serving when constructed — the test fails with a clear message if it does
// not come up within 10 s, where a bare `while (!server.is_running())` loop waited forever —
// and stopped and joined when it goes, also when a failed REQUIRE ends the test early (a
// std::thread still joinable at its destruction would abort the whole test run).
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

#include "support.hpp"

namespace test {

class ServerThread {
public:
    // Routes are added to `server` before; `port` 0 takes a free one.
    explicit ServerThread(httplib::Server& server, int port = 0) : server_(server) {
        if (port) {
            REQUIRE(server_.bind_to_port("127.0.0.1", port));
            port_ = port;
        } else {
            port_ = server_.bind_to_any_port("127.0.0.1");
            REQUIRE(port_ > 0);
        }
        thread_ = std::thread([this] {
            server_.listen_after_bind();
            ended_ = true;
        });
        const std::string what = "the loopback HTTP server on port " + std::to_string(port_);
        try {
            wait_until_up([this] { return server_.is_running() || ended_; }, what);
            if (!server_.is_running()) throw std::runtime_error(what + " stopped listening at once");
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ServerThread() { stop(); }
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    // Stops serving (a portal going away); the port is free again.
    void stop() {
        if (thread_.joinable()) {
            server_.stop();
            thread_.join();
        }
    }
    int port() const { return port_; }
    // "http://127.0.0.1:PORT" + path.
    std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

private:
    httplib::Server& server_;
    int port_ = 0;
    std::atomic<bool> ended_{false};
    std::thread thread_;
};

}  // namespace test
