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

std::optional<Document> document_from_json(const nlohmann::json& j) {
    if (!j.is_object() || j.value("format", "") != "kiosk-document/1" || !j.contains("blocks") ||
        !j["blocks"].is_array())
        return std::nullopt;
    Document doc;
    doc.title = j.value("title", "");
    for (const auto& b : j["blocks"]) {
        if (!b.is_object() || !b.contains("text") || !b["text"].is_string()) return std::nullopt;
        Block block;
        const std::string role = b.value("role", "paragraph");
        for (Role r : {Role::title, Role::meta, Role::heading, Role::paragraph, Role::article, Role::list, Role::caption})
            if (role == role_name(r)) block.role = r;
        block.text = b["text"].get<std::string>();
        block.level = b.value("level", 0);
        const std::string align = b.value("align", "");
        block.align = align == "center" ? Align::center : align == "end" ? Align::end : Align::start;
        doc.blocks.push_back(std::move(block));
    }
    return doc;
}

}  // namespace kiosk::content
