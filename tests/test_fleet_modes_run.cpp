// Notice modes on a real headless kiosk through a real Mosquitto, sent as the office sends
// them (`kiosk fleet notice --mode …`): the share of time a 紧急 notice is on screen,
// measured by polling the screen's status, is 100 % until it is cleared, across more than a
// whole rotation of a ten-item playlist; a 插播 notice shows once at once, then takes its
// turn once a rotation (read from the screen's proof-of-play log, page by page). The 紧急
// notice holds again after a restart of the screen with no broker.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/zone_time.hpp"
#include "fleet_office.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using namespace fleet_test;

namespace {

constexpr int kItems = 10;
constexpr double kPageSeconds = 1;

// A screen of group floor/1 whose local playlist has ten one-page items, i0 … i9.
fs::path ten_item_screen(const fs::path& dir, test::Broker& broker, const fleet::KeyPair& key) {
    const fs::path cfg = test::write_screen(dir, broker, "s1", {"floor/1"}, key.public_key, {}, kPageSeconds);
    json items = json::array();
    for (int i = 0; i < kItems; ++i) {
        const std::string id = "i" + std::to_string(i);
        test::write_file(dir / (id + ".txt"), "第" + std::to_string(i) + "项\n这是第" + std::to_string(i) + "项的正文。\n");
        items.push_back({{"id", id}, {"source", "file:" + id + ".txt"}});
    }
    test::write_file(dir / "playlist.json", json{{"items", items}}.dump());
    return cfg;
}

// The pages the screen logged as shown (item, out of turn), in order.
std::vector<std::pair<std::string, bool>> plays(const fs::path& dir) {
    std::vector<std::pair<std::string, bool>> out;
    std::ifstream in(dir / "state" / "proof-of-play.log");
    for (std::string line; std::getline(in, line);) {
        try {
            const json p = json::parse(line);
            out.emplace_back(p.value("item", ""), p.value("interrupt", false));
        } catch (...) {
            // a line being written
        }
    }
    return out;
}

std::string until_in(std::time_t seconds) {
    std::string until = zone_time::format_iso_local(std::time(nullptr) + seconds, "Asia/Shanghai");
    until[10] = 'T';
    return until;
}

}  // namespace

