#include "content/document_json.hpp"

#include <algorithm>

#include "content/compare_parts.hpp"

namespace kiosk::content {

namespace {
constexpr Role kRoles[] = {Role::title,   Role::meta, Role::heading, Role::paragraph, Role::article,
                           Role::list,    Role::caption, Role::table, Role::image, Role::compare};

const char* align_name(Align a) { return a == Align::center ? "center" : a == Align::end ? "end" : "start"; }
Align align_from(const std::string& s) { return s == "center" ? Align::center : s == "end" ? Align::end : Align::start; }

// Spans as HTML clamps them: colspan 1..1000, rowspan 1..65534 (0, "to the end", taken as 1).
int clamp_span(int v, int most) { return std::clamp(v, 1, most); }
}  // namespace

const char* role_name(Role role) {
    switch (role) {
        case Role::title: return "title";
        case Role::meta: return "meta";
        case Role::heading: return "heading";
        case Role::paragraph: return "paragraph";
        case Role::article: return "article";
        case Role::list: return "list";
        case Role::caption: return "caption";
        case Role::table: return "table";
        case Role::image: return "image";
        case Role::compare: return "compare";
    }
    return "paragraph";
}

std::vector<std::vector<CellRef>> table_slots(const Table& table) {
    std::vector<std::vector<CellRef>> slots(table.rows.size());
    for (size_t r = 0; r < table.rows.size(); ++r) {
        size_t col = 0;
        for (size_t i = 0; i < table.rows[r].size(); ++i) {
            const TableCell& cell = table.rows[r][i];
            while (col < slots[r].size() && slots[r][col].row >= 0) ++col;  // taken by a rowspan from above
            const size_t rows_down = std::min(table.rows.size() - r, static_cast<size_t>(clamp_span(cell.rowspan, 65534)));
            const size_t cols = static_cast<size_t>(clamp_span(cell.colspan, 1000));
            for (size_t dr = 0; dr < rows_down; ++dr) {
                auto& row = slots[r + dr];
                if (row.size() < col + cols) row.resize(col + cols);
                for (size_t dc = 0; dc < cols; ++dc)
                    if (row[col + dc].row < 0) row[col + dc] = CellRef{static_cast<int>(r), static_cast<int>(i)};
            }
            col += cols;
        }
    }
    size_t width = 0;
    for (const auto& row : slots) width = std::max(width, row.size());
    for (auto& row : slots) row.resize(width);
    return slots;
}

nlohmann::json to_json(const Document& doc) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const Block& b : doc.blocks) {
        nlohmann::json j = {{"role", role_name(b.role)}, {"text", b.text}};
        if (b.level) j["level"] = b.level;
        if (b.align != Align::start) j["align"] = align_name(b.align);
        if (b.page_break) j["page_break"] = true;
        if (b.role == Role::image) {
            j["image"] = {{"url", b.image.url}, {"alt", b.image.alt}};
            if (b.image.width > 0) j["image"]["width"] = b.image.width;
            if (b.image.height > 0) j["image"]["height"] = b.image.height;
            if (!b.image.problem.empty()) j["image"]["problem"] = b.image.problem;
        }
        if (b.role == Role::table) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& row : b.table.rows) {
                nlohmann::json cells = nlohmann::json::array();
                for (const TableCell& c : row) {
                    nlohmann::json cell = {{"text", c.text}};
                    if (c.rowspan != 1) cell["rowspan"] = c.rowspan;
                    if (c.colspan != 1) cell["colspan"] = c.colspan;
                    if (c.header) cell["header"] = true;
                    if (c.align != Align::start) cell["align"] = align_name(c.align);
                    cells.push_back(std::move(cell));
                }
                rows.push_back(std::move(cells));
            }
            j["table"] = {{"header_rows", b.table.header_rows}, {"rows", std::move(rows)}};
        }
        if (b.role == Role::compare) j["compare"] = compare_parts::pair_json(b.compare);
        blocks.push_back(std::move(j));
    }
    nlohmann::json out = {{"format", "kiosk-document/1"}, {"title", doc.title}, {"blocks", std::move(blocks)}};
    if (!doc.url.empty()) out["url"] = doc.url;
    if (doc.compare_summary) out["compare_summary"] = compare_parts::summary_json(*doc.compare_summary);
    if (!doc.attachments.empty()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : doc.attachments) list.push_back({{"name", a.name}, {"url", a.url}});
        out["attachments"] = std::move(list);
    }
    return out;
}

namespace {
std::string str(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool boolean(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}
int integer(const nlohmann::json& j, const char* key, int fallback) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}
}  // namespace

std::optional<Document> document_from_json(const nlohmann::json& j) {
    if (!j.is_object() || str(j, "format") != "kiosk-document/1" || !j.contains("blocks") || !j["blocks"].is_array())
        return std::nullopt;
    Document doc;
    doc.title = str(j, "title");
    doc.url = str(j, "url");
    for (const auto& b : j["blocks"]) {
        if (!b.is_object() || !b.contains("text") || !b["text"].is_string()) return std::nullopt;
        Block block;
        const std::string role = str(b, "role");
        for (Role r : kRoles)
            if (role == role_name(r)) block.role = r;
        block.text = b["text"].get<std::string>();
        block.level = integer(b, "level", 0);
        block.align = align_from(str(b, "align"));
        block.page_break = boolean(b, "page_break");
        if (auto im = b.find("image"); im != b.end() && im->is_object()) {
            block.image.url = str(*im, "url");
            block.image.alt = str(*im, "alt");
            block.image.width = std::clamp(integer(*im, "width", 0), 0, 1'000'000);
            block.image.height = std::clamp(integer(*im, "height", 0), 0, 1'000'000);
            block.image.problem = str(*im, "problem");
        }
        if (auto t = b.find("table"); t != b.end() && t->is_object()) {
            block.table.header_rows = integer(*t, "header_rows", 0);
            if (auto rows = t->find("rows"); rows != t->end() && rows->is_array()) {
                for (const auto& row : *rows) {
                    if (!row.is_array()) return std::nullopt;
                    std::vector<TableCell> cells;
                    for (const auto& c : row) {
                        if (!c.is_object()) return std::nullopt;
                        TableCell cell;
                        cell.text = str(c, "text");
                        cell.rowspan = clamp_span(integer(c, "rowspan", 1), 65534);
                        cell.colspan = clamp_span(integer(c, "colspan", 1), 1000);
                        cell.header = boolean(c, "header");
                        cell.align = align_from(str(c, "align"));
                        cells.push_back(std::move(cell));
                    }
                    block.table.rows.push_back(std::move(cells));
                }
            }
        }
        // A 新旧对照 pair (its marks checked against its text: see compare_parts).
        if (auto c = b.find("compare"); c != b.end() && c->is_object() && block.role == Role::compare)
            block.compare = compare_parts::pair_from_json(*c);
        doc.blocks.push_back(std::move(block));
    }
    if (auto s = j.find("compare_summary"); s != j.end() && s->is_object()) doc.compare_summary = compare_parts::summary_from_json(*s);
    if (auto a = j.find("attachments"); a != j.end() && a->is_array())
        for (const auto& item : *a)
            if (item.is_object()) doc.attachments.push_back(Attachment{str(item, "name"), str(item, "url")});
    return doc;
}

}  // namespace kiosk::content
