#include "base/url.hpp"

#include <algorithm>
#include <cctype>

namespace kiosk::url {

Parts split(std::string_view s) {
    Parts p;
    // Portal HTML often carries stray whitespace inside href values.
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (size_t hash = s.find('#'); hash != std::string_view::npos) {
        p.fragment = s.substr(hash + 1);
        p.has_fragment = true;
        s = s.substr(0, hash);
    }
    if (size_t q = s.find('?'); q != std::string_view::npos) {
        p.query = s.substr(q + 1);
        p.has_query = true;
        s = s.substr(0, q);
    }
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    size_t colon = s.find(':');
    if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0])) &&
        std::all_of(s.begin(), s.begin() + static_cast<long>(colon), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        })) {
        p.scheme = s.substr(0, colon);
        std::transform(p.scheme.begin(), p.scheme.end(), p.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
        s = s.substr(colon + 1);
    }
    if (s.substr(0, 2) == "//") {
        s.remove_prefix(2);
        const size_t slash = s.find('/');
        p.authority = s.substr(0, slash);
        p.has_authority = true;
        s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    }
    p.path = s;
    return p;
}

std::string join(const Parts& p) {
    std::string out;
    if (!p.scheme.empty()) out += p.scheme + ":";
    if (p.has_authority) out += "//" + p.authority;
    out += p.path;
    if (p.has_query) out += "?" + p.query;
    if (p.has_fragment) out += "#" + p.fragment;
    return out;
}

namespace {

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string in) {
    std::string out;
    while (!in.empty()) {
        if (in.rfind("../", 0) == 0) in.erase(0, 3);
        else if (in.rfind("./", 0) == 0) in.erase(0, 2);
        else if (in.rfind("/./", 0) == 0) in.erase(0, 2);
        else if (in == "/.") in = "/";
        else if (in.rfind("/../", 0) == 0 || in == "/..") {
            in = in == "/.." ? "/" : in.substr(3);
            const size_t last = out.rfind('/');
            out.erase(last == std::string::npos ? 0 : last);
        } else if (in == "." || in == "..") in.clear();
        else {
            const size_t next = in.find('/', in[0] == '/' ? 1 : 0);
            out += in.substr(0, next);
            in.erase(0, next == std::string::npos ? in.size() : next);
        }
    }
    return out;
}

// RFC 3986 §5.2.3.
std::string merge(const Parts& base, const std::string& ref_path) {
    if (base.has_authority && base.path.empty()) return "/" + ref_path;
    const size_t slash = base.path.rfind('/');
    return slash == std::string::npos ? ref_path : base.path.substr(0, slash + 1) + ref_path;
}

}  // namespace

std::string resolve(std::string_view base_url, std::string_view reference) {
    const Parts r = split(reference);
    if (base_url.empty()) return join(r);
    const Parts b = split(base_url);
    Parts t;
    if (!r.scheme.empty()) {
        t = r;
        t.path = remove_dot_segments(r.path);
    } else {
        if (r.has_authority) {
            t.authority = r.authority;
            t.has_authority = true;
            t.path = remove_dot_segments(r.path);
            t.query = r.query;
            t.has_query = r.has_query;
        } else {
            if (r.path.empty()) {
                t.path = b.path;
                t.query = r.has_query ? r.query : b.query;
                t.has_query = r.has_query || b.has_query;
            } else {
                t.path = remove_dot_segments(r.path[0] == '/' ? r.path : merge(b, r.path));
                t.query = r.query;
                t.has_query = r.has_query;
            }
            t.authority = b.authority;
            t.has_authority = b.has_authority;
        }
        t.scheme = b.scheme;
    }
    t.fragment = r.fragment;
    t.has_fragment = r.has_fragment;
    return join(t);
}

std::string host(std::string_view u) {
    const Parts p = split(u);
    if ((p.scheme != "http" && p.scheme != "https") || !p.has_authority) return "";
    std::string h = p.authority;
    if (size_t at = h.rfind('@'); at != std::string::npos) h.erase(0, at + 1);
    if (!h.empty() && h[0] == '[') h = h.substr(0, h.find(']') + 1);
    else if (size_t colon = h.find(':'); colon != std::string::npos) h.erase(colon);
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    return h;
}

bool is_web_address(std::string_view url) {
    const Parts p = split(url);
    return p.scheme == "http" || p.scheme == "https";
}

std::string charset_param(std::string_view content_type) {
    size_t at = content_type.find(';');
    while (at != std::string_view::npos) {
        std::string_view param = content_type.substr(at + 1);
        const size_t next = param.find(';');
        param = param.substr(0, next);
        while (!param.empty() && std::isspace(static_cast<unsigned char>(param.front()))) param.remove_prefix(1);
        const size_t eq = param.find('=');
        std::string name(param.substr(0, eq));
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == "charset" && eq != std::string_view::npos) {
            std::string_view value = param.substr(eq + 1);
            while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
            while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return std::string(value);
        }
        at = next == std::string_view::npos ? next : at + 1 + next;
    }
    return "";
}

}  // namespace kiosk::url
