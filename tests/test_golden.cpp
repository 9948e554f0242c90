// Golden-file tests for line breaking (as libraqm's tests/*.test): input text and a measure
// in, a line dump out, diffed. KIOSK_UPDATE_GOLDEN=1 rewrites the expected files.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "support.hpp"
#include "text/layout.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

// Header line: "@measure 20" (in em at 40 px); then one paragraph a line.
std::string dump(const std::string& input) {
    std::istringstream in(input);
    std::string header;
    std::getline(in, header);
    float measure_em = std::stof(header.substr(header.find(' ') + 1));
    content::Document doc;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) doc.blocks.push_back(content::Block{content::Role::paragraph, line, 0, {}});
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
            out << buf << utf8::encode(line.text) << "\n";
        }
    }
    return out.str();
}

}  // namespace

TEST_CASE("line-break golden files", "[layout][golden]") {
    auto name = GENERATE("annual-report", "numbers-latin", "long-token");
    const fs::path input = fs::path(KIOSK_TEST_GOLDEN) / (std::string(name) + ".in");
    const fs::path expected = fs::path(KIOSK_TEST_GOLDEN) / (std::string(name) + ".expected");
    const std::string got = dump(test::read_file(input));
    if (std::getenv("KIOSK_UPDATE_GOLDEN")) test::write_file(expected, got);
    INFO("golden " << name << "; rerun with KIOSK_UPDATE_GOLDEN=1 to accept a deliberate change");
    CHECK(got == test::read_file(expected));
}
