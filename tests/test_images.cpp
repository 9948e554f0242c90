// Pictures: sizes read from headers (PNG, JPEG, GIF, WebP) and checked before decoding;
// broken, truncated, oversized and missing pictures become neat placeholders with their
// captions; a real picture is decoded (SDL2_image), placed to fit with its caption under it,
// and drawn; an article mixing paragraphs, a table and a photo flows in order.
#include <catch2/catch.hpp>

#include "app/library.hpp"
#include "app/content_source.hpp"
#include "render/image_header.hpp"
#include "render/pictures.hpp"
#include "render/png_writer.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {
const fs::path kImages = fs::path(KIOSK_TEST_FIXTURES) / "images";
std::string bytes_of(const char* name) { return test::read_file(kImages / name); }
}  // namespace

TEST_CASE("pictures: header sizes without decoding", "[images]") {
    struct Case {
        const char* file;
        int w, h;
        const char* format;
    };
    for (Case c : {Case{"hall.png", 300, 200, "png"}, {"hall.jpg", 640, 400, "jpeg"}, {"hall.gif", 150, 100, "gif"},
                   {"hall.webp", 300, 200, "webp"}, {"hall-lossless.webp", 300, 200, "webp"}, {"bomb.png", 60000, 60000, "png"}}) {
        INFO(c.file);
        auto h = render::read_image_header(bytes_of(c.file));
        REQUIRE(h);
        CHECK(h->width == c.w);
        CHECK(h->height == c.h);
        CHECK(h->format == c.format);
    }
    CHECK_FALSE(render::read_image_header(bytes_of("not-a-picture.jpg")));
    CHECK_FALSE(render::read_image_header(""));
    CHECK_FALSE(render::read_image_header(std::string("\xFF\xD8\xFF\xE0\x00\x10", 6)));  // a JPEG cut before its frame
    CHECK(render::image_refusal(bytes_of("bomb.png")).find("60000 x 60000") != std::string::npos);
    CHECK(render::image_refusal(bytes_of("not-a-picture.jpg")).find("not a PNG") != std::string::npos);
    CHECK(render::image_refusal(bytes_of("hall.jpg")).empty());
    render::ImageLimits tight;
    tight.max_bytes = 1000;
    CHECK(render::image_refusal(bytes_of("hall.jpg"), tight).find("larger than") != std::string::npos);
}

TEST_CASE("pictures: decoded by SDL2_image into the store, bombs refused before decoding, broken files refused", "[images]") {
    render::PictureStore store(256, 3);
    for (const char* ok : {"hall.png", "hall.jpg", "hall.gif", "hall.webp"}) {
        INFO(ok);
        CHECK(store.add(ok, bytes_of(ok)).ok());
    }
    CHECK(store.size() == 3);     // the oldest went
    CHECK_FALSE(store.has("hall.png"));
    CHECK(store.has("hall.webp"));
    auto bomb = store.add("bomb", bytes_of("bomb.png"));
    REQUIRE_FALSE(bomb.ok());
    CHECK(bomb.error().message.find("60000") != std::string::npos);
    CHECK_FALSE(store.add("cut", bytes_of("truncated.png")).ok());
    CHECK_FALSE(store.add("text", bytes_of("not-a-picture.jpg")).ok());
    CHECK_FALSE(store.has("cut"));
}

