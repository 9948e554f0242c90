// The door's reading of a request head and its written refusals (door.hpp).
#include "console/door.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

namespace kiosk::console {

namespace {

const char* reason(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 408: return "Request Timeout";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 421: return "Misdirected Request";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return "Refused";
    }
}

bool tchar(unsigned char c) { return c != 0 && (std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr); }

bool same_word(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded, as httplib decodes a path before routing it.
std::string percent_decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string_view trimmed(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

}  // namespace

std::optional<ParsedHead> parse_head(std::string_view text) {
    if (text.size() < 4 || text.substr(text.size() - 4) != "\r\n\r\n") return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {  // CR only before LF, LF only after CR, no NUL
        if (text[i] == '\0') return std::nullopt;
        if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return std::nullopt;
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return std::nullopt;
    }
    std::size_t pos = 0;
    auto next_line = [&] {
        const std::size_t end = text.find("\r\n", pos);
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 2;
        return line;
    };
    ParsedHead p;
    const std::string_view line = next_line();
    const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp1 == 0 || sp1 == sp2) return std::nullopt;
    const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                           version = line.substr(sp2 + 1);
    if (!std::all_of(method.begin(), method.end(), [](unsigned char c) { return c >= 'A' && c <= 'Z'; })) return std::nullopt;
    if (target.empty() || target.front() != '/' ||
        !std::all_of(target.begin(), target.end(), [](unsigned char c) { return c > 0x20 && c != 0x7f; }))
        return std::nullopt;
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;
    p.request.method = std::string(method);
    p.request.path = percent_decoded(target.substr(0, target.find('?')));
    p.api = p.request.path.rfind("/api/", 0) == 0;
    p.head.append(line).append("\r\n");
    bool host_seen = false, length_seen = false;
    for (std::string_view h = next_line(); !h.empty(); h = next_line()) {
        const std::size_t colon = h.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        const std::string_view name = h.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), tchar)) return std::nullopt;
        const std::string_view value = trimmed(h.substr(colon + 1));
        if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return (c >= 0x20 || c == '\t') && c != 0x7f; }))
            return std::nullopt;
        if (same_word(name, "Host")) {
            if (host_seen) return std::nullopt;
            host_seen = true;
            p.request.host = std::string(value);
        } else if (same_word(name, "Content-Length")) {
            if (length_seen || value.empty() || value.size() > 15 ||
                !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
                return std::nullopt;
            length_seen = true;
            p.request.content_length = std::stoull(std::string(value));
        } else if (same_word(name, "Transfer-Encoding")) {
            p.chunked = true;
        } else if (same_word(name, "Expect")) {
            if (!same_word(value, "100-continue")) return std::nullopt;
            p.expect_continue = true;
            continue;  // answered by the door; httplib would answer it again
        }
        p.head.append(h).append("\r\n");
    }
    p.head += "\r\n";
    return p;
}

std::string refusal_answer(const Refusal& refusal, bool json) {
    const std::string body = json ? nlohmann::json{{"error", refusal.message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                                  : refusal.message + "\n";
    std::string out = "HTTP/1.1 " + std::to_string(refusal.status) + " " + reason(refusal.status) + "\r\n";
    out += std::string("Content-Type: ") + (json ? "application/json" : "text/plain") + "; charset=utf-8\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (refusal.retry_after > 0) out += "Retry-After: " + std::to_string(refusal.retry_after) + "\r\n";
    out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nConnection: close\r\n\r\n";
    return out + body;
}

}  // namespace kiosk::console
