#include <catch2/catch.hpp>
#include <map>

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "support.hpp"
#include "text/layout.hpp"
#include "text/layout_json.hpp"
#include "text/punctuation.hpp"

using namespace kiosk;
using content::Role;

namespace {

struct Laid {
    text::PageGeometry geometry;
    std::vector<text::Page> pages;
};

Laid lay_out_corpus(int w, int h) {
    static text::ShapedDocument shaped = text::shape_document(test::fonts(), test::corpus_document());
    Laid l;
    l.geometry = text::resolve_geometry(config::Margins{}, w, h);
    l.pages = text::layout_document(shaped, text::resolve_style(config::Typography{}, w, h), l.geometry);
    return l;
}

}  // namespace

TEST_CASE("layout invariants on the corpus at three screen sizes", "[layout]") {
    auto [w, h] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1280, 720});
    INFO(w << "x" << h);
    const content::Document doc = test::corpus_document();
    Laid l = lay_out_corpus(w, h);
    REQUIRE(!l.pages.empty());
    const text::Box box = l.geometry.body;
    CHECK(box.x >= 0);
    CHECK(box.x + box.width <= static_cast<float>(w));
    CHECK(box.y + box.height <= static_cast<float>(h));

    std::map<int, std::u32string> text_of_block;
    int last_block = -1;
    for (size_t p = 0; p < l.pages.size(); ++p) {
        const text::Page& page = l.pages[p];
        CHECK(page.number == static_cast<int>(p) + 1);
        CHECK(page.of == static_cast<int>(l.pages.size()));
        REQUIRE(!page.lines.empty());
        for (const text::Line& line : page.lines) {
            INFO("page " << p + 1 << ": " << utf8::encode(line.text));
            // No line wider than its measure; nothing outside the page box.
            CHECK(line.width <= line.measure + 0.5f);
            CHECK(line.x >= box.x - 0.5f);
            REQUIRE(!line.glyphs.empty());
            const auto& last = line.glyphs.back();
            CHECK(last.x + last.w <= box.x + box.width + 0.5f);
            CHECK(line.y - 0.88f * line.font_size >= box.y - 0.5f);
            CHECK(line.y + 0.12f * line.font_size <= box.y + box.height + 0.5f);
            // One glyph per character, in order, left to right.
            REQUIRE(line.glyphs.size() == line.text.size());
            for (size_t g = 0; g < line.glyphs.size(); ++g) {
                CHECK(line.glyphs[g].c == static_cast<int>(g));
                if (g > 0) CHECK(line.glyphs[g].x >= line.glyphs[g - 1].x + line.glyphs[g - 1].w - 0.01f);
            }
            // Blocks come in order; a block's lines are contiguous.
            CHECK(line.block >= last_block);
            last_block = line.block;
            text_of_block[line.block] += line.text;
            // Body lines other than a paragraph's last are flush with the measure.
            if ((line.role == Role::paragraph || line.role == Role::article) && !line.last_of_block)
                CHECK(std::abs(last.x + last.w - (box.x + box.width)) <= 0.5f);
        }
        // A heading never ends a page (P2).
        if (p + 1 < l.pages.size()) CHECK(page.lines.back().role != Role::heading);
    }
    // Every character of every block on exactly one page, in order (P5).
    REQUIRE(text_of_block.size() == doc.blocks.size());
    for (size_t b = 0; b < doc.blocks.size(); ++b) {
        INFO(doc.blocks[b].text);
        CHECK(test::without_spaces(text_of_block[static_cast<int>(b)]) ==
              test::without_spaces(text::fullwidth_punctuation(utf8::decode(doc.blocks[b].text))));
    }
    if (w == 1920) CHECK(l.pages.size() >= 5);

    // P1: no paragraph ends with one character alone; P3: no paragraph leaves its first line
    // alone at a page's foot or its last line alone at a page's head.
    std::map<int, std::vector<std::pair<size_t, const text::Line*>>> by_block;
    for (size_t p = 0; p < l.pages.size(); ++p)
        for (const auto& line : l.pages[p].lines) by_block[line.block].push_back({p, &line});
    for (const auto& [block, lines] : by_block) {
        if (lines.front().second->role != Role::paragraph || lines.size() < 2) continue;
        INFO(utf8::encode(lines.front().second->text));
        size_t core = 0;
        for (char32_t c : lines.back().second->text)
            if (text::punct_side(c) == text::PunctSide::none && !text::forbidden_at_line_start(c) && c != U' ') ++core;
        CHECK(core >= 2);
        if (lines.front().first != lines.back().first) {
            size_t on_first_page = 0, on_last_page = 0;
            for (const auto& [page, line] : lines) {
                on_first_page += page == lines.front().first;
                on_last_page += page == lines.back().first;
            }
            CHECK(on_first_page >= 2);
            CHECK(on_last_page >= 2);
        }
    }
}

