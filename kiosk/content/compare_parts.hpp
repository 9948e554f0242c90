#pragma once
// The alignment's own parts shared between its files (compare_read, compare_align,
// compare_summary, compare_json) and document_json: not part of content/compare.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "content/compare.hpp"

namespace kiosk::content::compare_parts {

// A digit's value: 0-9 and their full-width forms (arabic_digit), 〇/零 and 一 … 九 (and 两)
// (chinese_digit); -1 for anything else.
inline int arabic_digit(char32_t c) {
    if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
    if (c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
    return -1;
}
inline int chinese_digit(char32_t c) {
    switch (c) {
        case U'零': case U'〇': case U'○': return 0;
        case U'一': return 1;
        case U'二': case U'两': return 2;
        case U'三': return 3;
        case U'四': return 4;
        case U'五': return 5;
        case U'六': return 6;
        case U'七': return 7;
        case U'八': return 8;
        case U'九': return 9;
        default: return -1;
    }
}

// read_articles with the side named in the clerk's error: "修订前的文本" / "修订后的文本".
Result<std::vector<Article>> read_side(const Document& doc, const CompareLimits& limits, std::string_view side);

// The unit of a leading 第…条 / 第…章 / 第…节 / 第…编 and the length of that label (code
// points), or nullopt.
struct Ordinal {
    Article::Unit unit = Article::Unit::article;
    size_t length = 0;  // 第十三条 -> 4
};
std::optional<Ordinal> leading_ordinal(std::u32string_view text);

// "2019年5月15日" (digits or Chinese numerals, 二〇一九年五月十五日) starting at `at`: the date
// as 2019年5月15日 and the code points it took; nullopt when there is none there.
struct FoundDate {
    int year = 0, month = 0, day = 0;
    size_t length = 0;
    std::string text() const;  // 2019年5月15日
};
std::optional<FoundDate> date_at(std::u32string_view text, size_t at);

// The summary's effective date: the playlist's (2019-05-15 or 2019年5月15日), else the new
// text's own words (自2019年5月15日起施行; a line such as 2019年5月15日施行); "" unknown.
std::string effective_date(const std::string& given, const Document& new_doc);
// 中华人民共和国政府信息公开条例（2007年） / （2019年修订）: the document's title and the year
// its opening lines (before the first article) give it.
std::string dated_title(const Document& doc);

// One pair and the summary as kiosk-compare/1 writes them (and kiosk-document/1 holds them).
nlohmann::json pair_json(const Comparison& pair);
nlohmann::json summary_json(const CompareSummary& summary);
// The reverse, for a cached Document: wrong types fall back to defaults, marks outside their
// paragraph or out of order are dropped, so nothing read back can point past its text.
Comparison pair_from_json(const nlohmann::json& j);
CompareSummary summary_from_json(const nlohmann::json& j);

const char* change_name(Change change);
const char* relation_name(Relation relation);

}  // namespace kiosk::content::compare_parts
