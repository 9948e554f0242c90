#pragma once
// libcurl's functions for net/ (fetcher, notify), opened at the first transfer rather than at
// start (base/shared_library.hpp says why), and RAII owners for its handles. Internal to net/:
// only net/ includes curl.
#include <curl/curl.h>

#include <memory>
#include <string>

namespace kiosk::net::curl {

// The functions, typed by curl.h, and why libcurl could not be opened if it could not.
struct Api {
    decltype(&::curl_global_init) global_init = nullptr;
    decltype(&::curl_easy_init) easy_init = nullptr;
    decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&::curl_easy_setopt) easy_setopt = nullptr;
    decltype(&::curl_easy_perform) easy_perform = nullptr;
    decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&::curl_easy_strerror) easy_strerror = nullptr;
    decltype(&::curl_slist_append) slist_append = nullptr;
    decltype(&::curl_slist_free_all) slist_free_all = nullptr;
    decltype(&::curl_url) url = nullptr;
    decltype(&::curl_url_cleanup) url_cleanup = nullptr;
    decltype(&::curl_url_get) url_get = nullptr;
    decltype(&::curl_url_set) url_set = nullptr;
    decltype(&::curl_free) free = nullptr;
    std::string error;
};

// Loaded and globally initialised once per process, on the first thread that asks.
const Api& api();

struct Deleter {
    void operator()(CURL* c) const { api().easy_cleanup(c); }
    void operator()(curl_slist* l) const { api().slist_free_all(l); }
    void operator()(CURLU* u) const { api().url_cleanup(u); }
};
using EasyPtr = std::unique_ptr<CURL, Deleter>;         // owns one easy handle
using SlistPtr = std::unique_ptr<curl_slist, Deleter>;  // owns a string list (headers, recipients)
using UrlPtr = std::unique_ptr<CURLU, Deleter>;         // owns a parsed URL

// Appends `s` to the list `list` owns (curl_slist_append returns the new head).
inline void append(SlistPtr& list, const std::string& s) { list.reset(api().slist_append(list.release(), s.c_str())); }

// The URL's lower-cased host, and its scheme into `scheme_out`; "" when it does not parse.
std::string lower_host(const std::string& url, std::string* scheme_out = nullptr);

}  // namespace kiosk::net::curl
