#pragma once
// URL reference resolution (RFC 3986 §5.2), pure: relative image, attachment and article
// links on a portal page resolved against the page's own URL. Content code must not reach
// for curl (only net/ does), and this is the whole of what it needs.
#include <string>
#include <string_view>

namespace kiosk::url {

struct Parts {
    std::string scheme, authority, path, query, fragment;
    bool has_authority = false, has_query = false, has_fragment = false;
};

Parts split(std::string_view url);
std::string join(const Parts& parts);

// `reference` resolved against `base`; an empty base leaves the reference as written.
std::string resolve(std::string_view base, std::string_view reference);

// The lower-cased host of an absolute http(s) URL, "" otherwise.
std::string host(std::string_view url);

// An address the fetcher reads: the scheme is http or https (any case). Everything else in
// a playlist (file:, a bare path) is the operator's own disk.
bool is_web_address(std::string_view url);

// The charset parameter of an HTTP Content-Type ("text/html; Charset=\"GBK\"" -> "GBK"),
// "" when there is none (RFC 9110 §8.3: parameter names are case-insensitive, values may
// be quoted).
std::string charset_param(std::string_view content_type);

}  // namespace kiosk::url
