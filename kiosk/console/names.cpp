#include "console/names.hpp"

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "fleet/scope.hpp"

namespace kiosk::console {

DisplayNames::DisplayNames(Store& store) : names_(store.display_names()) {}
DisplayNames::DisplayNames(std::map<std::pair<std::string, std::string>, std::string> names) : names_(std::move(names)) {}

Result<NameChange> check_display_name(const std::string& kind, const std::string& id, const std::string& name) {
    if (kind != "screen" && kind != "group") return make_error("只能给屏幕或分组起名");
    if (!config::topic_safe_name(id, kind == "group")) return make_error("没有这块屏幕或这个分组");
    if (!utf8::is_valid(name)) return make_error("名称里有无法识别的字符，请重新输入");
    std::u32string text = utf8::decode(name);
    auto space = [](char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000'; };
    while (!text.empty() && space(text.front())) text.erase(text.begin());
    while (!text.empty() && space(text.back())) text.pop_back();
    for (char32_t c : text)
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return make_error("名称里不能有换行或控制字符");
    if (text.size() > kMaxDisplayName) return make_error("名称太长：最多 " + std::to_string(kMaxDisplayName) + " 个字");
    return NameChange{kind, id, utf8::encode(text)};
}

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
