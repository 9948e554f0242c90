#include "checks.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "support.hpp"

namespace fs = std::filesystem;

namespace test {
namespace {

// "line N" and that line of each text, for the first line where they differ.
std::string first_difference(const std::string& expected, const std::string& got) {
    size_t line = 1, start = 0, i = 0;
    for (; i < expected.size() && i < got.size() && expected[i] == got[i]; ++i)
        if (got[i] == '\n') {
            ++line;
            start = i + 1;
        }
    auto line_of = [start](const std::string& s) {
        if (start >= s.size()) return std::string("(the end)");
        const size_t end = s.find('\n', start);
        return s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    };
    return "line " + std::to_string(line) + "\n  expected: " + line_of(expected) + "\n  got:      " + line_of(got);
}

}  // namespace

fs::path golden_file(const std::string& name) { return fs::path(KIOSK_TEST_GOLDEN) / (name + ".expected"); }

void check_golden(const fs::path& expected, const std::string& got) {
    if (std::getenv("KIOSK_UPDATE_GOLDEN")) write_file(expected, got);
    INFO("golden file " << expected.string() << "; rerun with KIOSK_UPDATE_GOLDEN=1 to accept a deliberate change, "
                        << "and read the diff before committing it");
    REQUIRE(fs::exists(expected));
    const std::string want = read_file(expected);
    INFO("first difference: " << (got == want ? std::string("none") : first_difference(want, got)));
    CHECK(got == want);
}

}  // namespace test
