// What a screen sends back to the office through a real Mosquitto: a screenshot exactly as
// `kiosk render` draws it, and proof of play that survives a broker outage, none twice.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/zone_time.hpp"
#include "fleet/notice.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "fleet_office.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using namespace fleet_test;

TEST_CASE("fleet: a screenshot is exactly what kiosk render draws for that page at that time", "[fleet][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office.key, {}, 600,
              json{{"screen", {{"progress_bar", false}, {"transition", "none"}}}});
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    REQUIRE(test::wait_for([&] {
        const json st = status_json(s1.dir);
        return st.is_object() && st["current"]["item"] == "a";
    }, 20));
    const fs::path office_json = office_config(dir.path() / "office", broker, office.key);
    const fs::path shot = dir.path() / "shot.png";
    std::time_t asked = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {  // the clock's minute must not turn meanwhile
        asked = std::time(nullptr);
        auto taken = test::run_kiosk({"fleet", "screenshot", "s1", "--out", shot.string(), "--config", office_json.string()});
        INFO(taken.err);
        REQUIRE(taken.status == 0);
        if (std::time(nullptr) / 60 == asked / 60) break;
    }
    CHECK(fs::file_size(shot) <= fleet::kMaxScreenshotBytes);
    std::string now = zone_time::format_iso_local(asked, "Asia/Shanghai");
    now[10] = 'T';
    // The panel's size (SDL's dummy display is 1024x768), as the office would ask render.
    const test::Image from_screen = test::read_png(shot);
    REQUIRE(from_screen.width > 0);
    auto rendered = test::run_kiosk({"render", "--config", (s1.dir / "kiosk.json").string(), "--item", "a", "--now", now,
                                     "--size", std::to_string(from_screen.width) + "x" + std::to_string(from_screen.height),
                                     "--out", (dir.path() / "render").string()});
    INFO(rendered.err);
    REQUIRE(rendered.status == 0);
    const test::Image from_render = test::read_png(dir.path() / "render" / "a-001.png");
    REQUIRE(from_render.width == from_screen.width);
    REQUIRE(from_render.height == from_screen.height);
    size_t differ = 0;
    for (size_t i = 0; i < from_screen.rgb.size(); ++i) differ += from_screen.rgb[i] != from_render.rgb[i];
    CHECK(differ == 0);
    // Not a blank page: the header band and text are there.
    CHECK(from_screen.luminance(5, 5) < 120);
    CHECK(s1.kiosk->stop() == 0);
}

TEST_CASE("fleet: plays made while the broker was down reach the office when it is back, none twice", "[fleet][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    // The office keeps its session: the broker queues the screens' plays for it while it is
    // away (as the console does), so what the test sees is what the screen sent.
    auto office = fleet::OfficeClient::connect(broker.client("office"), "office-plays", 10s, true);
    REQUIRE(office.ok());
    REQUIRE((*office)->watch_screens().ok());
    Office signer(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, signer.key, {}, 1);

    std::map<std::string, int> received;  // play id -> times received
    auto collect = [&](fleet::OfficeClient& c) {
        for (auto& m : c.take()) {
            if (m.leaf != "plays") continue;
            const json batch = json::parse(m.payload);
            CHECK(batch["screen"] == "s1");
            for (const auto& p : batch["plays"]) ++received[p["id"].get<std::string>()];
        }
    };
    REQUIRE(test::wait_for([&] {
        collect(**office);
        return received.size() >= 2;
    }, 30));

    // Down for a while: the screen plays on and spools its plays.
    broker.stop();
    office->reset();
    const auto spool = s1.dir / "state" / "fleet" / "plays.jsonl";
    // Records still to send: the lines past the spool's acknowledged mark (plays.acked:
    // "INODE OFFSET"; the file keeps acknowledged lines until all of it is acknowledged).
    // Read, not opened as a PlaysSpool: that may cut a line the running screen is writing.
    auto spooled = [&] {
        const std::string text = fs::exists(spool) ? test::read_file(spool) : "";
        std::uint64_t inode = 0, offset = 0;
        std::ifstream(s1.dir / "state" / "fleet" / "plays.acked") >> inode >> offset;
        struct stat st {};
        if (::stat(spool.c_str(), &st) != 0 || st.st_ino != inode || offset > text.size()) offset = 0;
        return static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(offset), text.end(), '\n'));
    };
    REQUIRE(test::wait_for([&] { return spooled() >= 3; }, 30));
    const int made_offline = spooled();
    broker.start();
    office = fleet::OfficeClient::connect(broker.client("office"), "office-plays", 10s, true);
    REQUIRE(office.ok());
    // Every play the screen made reaches the office: all it had spooled, and the spool empties.
    REQUIRE(test::wait_for([&] {
        collect(**office);
        return spooled() == 0 && received.size() >= static_cast<size_t>(2 + made_offline);
    }, 60));
    CHECK(s1.kiosk->stop() == 0);
    collect(**office);
    for (const auto& [id, times] : received) {
        INFO(id);
        CHECK(times == 1);
    }
    // None lost: every page in the screen's own proof-of-play log reached the office, but
    // for the last ones still spooled when it stopped (they go at its next start).
    int logged = 0;
    std::ifstream log(s1.dir / "state" / "proof-of-play.log");
    for (std::string line; std::getline(log, line);) ++logged;
    CHECK(static_cast<int>(received.size()) + spooled() == logged);
}
