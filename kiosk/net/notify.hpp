#pragma once
// Messages to people (the console's alerts): a JSON body POSTed over HTTP(S) (group robots,
// webhooks) and an e-mail sent through an SMTP server with libcurl (STARTTLS, login). Each is
// one bounded, blocking attempt: call it on a worker thread. Only net/ includes curl.
#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

namespace kiosk::net {

// Why a message did not go, for the caller to word for people.
enum class NotifyFailure {
    none,                  // sent (for a POST: an answer arrived; see http_status)
    bad_address,           // not an http(s):// (or smtp(s)://) address
    no_libcurl,            // libcurl could not be opened
    dns,                   // the host name does not resolve
    refused,               // the connection was refused (nothing serves that port)
    unreachable,           // the connection was not answered
    timeout,               // the whole attempt took longer than its limit
    tls,                   // the secure connection failed (certificate not trusted, wrong name)
    starttls_unavailable,  // SMTP: the server offers no STARTTLS and TLS is required
    login_denied,          // SMTP: the user name or password was refused
    rejected,              // SMTP: the server refused the sender, a recipient or the message
    too_large,             // the answer was larger than the cap
    broken,                // the connection broke, or another transfer error
};

struct PostRequest {
    std::string url;
    std::string json;                     // sent as Content-Type: application/json; charset=utf-8
    long connect_timeout_ms = 5'000;
    long total_timeout_ms = 12'000;       // the whole attempt, connection included
    size_t max_response_bytes = 64 * 1024;
    std::string ca_file;                  // an extra CA bundle; TLS is always verified
};

struct PostResult {
    NotifyFailure failure = NotifyFailure::broken;
    long http_status = 0;  // 0 when no answer arrived
    std::string body;      // the answer, at most max_response_bytes
    std::string error;     // for operators (logs), English: what happened
    std::string reason;    // the same in a short Chinese phrase (“连接被拒绝”), for a sentence of the caller's
};

// POSTs `json` to `url` (http or https; no redirect is followed). An answer with any status
// is failure == none: the caller judges the status and the body.
PostResult post_json(const PostRequest& request);

struct MailRequest {
    std::string server;      // smtp://host:port (STARTTLS when `starttls`) or smtps://host:port (TLS at once)
    bool starttls = true;    // smtp://: require STARTTLS; a server that does not offer it is refused
    std::string username;    // empty: no login
    std::string password;
    std::string ca_file;     // an extra CA bundle; TLS is always verified
    std::string from;        // an address: kiosk@example.gov.cn
    std::string from_name;   // shown beside it (UTF-8, encoded); may be empty
    std::vector<std::string> to;
    std::string subject;     // UTF-8
    std::string body;        // UTF-8 plain text, lines separated by \n
    std::time_t date = 0;    // the Date header; 0: now
    long connect_timeout_ms = 5'000;
    long total_timeout_ms = 14'000;
};

struct MailResult {
    NotifyFailure failure = NotifyFailure::broken;
    long smtp_code = 0;   // the server's last reply code, when it gave one
    std::string error;    // for operators, English (curl's words, with the server's reply)
    std::string reason;   // a short Chinese phrase
};

MailResult send_mail(const MailRequest& request);

// The message as sent (headers CRLF-separated; the body base64 in 76-column lines), with
// `message_id` as its Message-ID (without the angle brackets). Exposed for tests.
std::string mail_message(const MailRequest& request, const std::string& message_id);

// RFC 2047: `text` as one or more =?UTF-8?B?…?= words (each at most 75 characters, split
// between UTF-8 sequences), separated by CRLF SP so the header folds; plain ASCII without
// specials is returned as it is.
std::string encode_header_words(const std::string& text);

std::string base64(const std::string& bytes);

}  // namespace kiosk::net
