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

}  // namespace kiosk::url
