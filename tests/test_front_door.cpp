// The console's front door without a server: the routes' body limits, the Host list, the
// checks on a head and a body, the gates and the login rate, the door's strict reading of a
// request head and its written refusals. (tests/console/test_console_front_door.py floods a
// real console.)
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "console/door.hpp"
#include "console/front_door.hpp"
#include "console/logic.hpp"
#include "console/settings.hpp"
#include "support.hpp"

using namespace kiosk::console;
using namespace std::chrono_literals;

TEST_CASE("front door: JSON values are counted before parsing, commas in strings are not", "[console]") {
    CHECK(json_elements_within(R"({"name":"a","password":"b"})", 2));
    CHECK_FALSE(json_elements_within(R"({"name":"a","password":"b"})", 1));
    CHECK(json_elements_within(R"(["a,b,c,{[", "\",[{"])", 2));
    CHECK(json_elements_within("[{},{}]", 4));
    CHECK_FALSE(json_elements_within("[{},{}]", 3));
    std::string many = "[";
    for (int i = 0; i < 100000; ++i) many += "{},";
    many += "{}]";
    CHECK_FALSE(json_elements_within(many, kPlaylistBodyElements));
}

TEST_CASE("front door: each route takes a body of its own size, only on POST", "[console]") {
    CHECK(body_limit("POST", "/api/login").bytes == 4096);
    CHECK(body_limit("POST", "/api/upload").bytes == 3u << 20);
    CHECK(body_limit("POST", "/api/upload").elements == 0);
    CHECK(body_limit("POST", "/api/playlist").bytes == 256u << 10);
    CHECK(body_limit("POST", "/api/playlist/check").elements == kPlaylistBodyElements);
    CHECK(body_limit("POST", "/api/notices").bytes == 64u << 10);
    CHECK(body_limit("GET", "/api/screens").bytes == 0);
    CHECK(body_limit("HEAD", "/login").bytes == 0);
}

TEST_CASE("front door: the console answers to addresses and its own names only", "[console]") {
    const HostList hosts({"console.hall.lan"}, "ZWZX-Office", "0.0.0.0");
    for (const char* ok : {"127.0.0.1", "127.0.0.1:8080", "192.168.1.20:8443", "[::1]", "[::1]:8080", "localhost",
                           "localhost:8080", "zwzx-office", "ZWZX-OFFICE:80", "console.hall.lan", "Console.Hall.Lan.:443"})
        CHECK(hosts.allows(ok));
    for (const char* no : {"", "evil.example", "evil.example:8080", "console.hall.lan.evil.example", "localhost.evil.example",
                           "127.1", "2130706433", "localhost:", "localhost:http", "[::1", "[::1]x", "[evil]", "evil%2eexample",
                           "console.hall.lan:80:80"})
        CHECK_FALSE(hosts.allows(no));
    // A listen address that is a name is one of the names.
    CHECK(HostList({}, "", "console.local").allows("console.local:8080"));
}

TEST_CASE("front door: a head is checked for its Host first, then its body's size, then a body for its values", "[console]") {
    const HostList hosts({}, "office", "127.0.0.1");
    RequestHead h{"POST", "/api/login", "evil.example", 3u << 20, "10.0.0.5"};
    auto r = check_head(h, hosts);
    REQUIRE(r);
    CHECK(r->status == 421);
    CHECK(r->message.find("hosts") != std::string::npos);
    h.host = "127.0.0.1:8080";
    r = check_head(h, hosts);
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->message == words::kLoginTooLarge);
    h.content_length = 4096;
    CHECK_FALSE(check_head(h, hosts));
    h = {"POST", "/api/upload", "office", (3u << 20) + 1, ""};
    CHECK(check_head(h, hosts)->message == words::kUploadTooLarge);
    h = {"POST", "/api/notices", "office", 70000, ""};
    CHECK(check_head(h, hosts)->message.find("64 KB") != std::string::npos);
    h = {"GET", "/api/screens", "office", 1, ""};
    CHECK(check_head(h, hosts)->message == words::kNoBodyHere);

    h = {"POST", "/api/notices", "office", 0, ""};
    std::string body = "[";
    for (int i = 0; i < 6000; ++i) body += "1,";
    body += "1]";
    r = check_body(h, body);
    REQUIRE(r);
    CHECK(r->status == 413);
    h.path = "/api/playlist";
    CHECK_FALSE(check_body(h, body));
    h.path = "/api/upload";
    CHECK_FALSE(check_body(h, std::string(100000, ',')));
}

TEST_CASE("front door: a gate has its places and no queue", "[console]") {
    Gate gate(2);
    auto a = gate.enter();
    auto b = gate.enter();
    CHECK(a);
    CHECK(b);
    CHECK_FALSE(gate.enter());
    a.reset();
    CHECK(gate.enter());  // a place given back is there again (and given back at once here)
    CHECK(gate.enter());
}

TEST_CASE("front door: logins from an address are rated before any hash, and a right one gives its try back", "[console]") {
    LoginDoor door;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kLoginBurst; ++i) CHECK(std::holds_alternative<Gate::Ticket>(door.enter("10.0.0.5", t0)));
    auto refused = door.enter("10.0.0.5", t0);
    REQUIRE(std::holds_alternative<Refusal>(refused));
    CHECK(std::get<Refusal>(refused).status == 429);
    CHECK(std::get<Refusal>(refused).message == words::kLoginTooOften);
    CHECK(std::get<Refusal>(refused).retry_after >= 1);
    // Another address is not held back; the first gets one try per kLoginRefill.
    CHECK(std::holds_alternative<Gate::Ticket>(door.enter("10.0.0.6", t0)));
    CHECK(std::holds_alternative<Gate::Ticket>(door.enter("10.0.0.5", t0 + kLoginRefill)));
    CHECK(std::holds_alternative<Refusal>(door.enter("10.0.0.5", t0 + kLoginRefill)));
    door.succeeded("10.0.0.5");
    CHECK(std::holds_alternative<Gate::Ticket>(door.enter("10.0.0.5", t0 + kLoginRefill)));

    // kLoginsAtOnce being checked: the next is told to wait, and keeps its try.
    LoginDoor busy;
    auto first = busy.enter("10.0.0.7", t0);
    auto second = busy.enter("10.0.0.8", t0);
    auto third = busy.enter("10.0.0.9", t0);
    REQUIRE(std::holds_alternative<Refusal>(third));
    CHECK(std::get<Refusal>(third).status == 503);
    CHECK(std::get<Refusal>(third).message == words::kLoginBusy);
    first = Refusal{};
    for (int i = 0; i < kLoginBurst; ++i) {
        auto again = busy.enter("10.0.0.9", t0);
        CHECK(std::holds_alternative<Gate::Ticket>(again));
    }
}

