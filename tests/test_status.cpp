#include <catch2/catch.hpp>
#include <fstream>

#include "app/status.hpp"
#include "store/atomic_file.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

TEST_CASE("the proof-of-play log is bounded to two files", "[status]") {
    test::TempDir dir;
    kiosk::app::ProofOfPlay log(dir.path() / "state" / "proof-of-play.log", 1000);
    for (int i = 0; i < 200; ++i) log.append({{"item", "report"}, {"page", i}, {"seconds", 20.0}});
    const auto current = fs::file_size(dir.path() / "state" / "proof-of-play.log");
    const auto older = fs::file_size(dir.path() / "state" / "proof-of-play.log.1");
    CHECK(current <= 1000 + 64);
    CHECK(older <= 1000 + 64);
    CHECK(!fs::exists(dir.path() / "state" / "proof-of-play.log.2"));
    // The newest entry is the last line of the current file.
    std::ifstream in(dir.path() / "state" / "proof-of-play.log");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    CHECK(nlohmann::json::parse(last)["page"] == 199);
}

TEST_CASE("status is written atomically and read back in words", "[status]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "run" / "status.json";
    REQUIRE(kiosk::store::write_file_atomically(file, "{\"old\": true}").ok());
    nlohmann::json status = {{"version", "0.1.0"}, {"started", "2026-11-27 09:00:00"}, {"pid", 42},
                             {"memory_kb", 40960}, {"updated", "2026-11-27 09:30:00"},
                             {"current", {{"standing", false}, {"item", "report"}, {"page", 3}, {"of", 9},
                                          {"until", "2026-11-27 09:30:25"}, {"interrupt", false}}},
                             {"playlist", {{"file", "/etc/kiosk/playlist.json"}, {"version", 1}, {"items", 2},
                                           {"applied", "2026-11-27 09:00:00"},
                                           {"refused", {"playlist.json:3:5: items[0]: \"source\" is missing"}},
                                           {"refused_at", "2026-11-27 09:20:00"}}},
                             {"items", {{{"id", "report"}, {"pages", 9}, {"loaded", "2026-11-27 09:00:00"}, {"error", ""}},
                                        {{"id", "news"}, {"pages", 0}, {"loaded", ""}, {"error", "503 from the portal"}}}}};
    REQUIRE(kiosk::store::write_file_atomically(file, status.dump()).ok());
    CHECK(!fs::exists(dir.path() / "run" / "status.json.tmp"));
    CHECK(nlohmann::json::parse(test::read_file(file)) == status);
    const std::string text = kiosk::app::describe_status(status);
    CHECK(text.find("now showing: report page 3/9, until 2026-11-27 09:30:25") != std::string::npos);
    CHECK(text.find("REFUSED at 2026-11-27 09:20:00") != std::string::npos);
    CHECK(text.find("playlist.json:3:5: items[0]") != std::string::npos);
    CHECK(text.find("news  0 pages") != std::string::npos);
    CHECK(text.find("ERROR: 503 from the portal") != std::string::npos);
    CHECK(text.find("memory 40 MB") != std::string::npos);
}

TEST_CASE("a write into a folder that cannot be made fails cleanly", "[status]") {
    auto st = kiosk::store::write_file_atomically("/proc/kiosk-cannot/status.json", "{}");
    REQUIRE(!st.ok());
    CHECK(st.error().message.find("/proc/kiosk-cannot/status.json") != std::string::npos);
}