TEST_CASE("S4: Han and Latin letters or digits are set ⅛ to ¼ em apart, none at a line's edge", "[layout]") {
    Laid l = lay_out_corpus(1920, 1080);
    size_t pairs = 0;
    for (const auto& page : l.pages)
        for (const auto& line : page.lines)
            for (size_t g = 0; g + 1 < line.glyphs.size(); ++g) {
                const char32_t a = line.text[static_cast<size_t>(line.glyphs[g].c)];
                const char32_t b = line.text[static_cast<size_t>(line.glyphs[g + 1].c)];
                const bool digit_or_latin_a = a < 0x80 && std::isalnum(static_cast<int>(a));
                const bool digit_or_latin_b = b < 0x80 && std::isalnum(static_cast<int>(b));
                if (!((text::is_han(a) && digit_or_latin_b) || (digit_or_latin_a && text::is_han(b)))) continue;
                const float gap = (line.glyphs[g + 1].x - line.glyphs[g].x - line.glyphs[g].w) / line.font_size;
                INFO(utf8::encode(line.text));
                CHECK(gap >= 0.12f);
                CHECK(gap <= 0.34f);
                ++pairs;
            }
    CHECK(pairs > 50);
}

TEST_CASE("portrait pages hold fewer characters a line and more pages", "[layout]") {
    Laid landscape = lay_out_corpus(1920, 1080);
    Laid portrait = lay_out_corpus(1080, 1920);
    CHECK(portrait.geometry.body.width < landscape.geometry.body.width);
    CHECK(portrait.pages[0].lines[0].font_size == landscape.pages[0].lines[0].font_size);
    size_t lines_l = 0, lines_p = 0;
    for (auto& p : landscape.pages) lines_l += p.lines.size();
    for (auto& p : portrait.pages) lines_p += p.lines.size();
    CHECK(lines_p > lines_l);
}

TEST_CASE("body text never goes below the minimum legible size", "[layout]") {
    config::Typography type;
    type.min_body_px = 30;
    CHECK(text::resolve_style(type, 640, 360).body_px == 30);
    CHECK(text::resolve_style(type, 3840, 2160).body_px == 80);  // 4K: same look, twice the pixels
}

TEST_CASE("a paragraph's first line is indented 2 em", "[layout]") {
    Laid l = lay_out_corpus(1920, 1080);
    bool checked = false;
    for (const auto& line : l.pages[0].lines) {
        if (line.role != Role::paragraph) continue;
        CHECK(line.x == Approx(l.geometry.body.x + 2 * line.font_size));
        checked = true;
        break;
    }
    CHECK(checked);
}

