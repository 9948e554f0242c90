// `kiosk render --fetch` (what the console's previews run): a portal page is fetched and
// laid out as a screen's fetch worker does it — its pictures fetched from the page's own
// site through the allowlist — and never draws a file from the previewing machine's disk,
// whatever the page's <img> says.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "render/png_writer.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A PNG of one colour.
std::string solid_png(const fs::path& file, unsigned char r, unsigned char g, unsigned char b) {
    const std::uint32_t argb = 0xFF000000u | (std::uint32_t{r} << 16) | (std::uint32_t{g} << 8) | b;
    std::vector<std::uint32_t> pixels(240 * 160, argb);
    REQUIRE(kiosk::render::write_png(file, 240, 160, pixels.data(), 240 * 4));
    return test::read_file(file);
}

// Pixels of every page within 12 of the colour.
long pixels_of(const fs::path& folder, int r, int g, int b) {
    long n = 0;
    for (const auto& e : fs::directory_iterator(folder)) {
        if (e.path().extension() != ".png") continue;
        const test::Image img = test::read_png(e.path());
        for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
            if (std::abs(img.rgb[i] - r) <= 12 && std::abs(img.rgb[i + 1] - g) <= 12 && std::abs(img.rgb[i + 2] - b) <= 12) ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("render --fetch: a portal page's pictures come from its site through the allowlist, never from this disk",
          "[process][fetch][preview]") {
    test::TempDir dir;
    // Green on the portal; magenta on the previewing machine's disk, named by the page.
    const std::string green = solid_png(dir.path() / "green.png", 20, 200, 90);
    solid_png(dir.path() / "magenta.png", 230, 20, 230);
    const std::string local = (dir.path() / "magenta.png").string();
    const std::string page =
        "<html><head><meta charset=utf-8><title>关于春节期间办事大厅开放时间的通知</title></head><body><div class=article>"
        "<h1>关于春节期间办事大厅开放时间的通知</h1><p>春节期间，市政务服务中心办事大厅的开放时间调整如下，请办事群众合理安排时间。</p>"
        "<p><img src=\"/img/hall.png\" alt=\"大厅\"></p><p>图为办事大厅。</p>"
        "<p><img src=\"file://" + local + "\"></p><p><img src=\"" + local + "\"></p>"
        "<p>二月十日至十七日休息，十八日起正常办公。</p></div></body></html>";
    httplib::Server server;
    server.Get("/news/page.html", [&](const httplib::Request&, httplib::Response& res) { res.set_content(page, "text/html; charset=utf-8"); });
    server.Get("/img/hall.png", [&](const httplib::Request&, httplib::Response& res) { res.set_content(green, "image/png"); });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    struct Stop {  // the server stops however the test ends
        httplib::Server& server;
        std::thread& thread;
        ~Stop() {
            server.stop();
            thread.join();
        }
    } stop{server, thread};
    REQUIRE(test::wait_for([&] { return server.is_running(); }, 10));

    test::write_file(dir.path() / "playlist.json",
                     json{{"version", 1},
                          {"items", {{{"id", "news"}, {"selector", ".article"}, {"source", "http://127.0.0.1:" + std::to_string(port) + "/news/page.html"}}}}}
                         .dump());
    test::write_file(dir.path() / "kiosk.json",
                     json{{"version", 1},
                          {"time_zone", "Asia/Shanghai"},
                          {"network", {{"allowed_hosts", {"127.0.0.1"}}}},
                          {"paths", {{"runtime", (dir.path() / "run").string()}, {"state", (dir.path() / "state").string()},
                                     {"cache", (dir.path() / "cache").string()}}},
                          {"playlist", "playlist.json"}}
                         .dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    const auto out = dir.path() / "out";
    auto run = test::run_kiosk({"render", "--config", config, "--item", "news", "--out", out.string(), "--size", "960x540",
                                "--now", "2026-12-07T10:00", "--fetch"},
                               "SDL_VIDEODRIVER=dummy");
    INFO(run.err);
    REQUIRE(run.status == 0);
    CHECK(pixels_of(out, 20, 200, 90) > 2000);  // the portal's picture is on a page
    CHECK(pixels_of(out, 230, 20, 230) == 0);   // the local file is not, by either address

    // Without --fetch a command touches no network: the item has nothing to show yet.
    auto cached_only = test::run_kiosk({"render", "--config", config, "--item", "news", "--out", (dir.path() / "out2").string(),
                                        "--size", "960x540", "--now", "2026-12-07T10:00"},
                                       "SDL_VIDEODRIVER=dummy");
    CHECK(cached_only.status != 0);
}
