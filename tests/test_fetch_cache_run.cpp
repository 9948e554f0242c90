// The last good content stays: a web item kept through a dead server, started from the
// cache with no network and withdrawn on 410; the fetch worker through a run of faults; kiosk
// layout and render from the running kiosk's cache, offline.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/fetch_worker.hpp"
#include "app/playlist_source.hpp"
#include "content/document_json.hpp"
#include "fetch_run.hpp"
#include "server_thread.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace fetch_test;

namespace {

struct Portal {
    httplib::Server server;
    std::atomic<int> status{200};
    std::string body;
    std::unique_ptr<test::ServerThread> serving;
    int port = 0;
    explicit Portal(int fixed_port = 0) : body(test::read_file(KIOSK_TEST_CORPUS)) {
        server.Get("/report.txt", [this](const httplib::Request&, httplib::Response& res) {
            res.status = status.load();
            if (res.status == 200) res.set_content(body, "text/plain; charset=utf-8");
        });
        serving = std::make_unique<test::ServerThread>(server, fixed_port);
        port = serving->port();
    }
    void stop() { serving.reset(); }
};

}  // namespace

TEST_CASE("a web item: fetched, kept through a dead server, started from the cache, withdrawn on 410", "[fetch][run][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    auto portal = std::make_unique<Portal>();
    const int port = portal->port;
    write_kiosk_config(dir.path(), runtime);
    test::write_file(dir.path() / "playlist.json",
                     json{{"items", {{{"id", "report"}, {"source", "http://127.0.0.1:" + std::to_string(port) + "/report.txt"}}}}}
                         .dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    auto pages = [&] {
        json it = item_status(runtime);
        return it.is_object() ? it["pages"].get<int>() : -1;
    };

    {
        test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
        // The content arrives by itself and goes up at a page boundary.
        REQUIRE(test::wait_for([&] { return pages() > 5; }, 15));
        CHECK(fs::exists(dir.path() / "cache" / "items" / "report.cache"));

        // The server goes away: the report stays, and the failure is on record.
        portal->stop();
        REQUIRE(test::run_kiosk({"refresh", "report", "--config", config}).status == 0);
        REQUIRE(test::wait_for([&] { return item_status(runtime)["fetch"]["failures"].get<int>() >= 1; }, 15));
        json it = item_status(runtime);
        CHECK(it["pages"].get<int>() > 5);
        CHECK(it["fetch"]["last_error"].get<std::string>().find("refused or did not answer") != std::string::npos);
        auto described = test::run_kiosk({"status", "--config", config});
        CHECK(described.out.find("fetching FAILS (1 times in a row") != std::string::npos);
        CHECK(described.out.find("the last good version") != std::string::npos);
        CHECK(kiosk.stop() == 0);
    }

    {
        // A restart with the portal still down: the cached report is on screen at once.
        test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
        fs::remove(runtime / "status.json");
        REQUIRE(test::wait_for([&] { return pages() > 5; }, 5));
        CHECK(test::status_of(runtime)["current"]["item"] == "report");

        // The portal comes back and says the report is withdrawn (410): it leaves the screen.
        portal = std::make_unique<Portal>(port);
        portal->status = 410;
        REQUIRE(test::run_kiosk({"refresh", "report", "--config", config}).status == 0);
        REQUIRE(test::wait_for([&] { return pages() == 0; }, 15));
        json it = item_status(runtime);
        CHECK(it["fetch"]["withdrawn"] == true);
        CHECK(test::status_of(runtime)["current"]["standing"] == true);  // never black: the standing page
        CHECK(test::run_kiosk({"status", "--config", config}).out.find("WITHDRAWN") != std::string::npos);
        CHECK(kiosk.stop() == 0);
    }
}

TEST_CASE("the fetch worker through a run of faults keeps the last good content and records each one", "[fetch][worker][process]") {
    test::TempDir dir;
    kiosk::store::Cache cache(dir.path() / "cache");
    httplib::Server server;
    std::mutex mutex;
    std::string mode = "ok";
    const std::string report = test::read_file(KIOSK_TEST_CORPUS);
    server.Get("/report.txt", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (mode == "ok" || (mode == "304" && req.get_header_value("If-None-Match") != "\"r1\"")) {
            res.set_header("ETag", "\"r1\"");
            res.set_content(report, "text/plain; charset=utf-8");
        } else if (mode == "304") {
            res.status = 304;
        } else if (mode == "500") {
            res.status = 500;
        } else if (mode == "404") {
            res.status = 404;
        } else if (mode == "empty") {
            res.set_content("", "text/plain");
        } else if (mode == "garbage") {
            std::string bytes;
            for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) & 0xFF);
            res.set_content(bytes, "application/octet-stream");
        } else if (mode == "shrunk") {
            res.set_content(report.substr(0, report.size() / 5), "text/plain; charset=utf-8");
        } else if (mode == "truncated") {
            res.set_content_provider(report.size(), "text/plain", [&](size_t offset, size_t, httplib::DataSink& sink) {
                if (offset > 0) return false;
                sink.write(report.data(), 1000);
                return true;
            });
        }
    });
    test::ServerThread serving(server);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    std::atomic<int> wakes{0};
    kiosk::app::FetchWorker worker(policy, cache, [&] { ++wakes; });
    worker.set_jobs({{"report", serving.url("/report.txt"), 3600, false, ""}});
    auto next_update = [&] { return next_update_of(worker); };
    auto update = next_update();
    REQUIRE(update.action == kiosk::net::RefreshAction::replace);
    REQUIRE(update.document);
    CHECK(update.document->title == "2019年政府信息公开工作年度报告");
    const std::string cached_body = cache.get("report")->body;
    CHECK(cached_body == report);

    struct Fault {
        const char* mode;
        const char* words;
    };
    for (Fault f : {Fault{"304", ""}, {"500", "HTTP 500 (server error)"}, {"truncated", "incomplete"},
                    {"empty", "no text"}, {"garbage", "not text"}, {"shrunk", "much shorter"},
                    {"404", "not found (HTTP 404); the last good version stays"}}) {
        INFO(f.mode);
        {
            std::lock_guard lock(mutex);
            mode = f.mode;
        }
        worker.refresh_now("report");
        update = next_update();
        CHECK(update.action == kiosk::net::RefreshAction::keep);
        CHECK(!update.document);
        CHECK(update.health.last_error.find(f.words) != std::string::npos);
        if (std::string(f.mode) == "304") CHECK(update.health.failures == 0);
        else CHECK(update.health.failures >= 1);
        CHECK(cache.get("report")->body == report);  // the cache still holds the last good version
    }
    CHECK(wakes > 0);
}

