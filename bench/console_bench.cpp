// The console under a city's fleet: a real Mosquitto, kiosk-console, and N simulated
// screens (default 500) each reporting a realistic status every 10 s (retained, as the
// kiosk does). Meanwhile a clerk's browser asks for the 屏幕 page's data (GET /api/screens)
// four times a second. Prints that request's server time (p50, p99, max: loopback round
// trips) and the console's memory (VmRSS, VmHWM).
//
//   build/bench/console_bench [--screens N] [--seconds S]
//
// Targets (issue 16): p99 <= 50 ms, memory <= 64 MiB.
#include <httplib.h>
#include <mosquitto.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fleet/signed.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace std::chrono;
using nlohmann::json;

namespace {

// What a kiosk's status looks like on the wire: six items, one fetching with an error.
std::string status_of(int screen, int round) {
    json items = json::array();
    for (int i = 0; i < 6; ++i)
        items.push_back({{"id", "item-" + std::to_string(i)}, {"title", "2019年政府信息公开工作年度报告 第" + std::to_string(i) + "部分"},
                         {"source", "https://www.changchun.gov.cn/zw/report-" + std::to_string(i) + ".html"},
                         {"pages", 7}, {"loaded", "2026-12-03 09:00:00"}, {"error", ""},
                         {"fetch", {{"last_attempt", "2026-12-03 09:00:00"}, {"last_success", "2026-12-03 09:00:00"},
                                    {"failures", i == 5 ? 2 : 0}, {"last_error", i == 5 ? "timed out" : ""},
                                    {"withdrawn", false}, {"next_attempt", "2026-12-03 10:00:00"}}}});
    json j = {{"format", "kiosk-status/1"}, {"version", "0.1.0"}, {"pid", 1000 + screen},
              {"started", "2026-12-03 08:00:00"}, {"uptime_seconds", 3600 + round * 10}, {"updated", "2026-12-03 09:00:00"},
              {"memory_kb", 150000}, {"pages_shown", round * 3},
              {"current", {{"standing", false}, {"item", "item-" + std::to_string(round % 6)}, {"page", 1 + round % 7}, {"of", 7},
                           {"interrupt", false}, {"since", "2026-12-03 09:00:00"}, {"until", "2026-12-03 09:00:20"}}},
              {"playlist", {{"file", "fleet:all"}, {"fetch_error", ""}, {"version", 1}, {"items", 6}, {"applied", ""},
                            {"refused", json::array()}, {"refused_at", ""}, {"note", ""}}},
              {"config", {{"file", "/etc/kiosk/kiosk.json"}, {"errors", json::array()}}},
              {"items", items},
              {"fleet", {{"connected", true}, {"notices", json::array()}, {"applied", {{"all|playlist", 1}}},
                         {"groups", {"floor/" + std::to_string(1 + screen % 12), "hall/zwzx"}},
                         {"hall", "长春市政务服务中心 " + std::to_string(screen / 100) + " 号楼"},
                         {"size", {{"width", 1920}, {"height", 1080}}}}}};
    return j.dump();
}

struct Sim {
    mosquitto* m = nullptr;
};

long proc_kb(int pid, const char* key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
    return -1;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    int screens = 500, seconds = 60;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--screens") screens = std::atoi(argv[++i]);
        else if (std::string(argv[i]) == "--seconds") seconds = std::atoi(argv[++i]);
    }
    ::signal(SIGPIPE, SIG_IGN);
    const fs::path dir = fs::temp_directory_path() / ("console-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // The shipped ACL, plus one simulator that may write for every screen.
    test::write_file(dir / "acl", test::read_file(fs::path(KIOSK_SOURCE_DIR) / "config/fleet/acl") +
                                      "\nuser sim\ntopic write kiosk/v1/screen/#\n");
    test::Broker broker(dir / "broker", false, dir / "acl");
    broker.enroll("sim");
    const kiosk::fleet::KeyPair pair = kiosk::fleet::generate_key_pair();
    if (!kiosk::fleet::save_secret_key(dir / "office.key", pair)) return 1;
    const kiosk::config::Fleet office = broker.client("office");
    test::write_file(dir / "office.json",
                     json{{"version", 1}, {"playlist", "playlist.json"},
                          {"paths", {{"runtime", (dir / "o/run").string()}, {"state", (dir / "o/state").string()}, {"cache", (dir / "o/cache").string()}}},
                          {"fleet", {{"screen_id", "office"}, {"host", office.host}, {"port", office.port}, {"ca_file", office.ca_file},
                                     {"cert_file", office.cert_file}, {"key_file", office.key_file},
                                     {"signing_key", (dir / "office.key").string()}, {"signing_kid", "office-bench"},
                                     {"trusted_keys", {{"office-bench", pair.public_key}}}}}}
                         .dump());
    test::write_file(dir / "playlist.json", R"({"version": 1, "items": []})");
    const int port = 20000 + ::getpid() % 20000;
    test::write_file(dir / "console.json", json{{"listen", "127.0.0.1:" + std::to_string(port)}, {"database", "console.db"},
                                                {"office_config", "office.json"}, {"kiosk", KIOSK_BINARY},
                                                {"assets", std::string(KIOSK_SOURCE_DIR) + "/assets/console"}}
                                               .dump());
    const std::string console_bin = KIOSK_CONSOLE_BINARY;
    if (std::system(("echo bench-password | " + console_bin + " adduser bench --role admin --config " + (dir / "console.json").string() +
                     " >/dev/null").c_str()) != 0)
        return 1;
    const std::string console_json = (dir / "console.json").string();
    const std::string log = (dir / "console.log").string();
    const pid_t console = ::fork();
    if (console == 0) {
        if (!std::freopen(log.c_str(), "w", stderr)) ::_exit(126);
        ::execl(console_bin.c_str(), "kiosk-console", "--config", console_json.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    httplib::Client http("127.0.0.1", port);
    http.set_keep_alive(true);
    std::string cookie;
    for (int i = 0; i < 100 && cookie.empty(); ++i) {
        auto r = http.Post("/api/login", R"({"name": "bench", "password": "bench-password"})", "application/json");
        if (r && r->status == 200) cookie = r->get_header_value("Set-Cookie").substr(0, r->get_header_value("Set-Cookie").find(';'));
        else std::this_thread::sleep_for(100ms);
    }
    if (cookie.empty()) {
        std::fprintf(stderr, "console_bench: cannot log in; see %s\n", log.c_str());
        return 1;
    }
    const long rss_idle = proc_kb(console, "VmRSS:");

    // The simulators: 5 connections, each the voice of screens/5 screens.
    mosquitto_lib_init();
    const kiosk::config::Fleet sim = broker.client("sim");
    std::vector<Sim> sims(5);
    for (size_t k = 0; k < sims.size(); ++k) {
        sims[k].m = mosquitto_new(("sim-" + std::to_string(k)).c_str(), true, nullptr);
        mosquitto_tls_set(sims[k].m, sim.ca_file.c_str(), nullptr, sim.cert_file.c_str(), sim.key_file.c_str(), nullptr);
        mosquitto_int_option(sims[k].m, MOSQ_OPT_TCP_NODELAY, 1);
        if (mosquitto_connect(sims[k].m, sim.host.c_str(), sim.port, 30) != MOSQ_ERR_SUCCESS) return 1;
        mosquitto_loop_start(sims[k].m);
    }
    auto publish = [&](int screen, const std::string& leaf, const std::string& payload) {
        const std::string topic = "kiosk/v1/screen/s" + std::to_string(screen) + "/" + leaf;
        mosquitto_publish(sims[static_cast<size_t>(screen) % sims.size()].m, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                          payload.data(), 1, true);
    };
    for (int s = 0; s < screens; ++s) publish(s, "state", "online");
    const size_t status_bytes = status_of(0, 0).size();

    // Statuses every 10 s per screen, spread evenly; the clerk's page four times a second.
    std::vector<double> ms;
    size_t bytes = 0, listed = 0;
    const auto start = steady_clock::now();
    const auto end = start + std::chrono::seconds(seconds);
    int next_screen = 0, round = 0;
    auto next_request = start + 2s;  // a first round of statuses is in before measuring
    const auto per_status = duration_cast<nanoseconds>(10s) / std::max(1, screens);
    auto next_status = start;
    while (steady_clock::now() < end) {
        const auto now = steady_clock::now();
        while (next_status <= now) {
            publish(next_screen, "status", status_of(next_screen, round));
            if (++next_screen == screens) next_screen = 0, ++round;
            next_status += per_status;
        }
        if (now >= next_request) {
            const auto t0 = steady_clock::now();
            auto r = http.Get("/api/screens", {{"Cookie", cookie}});
            const double took = duration<double, std::milli>(steady_clock::now() - t0).count();
            if (!r || r->status != 200) {
                std::fprintf(stderr, "console_bench: GET /api/screens failed\n");
                return 1;
            }
            ms.push_back(took);
            bytes = r->body.size();
            listed = json::parse(r->body)["screens"].size();
            next_request += 250ms;
        }
        std::this_thread::sleep_until(std::min(next_status, next_request));
    }
    const long rss = proc_kb(console, "VmRSS:"), hwm = proc_kb(console, "VmHWM:");
    std::printf("console_bench: %d simulated screens, a status (%zu bytes) from each every 10 s, for %d s\n", screens,
                status_bytes, seconds);
    std::printf("  GET /api/screens (the 屏幕 page's data): %zu requests, %zu screens listed, %zu KB each\n", ms.size(), listed,
                bytes / 1024);
    std::printf("  server time: p50 %.1f ms, p99 %.1f ms, max %.1f ms   (target p99 <= 50 ms)\n", percentile(ms, 0.5),
                percentile(ms, 0.99), percentile(ms, 1.0));
    std::printf("  console memory: %.1f MiB resident (%.1f MiB before the screens), peak %.1f MiB   (target <= 64 MiB)\n",
                static_cast<double>(rss) / 1024, static_cast<double>(rss_idle) / 1024, static_cast<double>(hwm) / 1024);
    for (auto& s : sims) {
        mosquitto_disconnect(s.m);
        mosquitto_loop_stop(s.m, false);
        mosquitto_destroy(s.m);
    }
    ::kill(console, SIGTERM);
    int status = 0;
    ::waitpid(console, &status, 0);
    fs::remove_all(dir);
    return listed == static_cast<size_t>(screens) ? 0 : 1;
}
