// Soak: the kiosk's run loop headless (SDL's dummy driver) with a fast page clock (the
// test's own fast_clock_kiosk: pages turn 1000 times faster), 10,000 page flips and 500 content
// refreshes of a web item from a loopback portal that answers well, badly and not at all
// in turn. Peak RSS may grow at most 2 MiB after warm-up; under ASan/LSan (the ASan
// build runs this too, shorter) the kiosk must exit 0, which it cannot with a leak.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "server_thread.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

using test::kSanitized;
using test::proc_status_kb;

bool send_control(const fs::path& socket, const std::string& line) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
              ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    char buf[64];
    if (ok) ok = ::read(fd, buf, sizeof buf) > 0;
    ::close(fd);
    return ok;
}

}  // namespace

TEST_CASE("soak: 10,000 page flips and 500 refreshes (failures included), RSS flat, no leaks", "[soak]") {
    const long flips_wanted = kSanitized ? 2000 : 10000;
    const int refreshes_wanted = kSanitized ? 100 : 500;
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    const std::string report = test::read_file(KIOSK_TEST_CORPUS);

    // The portal: new text, a server error, a vanished page, garbage, in turn.
    httplib::Server server;
    std::atomic<int> hits{0};
    server.Get("/news.txt", [&](const httplib::Request&, httplib::Response& res) {
        const int n = hits++;
        switch (n % 4) {
            case 0:
            case 2: res.set_content(report + "\n第" + std::to_string(n) + "次更新。\n", "text/plain; charset=utf-8"); break;
            case 1: res.status = 500; break;
            default: res.set_content(std::string(3000, '\x01'), "application/octet-stream"); break;
        }
    });
    test::ServerThread serving(server);
    const int port = serving.port();

    test::write_file(dir.path() / "report.txt", report);
    test::write_file(dir.path() / "kiosk.json",
                     json{{"page_seconds", 2},
                          {"screen", {{"width", 480}, {"height", 270}}},
                          {"network", {{"allowed_hosts", {"127.0.0.1"}}}},
                          {"paths", {{"runtime", runtime.string()}, {"state", (dir.path() / "state").string()},
                                     {"cache", (dir.path() / "cache").string()}}}}
                         .dump());
    test::write_file(dir.path() / "playlist.json",
                     json{{"items", {{{"id", "report"}, {"source", "file:report.txt"}},
                                     {{"id", "news"}, {"source", "http://127.0.0.1:" + std::to_string(port) + "/news.txt"}}}}}
                         .dump());
    test::BackgroundKiosk kiosk({"1000", (dir.path() / "kiosk.json").string()},
                                {"SDL_VIDEODRIVER=dummy", "KIOSK_LOG_LEVEL=warning"}, dir.path(), KIOSK_FAST_CLOCK_BINARY);
    auto pages_shown = [&] {
        try {
            return json::parse(test::read_file(runtime / "status.json")).value("pages_shown", 0L);
        } catch (...) {
            return 0L;
        }
    };
    REQUIRE(test::wait_for([&] { return pages_shown() > 0 && fs::exists(runtime / "control.sock"); }, 20));

    // Refreshes, one after another (each waits for the portal to be asked), while pages turn.
    int sent = 0;
    long warm_peak = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(kSanitized ? 8 : 4);
    while ((sent < refreshes_wanted || pages_shown() < flips_wanted) && std::chrono::steady_clock::now() < deadline) {
        REQUIRE(kiosk.running());
        if (sent < refreshes_wanted) {
            const int before = hits;
            REQUIRE(send_control(runtime / "control.sock", "refresh news\n"));
            ++sent;
            test::wait_for([&] { return hits > before; }, 5);
        } else {
            std::this_thread::sleep_for(50ms);
        }
        if (warm_peak < 0 && pages_shown() >= flips_wanted / 10 && sent >= refreshes_wanted / 10)
            warm_peak = proc_status_kb(kiosk.pid(), "VmHWM:");  // after warm-up: caches and glyph cache filled
    }
    const long flips = pages_shown();
    const long end_peak = proc_status_kb(kiosk.pid(), "VmHWM:");
    INFO("flips " << flips << ", refreshes " << sent << " (portal asked " << hits << " times), peak RSS "
                  << warm_peak << " kB after warm-up, " << end_peak << " kB at the end");
    CHECK(flips >= flips_wanted);
    CHECK(sent == refreshes_wanted);
    CHECK(hits >= refreshes_wanted);
    REQUIRE(warm_peak > 0);
    if (!kSanitized) CHECK(end_peak - warm_peak <= 2048);  // ≤ 2 MiB (ASan's own heap makes this meaningless)
    std::printf("soak: %ld flips, %d refreshes; peak RSS %ld kB after warm-up, %ld kB at the end (+%ld kB)\n", flips, sent,
                warm_peak, end_peak, end_peak - warm_peak);
    // Still showing, content from the last good fetch; and a clean exit (LSan fails it on a leak).
    const json status = json::parse(test::read_file(runtime / "status.json"));
    REQUIRE(!status["items"].empty());
    for (const auto& item : status["items"]) CHECK(item["pages"].get<int>() > 0);
    INFO(kiosk.err().substr(0, 2000));
    CHECK(kiosk.stop() == 0);
}
