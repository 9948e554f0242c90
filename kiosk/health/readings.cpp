#include "health/readings.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <cstdio>

namespace kiosk::health {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kMaxFile = 64 * 1024;
constexpr int kMaxZones = 64;

// /sys and /proc files report a size of 0 or 4096 whatever they hold: read as streams, at
// most kMaxFile bytes.
std::string proc_file(const fs::path& file) {
    std::string out;
    if (FILE* f = std::fopen(file.c_str(), "re")) {
        char buf[4096];
        for (std::size_t n; out.size() < kMaxFile && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        std::fclose(f);
    }
    return out;
}
std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}
}  // namespace

std::string human_size(std::uint64_t bytes) {
    const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char text[32];
    if (u == 0) std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
    else std::snprintf(text, sizeof text, v < 10 && std::round(v * 10) != std::round(v) * 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return text;
}

HealthRoots HealthRoots::from_environment() {
    HealthRoots roots;
    if (const char* root = std::getenv("KIOSK_HEALTH_SYS_ROOT"); root && *root) {
        const fs::path r = root;
        roots.thermal = r / "sys/class/thermal";
        roots.proc = r / "proc";
        roots.os_release = r / "etc/os-release";
    }
    return roots;
}

std::optional<long> mem_available_kb(const std::string& meminfo) {
    std::istringstream in(meminfo);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("MemAvailable:", 0) == 0) {
            char* end = nullptr;
            const long kb = std::strtol(line.c_str() + 13, &end, 10);
            if (end != line.c_str() + 13 && kb >= 0) return kb;
        }
    return std::nullopt;
}

std::string pretty_name(const std::string& os_release) {
    std::istringstream in(os_release);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = trimmed(line.substr(12));
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
            return v.substr(0, 200);
        }
    return {};
}

DiskReading disk_of(const fs::path& folder, std::uint64_t free_bytes, std::uint64_t total_bytes) {
    DiskReading d{folder.string(), free_bytes, total_bytes, 0};
    if (total_bytes > 0) d.free_percent = std::round(1000.0 * static_cast<double>(free_bytes) / static_cast<double>(total_bytes)) / 10;
    return d;
}

HostReadings read_host(const HealthRoots& roots, const fs::path& disk_folder) {
    HostReadings r;
    // The hottest zone: a cabinet overheats wherever its hottest part is.
    std::error_code ec;
    int zones = 0;
    for (fs::directory_iterator it(roots.thermal, ec), end; !ec && it != end && zones < kMaxZones; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("thermal_zone", 0) != 0) continue;
        ++zones;
        const std::string temp = trimmed(proc_file(it->path() / "temp"));
        char* stop = nullptr;
        const long milli = std::strtol(temp.c_str(), &stop, 10);
        if (temp.empty() || *stop != '\0') continue;
        const double c = std::round(static_cast<double>(milli) / 100.0) / 10.0;
        if (c < -60 || c > 200) continue;  // a sensor's error value, not a temperature
        if (!r.temperature_c || c > *r.temperature_c) {
            r.temperature_c = c;
            r.thermal_zone = trimmed(proc_file(it->path() / "type")).substr(0, 100);
        }
    }
    struct statvfs vfs{};
    if (!disk_folder.empty() && ::statvfs(disk_folder.c_str(), &vfs) == 0)
        r.disk = disk_of(disk_folder, static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize,
                         static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize);
    r.available_kb = mem_available_kb(proc_file(roots.proc / "meminfo")).value_or(0);
    {
        std::istringstream load(proc_file(roots.proc / "loadavg"));
        for (double& l : r.load)
            if (!(load >> l) || !std::isfinite(l) || l < 0) l = 0;
    }
    {
        std::istringstream up(proc_file(roots.proc / "uptime"));
        double seconds = 0;
        if (up >> seconds && std::isfinite(seconds) && seconds >= 0 && seconds < 1e12) r.host_uptime_seconds = static_cast<long>(seconds);
    }
    r.os = pretty_name(proc_file(roots.os_release));
    return r;
}

}  // namespace kiosk::health
