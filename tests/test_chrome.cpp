// The screen's chrome: hall name and title in the header; clock, the document's date and
// source, when it was updated, page n/N and a QR code of the article's address in the
// footer; a stale marker when web content is old or its last fetch failed.
#include <catch2/catch.hpp>

#include <cmath>

#include "app/library.hpp"
#include "support.hpp"
#include "text/layout_json.hpp"

using namespace kiosk;

namespace {
const text::Line* chrome(const text::Page& page, const std::string& role) {
    for (const auto& c : page.chrome)
        if (c.chrome_role == role) return &c;
    return nullptr;
}
content::Document article() {
    content::Document doc;
    doc.title = "关于调整窗口服务时间的公告";
    doc.url = "https://www.changchun.gov.cn/zw/tzgg/202611/t20261120_1.html";
    doc.blocks.push_back(content::text_block(content::Role::title, doc.title, 0, content::Align::center));
    doc.blocks.push_back(content::text_block(content::Role::meta, "发布日期：2026-11-20　　来源：市政务服务中心", 0, content::Align::center));
    doc.blocks.push_back(content::text_block(content::Role::paragraph, "自12月1日起，各窗口工作日延时服务至18:00。"));
    return doc;
}
}  // namespace

TEST_CASE("chrome: source, update time and QR for web content, a stale marker when old or failing", "[chrome]") {
    config::KioskConfig cfg;
    cfg.hall_name = "长春市政务服务中心";
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    config::PlaylistItem web;
    web.id = "notice";
    web.source = "https://www.changchun.gov.cn/zw/tzgg/202611/t20261120_1.html";
    library.add(web, article());
    config::PlaylistItem local;
    local.id = "local";
    local.source = "file:notice.txt";
    content::Document plain = article();
    plain.url.clear();  // a text file knows no address
    library.add(local, plain);
    for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}}) {
        INFO(w << "x" << h);
        library.lay_out(w, h);
        const std::time_t now = 1'796'000'000;
        library.set_freshness("notice", now - 600, false);
        text::Page page = library.page_with_chrome(*library.find("notice"), 0, now);
        REQUIRE(chrome(page, "hall-name"));
        REQUIRE(chrome(page, "page-number"));
        CHECK(chrome(page, "clock"));
        CHECK_FALSE(chrome(page, "stale"));
        // The update time stays, in both orientations (in portrait the QR code makes room
        // for it by going up into the body's corner).
        REQUIRE(chrome(page, "updated"));
        CHECK(chrome(page, "updated")->text.rfind(U"内容更新于 ", 0) == 0);
        if (w == 1920) {  // the source's date at least
            REQUIRE(chrome(page, "source"));
            CHECK(chrome(page, "source")->text.rfind(U"发布日期：2026-11-20", 0) == 0);
        }
        // Footer text at least 0.03 of the short side (32 px at 1080).
        const float short_side = static_cast<float>(std::min(w, h));
        for (const auto& c : page.chrome)
            if (c.chrome_role != "hall-name" && c.chrome_role != "running-title") CHECK(c.font_size >= std::round(0.03f * short_side));
        REQUIRE(page.qr);
        const text::Box q = page.qr->box;
        CHECK(page.qr->url == web.source);
        // At least 4 px a module at 1080, whole pixels, a quiet zone of four modules.
        CHECK(page.qr->module >= 4.0f * short_side / 1080.0f);
        CHECK(page.qr->module == std::round(page.qr->module));
        CHECK(q.width == static_cast<float>(page.qr->modules + 8) * page.qr->module);
        CHECK(page.qr->dark.size() == static_cast<size_t>(page.qr->modules * page.qr->modules));
        CHECK(q.x + q.width <= static_cast<float>(w));
        CHECK(q.y + q.height <= static_cast<float>(h));
        const text::PageGeometry g = text::resolve_geometry(cfg.margins, w, h);
        if (w == 1920) {
            // In the footer's corner: the footer's text ends before it.
            for (const auto& c : page.chrome) {
                if (c.chrome_role == "hall-name" || c.chrome_role == "running-title") continue;
                CHECK(c.x + c.width <= q.x + 0.5f);
            }
        } else {
            // In the body's corner, wholly above the footer rule.
            CHECK(q.y + q.height <= g.footer.y);
        }
        // No line of the body on any page comes into the code or its quiet zone.
        for (int n = 0; n < static_cast<int>(library.find("notice")->pages.size()); ++n)
            for (const auto& line : library.page_with_chrome(*library.find("notice"), n, now).lines) {
                const bool clear_above = line.y + 0.12f * line.font_size <= q.y;
                CHECK((clear_above || line.x + line.width <= q.x));
            }
        // The last fetch failed: marked, in the accent colour.
        library.set_freshness("notice", 0, true);
        page = library.page_with_chrome(*library.find("notice"), 0, now);
        REQUIRE(chrome(page, "stale"));
        CHECK(chrome(page, "stale")->tone == text::Tone::accent);
        // Fetched fine but three days ago (stale_after: 2 days): marked too.
        library.set_freshness("notice", now - 3 * 86400, false);
        page = library.page_with_chrome(*library.find("notice"), 0, now);
        CHECK(chrome(page, "stale"));
        // A local file: no QR code, never stale.
        page = library.page_with_chrome(*library.find("local"), 0, now + 30 * 86400);
        CHECK_FALSE(page.qr);
        CHECK_FALSE(chrome(page, "stale"));
        // In the layout JSON the QR code is chrome, with its address.
        const auto j = text::layout_json(w, h, 0, {text::ItemPages{"notice", "t", {library.page_with_chrome(*library.find("notice"), 0, now)}}});
        bool qr = false;
        for (const auto& c : j["items"][0]["pages"][0]["chrome"]) qr = qr || (c["role"] == "qr" && c["text"] == web.source);
        CHECK(qr);
    }
}

TEST_CASE("chrome: a running title too long for the header is cut at a word's end, never inside a number", "[chrome]") {
    config::KioskConfig cfg;
    cfg.hall_name = "长春市政务服务中心";
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    content::Document doc = article();
    doc.title = "长春市政务服务和数字化建设管理局2019年政府信息公开工作年度报告";
    doc.blocks.front().text = doc.title;
    config::PlaylistItem item;
    item.id = "report";
    item.source = "file:report.txt";
    library.add(item, doc);
    library.lay_out(1080, 1920);  // portrait: the header holds about 17 characters of title
    const text::Page page = library.page_with_chrome(*library.find("report"), 0, 1'796'000'000);
    const text::Line* title = chrome(page, "running-title");
    REQUIRE(title);
    const std::u32string& t = title->text;
    REQUIRE(t.size() > 2);
    CHECK(t.back() == U'…');
    // Every cut the header could make here: after 局 (a word's end), not in 2019 or 年度.
    CHECK(t == U"长春市政务服务和数字化建设管理局…");
    const char32_t before = t[t.size() - 2];
    CHECK_FALSE((before >= U'0' && before <= U'9'));
}
