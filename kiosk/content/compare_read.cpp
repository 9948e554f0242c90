// A regulation's text read into its numbered units (第X章, 第X节, 第X条 and the 款 and 项 that
// follow an article), for the 新旧对照 (content/compare.hpp).
#include <string>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_parts.hpp"

namespace kiosk::content {
namespace {

using u32v = std::u32string_view;

int digit_value(char32_t c) { return compare_parts::arabic_digit(c); }
int numeral_value(char32_t c) { return compare_parts::chinese_digit(c); }

int multiplier(char32_t c) {
    switch (c) {
        case U'十': return 10;
        case U'百': return 100;
        case U'千': return 1000;
        case U'万': return 10000;
        default: return 0;
    }
}

constexpr int kLargest = 10'000'000;  // no regulation has more; longer runs stop counting

// The length of the run of numerals (Chinese or digits) at the start of `s`.
size_t numeral_run(u32v s) {
    size_t i = 0;
    while (i < s.size() && (digit_value(s[i]) >= 0 || numeral_value(s[i]) >= 0 || multiplier(s[i]) > 0)) ++i;
    return i;
}

size_t chars_of(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0x3000 || c == 0x00A0; }

// A line that is a heading's own words (总则), with no sentence punctuation.
bool is_short_title(u32v s) {
    if (s.empty() || s.size() > 30) return false;
    for (char32_t c : s)
        if (u32v(U"。，；：！？,;:!?").find(c) != u32v::npos) return false;
    return true;
}

std::string side_words(std::string_view side) { return side.empty() ? std::string("这份文本") : std::string(side); }

}  // namespace

int chinese_number(std::u32string_view text) {
    size_t i = 0;
    if (i < text.size() && text[i] == U'第') ++i;
    if (i < text.size() && digit_value(text[i]) >= 0) {
        long value = 0;
        for (; i < text.size() && digit_value(text[i]) >= 0; ++i) {
            value = value * 10 + digit_value(text[i]);
            if (value > kLargest) return kLargest;
        }
        return static_cast<int>(value);
    }
    long total = 0, section = 0, positional = 0;
    int digit = -1, digits = 0;
    bool units = false, any = false;
    for (; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (int d = numeral_value(c); d >= 0) {
            digit = d;
            positional = positional * 10 + d;
            ++digits;
            any = true;
        } else if (int m = multiplier(c); m > 0) {
            units = any = true;
            if (m == 10000) {
                total = (total + section + (digit >= 0 ? digit : 0)) * 10000;
                section = 0;
            } else {
                section += (digit >= 0 ? digit : 1) * m;
            }
            digit = -1;
        } else {
            break;
        }
        if (total + section > kLargest || positional > kLargest) return kLargest;
    }
    if (!any) return 0;
    if (!units && digits > 1) return static_cast<int>(positional);  // 一〇二 written digit by digit
    return static_cast<int>(total + section + (digit >= 0 ? digit : 0));
}

namespace compare_parts {

std::optional<Ordinal> leading_ordinal(std::u32string_view text) {
    if (text.empty() || text[0] != U'第') return std::nullopt;
    const size_t run = numeral_run(text.substr(1));
    if (run == 0 || 1 + run >= text.size()) return std::nullopt;
    Ordinal o;
    o.length = run + 2;
    switch (text[1 + run]) {
        case U'条': o.unit = Article::Unit::article; break;
        case U'章': case U'编': o.unit = Article::Unit::chapter; break;
        case U'节': o.unit = Article::Unit::section; break;
        default: return std::nullopt;
    }
    return o;
}

Result<std::vector<Article>> read_side(const Document& doc, const CompareLimits& limits, std::string_view side) {
    const std::string who = side_words(side);
    // The budgets first, on the bytes as they are: a hostile page costs no more than this pass.
    size_t text_chars = chars_of(doc.title);
    for (const Block& b : doc.blocks) text_chars += chars_of(b.text);
    if (text_chars > limits.max_text_chars)
        return make_error(who + "有 " + std::to_string(text_chars) + " 字，超过了逐条对照的上限 " +
                          std::to_string(limits.max_text_chars) + " 字，不能逐条对照。请确认来源是条例的正文，而不是汇编或整个栏目");

    std::vector<Article> units;
    size_t unit_chars = 0;
    bool title_pending = false;  // a bare 第一章 line: its words (总则) may follow on the next line
    for (const Block& b : doc.blocks) {
        if (b.role == Role::title || b.role == Role::meta || b.role == Role::table || b.role == Role::image ||
            b.role == Role::compare)
            continue;
        if (b.role == Role::caption && b.text.rfind("内容过长，", 0) == 0) continue;  // the budget's own notice
        const std::u32string text = utf8::decode(b.text);
        const auto ordinal = leading_ordinal(text);
        // A unit starts at its number: the import makes 第…条 an article and 第…章 a heading;
        // a bare 第一章 line (its words on the next line) is a paragraph or caption there.
        const bool starts = ordinal && (b.role == Role::article || b.role == Role::heading ||
                                        ordinal->unit != Article::Unit::article || ordinal->length == text.size());
        if (starts) {
            if (units.size() >= limits.max_articles)
                return make_error(who + "的条文和章节超过 " + std::to_string(limits.max_articles) +
                                  " 个，不能逐条对照。请确认来源是一部条例，而不是几部汇编在一起");
            Article a;
            a.unit = ordinal->unit;
            a.number = chinese_number(text);
            a.label = utf8::encode(u32v(text).substr(0, ordinal->length));
            a.paragraphs.push_back(b.text);
            units.push_back(std::move(a));
            unit_chars = text.size();
            title_pending = ordinal->unit != Article::Unit::article && ordinal->length == text.size();
        } else if (units.empty()) {
            continue;  // the title, the 公布 lines, a preamble: not an article
        } else if (title_pending) {
            Article& heading = units.back();
            u32v words = text;
            while (!words.empty() && is_space(words.front())) words.remove_prefix(1);
            if (is_short_title(words)) heading.paragraphs.back() += "\u3000" + utf8::encode(words);
            title_pending = false;
            continue;
        } else if (units.back().unit != Article::Unit::article) {
            continue;  // words between a chapter heading and its first article: not part of either
        } else {
            units.back().paragraphs.push_back(b.text);
            unit_chars += text.size();
        }
        if (unit_chars > limits.max_article_chars)
            return make_error(who + "的" + units.back().label + "有 " + std::to_string(unit_chars) + " 字，超过了一条 " +
                              std::to_string(limits.max_article_chars) +
                              " 字的上限，不能逐条对照。请确认来源里的条文编号（第一条、第二条……）是否完整");
    }
    bool any_article = false;
    for (const Article& a : units) any_article = any_article || a.unit == Article::Unit::article;
    if (!any_article)
        return make_error(who + "里没有找到“第一条”这样的条文编号，不能逐条对照。请确认来源是条例的正文，"
                                "每条以“第一条”“第二条”这样的编号开头");
    return units;
}

}  // namespace compare_parts

Result<std::vector<Article>> read_articles(const Document& doc, const CompareLimits& limits) {
    return compare_parts::read_side(doc, limits, "");
}

}  // namespace kiosk::content
