#include "net/refresh_policy.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::net {

RefreshDecision judge_fetch(const FetchResult& r, size_t new_chars, ItemHealth h, std::time_t now,
                            double refresh_seconds, double jitter, const RefreshPolicy& p) {
    RefreshDecision d;
    h.last_attempt = now;
    auto succeed = [&](RefreshAction action) {
        h.failures = 0;
        h.last_error.clear();
        h.last_reason.clear();
        h.last_success = now;
        h.not_found_since = 0;
        h.withdrawn = false;
        h.next_attempt = now + static_cast<std::time_t>(refresh_seconds);
        d.action = action;
    };
    auto fail = [&](std::string why, std::string reason) {
        ++h.failures;
        h.last_error = std::move(why);
        h.last_reason = reason.empty() ? "取不到新内容（详情见屏幕日志）" : std::move(reason);
        // Exponential backoff with ±20 % jitter, so many screens do not retry in step.
        const double wait = std::min(p.retry_max_seconds, p.retry_base_seconds * std::pow(2.0, h.failures - 1));
        h.next_attempt = now + static_cast<std::time_t>(wait * (0.8 + 0.4 * jitter));
        d.action = RefreshAction::keep;
    };
    switch (r.outcome) {
        case net::FetchOutcome::ok:
            if (new_chars == 0) {
                fail(r.error.empty() ? "the page holds no article text (empty, or nothing found to show)" : r.error,
                     r.reason.empty() ? "网页上没有找到正文（空白，或没有可显示的内容）" : r.reason);
            } else if (h.good_chars > 0 && static_cast<double>(new_chars) < p.min_size_ratio * static_cast<double>(h.good_chars)) {
                fail("the new version is much shorter (" + std::to_string(new_chars) + " characters against " +
                     std::to_string(h.good_chars) + "); the previous version stays until it is confirmed",
                     "新版本比上一版短很多（" + std::to_string(new_chars) + " 字，上一版 " + std::to_string(h.good_chars) +
                         " 字），等确认后再换");
            } else {
                h.good_chars = new_chars;
                succeed(RefreshAction::replace);
            }
            break;
        case net::FetchOutcome::not_modified: succeed(RefreshAction::keep); break;
        case net::FetchOutcome::http_error:
            if (r.http_status == 410) {
                fail("withdrawn by the portal (HTTP 410): taken off the screen", "门户已撤下这个网页（410），已从屏幕上撤下");
                h.withdrawn = true;
                d.action = RefreshAction::take_down;
            } else if (r.http_status == 404) {
                if (h.not_found_since == 0) h.not_found_since = now;
                if (now - h.not_found_since >= static_cast<std::time_t>(p.not_found_grace_seconds)) {
                    fail("not found (HTTP 404) since the grace period began: taken off the screen",
                         "网页不存在（404）已超过宽限期，已从屏幕上撤下");
                    h.withdrawn = true;
                    d.action = RefreshAction::take_down;
                } else {
                    fail("not found (HTTP 404); the last good version stays for now", "网页不存在（404）");
                }
            } else {
                fail(r.error, r.reason);
            }
            break;
        case net::FetchOutcome::network_error:
        case net::FetchOutcome::refused:
        case net::FetchOutcome::cancelled: fail(r.error, r.reason); break;
    }
    d.health = std::move(h);
    return d;
}

}  // namespace kiosk::net