TEST_CASE("pictures: placed to fit with captions, missing, broken and oversized ones leave placeholders, drawn", "[images][render]") {
    auto doc = app::load_local_file(fs::path(KIOSK_TEST_FIXTURES) / "portal" / "photo-article.html");
    REQUIRE(doc.ok());
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    config::PlaylistItem item;
    item.id = "photos";
    library.add(item, *doc);
    for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}}) {
        INFO(w << "x" << h);
        library.lay_out(w, h);
        const auto& pages = library.items()[0].pages;
        std::vector<text::PlacedImage> images;
        int last_block = -1;
        for (const auto& page : pages) {
            for (const auto& im : page.images) {
                images.push_back(im);
                // Inside the body box, centred, and its caption right under it.
                CHECK(im.box.x >= page.box.x - 0.5f);
                CHECK(im.box.x + im.box.width <= page.box.x + page.box.width + 0.5f);
                CHECK(im.box.y + im.box.height <= page.box.y + page.box.height + 0.5f);
                bool caption_below = false;
                for (const auto& line : page.lines)
                    if (line.block == im.block) caption_below = line.y - line.font_size > im.box.y + im.box.height - 1;
                CHECK(caption_below);
            }
            for (const auto& line : page.lines) {  // the document flows in order
                CHECK(line.block >= last_block);
                last_block = line.block;
            }
        }
        REQUIRE(images.size() == 4);
        CHECK_FALSE(images[0].placeholder);  // hall.jpg, 640x400: aspect kept
        CHECK(images[0].box.width / images[0].box.height == Approx(640.0 / 400.0).epsilon(0.01));
        CHECK(images[1].placeholder);  // truncated
        CHECK(images[2].placeholder);  // claims 60000 x 60000
        CHECK(images[3].placeholder);  // missing
    }
    // Drawn: the photo's pixels where the photo is; the placeholder's tint and label where it is.
    library.lay_out(1920, 1080);
    test::TempDir dir;
    std::vector<text::Page> pages;
    for (const auto& page : library.items()[0].pages) pages.push_back(library.page_with_chrome(library.items()[0], page.number - 1, 0));
    render::PngRequest request{dir.path(), "photos", 0, &library.pictures()};
    auto files = render::render_pages_to_png(test::fonts(), cfg.theme, library.geometry(), pages, request);
    REQUIRE(files.ok());
    bool photo_checked = false, placeholder_checked = false;
    for (size_t i = 0; i < pages.size(); ++i) {
        const test::Image png = test::read_png((*files)[i]);
        for (const auto& im : pages[i].images) {
            // hall.jpg has a dark block at 32% across, 55% down; the placeholder is a flat light tint.
            const int x = static_cast<int>(im.box.x + im.box.width * 0.22f), y = static_cast<int>(im.box.y + im.box.height * 0.5f);
            if (!im.placeholder) {
                CHECK(png.luminance(x, y) < 90);
                photo_checked = true;
            } else {
                CHECK(png.luminance(x, y) > 180);
                CHECK(png.luminance(x, y) < 250);
                placeholder_checked = true;
            }
        }
        bool label = false;
        for (const auto& c : pages[i].chrome) label = label || c.chrome_role == "image-placeholder";
        bool has_placeholder = false;
        for (const auto& im : pages[i].images) has_placeholder = has_placeholder || im.placeholder;
        CHECK(label == has_placeholder);
    }
    CHECK(photo_checked);
    CHECK(placeholder_checked);
}

TEST_CASE("an article mixing paragraphs, a photo and tables flows across pages in order", "[images][table][layout]") {
    auto doc = app::load_local_file(fs::path(KIOSK_TEST_FIXTURES) / "portal" / "report-2021-tables.html");
    REQUIRE(doc.ok());
    // The photo of the fixture is not on disk: a placeholder holds its place.
    config::KioskConfig cfg;
    app::Library library(test::fonts(), std::make_shared<const kiosk::config::KioskConfig>(cfg));
    config::PlaylistItem item;
    item.id = "report";
    library.add(item, *doc);
    library.lay_out(1920, 1080);
    int last = -1;
    std::vector<content::Role> seen;
    for (const auto& page : library.items()[0].pages) {
        std::vector<std::pair<float, int>> things;  // (y, block) in reading order on the page
        for (const auto& line : page.lines) things.push_back({line.y, line.block});
        for (const auto& im : page.images) things.push_back({im.box.y, im.block});
        std::sort(things.begin(), things.end());
        for (auto [y, block] : things) {
            CHECK(block >= last);
            if (block != last) seen.push_back(doc->blocks[static_cast<size_t>(block)].role);
            last = block;
        }
    }
    CHECK(std::count(seen.begin(), seen.end(), content::Role::table) == 3);
    CHECK(std::count(seen.begin(), seen.end(), content::Role::image) == 1);
    CHECK(last == static_cast<int>(doc->blocks.size()) - 1);
}