TEST_CASE("kiosk layout and render show web items and a published playlist from the running kiosk's cache, offline", "[fetch][cli][process]") {
    test::TempDir dir;
    const fs::path cache_dir = dir.path() / "cache";
    kiosk::store::Cache cache(cache_dir);
    const std::string page_url = "https://www.changchun.gov.cn/zw/tzgg/t20261120_1.html";
    const std::string playlist_url = "https://www.changchun.gov.cn/kiosk/playlist.json";
    kiosk::content::Document doc;
    doc.title = "缓存中的通知";
    doc.blocks.push_back(kiosk::content::text_block(kiosk::content::Role::title, doc.title));
    doc.blocks.push_back(kiosk::content::text_block(kiosk::content::Role::paragraph, "这段文字只在缓存里，布局时不联网。"));
    kiosk::store::CachedItem item;
    item.meta.url = page_url;
    item.meta.fetched_at = std::time(nullptr);
    item.payload = kiosk::content::to_json(doc).dump();
    REQUIRE(cache.put("notice", item).ok());
    kiosk::store::CachedItem published;
    published.meta.url = playlist_url;
    published.meta.fetched_at = std::time(nullptr);
    published.meta.kind = kiosk::store::Payload::playlist;
    published.payload = json{{"items", {{{"id", "notice"}, {"source", page_url}}}}}.dump();
    REQUIRE(cache.put(kiosk::app::kPlaylistJob, published).ok());
    test::write_file(dir.path() / "kiosk.json",
                     json{{"playlist", playlist_url},
                          {"network", {{"allowed_hosts", {"www.changchun.gov.cn"}}}},
                          {"paths", {{"cache", cache_dir.string()}, {"state", (dir.path() / "s").string()},
                                     {"runtime", (dir.path() / "r").string()}}}}
                         .dump());
    auto r = test::run_kiosk({"layout", "--config", (dir.path() / "kiosk.json").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("这段文字只在缓存里") != std::string::npos);
    CHECK(r.out.find("\"qr\"") != std::string::npos);  // a web item: its address as a QR code
    // No cached playlist: a clear error, not a blank.
    fs::remove_all(cache_dir);
    r = test::run_kiosk({"layout", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(r.status != 0);
    CHECK(r.err.find("no cached copy yet") != std::string::npos);
}
