// What a fetched page brings: kiosk extract URL as the kiosk would fetch it, a column item's
// list page and its newest articles, an article's pictures fetched and decoded by the worker.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/fetch_worker.hpp"
#include "app/pictures.hpp"
#include "fetch_run.hpp"
#include "server_thread.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace fetch_test;

TEST_CASE("kiosk extract URL fetches a page as the kiosk would (allowlist applies) and prints its Document", "[fetch][cli][process]") {
    const std::string page = test::read_file(fs::path(KIOSK_TEST_CORPUS).parent_path() / "xxgk-shenqing-zhinan.html");
    httplib::Server server;
    server.Get("/zhinan.html", [&](const httplib::Request&, httplib::Response& res) { res.set_content(page, "text/html"); });
    test::ServerThread serving(server);
    const std::string url = serving.url("/zhinan.html");
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
    test::ServerThread serving(server);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    kiosk::app::FetchWorker worker(policy, cache, [] {});
    const std::string list = serving.url("/tzgg/index.html");
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
    CHECK(cache.get(kiosk::store::Cache::part_key("notices", serving.url("/tzgg/202401/t20240105_1001.html"))).ok());

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
    CHECK(cache.get(kiosk::store::Cache::part_key("notices", serving.url("/tzgg/202401/t20240105_1001.html"))).ok());
    cache.prune({});
    CHECK_FALSE(cache.get(kiosk::store::Cache::part_key("notices", serving.url("/tzgg/202401/t20240105_1001.html"))).ok());
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
    test::ServerThread serving(server);

    kiosk::net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    kiosk::render::PictureStore pictures;
    kiosk::app::FetchWorker worker(policy, cache, [] {}, {}, &pictures);
    const std::string base = serving.url();
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
}
