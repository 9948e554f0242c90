#include <catch2/catch.hpp>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "support.hpp"

using namespace kiosk::config;

TEST_CASE("the bundled demo config and playlist load", "[config]") {
    auto cfg = load_kiosk_config(KIOSK_TEST_DEMO_CONFIG);
    REQUIRE(cfg.ok());
    CHECK(cfg->width == 1920);
    CHECK(cfg->height == 1080);
    CHECK(!cfg->hall_name.empty());
    auto pl = load_playlist(cfg->playlist, *cfg);
    REQUIRE(pl.ok());
    REQUIRE(pl->items.size() == 4);
    for (const auto& item : pl->items) {
        // A comparison (新旧对照) has its two texts instead of a source.
        const std::vector<std::string> sources =
            item.kind == "compare" ? std::vector<std::string>{item.old_source, item.new_source} : std::vector<std::string>{item.source};
        for (const std::string& source : sources) {
            auto path = local_path(*pl, source);
            REQUIRE(path);
            CHECK(std::filesystem::exists(*path));  // relative to the playlist's folder
        }
    }
    CHECK(check_local_sources(*pl).empty());
    CHECK(pl->items[3].kind == "compare");
    CHECK(pl->items[2].schedule.hours.size() == 2);
}

TEST_CASE("config lookup: --config, then $KIOSK_CONFIG, then the demo", "[config]") {
    test::TempDir dir;
    test::write_file(dir.path() / "k.json", "{}");
    unsetenv("KIOSK_CONFIG");
    auto found = find_config(std::string((dir.path() / "k.json").string()));
    REQUIRE(found.ok());
    CHECK(found->filename() == "k.json");

    setenv("KIOSK_CONFIG", (dir.path() / "k.json").c_str(), 1);
    CHECK(find_config(std::nullopt)->filename() == "k.json");
    setenv("KIOSK_CONFIG", (dir.path() / "missing.json").c_str(), 1);
    auto missing = find_config(std::nullopt);
    REQUIRE(!missing.ok());
    CHECK(missing.error().message.find("$KIOSK_CONFIG") != std::string::npos);
    unsetenv("KIOSK_CONFIG");
    // The system's file when there is one, else the demo (the machine's own /etc is not
    // asked: the test decides which exists).
    CHECK(find_config(std::nullopt, dir.path() / "etc-kiosk.json")->string() == KIOSK_TEST_DEMO_CONFIG);
    test::write_file(dir.path() / "etc-kiosk.json", "{}");
    CHECK(find_config(std::nullopt, dir.path() / "etc-kiosk.json")->string() == (dir.path() / "etc-kiosk.json").string());
    CHECK(!find_config(std::string("/nonexistent/kiosk.json")).ok());
}


// Issue 14, bug 2: the playlist checker (fetch thread) and the clock (frame loop) both read
// local times in their zones; through setenv("TZ") they raced. Through ICU neither touches
// the environment, and each always gets its own zone's answer.
TEST_CASE("time zones are read without the process environment, from two threads at once", "[config]") {
    setenv("TZ", "Europe/Berlin", 1);
    const std::time_t t = 1'795'770'000;  // 2026-11-27 (no summer time anywhere involved)
    KioskConfig ny;
    ny.time_zone = "America/New_York";
    const std::string notice = R"({"items": [{"id": "n", "kind": "notice", "source": "https://www.changchun.gov.cn/n.html",
                                               "start": "2026-11-27T09:00", "expires": "2026-11-28T09:00"}]})";
    ny.network.allowed_hosts = {"www.changchun.gov.cn"};
    std::atomic<int> wrong{0};
    std::thread checker([&] {
        for (int i = 0; i < 2000; ++i) {
            auto pl = parse_playlist(notice, "playlist.json", ny, false);
            if (!pl || pl->items[0].notice->start != 1'795'788'000) ++wrong;  // 09:00 EST = 14:00 UTC
        }
    });
    for (int i = 0; i < 2000; ++i) {
        if (kiosk::zone_time::offset_at(t, "Asia/Shanghai") != 8 * 3600) ++wrong;
        if (kiosk::zone_time::format_iso_local(t, "Asia/Shanghai") != "2026-11-27 17:00:00") ++wrong;
    }
    checker.join();
    CHECK(wrong == 0);
    CHECK(std::string(std::getenv("TZ")) == "Europe/Berlin");  // never touched
    unsetenv("TZ");
    // Summer time: New York's offset changes, the wall time of a notice follows it.
    CHECK(kiosk::zone_time::offset_at(1'785'000'000, "America/New_York") == -4 * 3600);  // July 2026
    CHECK(kiosk::zone_time::offset_at(t, "America/New_York") == -5 * 3600);
}
