#include "console/names.hpp"

#include "fleet/scope.hpp"

namespace kiosk::console {

DisplayNames::DisplayNames(Store& store) : names_(store.display_names()) {}
DisplayNames::DisplayNames(std::map<std::pair<std::string, std::string>, std::string> names) : names_(std::move(names)) {}

bool DisplayNames::named(const std::string& kind, const std::string& id) const { return names_.count({kind, id}) > 0; }

std::string DisplayNames::screen(const std::string& id) const {
    auto it = names_.find({"screen", id});
    return it != names_.end() ? it->second : id;
}

std::string DisplayNames::group(const std::string& id) const {
    if (auto it = names_.find({"group", id}); it != names_.end()) return it->second;
    if (id.rfind("floor/", 0) == 0 && id.size() > 6) return id.substr(6) + " 楼";
    return id;
}

std::string DisplayNames::scope(const std::string& text) const {
    auto parsed = fleet::Scope::parse(text);
    if (!parsed) return text;
    switch (parsed->kind()) {
        case fleet::Scope::Kind::all: return "全部屏幕";
        case fleet::Scope::Kind::group: return group(parsed->name());
        case fleet::Scope::Kind::screen: return screen(parsed->name());
    }
    return text;
}

}  // namespace kiosk::console
