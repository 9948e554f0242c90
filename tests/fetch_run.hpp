#pragma once
// The fetch process tests' shared pieces: the fetch worker's next update, a running kiosk's
// first item in its status.json, and a kiosk.json fetching from loopback.
#include <catch2/catch.hpp>

#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/fetch_worker.hpp"
#include "support.hpp"

namespace fetch_test {

namespace fs = std::filesystem;
using nlohmann::json;

// The worker's latest update, waiting up to 10 s for one.
inline kiosk::app::ItemUpdate next_update_of(kiosk::app::FetchWorker& worker) {
    std::deque<kiosk::app::ItemUpdate> got;
    REQUIRE(test::wait_for([&] {
        auto more = worker.take();
        got.insert(got.end(), more.begin(), more.end());
        return !got.empty();
    }, 10));
    return got.back();
}

inline json item_status(const fs::path& runtime) {
    json s = test::status_of(runtime);
    return s.is_object() && !s["items"].empty() ? s["items"][0] : json();
}

// kiosk.json for a kiosk fetching from loopback, its folders under `dir`; `extra` merges in.
inline void write_kiosk_config(const fs::path& dir, const fs::path& runtime, json extra = json::object()) {
    json cfg = {{"page_seconds", 1},
                {"network", {{"allowed_hosts", {"127.0.0.1"}}}},
                {"paths",
                 {{"runtime", runtime.string()},
                  {"state", (dir / "state").string()},
                  {"cache", (dir / "cache").string()}}}};
    cfg.update(extra);
    test::write_file(dir / "kiosk.json", cfg.dump());
}

}  // namespace fetch_test
