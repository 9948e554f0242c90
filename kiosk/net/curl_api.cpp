#include "net/curl_api.hpp"

#include "base/shared_library.hpp"

#include <algorithm>
#include <cctype>

namespace kiosk::net::curl {
namespace {

// Debian 12's libcurl4 (the SONAME of every libcurl since 7.16).
constexpr const char* kLibcurl = "libcurl.so.4";

template <typename F>
void resolve(Api& a, F*& slot, const char* name) {
    if (a.error.empty()) slot = shared_library::function<F>(kLibcurl, name, a.error);
}

}  // namespace

const Api& api() {
    static const Api loaded = [] {
        Api a;
        resolve(a, a.global_init, "curl_global_init");
        resolve(a, a.easy_init, "curl_easy_init");
        resolve(a, a.easy_cleanup, "curl_easy_cleanup");
        resolve(a, a.easy_setopt, "curl_easy_setopt");
        resolve(a, a.easy_perform, "curl_easy_perform");
        resolve(a, a.easy_getinfo, "curl_easy_getinfo");
        resolve(a, a.easy_strerror, "curl_easy_strerror");
        resolve(a, a.slist_append, "curl_slist_append");
        resolve(a, a.slist_free_all, "curl_slist_free_all");
        resolve(a, a.url, "curl_url");
        resolve(a, a.url_cleanup, "curl_url_cleanup");
        resolve(a, a.url_get, "curl_url_get");
        resolve(a, a.url_set, "curl_url_set");
        resolve(a, a.free, "curl_free");
        if (a.error.empty() && a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) a.error = "libcurl cannot start";
        return a;
    }();
    return loaded;
}

std::string lower_host(const std::string& url, std::string* scheme_out) {
    if (!api().error.empty()) return "";
    UrlPtr u(api().url());
    if (!u || api().url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
    char* host = nullptr;
    char* scheme = nullptr;
    std::string out;
    if (api().url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host) out = host;
    if (api().url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && scheme && scheme_out) *scheme_out = scheme;
    api().free(host);
    api().free(scheme);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace kiosk::net::curl
