// Golden-file tests for line breaking (as libraqm's tests/*.test): text and a measure in, a
// line dump out, diffed. KIOSK_UPDATE_GOLDEN=1 rewrites the expected files: read the diff
// before committing it.
#include <catch2/catch.hpp>
#include <sstream>

#include "base/utf8.hpp"
#include "checks.hpp"
#include "support.hpp"
#include "text/layout.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

// One paragraph a line of `input`, set at `measure_em` (40 px body, 2 em indent). Each line
// of the dump: block, set width / measure, "!" for an emergency break, the text; then the
// advance of every mark that was compressed, as "。½".
std::string dump(const content::Document& doc, float measure_em) {
    text::Style style;
    style.body_px = 40;
    text::PageGeometry g;
    g.body = text::Box{0, 0, measure_em * 40, 1e6f};
    auto pages = text::layout_document(text::shape_document(test::fonts(), doc), style, g);
    std::ostringstream out;
    for (const auto& page : pages) {
        for (const auto& line : page.lines) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%2d %6.1f/%6.1f%s ", line.block, line.width, line.measure,
                          line.emergency ? " !" : "  ");
            out << buf << utf8::encode(line.text);
            std::string marks;
            for (const auto& glyph : line.glyphs) {
                const float em = glyph.w / line.font_size;
                if (em > 0.95f) continue;
                const char32_t c = line.text[static_cast<size_t>(glyph.c)];
                if (c < 0x2000) continue;  // Latin letters and digits are narrow anyway
                char w[16];
                std::snprintf(w, sizeof w, "%.2f", em);
                marks += " " + utf8::encode(c) + w;
            }
            if (!marks.empty()) out << "   |" << marks;
            out << "\n";
        }
    }
    return out.str();
}

}  // namespace

TEST_CASE("golden: 45 hard cases at four measures", "[layout][golden]") {
    const auto doc = test::paragraphs(test::read_file(fs::path(KIOSK_TEST_GOLDEN) / "clreq-cases.txt"));
    REQUIRE(doc.blocks.size() >= 40);
    for (int measure : {7, 11, 16, 23}) test::check_golden(test::golden_file("clreq-cases-" + std::to_string(measure) + "em"), dump(doc, static_cast<float>(measure)));
}

TEST_CASE("golden: the annual report at 20 em and 45 em", "[layout][golden]") {
    const auto doc = test::corpus_document();
    test::check_golden(test::golden_file("annual-report-20em"), dump(doc, 20));
    test::check_golden(test::golden_file("annual-report-45em"), dump(doc, 45));
}
