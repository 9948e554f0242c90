#include <catch2/catch.hpp>
#include <cstdlib>

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
    REQUIRE(pl->items.size() == 3);
    for (const auto& item : pl->items) {
        auto path = local_source_path(*pl, item);
        REQUIRE(path);
        CHECK(std::filesystem::exists(*path));  // relative to the playlist's folder
    }
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
    if (!std::filesystem::exists("/etc/kiosk/kiosk.json"))
        CHECK(find_config(std::nullopt)->string() == KIOSK_TEST_DEMO_CONFIG);
    CHECK(!find_config(std::string("/nonexistent/kiosk.json")).ok());
}

