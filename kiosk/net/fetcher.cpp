#include "net/fetcher.hpp"

#include "base/hosts.hpp"
#include "net/curl_api.hpp"

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <string>

namespace kiosk::net {
namespace {

// libcurl is opened at the first fetch, not at start (net/curl_api.hpp).
const curl::Api& libcurl() { return curl::api(); }
using CurlPtr = curl::EasyPtr;
using SlistPtr = curl::SlistPtr;

struct Transfer {
    std::string body;
    size_t max = 0;
    bool too_large = false;
    std::string etag, last_modified;
};

// The size cap is enforced here, as bytes arrive: CURLOPT_MAXFILESIZE does not stop a
// chunked download in flight (libcurl 7.88).
size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->body.size() + n > t->max) {
        t->too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

// Called by curl about once a second while a transfer runs (also while nothing arrives):
// non-zero aborts it with CURLE_ABORTED_BY_CALLBACK.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancel = static_cast<const std::atomic<bool>*>(user);
    return cancel && cancel->load() ? 1 : 0;
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    std::string line(data, n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == "etag") t->etag = trim(line.substr(colon + 1));
        if (name == "last-modified") t->last_modified = trim(line.substr(colon + 1));
    }
    return n;
}

using curl::lower_host;

std::string describe_curl_error(CURLcode code, const char* detail) {
    std::string what;
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST: what = "the host name could not be resolved (DNS)"; break;
        case CURLE_COULDNT_RESOLVE_PROXY: what = "the proxy's name could not be resolved"; break;
        case CURLE_COULDNT_CONNECT: what = "the server refused or did not answer the connection"; break;
        case CURLE_OPERATION_TIMEDOUT: what = "the server took too long"; break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CONNECT_ERROR: what = "the secure connection failed (certificate not trusted?)"; break;
        case CURLE_PARTIAL_FILE: what = "the page arrived incomplete"; break;
        case CURLE_GOT_NOTHING: what = "the server closed the connection without answering"; break;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR: what = "the connection broke"; break;
        default: what = libcurl().easy_strerror(code); break;
    }
    if (detail && *detail) what += " (" + std::string(detail) + ")";
    return what;
}

// The same for a hall clerk, in Chinese: what happened and, where it helps, who can fix it.
// `os_errno`: the system's error of the connection (ECONNREFUSED: nothing serves that port).
std::string chinese_curl_reason(CURLcode code, long os_errno) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST: return "找不到这个网站（域名解析失败），请检查网址和屏幕的网络";
        case CURLE_COULDNT_RESOLVE_PROXY: return "找不到代理服务器（域名解析失败）";
        case CURLE_COULDNT_CONNECT:
            if (os_errno == ECONNREFUSED) return "连接被拒绝（服务器没有在这个端口上服务）";
            return "连不上服务器（没有回答），请检查屏幕的网络";
        case CURLE_OPERATION_TIMEDOUT: return "服务器太久没有回答（超时）";
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CONNECT_ERROR: return "证书无效或不受信任，安全连接（https）没有建立";
        case CURLE_PARTIAL_FILE: return "网页没有完整传过来";
        case CURLE_GOT_NOTHING: return "服务器没有回答就断开了连接";
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR: return "连接中途断了";
        default: return "网络出错（代码 " + std::to_string(static_cast<int>(code)) + "）";
    }
}
}  // namespace

std::string user_agent() { return std::string("kiosk/") + KIOSK_VERSION + " (government service hall screen)"; }

bool host_allowed(const std::string& url, const std::vector<std::string>& allowed) {
    return host_in_allowlist(lower_host(url), allowed);
}

