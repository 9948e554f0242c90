// The service side: `kiosk run` speaks systemd's notify protocol (READY=1 once the first
// page is up, WATCHDOG=1 from the frame loop at half WatchdogSec, STOPPING=1 on SIGTERM) to
// a real NOTIFY_SOCKET, as systemd would see it; and the shipped unit passes
// `systemd-analyze security --offline=true` at 2.0 or less and `systemd-analyze verify`.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/runner.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A unix datagram socket standing in for systemd's notify socket; owns the descriptor.
struct NotifySocket {
    int fd = -1;
    fs::path path;
    explicit NotifySocket(fs::path p) : path(std::move(p)) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() { ::close(fd); }
    std::vector<std::string> drain() {
        std::vector<std::string> out;
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.emplace_back(buf, static_cast<size_t>(n));
        return out;
    }
};

size_t count_of(const std::vector<std::string>& messages, const std::string& what) {
    size_t n = 0;
    for (const auto& m : messages) n += m.find(what) != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("kiosk run: READY once the first page is up, watchdog pings from the loop, STOPPING on SIGTERM", "[run][systemd][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    test::write_file(dir.path() / "a.txt", test::read_file(KIOSK_TEST_CORPUS));
    test::write_file(dir.path() / "kiosk.json",
                     json{{"page_seconds", 600}, {"paths", {{"runtime", runtime.string()}, {"state", (dir.path() / "s").string()},
                                                             {"cache", (dir.path() / "c").string()}}}}.dump());
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    NotifySocket notify(dir.path() / "notify.sock");
    // WatchdogSec=1: the loop must ping every half second even though the page stays 10 minutes.
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()},
                                {"SDL_VIDEODRIVER=dummy", "NOTIFY_SOCKET=" + notify.path.string(), "WATCHDOG_USEC=1000000"},
                                dir.path());
    std::vector<std::string> got;
    REQUIRE(test::wait_for([&] {
        for (auto& m : notify.drain()) got.push_back(m);
        return count_of(got, "READY=1") == 1;
    }, 15));
    CHECK(fs::exists(runtime / "status.json"));  // ready means showing
    const size_t pings_at_ready = count_of(got, "WATCHDOG=1");
    std::this_thread::sleep_for(std::chrono::milliseconds(2600));
    for (auto& m : notify.drain()) got.push_back(m);
    CHECK(count_of(got, "WATCHDOG=1") >= pings_at_ready + 4);  // ≥ 2 a second while the page stands
    CHECK(count_of(got, "STATUS=showing a page 1/") >= 1);
    INFO(kiosk.err());
    CHECK(kiosk.stop() == 0);
    for (auto& m : notify.drain()) got.push_back(m);
    CHECK(count_of(got, "STOPPING=1") == 1);
    CHECK(count_of(got, "READY=1") == 1);
}

namespace {
// `systemd-analyze security --offline=true` on a unit of systemd/: its overall exposure.
double exposure_of(const std::string& name) {
    const fs::path unit = fs::path(KIOSK_SOURCE_DIR) / "systemd" / name;
    test::TempDir dir;
    const std::string out = (dir.path() / "security.txt").string();
    const std::string cmd = "systemd-analyze security --offline=true --no-pager " + unit.string() + " > " + out + " 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string report = test::read_file(out);
    const std::string label = "Overall exposure level for " + name + ": ";
    const size_t at = report.find(label);
    REQUIRE(at != std::string::npos);
    INFO(report.substr(at));
    return std::stod(report.substr(at + label.size()));
}
}  // namespace

TEST_CASE("the shipped unit: exposure 2.0 or less, and valid", "[systemd]") {
    const fs::path unit = fs::path(KIOSK_SOURCE_DIR) / "systemd" / "kiosk.service";
    CHECK(exposure_of("kiosk.service") <= 2.0);
    // The directives the hall screen relies on are there.
    const std::string text = test::read_file(unit);
    for (const char* line : {"Type=notify", "WatchdogSec=", "Restart=always", "User=kiosk", "CacheDirectory=kiosk",
                             "StateDirectory=kiosk", "RuntimeDirectory=kiosk", "NotifyAccess=main"})
        CHECK(text.find(line) != std::string::npos);
    // The remote restart's exit status is restarted and counts as a clean stop.
    const std::string restart = std::to_string(kiosk::app::kExitRestart);
    CHECK(text.find("\nRestartForceExitStatus=" + restart + "\n") != std::string::npos);
    CHECK(text.find("\nSuccessExitStatus=" + restart + "\n") != std::string::npos);
    CHECK(text.find("RestartPreventExitStatus") == std::string::npos);
}

TEST_CASE("the console's unit: exposure 2.0 or less, its own user and state folder", "[systemd]") {
    const fs::path unit = fs::path(KIOSK_SOURCE_DIR) / "systemd" / "kiosk-console.service";
    CHECK(exposure_of("kiosk-console.service") <= 2.0);
    const std::string text = test::read_file(unit);
    for (const char* line : {"User=kiosk-console", "StateDirectory=kiosk-console", "Restart=always", "PrivateTmp=yes",
                             "ExecStart=/usr/bin/kiosk-console serve --config /etc/kiosk-console/console.json"})
        CHECK(text.find(line) != std::string::npos);
}
