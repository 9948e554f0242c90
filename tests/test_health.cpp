// Health in every status (kiosk-status/1 "health"): the readings at their boundary
// (health/readings.hpp) against a fake /sys, /proc and /etc, and a real headless kiosk
// reporting them — a fake thermal zone, a tiny disk, and the frame sample that calls a
// page drawn black uniform and the standing page and a text page not.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "health/readings.hpp"
#include "health/status.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kiosk;

namespace {

// A fake root for KIOSK_HEALTH_SYS_ROOT: two thermal zones (the hotter one wins) and one
// that reads an error, /proc's meminfo, loadavg and uptime, and /etc/os-release.
void write_fake_root(const fs::path& root) {
    for (const char* d : {"sys/class/thermal/thermal_zone0", "sys/class/thermal/thermal_zone1", "sys/class/thermal/thermal_zone2",
                          "sys/class/thermal/cooling_device0", "proc", "etc"})
        fs::create_directories(root / d);
    test::write_file(root / "sys/class/thermal/thermal_zone0/temp", "45000\n");
    test::write_file(root / "sys/class/thermal/thermal_zone0/type", "acpitz\n");
    test::write_file(root / "sys/class/thermal/thermal_zone1/temp", "61500\n");
    test::write_file(root / "sys/class/thermal/thermal_zone1/type", "x86_pkg_temp\n");
    test::write_file(root / "sys/class/thermal/thermal_zone2/temp", "not a number\n");
    test::write_file(root / "sys/class/thermal/thermal_zone2/type", "broken\n");
    test::write_file(root / "sys/class/thermal/cooling_device0/type", "Processor\n");
    test::write_file(root / "proc/meminfo", "MemTotal:        8000000 kB\nMemFree:          100000 kB\nMemAvailable:    1234567 kB\n");
    test::write_file(root / "proc/loadavg", "0.50 0.40 0.30 2/345 6789\n");
    test::write_file(root / "proc/uptime", "86461.25 170000.00\n");
    test::write_file(root / "etc/os-release", "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n");
}

json status_of(const fs::path& runtime) {
    auto s = status::read_status(runtime / "status.json");
    return s ? *s : json();
}

// A tmpfs of `bytes` at `where` when this process may mount (root, as in CI's container);
// detached when it goes (lazily: the kiosk may still hold it for a moment).
struct TinyDisk {
    fs::path where;
    bool mounted = false;
    TinyDisk(const fs::path& at, std::uint64_t bytes) : where(at) {
        fs::create_directories(where);
        const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
        mounted = ::mount("tmpfs", where.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    }
    ~TinyDisk() {
        if (mounted) ::umount2(where.c_str(), MNT_DETACH);
    }
};

}  // namespace

TEST_CASE("health: the host's readings come from their files, the hottest zone wins, what is unreadable is unknown", "[health]") {
    test::TempDir dir;
    write_fake_root(dir.path() / "root");
    health::HealthRoots roots{dir.path() / "root/sys/class/thermal", dir.path() / "root/proc", dir.path() / "root/etc/os-release"};
    const auto r = health::read_host(roots, dir.path());
    REQUIRE(r.temperature_c);
    CHECK(*r.temperature_c == Approx(61.5));
    CHECK(r.thermal_zone == "x86_pkg_temp");
    CHECK(r.available_kb == 1234567);
    CHECK(r.load == std::array<double, 3>{0.5, 0.4, 0.3});
    CHECK(r.host_uptime_seconds == 86461);
    CHECK(r.os == "Debian GNU/Linux 12 (bookworm)");
    REQUIRE(r.disk);
    struct statvfs vfs{};
    REQUIRE(::statvfs(dir.path().c_str(), &vfs) == 0);
    CHECK(r.disk->total_bytes == static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize);
    CHECK(r.disk->path == dir.path().string());

    // Nothing there: no temperature (not 0 °C), no disk, zeros for the rest.
    const auto none = health::read_host({dir.path() / "nothing", dir.path() / "nothing", dir.path() / "nothing"}, dir.path() / "nowhere");
    CHECK_FALSE(none.temperature_c);
    CHECK(none.thermal_zone.empty());
    CHECK_FALSE(none.disk);
    CHECK(none.available_kb == 0);
    CHECK(none.os.empty());

    CHECK(health::mem_available_kb("MemTotal: 5 kB\n") == std::nullopt);
    CHECK(health::pretty_name("PRETTY_NAME='Alpine Linux v3.19'\n") == "Alpine Linux v3.19");
    CHECK(health::disk_of("/x", 27, 100).free_percent == Approx(27.0));
    CHECK(health::disk_of("/x", 1, 0).free_percent == 0);
    CHECK(health::human_size(12ull << 30) == "12 GB");
    CHECK(health::human_size(1536ull << 20) == "1.5 GB");
    CHECK(health::human_size(340ull << 20) == "340 MB");
}

TEST_CASE("health: a running kiosk reports a fake thermal zone, a tiny disk, memory, load, uptime, OS, display and frames", "[health][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run", state = dir.path() / "state";
    write_fake_root(dir.path() / "root");
    // The tiny disk: a 4 MiB tmpfs where the state lives when this process may mount one
    // (root); else the state folder's own file system, compared with statvfs here.
    TinyDisk disk(state, 4u << 20);
    test::write_file(dir.path() / "a.txt", "甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    test::write_file(dir.path() / "kiosk.json",
                     json{{"page_seconds", 1},
                          {"screen", {{"frame_sample_seconds", 1}}},
                          {"paths", {{"runtime", runtime.string()}, {"state", state.string()}, {"cache", (dir.path() / "cache").string()}}}}
                         .dump());
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()},
                                {"SDL_VIDEODRIVER=dummy", "KIOSK_HEALTH_SYS_ROOT=" + (dir.path() / "root").string()}, dir.path());
    json s;
    REQUIRE(test::wait_for([&] {
        s = status_of(runtime);
        return s.is_object() && s.contains("health") && s["current"]["item"] == "a" &&
               !s["health"]["frames"]["sampled_at"].get<std::string>().empty();
    }, 20));
    INFO(s.dump(2));
    const json& h = s["health"];
    CHECK(h["temperature_c"] == 61.5);
    CHECK(h["thermal_zone"] == "x86_pkg_temp");
    CHECK(h["memory"]["available_kb"] == 1234567);
    CHECK(h["memory"]["kiosk_rss_kb"].get<long>() > 1000);
    CHECK(h["load"] == json::array({0.5, 0.4, 0.3}));
    CHECK(h["host_uptime_seconds"] == 86461);
    CHECK(h["kiosk_uptime_seconds"].get<long>() >= 0);
    CHECK(h["os"] == "Debian GNU/Linux 12 (bookworm)");
    CHECK(h["display"]["driver"] == "dummy");
    CHECK(h["display"]["width"].get<int>() > 0);
    CHECK(h["display"]["height"].get<int>() > 0);
    CHECK(h["frames"]["last_minute"].get<long>() >= 1);
    CHECK(h["frames"]["uniform"] == false);  // a text page: drawn
    CHECK(h["frames"]["colour"] == "");
    CHECK(h["disk"]["path"] == state.string());
    if (disk.mounted) {
        CHECK(h["disk"]["total_bytes"] == 4u << 20);
        // Filled to three quarters: the next status says so.
        test::write_file(state / "filler", std::string(3u << 20, 'x'));
        REQUIRE(test::wait_for([&] {
            s = status_of(runtime);
            return s.is_object() && s["health"]["disk"]["free_percent"].get<double>() < 25.0;
        }, 10));
        CHECK(s["health"]["disk"]["free_bytes"].get<std::uint64_t>() < (1u << 20));
    } else {
        WARN("cannot mount a tmpfs here (not root): the state folder's own disk is checked instead");
        struct statvfs vfs{};
        REQUIRE(::statvfs(state.c_str(), &vfs) == 0);
        CHECK(h["disk"]["total_bytes"] == static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize);
    }
    // The cabinet warms: the next status has the new reading.
    test::write_file(dir.path() / "root/sys/class/thermal/thermal_zone0/temp", "70250\n");
    REQUIRE(test::wait_for([&] {
        s = status_of(runtime);
        return s.is_object() && s["health"]["temperature_c"] == 70.3 && s["health"]["thermal_zone"] == "acpitz";
    }, 10));
    // `kiosk status` says it in words.
    auto shown = test::run_kiosk({"status", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(shown.status == 0);
    CHECK(shown.out.find("temperature: 70.3 °C (hottest zone: acpitz)") != std::string::npos);
    CHECK(shown.out.find("disk: ") != std::string::npos);
    CHECK(shown.out.find("display: dummy ") != std::string::npos);
    CHECK(shown.out.find("shows a drawn page") != std::string::npos);
    INFO(kiosk.err());
    CHECK(kiosk.stop() == 0);
}

// A page drawn black — here a theme whose every colour is black, so the page and its
// chrome come out one colour — is the fault the frame sample catches; the standing page
// and a text page are drawn.
TEST_CASE("health: the frame sample calls a page drawn black uniform, never the standing page or a text page", "[health][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    const json paths = {{"runtime", runtime.string()}, {"state", (dir.path() / "state").string()}, {"cache", (dir.path() / "cache").string()}};
    auto config = [&](bool black) {
        json cfg = {{"page_seconds", 30}, {"screen", {{"frame_sample_seconds", 1}, {"qr_code", false}}}, {"paths", paths}};
        if (black)
            for (const char* k : {"background", "text", "muted", "accent", "header_background", "header_text"}) cfg["theme"][k] = "#000000";
        test::write_file(dir.path() / "kiosk.json", cfg.dump());
    };
    config(false);
    test::write_file(dir.path() / "playlist.json", R"({"items": []})");
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    // Two samples of the same page (a sample second apart): the second was surely of it.
    auto sampled_twice = [&](const std::function<bool(const json&)>& showing) {
        std::string first;
        json s;
        const bool ok = test::wait_for([&] {
            s = status_of(runtime);
            if (!s.is_object() || !s.contains("health") || !showing(s)) return false;
            const std::string at = s["health"]["frames"]["sampled_at"].get<std::string>();
            if (first.empty()) first = at;
            return !at.empty() && at != first;
        }, 20);
        INFO(s.dump(2));
        REQUIRE(ok);
        return s["health"]["frames"];
    };
    json frames = sampled_twice([](const json& s) { return s["current"]["standing"] == true; });
    CHECK(frames["uniform"] == false);

    test::write_file(dir.path() / "a.txt", "甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    test::write_file(dir.path() / "playlist.json", R"({"items": [{"id": "a", "source": "file:a.txt"}]})");
    frames = sampled_twice([](const json& s) { return s["current"]["item"] == "a"; });
    CHECK(frames["uniform"] == false);

    // The page drawn black: raised, with its colour, within seconds.
    config(true);
    REQUIRE(::kill(kiosk.pid(), SIGHUP) == 0);
    json s;
    REQUIRE(test::wait_for([&] {
        s = status_of(runtime);
        return s.is_object() && s["health"]["frames"]["uniform"] == true;
    }, 20));
    CHECK(s["health"]["frames"]["colour"] == "#000000");
    CHECK(s["current"]["item"] == "a");
    auto shown = test::run_kiosk({"status", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(shown.out.find("FRAME UNIFORM") != std::string::npos);
    CHECK(shown.out.find("is all #000000") != std::string::npos);

    // Drawn again: cleared.
    config(false);
    REQUIRE(::kill(kiosk.pid(), SIGHUP) == 0);
    REQUIRE(test::wait_for([&] {
        s = status_of(runtime);
        return s.is_object() && s["health"]["frames"]["uniform"] == false;
    }, 20));
    CHECK(s["health"]["frames"]["colour"] == "");
    INFO(kiosk.err());
    CHECK(kiosk.stop() == 0);
}
