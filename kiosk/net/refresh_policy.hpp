#pragma once
// What a fetch result does to an item's content: replace it, keep the last good one (and
// record why), or take the item down (withdrawn). Pure: the caller passes the time and a
// random number for the jitter, so every rule is tested without a network or a clock.
#include <ctime>
#include <string>

#include "net/fetcher.hpp"

namespace kiosk::net {

struct RefreshPolicy {
    double min_size_ratio = 0.5;       // a new version shorter than this share of the last good one is suspect
    double not_found_grace_seconds = 24 * 3600;  // a lasting 404 takes the item down after this
    double retry_base_seconds = 60;    // first retry after a failure, doubling …
    double retry_max_seconds = 3600;   // … up to this
};

// Per item, kept by the fetch worker and shown in status.
struct ItemHealth {
    std::time_t last_attempt = 0;
    std::time_t last_success = 0;  // the last fetch that gave (or confirmed) good content
    int failures = 0;              // in a row
    std::string last_error;        // plain words; empty after a success
    std::string last_reason;       // the same for a hall clerk, in Chinese
    std::time_t not_found_since = 0;
    bool withdrawn = false;        // taken down: 410, or 404 past the grace period
    std::time_t next_attempt = 0;
    size_t good_chars = 0;         // size of the last good Document's text
};

enum class RefreshAction { replace, keep, take_down };

struct RefreshDecision {
    RefreshAction action = RefreshAction::keep;
    ItemHealth health;  // updated
};

// `new_chars`: characters of the Document extracted from an ok fetch (0: nothing usable).
// `refresh_seconds`: the item's normal interval. `jitter`: uniform in [0, 1).
RefreshDecision judge_fetch(const FetchResult& result, size_t new_chars, ItemHealth health,
                            std::time_t now, double refresh_seconds, double jitter,
                            const RefreshPolicy& policy = {});

}  // namespace kiosk::net
