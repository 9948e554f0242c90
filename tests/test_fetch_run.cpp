// The running kiosk with a web item served on loopback: content arrives by itself, survives
// the server going away, starts from the cache with no network, and is withdrawn on 410.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/fetch_worker.hpp"
#include "app/playlist_source.hpp"
#include "app/pictures.hpp"
#include "content/document_json.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Portal {
    httplib::Server server;
    std::atomic<int> status{200};
    std::string body;
    int port = 0;
    std::thread thread;
    explicit Portal(int fixed_port = 0) : body(test::read_file(KIOSK_TEST_CORPUS)) {
        server.Get("/report.txt", [this](const httplib::Request&, httplib::Response& res) {
            res.status = status.load();
            if (res.status == 200) res.set_content(body, "text/plain; charset=utf-8");
        });
        if (fixed_port) {
            REQUIRE(server.bind_to_port("127.0.0.1", fixed_port));
            port = fixed_port;
        } else {
            port = server.bind_to_any_port("127.0.0.1");
        }
        thread = std::thread([this] { server.listen_after_bind(); });
        while (!server.is_running()) std::this_thread::sleep_for(1ms);
    }
    ~Portal() { stop(); }
    void stop() {
        if (thread.joinable()) {
            server.stop();
            thread.join();
        }
    }
};

// The worker's latest update, waiting up to 10 s for one.
kiosk::app::ItemUpdate next_update_of(kiosk::app::FetchWorker& worker) {
    std::deque<kiosk::app::ItemUpdate> got;
    REQUIRE(test::wait_for([&] {
        auto more = worker.take();
        got.insert(got.end(), more.begin(), more.end());
        return !got.empty();
    }, 10));
    return got.back();
}

json item_status(const fs::path& runtime) {
    json s = test::status_of(runtime);
    return s.is_object() && !s["items"].empty() ? s["items"][0] : json();
}

// kiosk.json for a kiosk fetching from loopback, its folders under `dir`; `extra` merges in.
void write_kiosk_config(const fs::path& dir, const fs::path& runtime, json extra = json::object()) {
    json cfg = {{"page_seconds", 1},
                {"network", {{"allowed_hosts", {"127.0.0.1"}}}},
                {"paths",
                 {{"runtime", runtime.string()},
                  {"state", (dir / "state").string()},
                  {"cache", (dir / "cache").string()}}}};
    cfg.update(extra);
    test::write_file(dir / "kiosk.json", cfg.dump());
}

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
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
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
    server.stop();
    thread.join();
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
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    std::atomic<int> wakes{0};
    kiosk::app::FetchWorker worker(policy, cache, [&] { ++wakes; });
    worker.set_jobs({{"report", "http://127.0.0.1:" + std::to_string(port) + "/report.txt", 3600, false, ""}});
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
    server.stop();
    thread.join();
}

TEST_CASE("kiosk extract URL fetches a page as the kiosk would (allowlist applies) and prints its Document", "[fetch][cli][process]") {
    const std::string page = test::read_file(fs::path(KIOSK_TEST_CORPUS).parent_path() / "xxgk-shenqing-zhinan.html");
    httplib::Server server;
    server.Get("/zhinan.html", [&](const httplib::Request&, httplib::Response& res) { res.set_content(page, "text/html"); });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/zhinan.html";
    test::TempDir dir;
    test::write_file(dir.path() / "kiosk.json", R"({"network": {"allowed_hosts": ["127.0.0.1"]}})");
    test::write_file(dir.path() / "closed.json", R"({"network": {"allowed_hosts": ["www.changchun.gov.cn"]}})");
    auto ok = test::run_kiosk({"extract", url, "--config", (dir.path() / "kiosk.json").string()});
    INFO(ok.err);
    REQUIRE(ok.status == 0);
    auto doc = json::parse(ok.out);
    CHECK(doc["title"] == "政府信息公开申请办理指南");  // GB2312-labelled bytes read right
    auto refused = test::run_kiosk({"extract", url, "--config", (dir.path() / "closed.json").string()});
    CHECK(refused.status == 1);
    CHECK(refused.err.find("host \"127.0.0.1\" is not in network.allowed_hosts") != std::string::npos);
    server.stop();
    thread.join();
}

