// Issue 14's seams, each asserted by its effect: the library takes the fetch worker's
// Documents as they are (no picture work on the frame thread), the worker starts a job's
// health from the cache header (no Document parsed under its lock), the cache's typed
// payloads, the playlist's sources, the plan's folding, and the session's parts.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "app/fetch_worker.hpp"
#include "app/library.hpp"
#include "app/pictures.hpp"
#include "app/playlist_source.hpp"
#include "app/session.hpp"
#include "schedule/plan.hpp"
#include "store/cache.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

content::Document article_with_picture(const std::string& picture_url) {
    content::Document doc;
    doc.url = "https://www.changchun.gov.cn/zw/t1.html";
    doc.blocks.push_back(content::text_block(content::Role::title, "图片新闻"));
    content::Block image = content::text_block(content::Role::image, "大厅一角");
    image.image.url = picture_url;
    image.image.width = 640;  // the worker wrote the size when it prepared the picture
    image.image.height = 400;
    doc.blocks.push_back(image);
    doc.blocks.push_back(content::text_block(content::Role::paragraph, "这是一段正文，说明图片的内容。"));
    return doc;
}

store::CachedItem entry(const std::string& url, store::Payload kind, std::string payload, std::size_t chars = 0) {
    store::CachedItem item;
    item.meta.url = url;
    item.meta.fetched_at = std::time(nullptr);
    item.meta.kind = kind;
    item.meta.document_chars = chars;
    item.payload = std::move(payload);
    return item;
}

}  // namespace

// Bug 4, first half: the frame thread applies a fetched Document; the worker prepared its
// pictures on its own thread, so the library reads no picture and decodes nothing.
TEST_CASE("the library takes a fetched Document as it is: no picture read or decoded on the frame thread", "[house]") {
    test::TempDir dir;
    store::Cache cache(dir.path() / "cache");
    const std::string picture = "https://www.changchun.gov.cn/zw/W1.jpg";
    // The picture is in the cache: a library that prepared pictures would decode it now.
    store::CachedItem bytes = entry(picture, store::Payload::picture, "");
    bytes.body = test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "images" / "hall.jpg");
    REQUIRE(cache.put(store::Cache::part_key(app::kPicturesCacheOwner, picture), bytes).ok());
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    library.set_cache(&cache);
    config::Playlist playlist;
    config::PlaylistItem item;
    item.id = "news";
    item.source = "https://www.changchun.gov.cn/zw/t1.html";
    playlist.items.push_back(item);
    library.sync(playlist);
    library.lay_out(1280, 720);
    library.set_document("news", article_with_picture(picture));
    CHECK_FALSE(library.pictures().has(picture));
    const app::LibraryItem* news = library.find("news");
    REQUIRE(news);
    REQUIRE(!news->pages.empty());
    REQUIRE(!news->pages[0].images.empty());  // laid out from the size the worker wrote
    CHECK(news->pages[0].images[0].box.width > 0);
}

// Bug 4, second half: a job's first health comes from the cache entry's header.
TEST_CASE("the fetch worker starts a job's health from the cache header, without parsing the Document", "[house]") {
    test::TempDir dir;
    store::Cache cache(dir.path() / "cache");
    const std::string url = "https://www.changchun.gov.cn/zw/report.html";
    // The payload is not a Document at all: only the header can give the count.
    REQUIRE(cache.put("report", entry(url, store::Payload::document, "not a document", 5000)).ok());
    net::FetchPolicy policy;  // no host allowed: nothing is fetched
    app::FetchWorker worker(policy, cache, [] {});
    worker.set_jobs({app::FetchJob{"report", url, 3600, false, "", 0}, app::FetchJob{"fresh", url + "?new", 3600, false, "", 0}});
    const auto health = worker.health();
    REQUIRE(health.count("report"));
    CHECK(health.at("report").good_chars == 5000);
    CHECK(health.at("report").last_success > 0);
    CHECK(health.at("fresh").last_success == 0);  // no cached copy: fetched at once
}

TEST_CASE("cache: a payload is read back only as its own kind and address", "[house][cache]") {
    test::TempDir dir;
    store::Cache cache(dir.path() / "cache");
    const std::string url = "https://www.changchun.gov.cn/kiosk/playlist.json";
    REQUIRE(cache.put(app::kPlaylistJob, entry(url, store::Payload::document, R"({"format":"kiosk-document/1"})")).ok());
    auto as_playlist = cache.last_good(app::kPlaylistJob, url, store::Payload::playlist);
    REQUIRE_FALSE(as_playlist.ok());
    CHECK(as_playlist.error().message.find("is a document, not a playlist") != std::string::npos);
    auto elsewhere = cache.last_good(app::kPlaylistJob, url + "?v=2", store::Payload::document);
    REQUIRE_FALSE(elsewhere.ok());
    CHECK(elsewhere.error().message.find("another address") != std::string::npos);
    CHECK(cache.last_good(app::kPlaylistJob, url, store::Payload::document).ok());
    // The published playlist's source refuses it too (a document is no playlist).
    config::KioskConfig cfg;
    cfg.playlist = url;
    auto read = app::PlaylistSource::of(cfg).read(cfg, cache);
    CHECK_FALSE(read.ok());
}

