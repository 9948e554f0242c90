#include "content/document_json.hpp"

namespace kiosk::content {

const char* role_name(Role role) {
    switch (role) {
        case Role::title: return "title";
        case Role::meta: return "meta";
        case Role::heading: return "heading";
        case Role::paragraph: return "paragraph";
        case Role::article: return "article";
        case Role::list: return "list";
        case Role::caption: return "caption";
    }
    return "paragraph";
}

nlohmann::json to_json(const Document& doc) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const Block& b : doc.blocks) {
        nlohmann::json j = {{"role", role_name(b.role)}, {"text", b.text}};
        if (b.level) j["level"] = b.level;
        if (b.align == Align::center) j["align"] = "center";
        if (b.align == Align::end) j["align"] = "end";
        blocks.push_back(std::move(j));
    }
    return {{"format", "kiosk-document/1"}, {"title", doc.title}, {"blocks", std::move(blocks)}};
}

}  // namespace kiosk::content
