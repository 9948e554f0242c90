#include "fleet/scope.hpp"

#include "config/config.hpp"

namespace kiosk::fleet {

std::optional<Scope> Scope::group(std::string_view name) {
    if (!config::topic_safe_name(name, true)) return std::nullopt;
    return Scope(Kind::group, std::string(name));
}

std::optional<Scope> Scope::screen(std::string_view id) {
    if (!config::topic_safe_name(id, false)) return std::nullopt;
    return Scope(Kind::screen, std::string(id));
}

std::optional<Scope> Scope::parse(std::string_view text) {
    if (text == "all") return all();
    if (text.rfind("group/", 0) == 0) return group(text.substr(6));
    if (text.rfind("screen/", 0) == 0) return screen(text.substr(7));
    return std::nullopt;
}

std::string Scope::str() const {
    switch (kind_) {
        case Kind::all: return "all";
        case Kind::group: return "group/" + name_;
        case Kind::screen: return "screen/" + name_;
    }
    return "all";
}

std::string Scope::label() const {
    switch (kind_) {
        case Kind::all: return "全部屏幕";
        case Kind::group: return "分组 " + name_;
        case Kind::screen: return "屏幕 " + name_;
    }
    return "全部屏幕";
}

bool Scope::reaches(std::string_view screen_id, const std::vector<std::string>& groups) const {
    switch (kind_) {
        case Kind::all: return true;
        case Kind::screen: return name_ == screen_id;
        case Kind::group:
            for (const auto& g : groups)
                if (g == name_) return true;
            return false;
    }
    return false;
}

std::string NoticeRef::item_id() const { return "notice/" + id + "@" + scope.str(); }

std::optional<NoticeRef> NoticeRef::parse_item_id(std::string_view item_id) {
    constexpr std::string_view prefix = "notice/";
    if (item_id.rfind(prefix, 0) != 0) return std::nullopt;
    item_id.remove_prefix(prefix.size());
    // An id is topic-safe (no '@'), so the first '@' ends it.
    const size_t at = item_id.find('@');
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view id = item_id.substr(0, at);
    auto scope = Scope::parse(item_id.substr(at + 1));
    if (!scope || !config::topic_safe_name(id, false)) return std::nullopt;
    return NoticeRef{*scope, std::string(id)};
}

}  // namespace kiosk::fleet
