// net::fetch against a real HTTP server on loopback (cpp-httplib, started in the test): the
// faults a portal and a network can produce, each refused or reported in plain words.
#include <catch2/catch.hpp>

#include <httplib.h>  // Debian builds it with OpenSSL (pkg-config cpp-httplib)

#include <chrono>
#include <memory>
#include <thread>

#include "net/fetcher.hpp"
#include "server_thread.hpp"
#include "support.hpp"

using namespace kiosk::net;
using namespace std::chrono_literals;

namespace {

void set_routes(httplib::Server& s) {
    s.Get("/ok", [](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("If-None-Match") == "\"v1\"") {
            res.status = 304;
            return;
        }
        res.set_header("ETag", "\"v1\"");
        res.set_header("Last-Modified", "Mon, 20 Jan 2020 08:00:00 GMT");
        res.set_content("<html><body><div class=TRS_Editor>本年度报告</div></body></html>", "text/html; charset=utf-8");
    });
    s.Get("/ua", [](const httplib::Request& req, httplib::Response& res) {
        res.set_content(req.get_header_value("User-Agent"), "text/plain");
    });
    s.Get("/404", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    s.Get("/410", [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    s.Get("/500", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    s.Get("/slow-headers", [](const httplib::Request&, httplib::Response& res) {
        std::this_thread::sleep_for(3s);
        res.set_content("late", "text/plain");
    });
    s.Get("/drip", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
            std::this_thread::sleep_for(400ms);
            return sink.write("x", 1);
        });
    });
    s.Get("/truncated", [](const httplib::Request&, httplib::Response& res) {
        res.set_content_provider(100000, "text/html", [](size_t offset, size_t, httplib::DataSink& sink) {
            if (offset > 0) return false;  // says 100000 bytes, sends 10, hangs up
            sink.write("0123456789", 10);
            return true;
        });
    });
    s.Get("/big-chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/html", [](size_t, httplib::DataSink& sink) {
            static const std::string chunk(64 * 1024, 'a');
            return sink.write(chunk.data(), chunk.size());
        });
    });
    s.Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    s.Get("/to-ftp", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("ftp://127.0.0.1/x"); });
    s.Get("/to-other-host", [](const httplib::Request& req, httplib::Response& res) {
        res.set_redirect("http://localhost:" + std::to_string(req.local_port) + "/ok");  // this server, by another name
    });
    s.Get("/moved", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok", 301); });
    s.Get("/empty", [](const httplib::Request&, httplib::Response& res) { res.set_content("", "text/html"); });
    s.Get("/garbage", [](const httplib::Request&, httplib::Response& res) {
        std::string bytes;
        for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) & 0xFF);
        res.set_content(bytes, "application/octet-stream");
    });
}

struct TestServer {
    httplib::Server server;
    std::unique_ptr<test::ServerThread> serving;
    TestServer() {
        set_routes(server);
        serving = std::make_unique<test::ServerThread>(server);
    }
    std::string url(const std::string& path) const { return serving->url(path); }
};

FetchPolicy policy() {
    FetchPolicy p;
    p.allowed_hosts = {"127.0.0.1"};
    p.connect_timeout_ms = 2000;
    p.total_timeout_ms = 5000;
    return p;
}

}  // namespace

TEST_CASE("fetch: a page, its ETag, a conditional GET answered 304, the User-Agent", "[fetch][process]") {
    TestServer s;
    auto r = fetch({s.url("/ok"), "", ""}, policy());
    REQUIRE(r.outcome == FetchOutcome::ok);
    CHECK(r.http_status == 200);
    CHECK(r.body.find("本年度报告") != std::string::npos);
    CHECK(r.etag == "\"v1\"");
    CHECK(r.last_modified == "Mon, 20 Jan 2020 08:00:00 GMT");
    CHECK(r.content_type.find("text/html") == 0);
    auto again = fetch({s.url("/ok"), r.etag, r.last_modified}, policy());
    CHECK(again.outcome == FetchOutcome::not_modified);
    CHECK(again.body.empty());
    auto ua = fetch({s.url("/ua"), "", ""}, policy());
    CHECK(ua.body == user_agent());
    CHECK(ua.body.find("kiosk/") == 0);
    auto moved = fetch({s.url("/moved"), "", ""}, policy());
    CHECK(moved.outcome == FetchOutcome::ok);
    CHECK(moved.final_url == s.url("/ok"));
}

