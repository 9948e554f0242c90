// A document that reaches a screen twice before its run loop has applied the first copy —
// QoS 1 redelivery, or a hall's bridge passing on, back to back, the copy the city broker
// queued during a cut and the retained one it sends on resubscribing (docs/fleet.md,
// "Halls bridged into a city") — is applied once; the second copy is refused as replayed.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "fleet/ack.hpp"
#include "fleet/client.hpp"
#include "fleet/generations.hpp"
#include "fleet_office.hpp"

using namespace kiosk;
using namespace std::chrono_literals;
using namespace fleet_test;

TEST_CASE("fleet: a document delivered twice before the first copy is applied is applied once", "[fleet][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    config::Fleet f = broker.client("dup-1");
    f.groups = {"floor/1"};
    f.trusted_keys = {{"office-test", office.key.public_key}};
    std::atomic<int> wakes{0};
    auto client = fleet::FleetClient::start(f, fleet::Generations::fresh(dir.path() / "generations.json"), [&] { ++wakes; });
    REQUIRE(client);
    auto& c = **client;
    auto arrived = [&](std::size_t want) {  // nothing is taken until `want` documents wait
        std::deque<fleet::Incoming> got;
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < until) {
            for (auto& in : c.take()) got.push_back(std::move(in));
            if (got.size() >= want) break;
            std::this_thread::sleep_for(20ms);
        }
        return got;
    };
    // Subscribed: a first document arrives and is applied.
    REQUIRE(office.await("dup-1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    office.publish("all", "refresh", office.doc("all", "refresh", 1));
    auto first = arrived(1);
    REQUIRE(first.size() == 1);
    REQUIRE(first[0].document.ok());
    c.acknowledge(first[0], true, "");

    // The same document twice; the first copy not yet acknowledged when the second arrives.
    const std::string doc = office.doc("group/floor/1", "refresh", 7);
    office.publish("group/floor/1", "refresh", doc);
    office.publish("group/floor/1", "refresh", doc);
    auto twice = arrived(2);
    REQUIRE(twice.size() == 2);
    REQUIRE(twice[0].document.ok());
    REQUIRE_FALSE(twice[1].document.ok());
    CHECK(twice[1].document.error().message.find("replayed") != std::string::npos);
    c.acknowledge(twice[0], true, "");
    c.acknowledge(twice[1], false, twice[1].document.error().message);
    // The office hears it applied once and the copy refused as a replay.
    std::vector<std::string> outcomes;
    for (int i = 0; i < 3; ++i) {
        auto a = office.ack("dup-1", 5);
        if (!a) break;
        // (A refused copy's ack has no generation: only its topic names it.)
        if (a->value("topic", "") == fleet::desired_topic("group/floor/1", "refresh")) outcomes.push_back(a->value("outcome", ""));
    }
    CHECK(outcomes == std::vector<std::string>{std::string(fleet::kAckShown), std::string(fleet::kAckReplayed)});

    // A copy refused by the run loop (acknowledged, not applied) is looked at afresh when it
    // comes again: only an applied generation is final.
    const std::string doc8 = office.doc("group/floor/1", "refresh", 8);
    office.publish("group/floor/1", "refresh", doc8);
    auto refused = arrived(1);
    REQUIRE(refused.size() == 1);
    REQUIRE(refused[0].document.ok());
    c.acknowledge(refused[0], false, "cannot be kept: disk full");
    office.publish("group/floor/1", "refresh", doc8);
    auto again = arrived(1);
    REQUIRE(again.size() == 1);
    CHECK(again[0].document.ok());
}
