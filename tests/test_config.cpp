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
    auto pl = load_playlist(cfg->playlist);
    REQUIRE(pl.ok());
    REQUIRE(pl->items.size() == 1);
    auto path = local_source_path(*pl, pl->items[0]);
    REQUIRE(path);
    CHECK(std::filesystem::exists(*path));  // relative to the playlist's folder
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

TEST_CASE("config errors name the file, the place and what was expected", "[config]") {
    test::TempDir dir;
    auto error_of = [&](const std::string& json) {
        test::write_file(dir.path() / "kiosk.json", json);
        auto r = load_kiosk_config(dir.path() / "kiosk.json");
        REQUIRE(!r.ok());
        return r.error().message;
    };
    CHECK(error_of("{\n  \"hall_name\": \"x\",\n  \"screen\": {\"width\": 1920,,}\n}").find("kiosk.json:3:") !=
          std::string::npos);
    CHECK(error_of(R"({"screen": {"width": "wide"}})") ==
          "kiosk.json: screen.width: \"wide\" is not a whole number");
    CHECK(error_of(R"({"screen": {"rotation": 45}})") ==
          "kiosk.json: screen.rotation: 45 is not one of 0, 90, 180, 270");
    CHECK(error_of(R"({"theme": {"text": "black"}})") ==
          "kiosk.json: theme.text: \"black\" is not a colour like \"#1A1A1A\"");
    CHECK(error_of(R"({"typography": {"body": -1}})") ==
          "kiosk.json: typography.body: -1 is not a number greater than 0");
    CHECK(error_of("[1, 2]").find("top level must be an object") != std::string::npos);
}

TEST_CASE("playlist errors name the item", "[config]") {
    test::TempDir dir;
    auto error_of = [&](const std::string& json) {
        test::write_file(dir.path() / "playlist.json", json);
        auto r = load_playlist(dir.path() / "playlist.json");
        REQUIRE(!r.ok());
        return r.error().message;
    };
    CHECK(error_of(R"({"version": 1})").find("items: missing") != std::string::npos);
    CHECK(error_of(R"({"items": [{"id": "a"}]})") ==
          "playlist.json: items[0].source: missing, expected file:PATH or an https:// URL");
    CHECK(error_of(R"({"items": [{"id": "a", "source": "file:x"}, {"id": "a", "source": "file:y"}]})") ==
          "playlist.json: items[1].id: \"a\" is used twice");
    CHECK(error_of(R"({"items": [{"id": "a", "source": "file:x", "page_seconds": 0}]})") ==
          "playlist.json: items[0].page_seconds: 0 is not a number greater than 0");
}