TEST_CASE("fleet modes: a 紧急 notice is on screen 100 % of the time until cleared, a 插播 one once and then in its turn", "[fleet][process][modes]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    const fs::path screen_dir = dir.path() / "s1";
    const fs::path cfg = ten_item_screen(screen_dir, broker, office.key);
    auto kiosk = std::make_unique<test::BackgroundKiosk>(std::vector<std::string>{"run", "--config", cfg.string()},
                                                         std::vector<std::string>{}, screen_dir);
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    // The rotation is turning: i1 came after i0.
    REQUIRE(test::wait_for([&] {
        const json st = status_json(screen_dir);
        return st.is_object() && st["current"]["item"] == "i1";
    }, 20));
    const fs::path office_json = office_config(dir.path() / "office", broker, office.key);
    const std::string item = "notice/closed@group/floor/1";

    // A mode the office does not know is refused at the desk, before anything is sent.
    auto unknown = test::run_kiosk({"fleet", "notice", "暂停办理业务", "--to", "group/floor/1", "--until", until_in(3600),
                                    "--mode", "stay", "--config", office_json.string()});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("--mode takes hold, interrupt, turn or ticker") != std::string::npos);
    auto bad_level = test::run_kiosk({"fleet", "notice", "暴雪预警", "--to", "group/floor/1", "--until", until_in(3600),
                                      "--mode", "interrupt", "--level", "橙色", "--config", office_json.string()});
    CHECK(bad_level.status == 2);
    CHECK(bad_level.err.find("--level takes blue, yellow, orange or red") != std::string::npos);

    // 紧急: the clerk's closure notice.
    auto posted = test::run_kiosk({"fleet", "notice", "因系统升级，今天下午暂停办理业务。", "--to", "group/floor/1", "--until", until_in(3600),
                                   "--mode", "hold", "--id", "closed", "--config", office_json.string()});
    INFO(posted.err);
    REQUIRE(posted.status == 0);
    REQUIRE(test::wait_for([&] {
        const json st = status_json(screen_dir);
        return st.is_object() && st["current"]["item"] == item;
    }, 10));
    // Sampled every 50 ms for more than a whole rotation (ten pages of 1 s, and the notice's
    // own): every sample shows the notice, while pages keep turning (its page shown again).
    const auto sampling = std::chrono::steady_clock::now();
    const long pages_before = status_json(screen_dir)["pages_shown"].get<long>();
    int samples = 0, on = 0;
    std::set<std::string> seen_instead;
    while (std::chrono::steady_clock::now() - sampling < std::chrono::duration<double>((kItems + 3) * kPageSeconds)) {
        const json st = status_json(screen_dir);
        if (st.is_object()) {
            ++samples;
            if (st["current"]["item"] == item && st["current"]["interrupt"] == true) ++on;
            else seen_instead.insert(st["current"].value("item", "(standing page)"));
        }
        std::this_thread::sleep_for(50ms);
    }
    const long pages_during = status_json(screen_dir)["pages_shown"].get<long>() - pages_before;
    std::printf("紧急: on screen in %d of %d samples over %.1f s (%ld pages turned meanwhile)\n", on, samples,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - sampling).count(), pages_during);
    CHECK(samples >= 100);
    CHECK(seen_instead.empty());
    CHECK(on == samples);
    CHECK(pages_during >= kItems / 2);  // the loop went on turning pages (slower under ASan): the notice, again and again

    // A restart of the screen (and no broker meanwhile): the notice is kept and holds again
    // from the first page.
    CHECK(kiosk->stop() == 0);
    broker.kill();
    fs::remove(screen_dir / "run" / "status.json");
    kiosk = std::make_unique<test::BackgroundKiosk>(std::vector<std::string>{"run", "--config", cfg.string()},
                                                    std::vector<std::string>{}, screen_dir);
    REQUIRE(test::wait_for([&] { return status_json(screen_dir).is_object(); }, 20));
    for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(3 * kPageSeconds);
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
        const json st = status_json(screen_dir);
        if (st.is_object()) CHECK(st["current"]["item"] == item);
    }
    broker.start();
    REQUIRE(test::wait_for([&] {
        auto seen = test::run_kiosk({"fleet", "status", "--config", office_json.string()});
        return seen.out.find("s1                    online") != std::string::npos;
    }, 30));
    const size_t plays_at_clear = plays(screen_dir).size();

    // Cleared: the playlist is back, where the notice found it.
    auto cleared = test::run_kiosk({"fleet", "clear-notice", "closed", "--to", "group/floor/1", "--config", office_json.string()});
    INFO(cleared.err);
    REQUIRE(cleared.status == 0);
    REQUIRE(test::wait_for([&] {
        const json st = status_json(screen_dir);
        return st.is_object() && st["fleet"]["notices"].empty() && st["current"]["item"].get<std::string>().rfind("i", 0) == 0;
    }, 10));
    // Every page between its start and its clearing was the notice.
    {
        const auto log = plays(screen_dir);
        size_t first = 0;
        while (first < log.size() && log[first].first != item) ++first;
        REQUIRE(first < plays_at_clear);
        for (size_t i = first; i < plays_at_clear; ++i) {
            INFO(i);
            CHECK(log[i].first == item);
        }
    }

    // 插播: at once, once; then its turn, after i9, once a rotation.
    const size_t plays_before_once = plays(screen_dir).size();
    const std::string once = "notice/once@group/floor/1";
    auto posted_once = test::run_kiosk({"fleet", "notice", "下午三点起暂停取号。", "--to", "group/floor/1", "--until", until_in(3600),
                                        "--mode", "interrupt", "--id", "once", "--config", office_json.string()});
    INFO(posted_once.err);
    REQUIRE(posted_once.status == 0);
    const auto once_posted = std::chrono::steady_clock::now();
    REQUIRE(test::wait_for([&] {
        const json st = status_json(screen_dir);
        return st.is_object() && st["current"]["item"] == once && st["current"]["interrupt"] == true;
    }, 10));
    std::printf("插播: on screen %.2f s after the office's publish returned\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - once_posted).count());
    // Two more rotations (eleven pages each) logged after the one out of turn.
    std::vector<std::pair<std::string, bool>> after;
    REQUIRE(test::wait_for([&] {
        const auto log = plays(screen_dir);
        after.assign(log.begin() + static_cast<long>(std::min(plays_before_once, log.size())), log.end());
        return std::count(after.begin(), after.end(), std::pair{once, false}) >= 2;
    }, 4 * (kItems + 1) * kPageSeconds + 10));
    std::string sequence;
    for (const auto& [id, out_of_turn] : after) sequence += id + (out_of_turn ? "! " : " ");
    INFO(sequence);
    CHECK(std::count(after.begin(), after.end(), std::pair{once, true}) == 1);  // at once, once
    std::vector<size_t> turns;
    for (size_t i = 0; i < after.size(); ++i)
        if (after[i] == std::pair{once, false}) turns.push_back(i);
    REQUIRE(turns.size() >= 2);
    for (size_t k = 0; k < turns.size(); ++k) {
        CHECK(after[turns[k] - 1].first == "i9");  // after the playlist's items
        if (k > 0) CHECK(turns[k] - turns[k - 1] == kItems + 1);  // once a rotation
    }
    CHECK(kiosk->stop() == 0);
}
