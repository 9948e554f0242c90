#include <catch2/catch.hpp>

#include "base/utf8.hpp"
#include "content/charset.hpp"

using kiosk::content::decode_text;

TEST_CASE("UTF-8 text is taken as it is, a BOM dropped", "[charset]") {
    auto d = decode_text("\xEF\xBB\xBF发布日期");
    CHECK(d.encoding == "UTF-8");
    CHECK(d.utf8 == "发布日期");
    CHECK(d.replaced == 0);
}

TEST_CASE("GBK bytes (labelled or not) decode as GB18030", "[charset]") {
    // "政务公开" in GBK, and the GBK-only 镕 and 堃: 镕 is 0xE9 0x46 and 堃 0x88 0xD2.
    auto d = decode_text("\xD5\xFE\xCE\xF1\xB9\xAB\xBF\xAA \xE9\x46\x88\xD2");
    CHECK(d.encoding == "GB18030");
    CHECK(d.utf8 == "政务公开 镕堃");
    CHECK(d.replaced == 0);
}

TEST_CASE("invalid bytes become U+FFFD and are counted, never a crash", "[charset]") {
    auto d = decode_text("\xD5\xFE\xFF\xFF\xFF");
    CHECK(d.replaced > 0);
    CHECK(d.utf8.find("政") != std::string::npos);
    CHECK(d.utf8.find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("UTF-8 validation refuses overlongs and surrogates", "[charset]") {
    CHECK(kiosk::utf8::is_valid("中文 abc"));
    CHECK_FALSE(kiosk::utf8::is_valid("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(kiosk::utf8::is_valid("\xED\xA0\x80"));      // surrogate
    CHECK_FALSE(kiosk::utf8::is_valid("\xF4\x90\x80\x80"));  // past U+10FFFF
    CHECK(kiosk::utf8::encode(kiosk::utf8::decode("𪚥中")) == "𪚥中");
}
