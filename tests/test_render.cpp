#include <catch2/catch.hpp>

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "render/png_writer.hpp"
#include "support.hpp"
#include "text/layout.hpp"

using namespace kiosk;

namespace {

// Share of pixels in [x0,x1)x[y0,y1) darker than the background by a clear margin.
double dark_share(const test::Image& img, int x0, int y0, int x1, int y1) {
    x0 = std::max(0, x0), y0 = std::max(0, y0);
    x1 = std::min(img.width, x1), y1 = std::min(img.height, y1);
    long dark = 0, total = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x, ++total)
            if (img.luminance(x, y) < 140) ++dark;
    return total ? static_cast<double>(dark) / static_cast<double>(total) : 0.0;
}

}  // namespace

TEST_CASE("rendered PNG pages hold dark text exactly where the layout puts lines", "[render]") {
    const int w = 1920, h = 1080;
    auto geometry = text::resolve_geometry(config::Margins{}, w, h);
    auto style = text::resolve_style(config::Typography{}, w, h);
    auto pages = text::layout_document(text::shape_document(test::fonts(), test::corpus_document()),
                                       style, geometry);
    REQUIRE(pages.size() >= 2);
    test::TempDir dir;
    auto files = render::render_pages_to_png(test::fonts(), config::Theme{}, geometry, pages,
                                             render::PngRequest{dir.path(), "report", 2});
    REQUIRE(files.ok());
    REQUIRE(files->size() == 2);
    CHECK(files->at(0).filename() == "report-001.png");
    CHECK(files->at(1).filename() == "report-002.png");

    for (size_t p = 0; p < 2; ++p) {
        test::Image img = test::read_png(files->at(p));
        REQUIRE(img.width == w);
        REQUIRE(img.height == h);
        const text::Page& page = pages[p];
        for (const text::Line& line : page.lines) {
            INFO("page " << p + 1 << ": " << utf8::encode(line.text));
            // The band from the em-box top to the baseline holds ink...
            const int top = static_cast<int>(line.y - 0.88f * line.font_size);
            const int bottom = static_cast<int>(line.y + 0.12f * line.font_size);
            const double ink = dark_share(img, static_cast<int>(line.x), top,
                                          static_cast<int>(line.x + line.width), bottom);
            CHECK(ink > 0.02);
            // ...and the blank strip right of a short last line holds none.
            if (line.last_of_block && line.x + line.width < page.box.x + page.box.width - 100)
                CHECK(dark_share(img, static_cast<int>(line.x + line.width + 20), top,
                                 static_cast<int>(page.box.x + page.box.width), bottom) == 0.0);
        }
        // Between the last line and the footer there is only paper.
        const text::Line& last = page.lines.back();
        CHECK(dark_share(img, 0, static_cast<int>(last.y + 0.2f * last.font_size), w,
                         static_cast<int>(geometry.footer.y)) == 0.0);
    }
}

TEST_CASE("a character no font has is drawn as a visible box, not a gap", "[render]") {
    // U+10FFFD is a private-use code point no installed font covers.
    content::Document doc;
    content::Block odd;
    odd.role = content::Role::caption;
    odd.text = "\xF4\x8F\xBF\xBD";
    doc.blocks.push_back(odd);
    auto geometry = text::resolve_geometry(config::Margins{}, 640, 360);
    auto style = text::resolve_style(config::Typography{}, 640, 360);
    auto pages = text::layout_document(text::shape_document(test::fonts(), doc), style, geometry);
    REQUIRE(pages.size() == 1);
    REQUIRE(pages[0].lines.size() == 1);
    const text::Line& line = pages[0].lines[0];
    CHECK(line.glyphs[0].w > 0);
    test::TempDir dir;
    config::Theme theme;
    auto files = render::render_pages_to_png(test::fonts(), theme, geometry, pages,
                                             render::PngRequest{dir.path(), "x", 0});
    REQUIRE(files.ok());
    test::Image img = test::read_png(files->at(0));
    CHECK(dark_share(img, static_cast<int>(line.x), static_cast<int>(line.y - line.font_size),
                     static_cast<int>(line.x + line.glyphs[0].w + 1), static_cast<int>(line.y + 2)) > 0.0);
}

TEST_CASE("write_png refuses a folder it cannot write and leaves no temp file", "[render]") {
    std::vector<uint32_t> pixels(16 * 16, 0xFF000000u);
    auto st = render::write_png("/nonexistent-dir/x.png", 16, 16, pixels.data(), 16 * 4);
    REQUIRE(!st.ok());
    CHECK(st.error().message.find("/nonexistent-dir/x.png") != std::string::npos);
    test::TempDir dir;
    REQUIRE(render::write_png(dir.path() / "ok.png", 16, 16, pixels.data(), 16 * 4).ok());
    test::Image img = test::read_png(dir.path() / "ok.png");
    CHECK(img.width == 16);
    CHECK(img.luminance(3, 3) == 0);
    CHECK(!std::filesystem::exists(dir.path() / "ok.png.tmp"));
}
