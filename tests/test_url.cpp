// Link resolution against the page's own address: RFC 3986 §5.4's examples, normal and
// abnormal, with its base "http://a/b/c/d;p?q"; and the shapes portal pages use.
#include <catch2/catch.hpp>

#include "base/url.hpp"

using kiosk::url::resolve;

TEST_CASE("url: RFC 3986 section 5.4 reference resolution examples", "[url]") {
    const std::string base = "http://a/b/c/d;p?q";
    const std::pair<const char*, const char*> cases[] = {
        // 5.4.1 normal
        {"g:h", "g:h"}, {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"}, {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"}, {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"}, {"g;x?y#s", "http://a/b/c/g;x?y#s"},
        {"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"}, {"..", "http://a/b/"},
        {"../", "http://a/b/"}, {"../g", "http://a/b/g"}, {"../..", "http://a/"}, {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        // 5.4.2 abnormal
        {"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"}, {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."}, {".g", "http://a/b/c/.g"}, {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"}, {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"}, {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"}, {"g#s/./x", "http://a/b/c/g#s/./x"}, {"g#s/../x", "http://a/b/c/g#s/../x"},
        {"http:g", "http:g"}};
    for (auto [ref, want] : cases) {
        INFO(ref);
        CHECK(resolve(base, ref) == want);
    }
}

TEST_CASE("url: portal shapes, hosts, and no base", "[url]") {
    const std::string page = "https://www.changchun.gov.cn/zw/xxgk/202404/t20240407_3287654.html";
    CHECK(resolve(page, "./W020240407754781682465.jpg") == "https://www.changchun.gov.cn/zw/xxgk/202404/W020240407754781682465.jpg");
    CHECK(resolve(page, "../../tzgg/index.html") == "https://www.changchun.gov.cn/zw/tzgg/index.html");
    CHECK(resolve(page, " /pic/a.png ") == "https://www.changchun.gov.cn/pic/a.png");  // stray spaces in href
    CHECK(resolve("", "./a.jpg") == "./a.jpg");                                         // no base: as written
    CHECK(kiosk::url::host("https://User@WWW.Changchun.gov.cn:8443/x") == "www.changchun.gov.cn");
    CHECK(kiosk::url::host("file:///etc/passwd").empty());
}
