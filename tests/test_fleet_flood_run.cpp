// A screen held under flood through a real Mosquitto: ten thousand notices from a runaway
// office, a damaged record of what was applied, a restart in the middle of it all.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "fleet/notice.hpp"
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

namespace {

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A notice as the office signs it (retained on the broker under desired/SCOPE/notice/ID).
std::string notice_doc(Office& office, const std::string& scope, const std::string& id, std::uint64_t gen, bool urgent,
                       const std::string& text) {
    fleet::NoticeBody n;
    n.text = text;
    n.until = std::time(nullptr) + 3600;
    n.urgent = urgent;
    fleet::Desired d;
    d.id = id;
    d.target = scope;
    d.kind = "notice";
    d.gen = gen;
    d.issued = std::time(nullptr);
    d.expires = n.until + 60;
    d.body = fleet::notice_body_json(n);
    auto signed_doc = fleet::sign(d, "office-test", office.key.secret_key);
    REQUIRE(signed_doc.ok());
    return *signed_doc;
}

long pages_shown(const fs::path& screen) {
    const json st = status_json(screen);
    return st.is_object() ? st.value("pages_shown", 0L) : -1;
}

}  // namespace

TEST_CASE("fleet flood: ten thousand notices keep pages turning, the status small, and a warning gets through", "[fleet][process][flood]") {
    const int flood = test::kSanitized ? 3000 : 10000;
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker", false);
    Office office(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office.key, {}, 1);
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    REQUIRE(test::wait_for([&] { return pages_shown(s1.dir) >= 1; }, 20));

    // The flood: routine notices for every screen, published as fast as the broker takes them.
    const long pages_before = pages_shown(s1.dir);
    const std::uint64_t first_gen = now_ms();
    for (int i = 0; i < flood; ++i)
        office.publish("all", "notice/f" + std::to_string(i),
                       notice_doc(office, "all", "f" + std::to_string(i), first_gen + static_cast<std::uint64_t>(i), false,
                                  "例行通知第" + std::to_string(i) + "号：请按号排队。"));

    // Every one answered: the first 50 applied, the rest refused with the reason a clerk reads.
    std::map<std::string, int> results;
    std::string refusal;
    std::size_t largest_status = 0;
    int offline = 0;
    auto collect = [&] {
        for (auto& m : office.client->take()) {
            if (m.screen_id != "s1") continue;
            if (m.leaf == "ack") {
                const json a = json::parse(m.payload);
                ++results[a.value("result", "")];
                if (a.value("result", "") == "refused" && refusal.empty()) refusal = a.value("reason", "");
            } else if (m.leaf == "status") {
                largest_status = std::max(largest_status, m.payload.size());
            } else if (m.leaf == "state" && m.payload != "online") {
                ++offline;
            }
        }
    };
    // Pages turn through it (1 s pages): the longest time the count of pages shown stood still.
    long last_pages = pages_before;
    auto last_turn = std::chrono::steady_clock::now();
    double longest_still = 0;
    REQUIRE(test::wait_for([&] {
        collect();
        const long pages = pages_shown(s1.dir);
        const auto now = std::chrono::steady_clock::now();
        if (pages != last_pages) {
            last_pages = pages;
            last_turn = now;
        }
        longest_still = std::max(longest_still, std::chrono::duration<double>(now - last_turn).count());
        return results["applied"] + results["refused"] >= flood;
    }, test::kSanitized ? 240 : 120));
    std::printf("flood of %d notices: pages stood still at most %.2f s while it was applied\n", flood, longest_still);
    CHECK(longest_still < 5.0);
    INFO(refusal);
    CHECK(results["applied"] == static_cast<int>(fleet::kMaxNoticesPerScope));
    CHECK(results["refused"] == flood - static_cast<int>(fleet::kMaxNoticesPerScope));
    CHECK(refusal.find("最多 50 条") != std::string::npos);
    CHECK(refusal.find("撤下") != std::string::npos);
    CHECK(pages_shown(s1.dir) > pages_before);

    // A warning after the flood: on the screen within 5 s (urgent notices are counted apart).
    const auto sent = std::chrono::steady_clock::now();
    office.publish("all", "notice/warning", notice_doc(office, "all", "warning", now_ms() + 1, true, "暴雨红色预警：请勿外出。"));
    REQUIRE(test::wait_for([&] {
        const json st = status_json(s1.dir);
        return st.is_object() && st["current"]["item"] == "notice/warning@all";
    }, 10));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    std::printf("flood of %d notices: the urgent notice was on screen %.2f s after its publish\n", flood, seconds);
    CHECK(seconds < 5.0);

    // The status stayed small (51 notices in force, a few applied generations), never near
    // the broker's 2 MB limit, and the screen never went offline.
    collect();
    const json st = status_json(s1.dir);
    CHECK(st["fleet"]["notices"].size() == fleet::kMaxNoticesPerScope + 1);
    CHECK(st.dump().size() < 64 * 1024);
    CHECK(largest_status > 0);
    CHECK(largest_status < 64 * 1024);
    CHECK(offline == 0);
    const auto generations = fs::file_size(s1.dir / "state" / "fleet" / "generations.json");
    CHECK(generations < 64 * 1024);
    std::printf("flood of %d notices: largest status %zu bytes, generations.json %ju bytes\n", flood, largest_status,
                static_cast<std::uintmax_t>(generations));

    // A restart in the middle of the broker handing all of them over again: SIGTERM is
    // honoured within 2 s, and what was accepted is all there afterwards (none lost silently).
    CHECK(s1.kiosk->stop() == 0);
    office.client->take();
    s1.start();
    REQUIRE(office.await("s1", "ack", [](const std::string&) { return true; }, 30));
    const auto term = std::chrono::steady_clock::now();
    CHECK(s1.kiosk->stop() == 0);  // SIGTERM, and its exit status
    const double stop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - term).count();
    std::printf("flood of %d notices: SIGTERM during redelivery, exited after %.2f s\n", flood, stop_seconds);
    CHECK(stop_seconds < 2.0);

    fs::remove(s1.dir / "run" / "status.json");  // the next one read is the new run's
    s1.start();
    REQUIRE(test::wait_for([&] {
        const json now = status_json(s1.dir);
        return now.is_object() && now["fleet"]["notices"].size() == fleet::kMaxNoticesPerScope + 1 &&
               now["fleet"].value("connected", false);
    }, 60));
    const json after = status_json(s1.dir);
    CHECK(after["fleet"]["notices"][0] == "notice/warning@all");  // urgent first, then as they arrived
    CHECK(after["fleet"]["notices"][1] == "notice/f0@all");
    CHECK(s1.kiosk->stop() == 0);
}

