#pragma once
// The source-host allowlist rule, shared by playlist validation and the fetcher: an entry
// "www.example.gov.cn" matches that host; ".example.gov.cn" matches its subdomains.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace kiosk {

inline bool host_in_allowlist(const std::string& host, const std::vector<std::string>& allowed) {
    if (host.empty()) return false;
    std::string h = host;
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    for (std::string a : allowed) {
        std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
        if (a == h) return true;
        if (!a.empty() && a[0] == '.' && h.size() > a.size() && h.compare(h.size() - a.size(), a.size(), a) == 0)
            return true;
    }
    return false;
}

}  // namespace kiosk
