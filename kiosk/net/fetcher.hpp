#pragma once
// One HTTP(S) GET with every limit a hall screen needs. Blocking: call it on a worker thread,
// never on the frame loop. Only this module includes curl.
#include <atomic>
#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

namespace kiosk::net {

struct FetchPolicy {
    long connect_timeout_ms = 10'000;
    long total_timeout_ms = 60'000;
    long low_speed_bytes = 512;   // abort when slower than this many bytes a second …
    long low_speed_seconds = 20;  // … for this long
    size_t max_body_bytes = 20u << 20;
    int max_redirects = 5;
    std::vector<std::string> allowed_hosts;  // "host" or ".domain" (subdomains); empty: none
    std::string ca_file;  // an extra CA bundle; TLS is always verified
    std::string proxy;    // empty: curl reads http_proxy / https_proxy / no_proxy
    // Set by the owner to stop a transfer at once (shutdown): checked at least once a second
    // while a transfer runs, even when no byte arrives. Borrowed; may be null.
    const std::atomic<bool>* cancel = nullptr;
};

struct FetchRequest {
    std::string url;
    std::string etag;           // from the last good fetch: If-None-Match
    std::string last_modified;  // If-Modified-Since
};

enum class FetchOutcome {
    ok,             // 2xx with a body
    not_modified,   // 304: the cached copy is current
    http_error,     // 4xx/5xx: see http_status
    network_error,  // DNS, connect, TLS, timeout, slow, truncated
    refused,        // by policy: host not allowed, scheme, redirects, size
    cancelled,      // policy.cancel was set (the kiosk is stopping)
};

struct FetchResult {
    FetchOutcome outcome = FetchOutcome::network_error;
    long http_status = 0;
    std::string body;
    std::string etag;
    std::string last_modified;
    std::string content_type;
    std::string final_url;
    std::string error;  // for operators: what happened, in plain words
    std::string reason;  // the same for a hall clerk, in Chinese (the screen's status carries it)
};

// The User-Agent sent: "kiosk/VERSION (hall screen; +https://…)".
std::string user_agent();

bool host_allowed(const std::string& url, const std::vector<std::string>& allowed_hosts);

FetchResult fetch(const FetchRequest& request, const FetchPolicy& policy);

}  // namespace kiosk::net