TEST_CASE("front door: the door reads a head strictly, as httplib will", "[console]") {
    auto p = parse_head("POST /api/%6Cogin?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 27\r\n"
                        "Expect: 100-continue\r\nX-A:  b \r\n\r\n");
    REQUIRE(p);
    CHECK(p->request.method == "POST");
    CHECK(p->request.path == "/api/login");
    CHECK(p->request.host == "127.0.0.1:8080");
    CHECK(p->request.content_length == 27);
    CHECK(p->expect_continue);
    CHECK(p->api);
    CHECK_FALSE(p->chunked);
    CHECK(p->head == "POST /api/%6Cogin?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 27\r\nX-A:  b \r\n\r\n");
    CHECK(parse_head("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")->chunked);
    CHECK_FALSE(parse_head("GET /login HTTP/1.1\r\nHost: a\r\n\r\n")->api);
    for (const char* bad : {
             "GET / HTTP/1.1\r\nX: a\nHost: evil.example\r\n\r\n",       // a bare LF: httplib reads a line there
             "GET / HTTP/1.1\r\nHost: a\r\nHost: evil.example\r\n\r\n",  // two Hosts
             "GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 500\r\n\r\n",
             "GET / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n",
             "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
             "GET / HTTP/1.1\r\n folded: a\r\n\r\n",
             "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
             "GET / HTTP/1.1\r\nno colon\r\n\r\n",
             "GET / HTTP/1.1\r\nExpect: something-else\r\n\r\n",
             "GET http://evil.example/ HTTP/1.1\r\n\r\n",
             "GET / HTTP/2\r\n\r\n",
             "get / HTTP/1.1\r\n\r\n",
             "GET /a b HTTP/1.1\r\n\r\n",
             "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
         })
        CHECK_FALSE(parse_head(bad));
    std::string with_nul = "GET / HTTP/1.1\r\nX: a";
    with_nul += '\0';
    with_nul += "\r\n\r\n";
    CHECK_FALSE(parse_head(with_nul));
}

TEST_CASE("front door: a refusal is a whole answer that closes, JSON under /api/", "[console]") {
    const std::string json = refusal_answer({429, words::kLoginTooOften, 42}, true);
    CHECK(json.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0) == 0);
    CHECK(json.find("Retry-After: 42\r\n") != std::string::npos);
    CHECK(json.find("Connection: close\r\n") != std::string::npos);
    const auto split = json.find("\r\n\r\n");
    const std::string body = json.substr(split + 4);
    CHECK(body == std::string("{\"error\":\"") + words::kLoginTooOften + "\"}");
    CHECK(json.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
    const std::string text = refusal_answer({421, words::kUnknownHost}, false);
    CHECK(text.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
    CHECK(text.find("Retry-After") == std::string::npos);
}

TEST_CASE("front door: console.json's hosts are host names, and nothing else", "[console]") {
    test::TempDir dir;
    auto load = [&](const std::string& hosts) {
        std::ofstream(dir.path() / "console.json") << R"({"office_config": "office.json", "hosts": )" << hosts << "}";
        return load_settings(dir.path() / "console.json");
    };
    auto good = load(R"(["console.hall.lan", "zwzx-01"])");
    REQUIRE(good);
    CHECK(good->hosts == std::vector<std::string>{"console.hall.lan", "zwzx-01"});
    for (const char* bad : {R"(["http://console.hall.lan"])", R"(["console.hall.lan:8080"])", R"([""])", R"("console.hall.lan")"}) {
        auto refused = load(bad);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().message.find("hosts") != std::string::npos);
    }
    std::ofstream(dir.path() / "console.json") << R"({"office_config": "office.json"})";
    CHECK(load_settings(dir.path() / "console.json")->hosts.empty());
}
