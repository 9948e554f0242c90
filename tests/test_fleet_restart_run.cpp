// The remote restart against a real Mosquitto and real headless kiosks: a signed `restart`
// makes the kiosk stop cleanly and exit with kExitRestart once; started again (as systemd
// would) with the same retained request it plays on, and across a broker restart too; a new
// generation (from `kiosk fleet restart`) restarts it again; forged and unsigned requests are
// refused; a screen that first meets a request older than its own start is not restarted.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "app/runner.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "fleet_office.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace fleet_test;

namespace {

// The screen's ack of a document on `kind`'s topic for `scope` that `pred` accepts.
std::optional<json> ack_of(Office& office, const std::string& screen, const std::string& scope, const std::string& kind,
                           const std::function<bool(const json&)>& pred, double seconds = 20) {
    const std::string topic = fleet::desired_topic(scope, kind);
    auto m = office.await(screen, "ack", [&](const std::string& p) {
        const json a = json::parse(p, nullptr, false);
        return a.is_object() && a.value("topic", "") == topic && pred(a);
    }, seconds);
    return m ? std::optional<json>(json::parse(m->payload)) : std::nullopt;
}

bool replayed(const json& a) { return a.value("result", "") == "refused" && a.value("outcome", "") == "replayed"; }

// A positive event that the run loop is alive and past the retained restart: a refresh sent
// after it, applied and acked.
void refresh_applied(Office& office, Screen& screen, const std::string& id, const std::string& scope, std::uint64_t gen) {
    office.publish(scope, "refresh", office.doc(scope, "refresh", gen));
    auto a = ack_of(office, id, scope, "refresh", [&](const json& x) { return x.value("gen", std::uint64_t{0}) == gen; });
    INFO(screen.kiosk->err());
    REQUIRE(a);
    CHECK((*a)["result"] == "applied");
}

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

TEST_CASE("fleet: a restart is applied once, across a restart of the kiosk and of the broker, and again for a new generation",
          "[fleet][restart][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    auto office = std::make_unique<Office>(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office->key);
    REQUIRE(office->await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    const std::string group = "group/floor/1";

    // Forged (a key the screen does not trust) and unsigned requests: refused, the kiosk plays on.
    const fleet::KeyPair stranger = fleet::generate_key_pair();
    office->publish(group, "restart", office->doc(group, "restart", now_ms(), json::object(), &stranger));
    auto a = ack_of(*office, "s1", group, "restart", [](const json&) { return true; });
    REQUIRE(a);
    CHECK((*a)["result"] == "refused");
    CHECK((*a)["reason"].get<std::string>().find("bad signature") == 0);
    office->publish(group, "restart", R"({"payload": "eyJ2IjoxfQ==", "kid": "office-test"})");
    a = ack_of(*office, "s1", group, "restart", [](const json&) { return true; });
    REQUIRE(a);
    CHECK((*a)["result"] == "refused");
    CHECK((*a)["reason"].get<std::string>().find("not a signed document") == 0);
    refresh_applied(*office, s1, "s1", group, 1);
    CHECK(s1.kiosk->running());

    // The office's restart: recorded, acked, a clean stop (`disconnected`), exit status 75.
    const std::uint64_t first = now_ms();
    office->publish(group, "restart", office->doc(group, "restart", first));
    a = ack_of(*office, "s1", group, "restart", [](const json&) { return true; });
    REQUIRE(a);
    CHECK((*a)["result"] == "applied");
    CHECK((*a)["gen"] == first);
    const auto status = s1.kiosk->wait_exit(20);
    INFO(test::read_file(s1.dir / "err"));
    REQUIRE(status);
    CHECK(*status == app::kExitRestart);
    CHECK(office->await("s1", "state", [](const std::string& p) { return is(p, "disconnected"); }, 5));
    const json generations = json::parse(test::read_file(s1.dir / "state" / "fleet" / "generations.json"));
    CHECK(generations["applied"]["group/floor/1|restart"] == first);
    CHECK(test::read_file(s1.dir / "err").find("stopped for the office's restart") != std::string::npos);

    // Started again, as systemd would: the same retained request is a replay, and the kiosk
    // plays on (it applies a refresh sent after it).
    s1.start();
    REQUIRE(office->await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    REQUIRE(ack_of(*office, "s1", group, "restart", replayed));
    refresh_applied(*office, s1, "s1", group, 2);
    CHECK(s1.kiosk->running());

    // The broker restarted under it (it keeps the retained request): a replay again.
    const fleet::KeyPair key = office->key;
    office.reset();
    broker.stop();
    broker.start();
    office = std::make_unique<Office>(broker, "office-again");
    office->key = key;  // the same office (the screen trusts its key)
    REQUIRE(ack_of(*office, "s1", group, "restart", replayed, 30));
    refresh_applied(*office, s1, "s1", group, 3);
    CHECK(s1.kiosk->running());

    // A new generation, through the office's command: restarted once more.
    const fs::path office_json = office_config(dir.path() / "office", broker, office->key);
    auto sent = test::run_kiosk({"fleet", "restart", "--to", group, "--config", office_json.string()});
    INFO(sent.err);
    REQUIRE(sent.status == 0);
    CHECK(sent.out.find("restart") != std::string::npos);
    a = ack_of(*office, "s1", group, "restart", [&](const json& x) { return x.value("gen", std::uint64_t{0}) > first; });
    REQUIRE(a);
    CHECK((*a)["result"] == "applied");
    const auto again = s1.kiosk->wait_exit(20);
    REQUIRE(again);
    CHECK(*again == app::kExitRestart);
}

TEST_CASE("fleet: a screen that first meets a restart asked before it started is not restarted", "[fleet][restart][process]") {
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    // Asked a minute ago (still valid for an hour), retained; then a screen is enrolled.
    const std::string scope = "group/floor/2";
    fleet::Desired d;
    d.id = "restart";
    d.target = scope;
    d.kind = "restart";
    d.gen = now_ms() - 60000;
    d.issued = std::time(nullptr) - 60;
    d.expires = d.issued + 3600;
    auto signed_doc = fleet::sign(d, "office-test", office.key.secret_key);
    REQUIRE(signed_doc);
    office.publish(scope, "restart", *signed_doc);

    Screen s2(dir.path() / "s2", broker, "s2", {"floor/2"}, office.key);
    auto a = ack_of(office, "s2", scope, "restart", [](const json&) { return true; });
    REQUIRE(a);
    CHECK((*a)["result"] == "applied");  // met by its own start, recorded
    CHECK((*a)["words"].get<std::string>().find("已经重新启动过") != std::string::npos);
    refresh_applied(office, s2, "s2", scope, 1);
    CHECK(s2.kiosk->running());
    // Recorded: a reconnect later is a replay, not a question again.
    const json generations = json::parse(test::read_file(s2.dir / "state" / "fleet" / "generations.json"));
    CHECK(generations["applied"]["group/floor/2|restart"] == d.gen);
    CHECK(s2.kiosk->stop() == 0);
}