TEST_CASE("playlist sources: a local file and a published one, checked by their own rules", "[house]") {
    test::TempDir dir;
    store::Cache cache(dir.path() / "cache");
    config::KioskConfig cfg;
    cfg.network.allowed_hosts = {"www.changchun.gov.cn"};
    test::write_file(dir.path() / "a.txt", "甲\n正文。\n");
    const std::string with_file = R"({"items": [{"id": "a", "source": "file:a.txt"}]})";
    test::write_file(dir.path() / "playlist.json", with_file);
    cfg.playlist = (dir.path() / "playlist.json").string();
    const auto local = app::PlaylistSource::of(cfg);
    CHECK(local.kind() == app::PlaylistSource::Kind::local_file);
    CHECK(local.watched_file() == cfg.playlist);
    auto read = local.read(cfg, cache);
    REQUIRE(read.ok());
    CHECK(read->playlist.items.size() == 1);
    CHECK(read->text == with_file);

    cfg.playlist = "https://www.changchun.gov.cn/kiosk/playlist.json";
    const auto published = app::PlaylistSource::of(cfg);
    CHECK(published.kind() == app::PlaylistSource::Kind::published);
    CHECK(published.watched_file().empty());
    auto none = published.read(cfg, cache);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().message.find("no cached copy yet") != std::string::npos);
    CHECK_FALSE(published.check(with_file, cfg).ok());  // file: sources only on this machine
    REQUIRE(cache.put(app::kPlaylistJob, entry(cfg.playlist, store::Payload::playlist,
                                               R"({"items": [{"id": "n", "source": "https://www.changchun.gov.cn/n.html"}]})"))
                .ok());
    auto cached = published.read(cfg, cache);
    REQUIRE(cached.ok());
    CHECK(cached->playlist.items.at(0).id == "n");
    CHECK(cached->as_of > 0);
}

TEST_CASE("plan: runs of pages, cycles folded with their count", "[house][schedule]") {
    using schedule::PlanRun;
    auto run = [](const char* id, int first, int last, std::time_t start) {
        PlanRun r;
        r.item_id = id;
        r.first_page = first;
        r.last_page = last;
        r.of = 3;
        r.start = start;
        r.end = start + 10;
        return r;
    };
    // a 1-3, b 1, a 1-3, b 1, a 1-3, b 1, then c: the (a, b) cycle three times, then c.
    std::vector<PlanRun> runs;
    for (int k = 0; k < 3; ++k) {
        runs.push_back(run("a", 0, 2, 20 * k));
        runs.push_back(run("b", 0, 0, 20 * k + 10));
    }
    runs.push_back(run("c", 0, 0, 60));
    const auto lines = schedule::fold(runs);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].cycle.size() == 2);
    CHECK(lines[0].times == 3);
    CHECK(lines[0].start == 0);
    CHECK(lines[0].end == 60);
    CHECK(lines[1].cycle.at(0).item_id == "c");
    CHECK(lines[1].times == 1);

    // simulate: two items of 2 and 1 pages at 10 s a page, for a minute.
    config::Playlist playlist;
    for (const char* id : {"a", "b"}) {
        config::PlaylistItem item;
        item.id = id;
        item.source = std::string("file:") + id + ".txt";
        playlist.items.push_back(item);
    }
    schedule::ContentState content;
    content["a"].pages = 2;
    content["a"].chars_per_page = {100, 100};
    content["b"].pages = 1;
    content["b"].chars_per_page = {100};
    schedule::Settings settings;
    settings.default_dwell.seconds = 10;  // fixed, not by reading speed
    const auto simulated = schedule::simulate(playlist, content, 1'800'000'000, 60, settings, [](std::time_t) { return 8 * 3600L; });
    REQUIRE(simulated.size() >= 4);
    CHECK(simulated[0].item_id == "a");
    CHECK(simulated[0].first_page == 0);
    CHECK(simulated[0].last_page == 1);
    CHECK(simulated[0].of == 2);
    CHECK(simulated[1].item_id == "b");
    CHECK(simulated[1].start == simulated[0].end);
    CHECK(simulated.back().end >= 1'800'000'060);
}

TEST_CASE("a session opens the parts a command needs, and names a missing --item", "[house]") {
    test::TempDir dir;
    test::write_file(dir.path() / "a.txt", "甲项目\n正文。\n");
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    test::write_file(dir.path() / "kiosk.json",
                     nlohmann::json{{"paths", {{"cache", (dir.path() / "cache").string()}}}}.dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    auto full = app::Session::open(config);
    REQUIRE(full.ok());
    CHECK(full->library().items().size() == 1);
    CHECK(full->playlist().items.size() == 1);
    CHECK(full->config()->file == fs::path(config));
    auto missing = app::Session::open(config, app::SessionParts{true, true, "nope"});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("--item: no item \"nope\"") != std::string::npos);
    auto config_only = app::Session::open(config, app::SessionParts{false, false, ""});
    REQUIRE(config_only.ok());
    CHECK(config_only->playlist().items.empty());
}
