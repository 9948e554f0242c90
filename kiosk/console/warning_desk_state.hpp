#pragma once
// The 预警 desk's own state, shared by its files (warning_desk.cpp: intake, the thread;
// warning_page.cpp: the page's overview, approval, rules). Internal to console/.
#include <atomic>
#include <map>
#include <set>

#include "console/service.hpp"
#include "console/store.hpp"
#include "console/warning_desk.hpp"
#include "net/fetcher.hpp"

namespace kiosk::console {

struct WarningDesk::State {
    State(WarningSettings s, std::string z, Store& st, Service& sv, std::chrono::milliseconds t)
        : settings(std::move(s)), zone(std::move(z)), store(st), service(sv), tick(t) {}
    WarningSettings settings;
    std::string zone;
    Store& store;
    Service& service;
    std::chrono::milliseconds tick;
    net::FetchPolicy policy;
    std::atomic<bool> cancel{false};
    std::mutex work;  // one take, approval, rejection or rules change at a time
    // The thread's own.
    std::map<std::string, std::time_t> next_poll;  // feed name → when
    std::map<std::string, std::uintmax_t> sizes;   // drop folder file → its size at the last look
    std::set<std::string> stuck;                   // drop folder files taken that could not be moved
    std::set<std::string> reported;                // feed entries' errors already recorded
    std::string drop_problem;                      // Chinese, "" when well (guarded by `work`)

    // The rules in force: the admin's, else the defaults.
    warning::Rules rules();
    std::optional<warning::Known> known(const std::string& identifier);
    // A message (or the parser's refusal) recorded, decided and acted on: its state and
    // what became of it in Chinese. Under `work`.
    std::pair<std::string, std::string> take(const Result<warning::Message>& m, const std::string& raw, const std::string& source,
                                             std::time_t now);
    void expire(std::time_t now);
    std::string local(std::time_t t) const;  // "2026-12-07 06:10:00", "" for 0
};

// The desk's own actor in the audit log.
Actor desk_actor();
std::vector<std::string> split_commas(const std::string& s);
std::string join_commas(const std::vector<std::string>& v);

}  // namespace kiosk::console
