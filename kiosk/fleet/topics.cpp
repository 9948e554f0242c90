#include "fleet/topics.hpp"

#include <algorithm>
#include <cctype>

namespace kiosk::fleet {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

bool valid_scope(std::string_view scope) { return Scope::parse(scope).has_value(); }

int specificity(std::string_view scope) {
    auto s = Scope::parse(scope);
    return s ? s->specificity() : 0;
}

std::vector<std::string> scopes_of(const config::Fleet& fleet) {
    std::vector<std::string> scopes{Scope::all().str()};
    for (const auto& g : fleet.groups)
        if (auto s = Scope::group(g)) scopes.push_back(s->str());
    if (auto s = Scope::screen(fleet.screen_id)) scopes.push_back(s->str());
    return scopes;
}

std::vector<std::string> desired_subscriptions(const config::Fleet& fleet) {
    std::vector<std::string> topics;
    for (const auto& scope : scopes_of(fleet)) topics.push_back(std::string(kTopicRoot) + "desired/" + scope + "/#");
    return topics;
}

std::optional<Arrival> parse_desired_topic(std::string_view topic) {
    const std::string prefix = std::string(kTopicRoot) + "desired/";
    if (topic.rfind(prefix, 0) != 0) return std::nullopt;
    std::string_view rest = topic.substr(prefix.size());
    Arrival a;
    for (std::string_view kind : kPlainKinds) {
        if (ends_with(rest, "/" + std::string(kind))) {
            a.kind = kind;
            rest.remove_suffix(kind.size() + 1);
            break;
        }
    }
    if (a.kind.empty()) {
        const size_t slash = rest.rfind('/');
        if (slash == std::string_view::npos) return std::nullopt;
        const std::string_view id = rest.substr(slash + 1);
        std::string_view before = rest.substr(0, slash);
        if (!ends_with(before, "/notice") || !config::topic_safe_name(id, false)) return std::nullopt;
        a.kind = "notice";
        a.notice_id = id;
        rest = before.substr(0, before.size() - 7);
    }
    if (!valid_scope(rest)) return std::nullopt;
    a.scope = rest;
    return a;
}

std::string desired_topic(const std::string& scope, const std::string& kind, const std::string& notice_id) {
    return std::string(kTopicRoot) + "desired/" + scope + "/" + kind + (notice_id.empty() ? "" : "/" + notice_id);
}

std::string screen_topic(const std::string& screen_id, std::string_view leaf) {
    return std::string(kTopicRoot) + "screen/" + screen_id + "/" + std::string(leaf);
}

}  // namespace kiosk::fleet
