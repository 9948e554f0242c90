#pragma once
// A real Mosquitto for the fleet tests: certificates made by scripts/fleet-ca.sh, the
// shipped ACL (config/fleet/acl), TLS with client certificates required, on 127.0.0.1 and a
// free port. Stopped (SIGTERM) when it goes; `kill()` and `start()` for outage tests.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace test {

class Broker {
public:
    // `log_all`: every packet in mosquitto.log (the tests, to read after a failure); the
    // benchmark logs only errors and warnings (a line per packet costs the broker CPU).
    // `acl`: another ACL file than the shipped one (the console's benchmark lets one
    // simulator write for many screens).
    explicit Broker(const std::filesystem::path& dir, bool log_all = true, const std::filesystem::path& acl = {});
    ~Broker();
    void start();
    void kill();  // SIGKILL, as a crash
    void stop();  // SIGTERM: a clean shutdown (it saves its sessions and retained messages)
    int port() const { return port_; }
    int pid() const { return pid_; }
    // A certificate for `name` (a screen id, or "office"), made once.
    void enroll(const std::string& name);
    // The broker's address and this name's certificate, as kiosk.json's fleet section has them.
    kiosk::config::Fleet client(const std::string& name, int keepalive = 5);
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    int port_ = 0;
    int pid_ = -1;
};

// A headless screen's folder: a one-item local playlist (a.txt), and a kiosk.json with its
// folders inside `dir` and — unless `fleet` is false — a fleet section for this broker
// trusting `office_public_key` (kid office-test); `extra` is merged into kiosk.json.
// Returns the kiosk.json.
std::filesystem::path write_screen(const std::filesystem::path& dir, Broker& broker, const std::string& id,
                                   const std::vector<std::string>& groups, const std::string& office_public_key,
                                   const std::vector<std::string>& hosts, double page_seconds,
                                   const nlohmann::json& extra = nlohmann::json::object(), bool fleet = true);

}  // namespace test
