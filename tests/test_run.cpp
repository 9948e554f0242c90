// The running kiosk, headless (SDL's dummy video driver, software renderer): hot reload of
// the playlist, refusal of a bad edit, status, refresh and a clean stop.
#include <catch2/catch.hpp>
#include <fstream>
#include <csignal>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Editors save by writing a temp file and renaming it over the old one.
void save(const fs::path& file, const std::string& text) {
    fs::path tmp = file;
    tmp += ".swp";
    test::write_file(tmp, text);
    fs::rename(tmp, file);
}

json read_json_or_null(const fs::path& file) {
    try {
        return json::parse(test::read_file(file));
    } catch (...) {
        return nullptr;
    }
}

std::vector<json> proof_of_play(const fs::path& file) {
    std::vector<json> out;
    std::error_code ec;
    if (!fs::exists(file, ec)) return out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
}

}  // namespace

TEST_CASE("a playlist edited under the running kiosk: good edits at a page boundary, bad ones refused", "[run][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run", state = dir.path() / "state";
    test::write_file(dir.path() / "a.txt", "甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    test::write_file(dir.path() / "b.txt", "乙项目\n这是乙项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    test::write_file(dir.path() / "kiosk.json", json{{"page_seconds", 0.6},
                                                      {"paths", {{"runtime", runtime.string()}, {"state", state.string()}}}}
                                                    .dump());
    const fs::path playlist = dir.path() / "playlist.json";
    save(playlist, R"({"items": [{"id": "a", "source": "file:a.txt"}]})");

    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()},
                                {"SDL_VIDEODRIVER=dummy", "KIOSK_LOG_LEVEL=debug"}, dir.path());
    auto current_item = [&] {
        json s = read_json_or_null(runtime / "status.json");
        return s.is_object() ? s["current"]["item"].get<std::string>() : std::string();
    };
    REQUIRE(test::wait_for([&] { return current_item() == "a"; }, 10));

    // A good edit: b replaces a, at the end of a's page, not in the middle of it.
    save(playlist, R"({"items": [{"id": "b", "source": "file:b.txt"}]})");
    REQUIRE(test::wait_for([&] { return current_item() == "b"; }, 10));
    auto plays = proof_of_play(state / "proof-of-play.log");
    REQUIRE(!plays.empty());
    CHECK(plays.back()["item"] == "a");
    CHECK(plays.back()["seconds"].get<double>() >= 0.55);  // a's page ran its full time

    // A bad edit is refused with its place, and b plays on.
    save(playlist, "{\"items\": [{\"id\": \"c\", \"source\": \"file:c.txt\",}]}");
    json status;
    REQUIRE(test::wait_for([&] {
        status = read_json_or_null(runtime / "status.json");
        return status.is_object() && !status["playlist"]["refused"].empty();
    }, 10));
    const std::string refusal = status["playlist"]["refused"][0].get<std::string>();
    CHECK(refusal.find("playlist.json:1:") == 0);
    CHECK(refusal.find("not valid JSON") != std::string::npos);
    const size_t plays_at_refusal = proof_of_play(state / "proof-of-play.log").size();
    REQUIRE(test::wait_for([&] { return proof_of_play(state / "proof-of-play.log").size() >= plays_at_refusal + 3; }, 10));
    for (size_t i = plays_at_refusal; i < proof_of_play(state / "proof-of-play.log").size(); ++i)
        CHECK(proof_of_play(state / "proof-of-play.log")[i]["item"] == "b");
    CHECK(current_item() == "b");
    CHECK(kiosk.err().find("playlist edit refused") != std::string::npos);

    // `kiosk status` says so in words; `kiosk refresh` reaches the running kiosk.
    const std::string config_arg = (dir.path() / "kiosk.json").string();
    auto described = test::run_kiosk({"status", "--config", config_arg});
    CHECK(described.status == 0);
    CHECK(described.out.find("REFUSED") != std::string::npos);
    CHECK(described.out.find("now showing: b") != std::string::npos);
    test::write_file(dir.path() / "b.txt", "乙项目（新）\n这是乙项目更新后的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    auto refreshed = test::run_kiosk({"refresh", "b", "--config", config_arg});
    INFO(refreshed.err);
    CHECK(refreshed.status == 0);

    // Fixing the file is accepted again.
    save(playlist, R"({"items": [{"id": "a", "source": "file:a.txt"}, {"id": "b", "source": "file:b.txt"}]})");
    REQUIRE(test::wait_for([&] {
        json s = read_json_or_null(runtime / "status.json");
        return s.is_object() && s["playlist"]["refused"].empty() && s["playlist"]["items"] == 2;
    }, 10));
    REQUIRE(test::wait_for([&] { return current_item() == "a"; }, 10));

    INFO(kiosk.err());
    CHECK(kiosk.stop() == 0);
    CHECK(!fs::exists(runtime / "control.sock"));
}

TEST_CASE("a kiosk whose playlist is broken from the start shows the standing page", "[run][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    test::write_file(dir.path() / "kiosk.json",
                     json{{"hall_name", "测试大厅"}, {"paths", {{"runtime", runtime.string()}, {"state", (dir.path() / "s").string()}}}}.dump());
    test::write_file(dir.path() / "playlist.json", "{ not json");
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()}, {"SDL_VIDEODRIVER=dummy"},
                                dir.path());
    json status;
    REQUIRE(test::wait_for([&] {
        status = read_json_or_null(runtime / "status.json");
        return status.is_object();
    }, 10));
    CHECK(status["current"]["standing"] == true);
    CHECK(status["playlist"]["refused"][0].get<std::string>().find("playlist.json:1:") == 0);
    CHECK(kiosk.running());
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("SIGHUP reloads kiosk.json and the playlist, a bad kiosk.json is refused", "[run][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    test::write_file(dir.path() / "a.txt", test::read_file(KIOSK_TEST_CORPUS));
    const json good = {{"page_seconds", 600},
                       {"paths", {{"runtime", runtime.string()}, {"state", (dir.path() / "s").string()}}}};
    test::write_file(dir.path() / "kiosk.json", good.dump());
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()}, {"SDL_VIDEODRIVER=dummy"},
                                dir.path());
    REQUIRE(test::wait_for([&] { return read_json_or_null(runtime / "status.json").is_object(); }, 10));
    kill(kiosk.pid(), SIGHUP);
    REQUIRE(test::wait_for([&] { return kiosk.err().find("playlist accepted (reload)") != std::string::npos; }, 10));
    CHECK(kiosk.err().find("configuration reloaded") != std::string::npos);

    test::write_file(dir.path() / "kiosk.json", "{\n  \"page_seconds\": \"soon\"\n}");
    kill(kiosk.pid(), SIGHUP);
    REQUIRE(test::wait_for([&] { return kiosk.err().find("reload refused") != std::string::npos; }, 10));
    CHECK(kiosk.err().find("kiosk.json:2:3: page_seconds: \"soon\"") != std::string::npos);
    CHECK(kiosk.running());
    CHECK(kiosk.stop() == 0);
}
