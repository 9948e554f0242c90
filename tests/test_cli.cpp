#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/fetch_worker.hpp"
#include "app/playlist_source.hpp"
#include "store/cache.hpp"
#include "support.hpp"

using test::run_kiosk;

TEST_CASE("every subcommand has --help", "[cli][process]") {
    for (const char* cmd : {"run", "render", "layout", "extract", "check", "plan", "status", "refresh", "reload"}) {
        auto r = run_kiosk({cmd, "--help"});
        INFO(cmd);
        CHECK(r.status == 0);
        CHECK(r.out.find(std::string("usage: kiosk ") + cmd) != std::string::npos);
    }
    auto top = run_kiosk({"--help"});
    CHECK(top.status == 0);
    CHECK(top.out.find("render") != std::string::npos);
}

TEST_CASE("bad arguments give a clear message and a non-zero exit", "[cli][process]") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{}, "usage: kiosk COMMAND"},
        {{"frobnicate"}, "unknown command \"frobnicate\""},
        {{"layout", "--bogus"}, "unknown option --bogus"},
        {{"layout", "--size", "big"}, "--size: \"big\" is not a size like 1920x1080"},
        {{"layout", "--size", "10x10"}, "each side must be 64 to 16384 pixels"},
        {{"layout", "--size"}, "--size needs a value"},
        {{"layout", "--now", "yesterday"}, "--now: \"yesterday\" is not a time"},
        {{"render"}, "--out DIR is required"},
        {{"render", "--out", "/tmp/x", "--pages", "0"}, "--pages: \"0\" is not a whole number of 1 or more"},
        {{"render", "--out", "/tmp/x", "--size", "1920x"}, "is not a size like 1920x1080"},
        {{"run", "--rotate", "45"}, "--rotate: \"45\" is not one of 0, 90, 180, 270"},
        {{"layout", "--config", "/nonexistent/kiosk.json"}, "/nonexistent/kiosk.json: no such config file"},
        {{"layout", "--input", "/nonexistent/report.txt"}, "/nonexistent/report.txt: no such file"},
        {{"layout", "--item", "nope"}, "--item: no item \"nope\""},
        {{"layout", "extra"}, "unexpected argument \"extra\""},
    };
    for (const auto& c : cases) {
        auto r = run_kiosk(c.args);
        std::string shown;
        for (const auto& a : c.args) shown += a + " ";
        INFO("kiosk " << shown << "\nstderr: " << r.err);
        CHECK(r.status != 0);
        CHECK((r.err + r.out).find(c.message) != std::string::npos);
    }
}

TEST_CASE("kiosk layout prints kiosk-layout/1 holding the report's text once", "[cli][process]") {
    auto r = run_kiosk({"layout", "--size", "1280x720", "--now", "2026-11-27T09:30"});
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["format"] == "kiosk-layout/1");
    CHECK(j["screen"]["width"] == 1280);
    REQUIRE(j["items"].size() == 4);  // the report, the HTML guide page, the office-hours guide and the 条例's 新旧对照
    CHECK(j["items"][0]["id"] == "report");
    std::string all;
    int pages = 0;
    for (const auto& page : j["items"][0]["pages"]) {
        ++pages;
        for (const auto& line : page["lines"]) all += line["text"].get<std::string>();
        bool clock = false;
        for (const auto& c : page["chrome"]) clock |= c["text"] == "2026年11月27日 星期五 09:30";
        CHECK(clock);
    }
    CHECK(pages > 5);
    const std::string sentence = "本报告中所列数据统计期限自2019年1月1日至2019年12月31日截止。";
    const auto at = all.find(sentence);
    CHECK(at != std::string::npos);
    CHECK(all.find(sentence, at + 1) == std::string::npos);
}