TEST_CASE("fetch: HTTP errors are reported with their meaning", "[fetch][process]") {
    TestServer s;
    for (auto [path, status, words] : {std::tuple{"/404", 404L, "not found"}, {"/410", 410L, "withdrawn"},
                                       {"/500", 500L, "server error"}}) {
        auto r = fetch({s.url(path), "", ""}, policy());
        INFO(path);
        CHECK(r.outcome == FetchOutcome::http_error);
        CHECK(r.http_status == status);
        CHECK(r.error.find(words) != std::string::npos);
    }
}

TEST_CASE("fetch: network faults", "[fetch][process]") {
    TestServer s;
    // Connection refused: a port nobody listens on.
    const int closed_port = test::free_port();
    auto refused = fetch({"http://127.0.0.1:" + std::to_string(closed_port) + "/", "", ""}, policy());
    CHECK(refused.outcome == FetchOutcome::network_error);
    INFO(refused.error);
    CHECK(refused.error.find("refused or did not answer") != std::string::npos);

    auto p = policy();
    p.allowed_hosts.push_back("kiosk-test.invalid");  // .invalid never resolves (RFC 6761)
    auto dns = fetch({"http://kiosk-test.invalid/", "", ""}, p);
    CHECK(dns.outcome == FetchOutcome::network_error);
    CHECK(dns.error.find("could not be resolved") != std::string::npos);

    p = policy();
    p.total_timeout_ms = 1000;
    const auto t0 = std::chrono::steady_clock::now();
    auto slow = fetch({s.url("/slow-headers"), "", ""}, p);
    CHECK(slow.outcome == FetchOutcome::network_error);
    CHECK(slow.error.find("took too long") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < 2500ms);

    p = policy();
    p.low_speed_bytes = 100;
    p.low_speed_seconds = 1;
    auto drip = fetch({s.url("/drip"), "", ""}, p);
    CHECK(drip.outcome == FetchOutcome::network_error);
    CHECK(drip.error.find("took too long") != std::string::npos);

    auto cut = fetch({s.url("/truncated"), "", ""}, policy());
    CHECK(cut.outcome == FetchOutcome::network_error);
    CHECK(cut.body.empty());
}

TEST_CASE("fetch: what policy refuses", "[fetch][process]") {
    TestServer s;
    auto p = policy();
    p.max_body_bytes = 1 << 20;
    auto big = fetch({s.url("/big-chunked"), "", ""}, p);
    CHECK(big.outcome == FetchOutcome::refused);
    CHECK(big.error.find("larger than 1 MB") != std::string::npos);

    auto loop = fetch({s.url("/loop"), "", ""}, policy());
    CHECK(loop.outcome == FetchOutcome::refused);
    CHECK(loop.error.find("more than 5 redirects") != std::string::npos);

    auto ftp = fetch({s.url("/to-ftp"), "", ""}, policy());
    CHECK(ftp.outcome == FetchOutcome::refused);
    CHECK(ftp.error.find("not an http:// or https:// address") != std::string::npos);

    auto other = fetch({s.url("/to-other-host"), "", ""}, policy());
    CHECK(other.outcome == FetchOutcome::refused);
    CHECK(other.error == "host \"localhost\" is not in network.allowed_hosts");

    auto p2 = policy();
    p2.allowed_hosts = {"www.changchun.gov.cn"};
    auto outside = fetch({s.url("/ok"), "", ""}, p2);
    CHECK(outside.outcome == FetchOutcome::refused);

    // Empty and binary bodies arrive as they are; deciding they are not content is the
    // caller's job (they never replace good content).
    CHECK(fetch({s.url("/empty"), "", ""}, policy()).body.empty());
    CHECK(fetch({s.url("/garbage"), "", ""}, policy()).body.size() == 4096);
}

TEST_CASE("fetch: HTTPS with a self-signed certificate is refused, with its CA configured it is not", "[fetch][process]") {
    test::TempDir dir;
    const std::string key = (dir.path() / "key.pem").string(), cert = (dir.path() / "cert.pem").string();
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                            "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    httplib::SSLServer server(cert.c_str(), key.c_str());
    REQUIRE(server.is_valid());
    server.Get("/ok", [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
    test::ServerThread serving(server);
    const std::string url = "https://127.0.0.1:" + std::to_string(serving.port()) + "/ok";
    auto untrusted = fetch({url, "", ""}, policy());
    CHECK(untrusted.outcome == FetchOutcome::network_error);
    CHECK(untrusted.error.find("certificate") != std::string::npos);
    auto p = policy();
    p.ca_file = cert;  // an operator's own CA bundle: verification stays on
    auto trusted = fetch({url, "", ""}, p);
    CHECK(trusted.outcome == FetchOutcome::ok);
    CHECK(trusted.body == "secure");
}
