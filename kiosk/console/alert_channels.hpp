#pragma once
// Where alerts go (contract 2 of issue 27): the channels IT lists in console.json's
// `alerts.channels` — 企业微信 and 钉钉 group robots, a generic JSON webhook, e-mail over
// SMTP — and one delivery attempt to one of them. Secrets (a 钉钉 signing secret, the SMTP
// password read from its password_file) stay in memory: never in the database or the browser.
// The network calls are net/notify's (only net/ includes curl); this file builds the bodies,
// reads the robots' answers and says in Chinese what IT should do when a delivery fails.
#include <ctime>
#include <string>
#include <vector>

namespace kiosk::console {

struct AlertChannel {
    std::string id, name, kind;  // kind: wecom | dingtalk | webhook | email
    std::string url, secret;     // webhooks (secret: 钉钉 signing, "SEC…"; empty: unsigned)
    std::string smtp, username, password, from, ca_file;  // email (smtp: smtp://host:port or smtps://…)
    bool starttls = true;        // email over smtp://: refuse a server that does not offer STARTTLS
    std::vector<std::string> to;
};

struct AlertMessage {
    std::string event;                  // raised | reminder | recovered | test
    std::string title, text;            // Chinese, plain text; text may have several lines
    std::string rule, screen, screen_name;  // for the generic webhook's JSON
    std::time_t at = 0;
};

struct DeliveryOutcome {
    bool ok = false;
    std::string detail;  // Chinese: what happened and what to do when !ok
};

// One attempt, bounded in time (≤ 15 s); never throws.
DeliveryOutcome deliver(const AlertChannel& channel, const AlertMessage& message);

// The same with other time limits than deliver()'s (tests: a silent server gives up in 1 s).
struct DeliveryLimits {
    long connect_timeout_ms = 5'000;
    long total_timeout_ms = 12'000;
};
DeliveryOutcome deliver(const AlertChannel& channel, const AlertMessage& message, const DeliveryLimits& limits);

// When to try a failed delivery again: 1 min, 2, 4 … capped at 1 h, after `attempts` failures.
std::time_t next_attempt(int attempts, std::time_t failed_at);

// The bodies sent, exposed for tests and for the docs' examples.
std::string wecom_body(const AlertMessage& message);
std::string dingtalk_body(const AlertMessage& message);
std::string webhook_body(const AlertMessage& message);
// 钉钉's signed request: `url` + "&timestamp=MS&sign=URLENCODED(BASE64(HMAC-SHA256(secret, MS\nsecret)))".
std::string dingtalk_signed_url(const std::string& url, const std::string& secret, long long timestamp_ms);

}  // namespace kiosk::console
