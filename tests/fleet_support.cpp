#include "fleet_support.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "support.hpp"

namespace fs = std::filesystem;

namespace test {
namespace {

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

void ca(const fs::path& dir, const std::string& args) {
    const std::string cmd = std::string(KIOSK_SOURCE_DIR) + "/scripts/fleet-ca.sh " + dir.string() + " " + args;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("fleet-ca.sh failed: " + cmd);
}

}  // namespace

Broker::Broker(const fs::path& dir, bool log_all, const fs::path& acl) : dir_(dir) {
    fs::create_directories(dir_);
    fs::create_directories(dir_ / "db");
    ca(dir_, "init");
    ca(dir_, "server 127.0.0.1");
    enroll("office");
    port_ = free_port();
    const passwd* me = ::getpwuid(::getuid());
    write_file(dir_ / "mosquitto.conf",
               "per_listener_settings false\n"
               "persistence true\n"
               "persistence_location " + (dir_ / "db").string() + "/\n"
               "allow_anonymous false\n"
               "max_packet_size 2000000\n"
               "set_tcp_nodelay true\n"
               "max_queued_messages 100000\n"
               "user " + std::string(me ? me->pw_name : "root") + "\n"
               "acl_file " + (acl.empty() ? std::string(KIOSK_SOURCE_DIR) + "/config/fleet/acl" : acl.string()) + "\n"
               "log_dest file " + (dir_ / "mosquitto.log").string() + "\n"
               + std::string(log_all ? "log_type all\n" : "log_type error\nlog_type warning\n") +
               "listener " + std::to_string(port_) + " 127.0.0.1\n"
               "cafile " + (dir_ / "ca.pem").string() + "\n"
               "certfile " + (dir_ / "server.pem").string() + "\n"
               "keyfile " + (dir_ / "server.key").string() + "\n"
               "require_certificate true\n"
               "use_identity_as_username true\n"
               "tls_version tlsv1.2\n");
    start();
}

Broker::~Broker() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

void Broker::start() {
    // Everything the child needs is made before fork: after it, only async-signal-safe calls
    // (another thread of the test may hold a lock that the child would wait on forever).
    const std::string out = (dir_ / "mosquitto.out").string(), conf = (dir_ / "mosquitto.conf").string();
    pid_ = ::fork();
    if (pid_ == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Up when it accepts on its port; an exit (a bad configuration) ends the wait at once.
    bool exited = false;
    const std::string log = (dir_ / "mosquitto.log").string();
    wait_until_up([&] { return accepts(port_) || (exited = ::waitpid(pid_, nullptr, WNOHANG) == pid_); },
                  "mosquitto on port " + std::to_string(port_) + " (see " + log + ")", 20);
    if (exited) {
        pid_ = -1;
        throw std::runtime_error("mosquitto exited at once; see " + log);
    }
}

void Broker::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void Broker::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void Broker::enroll(const std::string& name) {
    if (!fs::exists(dir_ / (name + ".pem"))) ca(dir_, "client " + name);
}

kiosk::config::Fleet Broker::client(const std::string& name, int keepalive) {
    enroll(name);
    kiosk::config::Fleet f;
    f.enabled = true;
    f.screen_id = name;
    f.host = "127.0.0.1";
    f.port = port_;
    f.keepalive_seconds = keepalive;
    f.ca_file = (dir_ / "ca.pem").string();
    f.cert_file = (dir_ / (name + ".pem")).string();
    f.key_file = (dir_ / (name + ".key")).string();
    return f;
}

fs::path write_screen(const fs::path& dir, Broker& broker, const std::string& id, const std::vector<std::string>& groups,
                      const std::string& office_public_key, const std::vector<std::string>& hosts, double page_seconds,
                      const nlohmann::json& extra, bool fleet) {
    fs::create_directories(dir);
    write_file(dir / "a.txt", "甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    write_file(dir / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    nlohmann::json cfg = {{"page_seconds", page_seconds},
                          {"network", {{"allowed_hosts", hosts}}},
                          {"paths", {{"runtime", (dir / "run").string()}, {"state", (dir / "state").string()},
                                     {"cache", (dir / "cache").string()}}}};
    if (fleet) {
        const kiosk::config::Fleet f = broker.client(id);
        cfg["fleet"] = {{"screen_id", id}, {"groups", groups}, {"host", f.host}, {"port", f.port},
                        {"keepalive", f.keepalive_seconds}, {"ca_file", f.ca_file}, {"cert_file", f.cert_file},
                        {"key_file", f.key_file}, {"trusted_keys", {{"office-test", office_public_key}}}};
    }
    cfg.merge_patch(extra);
    write_file(dir / "kiosk.json", cfg.dump());
    return dir / "kiosk.json";
}

}  // namespace test
