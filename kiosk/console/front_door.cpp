#include "console/front_door.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "console/logic.hpp"

namespace kiosk::console {

namespace {

std::string lower_name(std::string_view name) {
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

bool is_address(const std::string& text, int family) {
    unsigned char buf[16];
    return ::inet_pton(family, text.c_str(), buf) == 1;
}

}  // namespace

BodyLimit body_limit(std::string_view method, std::string_view path) {
    if (method != "POST") return {0, 0};
    if (path == "/api/login" || path == "/api/logout") return {kLoginBodyBytes, 16};
    if (path == "/api/upload") return {kUploadBodyBytes, 0};
    if (path == "/api/playlist" || path == "/api/playlist/check") return {kPlaylistBodyBytes, kPlaylistBodyElements};
    return {kOtherBodyBytes, kOtherBodyElements};
}

HostList::HostList(std::vector<std::string> names, const std::string& machine_name, const std::string& listen_address) {
    names.push_back("localhost");
    if (!machine_name.empty()) names.push_back(machine_name);
    if (!listen_address.empty()) names.push_back(listen_address);
    for (const auto& n : names)
        if (!n.empty()) names_.push_back(lower_name(n));
}

std::string this_machine_name() {
    char name[256] = "";
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

bool HostList::allows(std::string_view header) const {
    if (header.empty()) return false;
    if (header.front() == '[') {  // an IPv6 address, perhaps with a port: [::1]:8080
        const auto close = header.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view rest = header.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1 ||
                              !std::all_of(rest.begin() + 1, rest.end(), [](unsigned char c) { return std::isdigit(c); })))
            return false;
        return is_address(std::string(header.substr(1, close - 1)), AF_INET6);
    }
    std::string_view name = header;
    if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = name.substr(colon + 1);
        if (port.empty() || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
            return false;
        name = name.substr(0, colon);
    }
    const std::string host = lower_name(name);
    if (host.empty()) return false;
    if (is_address(host, AF_INET)) return true;
    return std::find(names_.begin(), names_.end(), host) != names_.end();
}

std::optional<Refusal> check_head(const RequestHead& head, const HostList& hosts) {
    if (!hosts.allows(head.host)) return Refusal{421, words::kUnknownHost};
    const BodyLimit limit = body_limit(head.method, head.path);
    if (head.content_length <= limit.bytes) return std::nullopt;
    if (limit.bytes == 0) return Refusal{413, words::kNoBodyHere};
    if (head.path == "/api/login") return Refusal{413, words::kLoginTooLarge};
    if (head.path == "/api/upload") return Refusal{413, words::kUploadTooLarge};
    return Refusal{413, std::string(words::kBodyTooLarge) + "（最多 " + std::to_string(limit.bytes >> 10) + " KB）"};
}

std::optional<Refusal> check_body(const RequestHead& head, std::string_view body) {
    const BodyLimit limit = body_limit(head.method, head.path);
    if (limit.elements == 0 || json_elements_within(body, limit.elements)) return std::nullopt;
    return Refusal{413, std::string(words::kTooManyValues) + "（最多 " + std::to_string(limit.elements) + " 项）"};
}

std::optional<Gate::Ticket> Gate::enter() {
    int free = free_.load();
    while (free > 0)
        if (free_.compare_exchange_weak(free, free - 1)) return Ticket(this);
    return std::nullopt;
}

std::variant<Gate::Ticket, Refusal> LoginDoor::enter(const std::string& address, Clock::time_point now) {
    {
        std::lock_guard lock(mutex_);
        if (buckets_.size() >= kLoginAddressesTracked && !buckets_.count(address)) {
            // Forget the addresses whose bucket has filled again: they carry nothing.
            std::erase_if(buckets_, [&](const auto& entry) {
                return entry.second.tries + (now - entry.second.at) / std::chrono::duration<double>(kLoginRefill) >= kLoginBurst;
            });
            if (buckets_.size() >= kLoginAddressesTracked) return Refusal{429, words::kLoginTooOften, 60};
        }
        auto [it, fresh] = buckets_.try_emplace(address, Bucket{kLoginBurst, now});
        Bucket& b = it->second;
        if (!fresh) {
            b.tries = std::min<double>(kLoginBurst, b.tries + (now - b.at) / std::chrono::duration<double>(kLoginRefill));
            b.at = now;
        }
        if (b.tries < 1) {
            const auto wait = std::chrono::duration<double>(kLoginRefill) * (1 - b.tries);
            return Refusal{429, words::kLoginTooOften, std::max(1, static_cast<int>(wait.count() + 0.999))};
        }
        b.tries -= 1;
    }
    if (auto place = checking_.enter()) return std::move(*place);
    give_back(address);  // no hash was done: the try was not used
    return Refusal{503, words::kLoginBusy, 2};
}

void LoginDoor::succeeded(const std::string& address) { give_back(address); }

void LoginDoor::give_back(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (auto it = buckets_.find(address); it != buckets_.end())
        it->second.tries = std::min<double>(kLoginBurst, it->second.tries + 1);
}

}  // namespace kiosk::console
