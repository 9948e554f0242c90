#include "text/layout_json.hpp"

#include <cmath>
#include <cstdio>

#include "base/utf8.hpp"

namespace kiosk::text {
namespace {

// Two decimals: sub-pixel positions matter for the ½ px flush check, more is noise.
double round2(float v) { return std::round(static_cast<double>(v) * 100.0) / 100.0; }

nlohmann::json box_json(const Box& b) {
    return {{"x", round2(b.x)}, {"y", round2(b.y)}, {"width", round2(b.width)},
            {"height", round2(b.height)}};
}

nlohmann::json line_json(const Line& line) {
    nlohmann::json glyphs = nlohmann::json::array();
    for (const GlyphBox& g : line.glyphs)
        glyphs.push_back({{"c", g.c}, {"x", round2(g.x)}, {"w", round2(g.w)}});
    nlohmann::json j = {{"block", line.block},
                        {"role", line.cell ? "table-cell" : !line.chrome_role.empty() ? line.chrome_role.c_str() : content::role_name(line.role)},
                        {"text", utf8::encode(line.text)},
                        {"x", round2(line.x)},
                        {"y", round2(line.y)},
                        {"width", round2(line.width)},
                        {"measure", round2(line.measure)},
                        {"font_size", round2(line.font_size)},
                        {"last_of_block", line.last_of_block},
                        {"glyphs", std::move(glyphs)}};
    if (line.emergency) j["emergency"] = true;
    if (line.repeat) j["repeat"] = true;
    if (line.cell) {
        nlohmann::json cell = box_json(line.cell->box);
        cell["row"] = line.cell->row;
        cell["col"] = line.cell->col;
        j["cell"] = std::move(cell);
    }
    if (line.justified) j["justified"] = true;
    if (line.column != Column::none) {  // a comparison's line (issue 30)
        static const char* const kColumns[] = {"none", "old", "new", "both"};
        j["column"] = kColumns[static_cast<int>(line.column)];
        j["pair"] = line.pair;
        nlohmann::json marks = nlohmann::json::array();
        for (const MarkSpan& m : line.marks)
            marks.push_back({{"from", m.begin}, {"to", m.end}, {"mark", m.mark == Mark::deleted ? "deleted" : "inserted"},
                             {"stroke", box_json(m.stroke)}});
        j["marks"] = std::move(marks);
    }
    return j;
}

}  // namespace

nlohmann::json layout_json(int width, int height, int rotation, const std::vector<ItemPages>& items) {
    nlohmann::json jitems = nlohmann::json::array();
    for (const ItemPages& item : items) {
        nlohmann::json jpages = nlohmann::json::array();
        for (const Page& page : item.pages) {
            nlohmann::json lines = nlohmann::json::array();
            for (const Line& line : page.lines) lines.push_back(line_json(line));
            nlohmann::json chrome = nlohmann::json::array();
            for (const Line& c : page.chrome)
                chrome.push_back({{"role", c.chrome_role},
                                  {"text", utf8::encode(c.text)},
                                  {"x", round2(c.x)},
                                  {"y", round2(c.y)},
                                  {"font_size", round2(c.font_size)}});
            if (page.qr) {
                nlohmann::json qr = box_json(page.qr->box);
                qr["role"] = "qr";
                qr["text"] = page.qr->url;
                qr["module"] = page.qr->module;
                qr["modules"] = page.qr->modules;
                chrome.push_back(std::move(qr));
            }
            if (page.alert_band) {  // an urgent notice's band
                nlohmann::json band = box_json(*page.alert_band);
                band["role"] = "alert-band";
                if (page.alert_level != warning::Level::none) {  // an official warning's (issue 29)
                    const auto colours = warning::level_colors(page.alert_level);
                    char hex[16];
                    std::snprintf(hex, sizeof hex, "#%06X", static_cast<unsigned>(colours.band));
                    band["level"] = warning::level_name(page.alert_level);
                    band["colour"] = hex;
                    std::snprintf(hex, sizeof hex, "#%06X", static_cast<unsigned>(colours.text));
                    band["text_colour"] = hex;
                }
                chrome.push_back(std::move(band));
            }
            nlohmann::json images = nlohmann::json::array();
            for (const PlacedImage& im : page.images) {
                nlohmann::json ji = box_json(im.box);
                ji["block"] = im.block;
                ji["url"] = im.url;
                if (im.placeholder) ji["placeholder"] = true;
                images.push_back(std::move(ji));
            }
            jpages.push_back({{"number", page.number},
                              {"images", std::move(images)},
                              {"of", page.of},
                              {"box", box_json(page.box)},
                              {"chrome", std::move(chrome)},
                              {"lines", std::move(lines)}});
        }
        jitems.push_back({{"id", item.id}, {"title", item.title}, {"pages", std::move(jpages)}});
    }
    return {{"format", "kiosk-layout/1"},
            {"screen", {{"width", width}, {"height", height}, {"rotation", rotation}}},
            {"items", std::move(jitems)}};
}

}  // namespace kiosk::text