TEST_CASE("kiosk render writes ITEM-NNN.png pages of the requested size", "[cli][process]") {
    test::TempDir dir;
    auto r = run_kiosk({"render", "--out", dir.path().string(), "--size", "1080x1920", "--pages", "2",
                        "--now", "2026-11-27T09:30:00+08:00"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("report-001.png") != std::string::npos);
    CHECK(r.out.find("report-002.png") != std::string::npos);
    CHECK(!std::filesystem::exists(dir.path() / "report-003.png"));
    test::Image img = test::read_png(dir.path() / "report-002.png");
    CHECK(img.width == 1080);
    CHECK(img.height == 1920);
}

TEST_CASE("a GB18030 text file given with --input is laid out as a one-item playlist", "[cli][process]") {
    test::TempDir dir;
    // "政务公开\n　　本报告依据条例编制。" in GBK bytes.
    test::write_file(dir.path() / "notice.txt",
                     "\xD5\xFE\xCE\xF1\xB9\xAB\xBF\xAA\n\xA1\xA1\xA1\xA1\xB1\xBE\xB1\xA8\xB8\xE6"
                     "\xD2\xC0\xBE\xDD\xCC\xF5\xC0\xFD\xB1\xE0\xD6\xC6\xA1\xA3\n");
    auto r = run_kiosk({"layout", "--input", (dir.path() / "notice.txt").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["items"][0]["id"] == "notice");
    CHECK(j["items"][0]["title"] == "政务公开");
    CHECK(j["items"][0]["pages"][0]["lines"][1]["text"] == "本报告依据条例编制。");
}

TEST_CASE("$KIOSK_CONFIG selects the configuration", "[cli][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "report.txt", "测试标题\n这是一段足够长的正文，用来检查配置文件是否真的被读取了。\n");
    test::write_file(dir.path() / "kiosk.json", R"({"hall_name": "测试大厅", "screen": {"width": 800, "height": 600}})");
    test::write_file(dir.path() / "playlist.json",
                     R"({"items": [{"id": "t", "source": "file:report.txt"}]})");
    auto r = run_kiosk({"layout"}, "KIOSK_CONFIG=" + (dir.path() / "kiosk.json").string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["screen"]["width"] == 800);
    CHECK(j["items"][0]["id"] == "t");
    CHECK(j["items"][0]["pages"][0]["chrome"][0]["text"] == "测试大厅");
}

TEST_CASE("kiosk run without a display fails cleanly, pointing at render", "[cli][process]") {
    auto r = run_kiosk({"run"}, "SDL_VIDEODRIVER=nonexistent-driver");
    CHECK(r.status == 1);
    CHECK(r.err.find("kiosk render") != std::string::npos);
}

TEST_CASE("kiosk run turns pages on its timer and stops cleanly on SIGTERM", "[cli][run][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "report.txt", test::read_file(KIOSK_TEST_CORPUS));
    test::write_file(dir.path() / "kiosk.json",
                     R"({"screen": {"width": 640, "height": 360}, "page_seconds": 0.15})");
    test::write_file(dir.path() / "playlist.json",
                     R"({"items": [{"id": "r", "source": "file:report.txt"}]})");
    // The dummy video driver gives a real SDL window and software renderer with no display.
    auto r = run_kiosk({"run", "--config", (dir.path() / "kiosk.json").string()},
                       "SDL_VIDEODRIVER=dummy KIOSK_LOG_LEVEL=debug timeout --preserve-status -s TERM 2");
    INFO(r.err);
    CHECK(r.status == 0);  // SIGTERM is a clean stop, not a crash
    CHECK(r.err.find("page r 2/") != std::string::npos);
    CHECK(r.err.find("page r 3/") != std::string::npos);
    CHECK(r.err.find("stopped") != std::string::npos);
}

TEST_CASE("kiosk check passes the bundled config and refuses a bad playlist with positions", "[cli][check][process]") {
    auto ok = run_kiosk({"check"});
    INFO(ok.err);
    CHECK(ok.status == 0);
    CHECK(ok.out.find("playlist.json: OK, 4 items") != std::string::npos);

    test::TempDir dir;
    test::write_file(dir.path() / "kiosk.json", R"({"network": {"allowed_hosts": ["www.changchun.gov.cn"]}})");
    test::write_file(dir.path() / "playlist.json",
                     "{\n  \"items\": [\n    {\"id\": \"a\", \"source\": \"https://evil.example.com/x\"},\n"
                     "    {\"id\": \"b\", \"source\": \"file:b.txt\", \"schedule\": {\"hours\": [\"8:00-25:00\"]}}\n  ]\n}\n");
    auto bad = run_kiosk({"check", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(bad.status == 1);
    CHECK(bad.err.find("playlist.json:3:17: items[0] (\"a\").source: host \"evil.example.com\" is not in "
                       "network.allowed_hosts of kiosk.json") != std::string::npos);
    CHECK(bad.err.find("playlist.json:4:64: items[1] (\"b\").schedule.hours[0]: time range \"8:00-25:00\": there is no time "
                       "\"25:00\" (hours 00 to 24, minutes 00 to 59)") != std::string::npos);

    // Operators reading Chinese get Chinese messages (gettext, zh_CN catalogue).
    auto zh = run_kiosk({"check", "--config", (dir.path() / "kiosk.json").string()}, "LANGUAGE=zh_CN");
    CHECK(zh.status == 1);
    CHECK(zh.err.find("时段「8:00-25:00」里没有「25:00」这个时间") != std::string::npos);
}

TEST_CASE("kiosk plan prints the day's timeline of the bundled playlist", "[cli][plan][process]") {
    auto r = run_kiosk({"plan", "--from", "2026-11-27T08:00", "--hours", "24"});  // a Friday
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("plan from 2026-11-27 08:00:00 for 24 hours (Asia/Shanghai)") != std::string::npos);
    // Office hours alternate the guide with the report; evenings show the report alone.
    CHECK(r.out.find("office-hours  page 1 of 1, then report  pages 1-9 of 9") != std::string::npos);
    const auto evening = r.out.find("\n11-27 17:");  // the first row starting after office hours
    REQUIRE(evening != std::string::npos);
    CHECK(r.out.find("office-hours", evening) == std::string::npos);
    // Saturday: no guide at all.
    auto sat = run_kiosk({"plan", "--from", "2026-11-28T08:00", "--hours", "12"});
    CHECK(sat.status == 0);
    CHECK(sat.out.find("office-hours") == std::string::npos);
    CHECK(run_kiosk({"plan", "--hours", "0"}).status == 2);
}

TEST_CASE("status and refresh say clearly when no kiosk is running", "[cli][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "kiosk.json",
                     R"({"paths": {"runtime": ")" + (dir.path() / "run").string() + R"("}})");
    auto st = run_kiosk({"status", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(st.status == 1);
    CHECK(st.err.find("the kiosk is not running") != std::string::npos);
    auto rf = run_kiosk({"refresh", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(rf.status == 1);
    CHECK(rf.err.find("is the kiosk running?") != std::string::npos);
}

TEST_CASE("kiosk plan with a playlist published on the portal plans from its cached copy", "[cli][plan][process]") {
    test::TempDir dir;
    const std::string url = "https://www.changchun.gov.cn/kiosk/playlist.json";
    test::write_file(dir.path() / "report.txt", test::read_file(KIOSK_TEST_CORPUS));
    test::write_file(dir.path() / "kiosk.json",
                     nlohmann::json{{"playlist", url},
                                    {"network", {{"allowed_hosts", {"www.changchun.gov.cn"}}}},
                                    {"paths", {{"cache", (dir.path() / "cache").string()}}}}
                         .dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    // Nothing fetched yet: a clear error, not the URL read as a file.
    auto before = run_kiosk({"plan", "--config", config, "--from", "2026-11-27T09:00", "--hours", "1"});
    CHECK(before.status == 1);
    CHECK(before.err.find("no cached copy yet") != std::string::npos);
    // As the running kiosk caches it: the plan shows the published items.
    kiosk::store::Cache cache(dir.path() / "cache");
    kiosk::store::CachedItem item;
    item.meta.url = url;
    item.meta.fetched_at = 1;
    item.meta.kind = kiosk::store::Payload::playlist;
    item.payload = R"({"items": [{"id": "notice-a", "source": "https://www.changchun.gov.cn/zw/a.html"},
                                       {"id": "notice-b", "source": "https://www.changchun.gov.cn/zw/b.html"}]})";
    REQUIRE(cache.put(kiosk::app::kPlaylistJob, item).ok());
    auto after = run_kiosk({"plan", "--config", config, "--from", "2026-11-27T09:00", "--hours", "1"});
    INFO(after.err);
    CHECK(after.status == 0);
    CHECK(after.out.find("notice-a") != std::string::npos);  // listed as having nothing to show yet
    CHECK(after.out.find("notice-b") != std::string::npos);
}
