#pragma once
// The host's health as the kiosk reports it (kiosk-status/1 "health"), read at this one
// boundary: the hottest thermal zone, free space where the state lives, available memory,
// load, uptime and the OS's name. Every file is read under a root that tests move
// (HealthRoots): a test runs a real kiosk against a fake /sys/class/thermal.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace kiosk::health {

struct HealthRoots {
    std::filesystem::path thermal = "/sys/class/thermal";  // thermal_zone*/{temp,type}
    std::filesystem::path proc = "/proc";                  // meminfo, loadavg, uptime
    std::filesystem::path os_release = "/etc/os-release";  // PRETTY_NAME
    // The defaults, or all three under KIOSK_HEALTH_SYS_ROOT (a folder holding
    // sys/class/thermal, proc and etc/os-release) when that variable is set: only tests set it.
    static HealthRoots from_environment();
};

struct DiskReading {
    std::string path;
    std::uint64_t free_bytes = 0, total_bytes = 0;
    double free_percent = 0;
};

struct HostReadings {
    std::optional<double> temperature_c;  // none: no thermal zone readable
    std::string thermal_zone;             // the hottest zone's type; "" when none
    std::optional<DiskReading> disk;      // none: statvfs failed
    long available_kb = 0;                // MemAvailable; 0: unknown
    std::array<double, 3> load{};
    long host_uptime_seconds = 0;
    std::string os;                       // PRETTY_NAME; "" when unknown
};

// Small reads of a few files each (no more than 64 KiB from any one, at most 64 thermal
// zones): cheap enough for every status the kiosk writes. Never throws.
HostReadings read_host(const HealthRoots& roots, const std::filesystem::path& disk_folder);

// "12 GB", "1.5 GB", "340 MB", "12 KB": a free space as people read it (binary units).
std::string human_size(std::uint64_t bytes);

// Parts of it, for tests.
std::optional<long> mem_available_kb(const std::string& meminfo);
std::string pretty_name(const std::string& os_release);
DiskReading disk_of(const std::filesystem::path& folder, std::uint64_t free_bytes, std::uint64_t total_bytes);

}  // namespace kiosk::health
