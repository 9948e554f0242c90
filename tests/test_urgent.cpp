// The urgent notice's look: the band across the top, the text as large as fits one page
// (never below the body size), centred below the band, no chrome but the clock.
#include <catch2/catch.hpp>

#include "app/library.hpp"
#include "base/utf8.hpp"
#include "support.hpp"
#include "text/layout_json.hpp"

using namespace kiosk;

namespace {

std::vector<text::Page> urgent_pages(const std::string& body, int width, int height, text::Style* style_out = nullptr) {
    config::KioskConfig cfg;
    const text::Style style = text::resolve_style(cfg.typography, width, height);
    const text::PageGeometry g = text::resolve_geometry(cfg.margins, width, height);
    content::Document doc;
    doc.blocks.push_back(content::text_block(content::Role::paragraph, body));
    if (style_out) *style_out = style;
    return text::layout_urgent(text::shape_document(test::fonts(), text::urgent_document(doc)), style, g);
}

size_t chars_on(const std::vector<text::Page>& pages) {
    size_t n = 0;
    for (const auto& p : pages)
        for (const auto& l : p.lines) n += l.text.size();
    return n;
}

}  // namespace

TEST_CASE("urgent: a short notice is set as large as fits one page, centred, lines balanced", "[urgent]") {
    for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1280, 720}}) {
        INFO(w << "x" << h);
        text::Style style;
        const std::string text = "大厅暂停办理业务";
        auto pages = urgent_pages(text, w, h, &style);
        REQUIRE(pages.size() == 1);
        const text::Page& page = pages.front();
        REQUIRE(page.alert_band);
        CHECK(page.alert_band->x == 0);
        CHECK(page.alert_band->width == static_cast<float>(w));
        REQUIRE_FALSE(page.lines.empty());
        CHECK(chars_on(pages) == utf8::decode(text).size());
        const float size = page.lines.front().font_size;
        CHECK(size >= 2 * style.body_px);  // far larger than the body text
        CHECK(size <= 4 * style.body_px);
        // Below the band, and centred in the space left: as much room above as below.
        const auto& first = page.lines.front();
        const auto& last = page.lines.back();
        const text::PageGeometry g = text::resolve_geometry(config::KioskConfig{}.margins, w, h);
        const text::UrgentGeometry u = text::urgent_geometry(g);
        const float above = first.y - first.font_size - u.page.body.y;
        const float below = u.page.body.y + u.page.body.height - (last.y + last.font_size * 0.3f);
        CHECK(above > 0);
        CHECK(std::abs(above - below) <= 2);
        // Centred horizontally, and when it breaks, no line is a stub of the others.
        for (const auto& line : page.lines) {
            const float middle = line.x + line.width / 2;
            CHECK(std::abs(middle - static_cast<float>(w) / 2) <= size);
        }
        if (page.lines.size() > 1) CHECK(page.lines.back().text.size() + 1 >= page.lines.front().text.size());
    }
}

TEST_CASE("urgent: a notice too long for one page is set at the body size on several, every character once", "[urgent]") {
    std::string text;
    for (int i = 0; i < 60; ++i) text += "因电力线路检修，本大厅今日下午暂停办理各项业务，请您合理安排办事时间。";
    text::Style style;
    auto pages = urgent_pages(text, 1280, 720, &style);
    REQUIRE(pages.size() > 1);
    for (const auto& p : pages) {
        CHECK(p.alert_band);
        for (const auto& l : p.lines) CHECK(l.font_size == style.body_px);
    }
    CHECK(chars_on(pages) == utf8::decode(text).size());
}

TEST_CASE("urgent: a notice item has only the band's 紧急通知 and the clock as chrome", "[urgent]") {
    test::TempDir dir;
    test::write_file(dir.path() / "playlist.json",
                     R"({"items": [{"id": "n", "kind": "notice", "text": "大厅暂停办理业务", "style": "urgent",
                          "start": "2026-01-01T08:00", "expires": "2099-01-01T08:00"}]})");
    config::KioskConfig cfg;
    cfg.hall_name = "市政务服务中心";
    auto playlist = config::load_playlist(dir.path() / "playlist.json", cfg);
    REQUIRE(playlist.ok());
    REQUIRE(playlist->items.front().notice->urgent);
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    CHECK(library.sync(*playlist).empty());
    library.lay_out(1920, 1080);
    const auto all = library.all_pages(1'800'000'000);
    REQUIRE(all.size() == 1);
    REQUIRE(all[0].pages.size() == 1);
    std::set<std::string> roles;
    std::string alert;
    for (const auto& c : all[0].pages[0].chrome) {
        roles.insert(c.chrome_role);
        if (c.chrome_role == "alert") alert = utf8::encode(c.text);
    }
    CHECK(roles == std::set<std::string>{"alert", "clock"});
    CHECK(alert == "紧急通知");
    const auto j = text::layout_json(1920, 1080, 0, all);
    bool band = false;
    for (const auto& c : j["items"][0]["pages"][0]["chrome"]) band = band || c["role"] == "alert-band";
    CHECK(band);
}

TEST_CASE("urgent: the playlist checker knows text and style", "[urgent][config]") {
    config::KioskConfig cfg;
    auto refused = [&](const std::string& text) {
        auto r = config::parse_playlist(text, "playlist.json", cfg, true);
        return r ? std::string("(accepted)") : r.error().message;
    };
    CHECK(refused(R"({"items": [{"id": "a", "text": "正文", "source": "file:a.txt"}]})")
              .find("an item has either \"source\" or \"text\", not both") != std::string::npos);
    CHECK(refused(R"({"items": [{"id": "a", "text": "正文", "style": "urgent"}]})")
              .find("only a notice (\"kind\": \"notice\") has \"style\"") != std::string::npos);
    CHECK(refused(R"({"items": [{"id": "a", "kind": "notice", "text": "正文", "style": "loud",
                                 "start": "2026-01-01T08:00", "expires": "2026-01-02T08:00"}]})")
              .find("\"urgent\" or \"normal\"") != std::string::npos);
    CHECK(refused(R"({"items": [{"id": "a"}]})").find("source") != std::string::npos);
    CHECK(refused(R"({"items": [{"id": "a", "kind": "text", "text": "一段正文"}]})") == "(accepted)");
}

TEST_CASE("modes: a playlist notice may hold the screen (interrupt hold), always in the urgent look", "[urgent][config][modes]") {
    config::KioskConfig cfg;
    auto pl = config::parse_playlist(R"({"items": [{"id": "closed", "kind": "notice", "text": "今天下午暂停办理业务。",
                                         "start": "2026-01-01T08:00", "expires": "2026-01-02T08:00", "interrupt": "hold"}]})",
                                     "playlist.json", cfg, true);
    INFO((pl ? std::string() : pl.error().message));
    REQUIRE(pl.ok());
    REQUIRE(pl->items[0].notice);
    CHECK(pl->items[0].notice->interrupt == config::Interrupt::hold);
    CHECK(pl->items[0].notice->urgent);
    auto wrong = config::parse_playlist(R"({"items": [{"id": "closed", "kind": "notice", "text": "暂停办理业务。",
                                            "start": "2026-01-01T08:00", "expires": "2026-01-02T08:00", "interrupt": "stay"}]})",
                                        "playlist.json", cfg, true);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().message.find("\"hold\"") != std::string::npos);
}