TEST_CASE("fleet flood: a damaged record of what was applied fails closed: old documents stay refused", "[fleet][process][flood]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office.key, {}, 60);
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    auto applied = [&](const std::string& topic, const char* result) {
        return office.await("s1", "ack", [&](const std::string& p) {
            const json a = json::parse(p);
            return a.value("topic", "") == topic && a.value("result", "") == result;
        }, 15);
    };
    // Two versions of one notice, both applied, a minute of the office's clock apart.
    const std::string topic = fleet::desired_topic("group/floor/1", "notice", "hall");
    const std::uint64_t older_gen = now_ms() - 60000;
    const std::string older = notice_doc(office, "group/floor/1", "hall", older_gen, false, "旧版：大厅九点开门。");
    office.publish("group/floor/1", "notice/hall", older);
    REQUIRE(applied(topic, "applied"));
    office.publish("group/floor/1", "notice/hall", notice_doc(office, "group/floor/1", "hall", now_ms(), false, "新版：大厅八点半开门。"));
    REQUIRE(applied(topic, "applied"));
    CHECK(s1.kiosk->stop() == 0);

    // The file is damaged while the screen is off; a hostile broker then serves the old version.
    test::write_file(s1.dir / "state" / "fleet" / "generations.json", "{\"applied\": {\"group/floor/1|notice|hall\": ");
    fs::remove(s1.dir / "run" / "status.json");
    s1.start();
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    office.publish("group/floor/1", "notice/hall", older);
    auto refused = office.await("s1", "ack", [&](const std::string& p) {
        const json a = json::parse(p);
        // A refused document's ack names its generation in the reason.
        return a.value("topic", "") == topic && a.value("reason", "").find(std::to_string(older_gen)) != std::string::npos;
    }, 15);
    REQUIRE(refused);
    CHECK(json::parse(refused->payload)["result"] == "refused");
    CHECK(json::parse(refused->payload)["reason"].get<std::string>().find("replayed") != std::string::npos);
    CHECK(s1.kiosk->err().find("stay refused") != std::string::npos);
    // What the screen had accepted plays on from its kept copy, and the office's next
    // document (newer than the file) is taken.
    REQUIRE(test::wait_for([&] { return status_json(s1.dir).is_object(); }, 10));
    CHECK(status_json(s1.dir)["fleet"]["notices"] == json::array({"notice/hall@group/floor/1"}));
    office.publish("group/floor/1", "notice/hall", notice_doc(office, "group/floor/1", "hall", now_ms(), false, "第三版：大厅八点开门。"));
    REQUIRE(applied(topic, "applied"));
    CHECK(s1.kiosk->stop() == 0);
}