TEST_CASE("layout JSON carries every required field", "[layout]") {
    Laid l = lay_out_corpus(1280, 720);
    text::add_chrome(test::fonts(), l.pages, text::resolve_style(config::Typography{}, 1280, 720),
                     l.geometry, text::ChromeText{"大厅", "报告", "2026年11月27日 星期五 09:30", "", "", false, ""});
    auto j = text::layout_json(1280, 720, 0, {text::ItemPages{"report", "报告", l.pages}});
    CHECK(j["format"] == "kiosk-layout/1");
    CHECK(j["screen"]["width"] == 1280);
    const auto& page = j["items"][0]["pages"][0];
    CHECK(page["of"] == l.pages.size());
    for (const char* k : {"x", "y", "width", "height"}) CHECK(page["box"].contains(k));
    bool has_page_number = false;
    for (const auto& c : page["chrome"])
        if (c["role"] == "page-number") {
            has_page_number = true;
            CHECK(c["text"] == "第 1/" + std::to_string(l.pages.size()) + " 页");
        }
    CHECK(has_page_number);
    for (const auto& line : page["lines"]) {
        for (const char* k : {"block", "role", "text", "x", "y", "width", "measure", "font_size",
                              "last_of_block", "glyphs"})
            CHECK(line.contains(k));
        for (const auto& g : line["glyphs"])
            for (const char* k : {"c", "x", "w"}) CHECK(g.contains(k));
    }
}

TEST_CASE("P4: an article's number stays on the line with its first words", "[layout]") {
    // No line may end between 第一百零二条, its space and its first word; a paragraph does
    // (the same text, not an article).
    const std::string text = "第一百零二条\u3000本条例自2020年1月1日起施行。";
    const auto article = text::shape_block(test::fonts(), content::text_block(Role::article, text), utf8::decode(text));
    const auto paragraph = text::shape_block(test::fonts(), content::text_block(Role::paragraph, text), utf8::decode(text));
    for (size_t k = 1; k <= 8; ++k) CHECK(article.breaks[k] == text::Break::never);
    CHECK(paragraph.breaks[7] == text::Break::allowed);  // ICU allows a break after the space
    CHECK(article.breaks[9] == text::Break::allowed);
}

TEST_CASE("J3: word spaces grow first (to half an em), then Han-Latin spaces, then every gap", "[layout]") {
    content::Document doc;
    doc.blocks.push_back(content::text_block(Role::paragraph, "统一政务服务门户上线 Open Government Data 平台，同时开通政务服务APP，方便群众随时随地办理各类事项。"));
    const text::ShapedDocument shaped = text::shape_document(test::fonts(), doc);
    bool checked = false;
    for (int measure = 14; measure <= 30 && !checked; ++measure) {
        text::Style style;
        style.body_px = 40;
        text::PageGeometry g;
        g.body = text::Box{0, 0, static_cast<float>(measure) * 40, 1e6f};
        const auto pages = text::layout_document(shaped, style, g);
        for (const auto& line : pages[0].lines) {
            if (!line.justified || line.text.find(U' ') == std::u32string::npos) continue;
            float space_growth = 1e9f, han_gap = 0;
            for (size_t k = 0; k + 1 < line.glyphs.size(); ++k) {
                const char32_t a = line.text[static_cast<size_t>(line.glyphs[k].c)];
                const char32_t b = line.text[static_cast<size_t>(line.glyphs[k + 1].c)];
                const float gap = (line.glyphs[k + 1].x - line.glyphs[k].x - line.glyphs[k].w) / line.font_size;
                if (a == U' ') space_growth = std::min(space_growth, gap + line.glyphs[k].w / line.font_size);
                if (text::is_han(a) && text::is_han(b)) han_gap = std::max(han_gap, gap);
            }
            INFO(measure << " em: " << utf8::encode(line.text));
            // Han gaps open only once the word spaces have reached half an em.
            if (han_gap > 0.001f) CHECK(space_growth >= 0.5f - 0.01f);
            else CHECK(space_growth > 0.24f);  // the spaces (0.22 em as set by the font) took the slack
            checked = true;
        }
    }
    CHECK(checked);
}