TEST_CASE("a column item: the list page's newest articles fetched, cached as parts, joined newest first, a new one arrives by itself", "[fetch][worker][column][process]") {
    test::TempDir dir;
    kiosk::store::Cache cache(dir.path() / "cache");
    httplib::Server server;
    std::mutex mutex;
    struct Article {
        std::string path, title, date;
    };
    std::vector<Article> published = {{"/tzgg/202401/t20240105_1001.html", "关于元旦后窗口恢复办公的通知", "2024-01-05"},
                                      {"/tzgg/202312/t20231228_1000.html", "市政务服务中心新增自助服务区", "2023-12-28"},
                                      {"/tzgg/202312/t20231201_0999.html", "十二月窗口服务安排", "2023-12-01"},
                                      {"/tzgg/202311/t20231120_0998.html", "不再显示的旧通知", "2023-11-20"}};
    std::map<std::string, int> hits;
    server.Get("/tzgg/index.html", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard lock(mutex);
        std::string html = "<html><head><meta charset=utf-8></head><body><div class=nav><a href='/'>首页</a></div><ul>";
        for (const auto& a : published)
            html += "<li><a href='." + a.path.substr(5) + "' title='" + a.title + "'>" + a.title + "</a><span>" + a.date + "</span></li>";
        res.set_content(html + "</ul><a href='index_1.html'>下一页</a></body></html>", "text/html; charset=utf-8");
    });
    server.Get(R"(/tzgg/(\d+)/(t\d+_\d+)\.html)", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        ++hits[req.path];
        if (req.path.find("1000") != std::string::npos) {  // a broken link: left out, the rest plays
            res.status = 404;
            return;
        }
        for (const auto& a : published)
            if (a.path == req.path)
                res.set_content("<html><head><meta name=ArticleTitle content='" + a.title + "'><meta name=PubDate content='" + a.date +
                                    "'></head><body><div class=TRS_Editor><p>　　" + a.title + "的正文内容，请办事群众留意。</p></div></body></html>",
                                "text/html; charset=utf-8");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    kiosk::app::FetchWorker worker(policy, cache, [] {});
    const std::string list = "http://127.0.0.1:" + std::to_string(port) + "/tzgg/index.html";
    worker.set_jobs({{"notices", list, 3600, false, "", 3}});
    auto next_update = [&] { return next_update_of(worker); };
    auto titles = [](const kiosk::content::Document& doc) {
        std::vector<std::string> out;
        for (const auto& b : doc.blocks)
            if (b.role == kiosk::content::Role::title) out.push_back(b.text);
        return out;
    };
    auto update = next_update();
    REQUIRE(update.action == kiosk::net::RefreshAction::replace);
    REQUIRE(update.document);
    // The 3 newest are 1001, 1000 (broken: left out) and 0999; the fourth is not fetched.
    CHECK(titles(*update.document) == std::vector<std::string>{"关于元旦后窗口恢复办公的通知", "十二月窗口服务安排"});
    for (const auto& b : update.document->blocks)
        CHECK(b.page_break == (b.role == kiosk::content::Role::title && b.text == "十二月窗口服务安排"));
    CHECK(hits.count("/tzgg/202311/t20231120_0998.html") == 0);
    CHECK(cache.get(kiosk::store::Cache::part_key("notices", "http://127.0.0.1:" + std::to_string(port) +
                                                                 "/tzgg/202401/t20240105_1001.html")).ok());

    // A new report is published: the next refresh shows it first, and the articles already
    // cached are not fetched again.
    {
        std::lock_guard lock(mutex);
        published.insert(published.begin(), {"/tzgg/202401/t20240118_1002.html", "2023年政府信息公开工作年度报告", "2024-01-18"});
    }
    worker.refresh_now("notices");
    update = next_update();
    REQUIRE(update.document);
    CHECK(titles(*update.document) == std::vector<std::string>{"2023年政府信息公开工作年度报告", "关于元旦后窗口恢复办公的通知"});
    {
        std::lock_guard lock(mutex);
        CHECK(hits["/tzgg/202401/t20240105_1001.html"] == 1);  // from the cache the second time
    }
    // Pruning keeps an item's parts with it, and drops them with it.
    cache.prune({"notices"});
    CHECK(cache.get(kiosk::store::Cache::part_key("notices", "http://127.0.0.1:" + std::to_string(port) +
                                                                 "/tzgg/202401/t20240105_1001.html")).ok());
    cache.prune({});
    CHECK_FALSE(cache.get(kiosk::store::Cache::part_key("notices", "http://127.0.0.1:" + std::to_string(port) +
                                                                       "/tzgg/202401/t20240105_1001.html")).ok());
    server.stop();
    thread.join();
}

