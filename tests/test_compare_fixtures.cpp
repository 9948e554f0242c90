// The 新旧对照 fixtures (tests/fixtures/compare): both 《政府信息公开条例》 texts and the revision
// pairs import as the kiosk's .txt import reads them — every article an article block, numbered
// 第一条 … in order, every chapter a heading — so the alignment and the benchmark start from
// the texts as published (5 章 38 条 and 6 章 56 条).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "content/text_import.hpp"

using kiosk::content::Document;
using kiosk::content::Role;

namespace {

const std::string kDir = std::string(KIOSK_TEST_FIXTURES) + "/compare/";

Document import_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return kiosk::content::import_plain_text(bytes.str());
}

std::string chinese(int n) {
    static const char* digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 10) return digits[n];
    if (n < 20) return std::string("十") + digits[n % 10];
    return std::string(digits[n / 10]) + "十" + digits[n % 10];
}

// The article blocks' numbers are 第一条 … 第N条 in order, and the chapter headings 第一章 … in
// order; returns {articles, chapters}.
std::pair<int, int> check_numbering(const Document& doc) {
    int articles = 0, chapters = 0;
    for (const auto& b : doc.blocks) {
        if (b.role == Role::article && b.text.rfind("第" + chinese(articles + 1) + "条　", 0) == 0) {
            ++articles;
        } else if (b.role == Role::article) {
            FAIL_CHECK("article out of order after 第" << chinese(articles) << "条: " << b.text.substr(0, 30));
        } else if (b.role == Role::heading && b.text.rfind("第" + chinese(chapters + 1) + "章　", 0) == 0) {
            ++chapters;
        }
    }
    return {articles, chapters};
}

}  // namespace

TEST_CASE("the 2007 and 2019 texts of the 条例 import as 5 chapters of 38 articles and 6 of 56",
          "[compare_fixtures]") {
    const Document old_doc = import_file(kDir + "xxgk-2007.txt");
    const Document new_doc = import_file(kDir + "xxgk-2019.txt");
    CHECK(old_doc.title == "中华人民共和国政府信息公开条例");
    CHECK(new_doc.title == "中华人民共和国政府信息公开条例");
    CHECK(check_numbering(old_doc) == std::pair{38, 5});
    CHECK(check_numbering(new_doc) == std::pair{56, 6});
    // The effective dates are in the texts, where compare_documents looks for them.
    CHECK(old_doc.blocks.back().text == "第三十八条　本条例自2008年5月1日起施行。");
    CHECK(new_doc.blocks.back().text == "第五十六条　本条例自2019年5月15日起施行。");
}

TEST_CASE("the README names a source for every article of the 2007 text", "[compare_fixtures]") {
    std::ifstream in(kDir + "README.md");
    std::stringstream readme;
    readme << in.rdbuf();
    const std::string text = readme.str();
    for (int n = 1; n <= 38; ++n) {
        INFO("article " << n);
        CHECK(std::regex_search(text, std::regex("\\n\\| " + std::to_string(n) + " \\| (verbatim|content)")));
    }
}

TEST_CASE("each revision pair imports with its articles numbered in order on both sides", "[compare_fixtures]") {
    int pairs = 0;
    for (const auto& e : std::filesystem::directory_iterator(kDir + "pairs")) {
        const std::string name = e.path().filename().string();
        if (name.size() < 8 || name.compare(name.size() - 8, 8, "-old.txt") != 0) continue;
        const std::string stem = name.substr(0, name.size() - 8);
        INFO(stem);
        const auto old_counts = check_numbering(import_file(kDir + "pairs/" + name));
        const auto new_counts = check_numbering(import_file(kDir + "pairs/" + stem + "-new.txt"));
        CHECK(old_counts.first >= 15);
        CHECK(new_counts.first >= 15);
        CHECK(old_counts.first <= 40);
        CHECK(new_counts.first <= 40);
        ++pairs;
    }
    CHECK(pairs >= 4);
}
