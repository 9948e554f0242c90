#pragma once
// The fleet process tests' office and screens: an office client that signs and publishes
// desired state and reads what screens say, a headless kiosk of the fleet, the office's
// kiosk.json for `kiosk fleet …`, and a screen's status.json.
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

namespace fleet_test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fleet = kiosk::fleet;
namespace config = kiosk::config;

struct Office {
    test::Broker& broker;
    fleet::KeyPair key = fleet::generate_key_pair();
    std::unique_ptr<fleet::OfficeClient> client;
    std::deque<fleet::ScreenMessage> seen;
    std::uint64_t next_gen = 1;

    explicit Office(test::Broker& b, const std::string& id = "office-test") : broker(b) {
        auto c = fleet::OfficeClient::connect(broker.client("office"), id, 10s);
        if (!c) FAIL(c.error().message);
        client = std::move(*c);
        REQUIRE(client->watch_screens().ok());
    }
    std::string doc(const std::string& scope, const std::string& kind, std::uint64_t gen, json body = json::object(),
                    const fleet::KeyPair* signer = nullptr, const std::string& target = "") {
        fleet::Desired d;
        d.id = kind;
        d.target = target.empty() ? scope : target;
        d.kind = kind;
        d.gen = gen;
        d.issued = std::time(nullptr);
        d.expires = d.issued + 3600;
        d.body = std::move(body);
        auto s = fleet::sign(d, "office-test", (signer ? *signer : key).secret_key);
        REQUIRE(s.ok());
        return *s;
    }
    void publish(const std::string& scope, const std::string& kind, const std::string& document) {
        REQUIRE(client->publish(fleet::desired_topic(scope, kind), document, true).ok());
    }
    // The earliest message not yet taken from `screen` on `leaf` satisfying `pred` (taken now).
    std::optional<fleet::ScreenMessage> await(const std::string& screen, const std::string& leaf,
                                              const std::function<bool(const std::string&)>& pred, double seconds) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        for (;;) {
            for (auto& m : client->take()) seen.push_back(std::move(m));
            for (auto it = seen.begin(); it != seen.end(); ++it)
                if (it->screen_id == screen && it->leaf == leaf && pred(it->payload)) {
                    auto m = *it;
                    seen.erase(it);
                    return m;
                }
            if (std::chrono::steady_clock::now() >= until) return std::nullopt;
            client->wait(100ms);
        }
    }
    std::optional<json> ack(const std::string& screen, double seconds = 10) {
        auto m = await(screen, "ack", [](const std::string&) { return true; }, seconds);
        return m ? std::optional<json>(json::parse(m->payload)) : std::nullopt;
    }
};

struct Screen {
    fs::path dir;
    std::unique_ptr<test::BackgroundKiosk> kiosk;
    Screen(const fs::path& d, test::Broker& broker, const std::string& id, const std::vector<std::string>& groups,
           const fleet::KeyPair& office_key, const std::vector<std::string>& hosts = {}, double page_seconds = 2,
           const json& extra = json::object(), std::vector<std::string> environment = {})
        : dir(d), env(std::move(environment)) {
        test::write_screen(dir, broker, id, groups, office_key.public_key, hosts, page_seconds, extra);
        start();
    }
    std::vector<std::string> env;  // beside the test's own environment
    void start() { kiosk = std::make_unique<test::BackgroundKiosk>(std::vector<std::string>{"run", "--config", (dir / "kiosk.json").string()},
                                                                   env, dir); }
};

inline bool is(const std::string& payload, const char* want) { return payload == want; }

// The office's kiosk.json for `kiosk fleet …`: the broker, the office's certificate, its key.
inline fs::path office_config(const fs::path& dir, test::Broker& broker, const fleet::KeyPair& key) {
    const config::Fleet f = broker.client("office");
    fs::create_directories(dir);
    if (!fs::exists(dir / "office.key")) REQUIRE(fleet::save_secret_key(dir / "office.key", key).ok());
    test::write_file(dir / "office.json",
                     json{{"network", {{"allowed_hosts", {"127.0.0.1"}}}},
                          {"paths", {{"runtime", (dir / "run").string()}, {"state", (dir / "state").string()},
                                     {"cache", (dir / "cache").string()}}},
                          {"fleet", {{"screen_id", "office"}, {"host", f.host}, {"port", f.port}, {"ca_file", f.ca_file},
                                     {"cert_file", f.cert_file}, {"key_file", f.key_file}, {"signing_key", (dir / "office.key").string()},
                                     {"signing_kid", "office-test"}, {"trusted_keys", {{"office-test", key.public_key}}}}}}
                         .dump());
    return dir / "office.json";
}

inline json status_json(const fs::path& screen_dir) {
    try {
        return json::parse(test::read_file(screen_dir / "run" / "status.json"));
    } catch (...) {
        return nullptr;
    }
}

}  // namespace fleet_test