TEST_CASE("an article's pictures are fetched by the worker (size-capped, cached), decoded there, an oversized one is refused", "[fetch][worker][images][process]") {
    test::TempDir dir;
    kiosk::store::Cache cache(dir.path() / "cache");
    httplib::Server server;
    const std::string photo = test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "images" / "hall.jpg");
    const std::string bomb = test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "images" / "bomb.png");
    std::atomic<int> photo_hits{0};
    server.Get("/news/t20240506_1.html", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("<html><head><meta charset=utf-8><meta name=ArticleTitle content='新大厅启用'></head><body>"
                        "<div class=TRS_Editor><p>　　新大厅正式启用，设综合受理窗口六十个，配备自助服务终端。</p>"
                        "<p align=center><img src='./W1.jpg'></p><p align=center>新大厅一角</p>"
                        "<p align=center><img src='/pic/huge.png'></p><p align=center>超大图片</p></div></body></html>",
                        "text/html; charset=utf-8");
    });
    server.Get("/news/W1.jpg", [&](const httplib::Request&, httplib::Response& res) {
        ++photo_hits;
        res.set_content(photo, "image/jpeg");
    });
    server.Get("/pic/huge.png", [&](const httplib::Request&, httplib::Response& res) { res.set_content(bomb, "image/png"); });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    kiosk::render::PictureStore pictures;
    kiosk::app::FetchWorker worker(policy, cache, [] {}, {}, &pictures);
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    worker.set_jobs({{"news", base + "/news/t20240506_1.html", 3600, false, "", 0}});
    const kiosk::app::ItemUpdate update = next_update_of(worker);
    REQUIRE(update.document);
    std::vector<kiosk::content::Image> images;
    for (const auto& b : update.document->blocks)
        if (b.role == kiosk::content::Role::image) images.push_back(b.image);
    REQUIRE(images.size() == 2);
    CHECK(images[0].url == base + "/news/W1.jpg");
    CHECK(images[0].width == 640);
    CHECK(images[0].height == 400);
    CHECK(images[0].problem.empty());
    CHECK(pictures.has(images[0].url));  // decoded on the worker's thread
    CHECK(images[1].problem.find("60000 x 60000") != std::string::npos);
    CHECK_FALSE(pictures.has(images[1].url));
    CHECK(cache.get(kiosk::store::Cache::part_key(kiosk::app::kPicturesCacheOwner, images[0].url)).ok());
    CHECK_FALSE(cache.get(kiosk::store::Cache::part_key(kiosk::app::kPicturesCacheOwner, images[1].url)).ok());
    // The cached document carries the sizes, so a restart lays out before any network.
    auto cached = cache.get("news");
    REQUIRE(cached.ok());
    CHECK(cached->payload.find("\"width\":640") != std::string::npos);
    CHECK(photo_hits == 1);
    server.stop();
    thread.join();
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
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);

    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    write_kiosk_config(dir.path(), runtime);
    // The local item keeps the playlist valid after the web host leaves the allowlist.
    test::write_file(dir.path() / "local.txt", report);
    test::write_file(dir.path() / "playlist.json",
                     json{{"items",
                           {{{"id", "local"}, {"source", "file:local.txt"}},
                            {{"id", "web"}, {"source", "http://127.0.0.1:" + std::to_string(port) + "/report.txt"}}}}}
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
    server.stop();
    thread.join();
}
