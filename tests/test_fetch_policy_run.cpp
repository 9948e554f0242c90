// What the running kiosk refuses to fetch or play: a published playlist that fails the
// checker or names file: sources, a host a reload took off network.allowed_hosts.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "fetch_run.hpp"
#include "server_thread.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace fetch_test;

TEST_CASE("a playlist published on the portal: fetched, checked, a bad one refused, file: sources refused", "[fetch][run][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    httplib::Server server;
    std::mutex mutex;
    std::string playlist_text;
    const std::string report = test::read_file(KIOSK_TEST_CORPUS);
    server.Get("/playlist.json", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard lock(mutex);
        res.set_content(playlist_text, "application/json");
    });
    server.Get("/report.txt", [&](const httplib::Request&, httplib::Response& res) { res.set_content(report, "text/plain"); });
    test::ServerThread serving(server);
    const std::string base = serving.url();
    auto publish = [&](const std::string& text) {
        std::lock_guard lock(mutex);
        playlist_text = text;
    };
    publish(json{{"items", {{{"id", "portal-report"}, {"source", base + "/report.txt"}}}}}.dump());
    write_kiosk_config(dir.path(), runtime, {{"playlist", base + "/playlist.json"}});
    const std::string config = (dir.path() / "kiosk.json").string();
    test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    REQUIRE(test::wait_for([&] { return item_status(runtime).is_object() && item_status(runtime)["pages"].get<int>() > 5; }, 15));
    CHECK(item_status(runtime)["id"] == "portal-report");

    // A broken edit on the portal is refused; the published playlist of before plays on.
    publish(R"({"items": [{"id": "x", "source": ")" + base + R"(/report.txt", "kind": "video"}]})");
    REQUIRE(test::run_kiosk({"reload", "--config", config}).status == 0);  // fetch it now
    REQUIRE(test::wait_for([&] { return !test::status_of(runtime)["playlist"]["refused"].empty(); }, 15));
    std::string refusal = test::status_of(runtime)["playlist"]["refused"][0].get<std::string>();
    CHECK(refusal.find("\"video\" is not one of report") != std::string::npos);
    CHECK(item_status(runtime)["id"] == "portal-report");

    // A published playlist may not show files of the screen's own disk.
    publish(R"({"items": [{"id": "x", "source": "file:/etc/passwd"}]})");
    REQUIRE(test::run_kiosk({"reload", "--config", config}).status == 0);
    REQUIRE(test::wait_for([&] {
        auto r = test::status_of(runtime)["playlist"]["refused"];
        return !r.empty() && r[0].get<std::string>().find("file: sources are allowed only") != std::string::npos;
    }, 15));
    CHECK(item_status(runtime)["id"] == "portal-report");
    CHECK(kiosk.stop() == 0);
}

// Issue 14, bug 1: a reload applied the new kiosk.json only halfway — the fetch worker kept
// the allowlist from start. A host removed from network.allowed_hosts is no longer fetched.
TEST_CASE("a reload's allowlist reaches the fetch worker: a host removed is no longer fetched", "[fetch][run][process]") {
    std::atomic<int> requests{0};
    httplib::Server server;
    const std::string report = test::read_file(KIOSK_TEST_CORPUS);
    server.Get("/report.txt", [&](const httplib::Request&, httplib::Response& res) {
        ++requests;
        res.set_content(report, "text/plain; charset=utf-8");
    });
    test::ServerThread serving(server);

    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    write_kiosk_config(dir.path(), runtime);
    // The local item keeps the playlist valid after the web host leaves the allowlist.
    test::write_file(dir.path() / "local.txt", report);
    test::write_file(dir.path() / "playlist.json",
                     json{{"items",
                           {{{"id", "local"}, {"source", "file:local.txt"}},
                            {{"id", "web"}, {"source", serving.url("/report.txt")}}}}}
                         .dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    REQUIRE(test::wait_for([&] { return requests >= 1; }, 15));

    write_kiosk_config(dir.path(), runtime, json{{"network", {{"allowed_hosts", {"www.changchun.gov.cn"}}}}});
    REQUIRE(test::run_kiosk({"reload", "--config", config}).status == 0);
    // The reload is taken on the frame loop: the refresh is asked only once it was.
    REQUIRE(test::wait_for([&] { return kiosk.err().find(": configuration reloaded") != std::string::npos; }, 10));
    const int before = requests;
    REQUIRE(test::run_kiosk({"refresh", "web", "--config", config}).status == 0);
    // The refresh is tried at once and refused by the worker's new policy: no request.
    auto web_error = [&] {
        json s = test::status_of(runtime);
        if (!s.is_object()) return std::string();
        for (const auto& it : s["items"])
            if (it["id"] == "web" && it.contains("fetch")) return it["fetch"]["last_error"].get<std::string>();
        return std::string();
    };
    CHECK(test::wait_for([&] { return web_error().find("not in network.allowed_hosts") != std::string::npos; }, 10));
    CHECK(requests == before);
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("a screen's status says in Chinese why its web items have nothing, or old content, to show", "[fetch][run][process][screens]") {
    httplib::Server server;
    server.Get("/gone.html", [&](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    test::ServerThread serving(server);
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    write_kiosk_config(dir.path(), runtime);
    test::write_file(dir.path() / "local.txt", "办事指南\n请到一楼取号。\n");
    // A portal port nothing listens on (the server refuses the connection), and a page the portal does not have.
    const std::string refused = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/portal.html";
    test::write_file(dir.path() / "playlist.json",
                     json{{"items",
                           {{{"id", "local"}, {"source", "file:local.txt"}},
                            {{"id", "f2-portal"}, {"title", "二楼门户"}, {"source", refused}},
                            {{"id", "gone"}, {"source", serving.url("/gone.html")}}}}}
                         .dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    auto item = [&](const std::string& id) {
        json s = test::status_of(runtime);
        if (s.is_object())
            for (const auto& it : s["items"])
                if (it["id"] == id && it.contains("fetch") && it["fetch"]["failures"].get<int>() > 0) return it;
        return json();
    };
    REQUIRE(test::wait_for([&] { return item("f2-portal").is_object() && item("gone").is_object(); }, 15));
    const json portal = item("f2-portal");
    // The clerk's words carry the real cause; the English stays for the log and `kiosk status`.
    CHECK(portal["reason"] == "还没有取到内容：连接被拒绝（服务器没有在这个端口上服务）");
    CHECK(portal["fetch"]["reason"] == "连接被拒绝（服务器没有在这个端口上服务）");
    CHECK(portal["error"].get<std::string>().find("waiting for the first fetch") != std::string::npos);
    const json gone = item("gone");
    CHECK(gone["fetch"]["reason"] == "网页不存在（404）");
    CHECK(gone["reason"] == "还没有取到内容：网页不存在（404）");
    CHECK(kiosk.stop() == 0);
}