FetchResult fetch(const FetchRequest& request, const FetchPolicy& policy) {
    FetchResult result;
    if (const curl::Api& api = libcurl(); !api.error.empty()) {
        result.error = api.error;
        result.reason = "屏幕缺少网络组件（libcurl），取不了网页";
        return result;
    }
    std::string url = request.url;
    // Redirects are followed here, one by one, so every hop is checked against the allowlist.
    for (int hop = 0;; ++hop) {
        std::string scheme;
        const std::string host = lower_host(url, &scheme);
        if (scheme != "http" && scheme != "https") {
            result.outcome = FetchOutcome::refused;
            result.error = "\"" + url + "\" is not an http:// or https:// address";
            result.reason = "网址不是以 http:// 或 https:// 开头";
            return result;
        }
        if (!host_allowed(url, policy.allowed_hosts)) {
            result.outcome = FetchOutcome::refused;
            result.error = "host \"" + host + "\" is not in network.allowed_hosts";
            result.reason = "网站 " + host + " 不在屏幕允许访问的名单里，请信息科添加";
            return result;
        }
        CurlPtr curl(libcurl().easy_init());
        if (!curl) {
            result.error = "cannot start a transfer";
            result.reason = "屏幕的网络组件启动失败";
            return result;
        }
        Transfer t;
        t.max = policy.max_body_bytes;
        char error_buffer[CURL_ERROR_SIZE] = {};
        SlistPtr headers;
        auto add_header = [&](const std::string& h) { headers.reset(libcurl().slist_append(headers.release(), h.c_str())); };
        if (hop == 0 && !request.etag.empty()) add_header("If-None-Match: " + request.etag);
        if (hop == 0 && !request.last_modified.empty()) add_header("If-Modified-Since: " + request.last_modified);
        CURL* c = curl.get();
        libcurl().easy_setopt(c, CURLOPT_URL, url.c_str());
        libcurl().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        libcurl().easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        libcurl().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are a thread
        libcurl().easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, policy.connect_timeout_ms);
        libcurl().easy_setopt(c, CURLOPT_TIMEOUT_MS, policy.total_timeout_ms);
        libcurl().easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, policy.low_speed_bytes);
        libcurl().easy_setopt(c, CURLOPT_LOW_SPEED_TIME, policy.low_speed_seconds);
        libcurl().easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy.max_body_bytes));
        libcurl().easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        libcurl().easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!policy.ca_file.empty()) libcurl().easy_setopt(c, CURLOPT_CAINFO, policy.ca_file.c_str());
        if (!policy.proxy.empty()) libcurl().easy_setopt(c, CURLOPT_PROXY, policy.proxy.c_str());
        libcurl().easy_setopt(c, CURLOPT_USERAGENT, user_agent().c_str());
        libcurl().easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate/br as curl supports
        libcurl().easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
        libcurl().easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        libcurl().easy_setopt(c, CURLOPT_WRITEDATA, &t);
        libcurl().easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        libcurl().easy_setopt(c, CURLOPT_HEADERDATA, &t);
        libcurl().easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
        if (policy.cancel) {
            libcurl().easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
            libcurl().easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
            libcurl().easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(policy.cancel));
            if (policy.cancel->load()) {
                result.outcome = FetchOutcome::cancelled;
                result.error = "cancelled: the kiosk is stopping";
                result.reason = "屏幕正在关闭，下载已停止";
                return result;
            }
        }

        const CURLcode code = libcurl().easy_perform(c);
        long status = 0;
        libcurl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        result.http_status = status;
        result.final_url = url;
        if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
            result.outcome = FetchOutcome::refused;
            result.error = "the page is larger than " + std::to_string(policy.max_body_bytes >> 20) + " MB";
            result.reason = "网页太大（超过 " + std::to_string(policy.max_body_bytes >> 20) + " MB）";
            return result;
        }
        if (code == CURLE_ABORTED_BY_CALLBACK) {
            result.outcome = FetchOutcome::cancelled;
            result.error = "cancelled: the kiosk is stopping";
            result.reason = "屏幕正在关闭，下载已停止";
            return result;
        }
        if (code != CURLE_OK) {
            result.outcome = FetchOutcome::network_error;
            result.error = describe_curl_error(code, error_buffer);
            long os_errno = 0;
            libcurl().easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
            result.reason = chinese_curl_reason(code, os_errno);
            return result;
        }
        if (status >= 300 && status < 400 && status != 304) {
            char* location = nullptr;
            libcurl().easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
            if (!location) {
                result.outcome = FetchOutcome::http_error;
                result.error = "HTTP " + std::to_string(status) + " without a Location";
                result.reason = "网页跳转出错（" + std::to_string(status) + "，没有给出新地址）";
                return result;
            }
            if (hop + 1 > policy.max_redirects) {
                result.outcome = FetchOutcome::refused;
                result.error = "more than " + std::to_string(policy.max_redirects) + " redirects (a loop?)";
                result.reason = "网页跳转太多次（可能是循环跳转）";
                return result;
            }
            url = location;
            continue;
        }
        char* type = nullptr;
        libcurl().easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
        if (type) result.content_type = type;
        result.etag = t.etag;
        result.last_modified = t.last_modified;
        if (status == 304) {
            result.outcome = FetchOutcome::not_modified;
            return result;
        }
        if (status >= 400) {
            result.outcome = FetchOutcome::http_error;
            result.error = "HTTP " + std::to_string(status) +
                           (status == 404   ? " (not found)"
                            : status == 410 ? " (gone: withdrawn)"
                            : status >= 500 ? " (server error)"
                                            : "");
            result.reason = status == 404   ? "网页不存在（404）"
                            : status == 410 ? "门户已撤下这个网页（410）"
                            : status == 401 || status == 403 ? "门户不让访问这个网页（" + std::to_string(status) + "）"
                            : status >= 500 ? "门户服务器出错（" + std::to_string(status) + "）"
                                            : "门户拒绝了请求（" + std::to_string(status) + "）";
            return result;
        }
        result.outcome = FetchOutcome::ok;
        result.body = std::move(t.body);
        return result;
    }
}

}  // namespace kiosk::net
