#pragma once
#include <cstdio>
#include <ctime>

#include "config/config.hpp"
#include "net/fetcher.hpp"
#include "schedule/scheduler.hpp"

namespace kiosk::app {

// The build's date: before it the wall clock is not believed (a dead RTC battery).
inline std::time_t build_time() {
    int y = 2026, m = 1, d = 1;
    std::sscanf(KIOSK_BUILD_DATE, "%d-%d-%d", &y, &m, &d);
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return timegm(&tm);
}

inline schedule::Settings scheduler_settings(const config::KioskConfig& cfg) {
    schedule::Settings s;
    s.default_dwell = cfg.page_seconds;
    s.reading = cfg.reading;
    s.trusted_after = build_time();
    return s;
}

// How the kiosk fetches (the run loop's worker, `kiosk extract URL`): the config's
// allowlist, CA bundle and proxy.
inline net::FetchPolicy fetch_policy_for(const config::KioskConfig& cfg) {
    net::FetchPolicy policy;
    policy.allowed_hosts = cfg.network.allowed_hosts;
    policy.ca_file = cfg.network.ca_file;
    policy.proxy = cfg.network.proxy;
    return policy;
}

}  // namespace kiosk::app
