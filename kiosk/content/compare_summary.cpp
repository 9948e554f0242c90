// The 新旧对照's opening words: the effective date and the two texts' titles with their years.
#include <string>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_parts.hpp"

namespace kiosk::content::compare_parts {
namespace {

using u32v = std::u32string_view;

int digit_of(char32_t c) {
    const int d = compare_parts::arabic_digit(c);
    return d >= 0 ? d : compare_parts::chinese_digit(c);
}

bool arabic(char32_t c) { return compare_parts::arabic_digit(c) >= 0; }

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0x3000 || c == 0x00A0; }

// A month or day: 1-2 digits, or 一 … 三十一 in Chinese numerals; the value and its length.
std::pair<int, size_t> small_number(u32v s) {
    size_t i = 0;
    while (i < s.size() && i < 2 && arabic(s[i])) ++i;
    if (i > 0) {
        int v = 0;
        for (size_t k = 0; k < i; ++k) v = v * 10 + digit_of(s[k]);
        return {v, i};
    }
    while (i < s.size() && i < 3 && (s[i] == U'十' || (!arabic(s[i]) && digit_of(s[i]) > 0))) ++i;
    if (i == 0) return {0, 0};
    return {chinese_number(s.substr(0, i)), i};
}

bool starts_with(u32v s, u32v prefix) { return s.substr(0, prefix.size()) == prefix; }

std::u32string without_spaces(u32v s) {
    std::u32string out;
    for (char32_t c : s)
        if (!is_space(c)) out.push_back(c);
    return out;
}

// The text before the first unit: the title and the 公布 / 修订 / 施行 lines.
std::vector<std::u32string> opening_lines(const Document& doc) {
    std::vector<std::u32string> lines;
    for (const Block& b : doc.blocks) {
        if (b.role == Role::compare || b.role == Role::table || b.role == Role::image) continue;
        std::u32string t = utf8::decode(b.text);
        if (leading_ordinal(t)) break;
        lines.push_back(std::move(t));
    }
    return lines;
}

}  // namespace

std::string FoundDate::text() const {
    return std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
}

std::optional<FoundDate> date_at(std::u32string_view text, size_t at) {
    u32v s = text.substr(std::min(at, text.size()));
    FoundDate d;
    size_t i = 0;
    for (; i < 4; ++i) {
        if (i >= s.size() || digit_of(s[i]) < 0 || s[i] == U'零') return std::nullopt;
        d.year = d.year * 10 + digit_of(s[i]);
    }
    if (i >= s.size() || s[i] != U'年') return std::nullopt;
    ++i;
    auto [month, mlen] = small_number(s.substr(i));
    if (mlen == 0 || month < 1 || month > 12 || i + mlen >= s.size() || s[i + mlen] != U'月') return std::nullopt;
    i += mlen + 1;
    auto [day, dlen] = small_number(s.substr(i));
    if (dlen == 0 || day < 1 || day > 31 || i + dlen >= s.size() || s[i + dlen] != U'日') return std::nullopt;
    d.month = month;
    d.day = day;
    d.length = i + dlen + 1;
    return d;
}

std::string effective_date(const std::string& given, const Document& new_doc) {
    if (!given.empty()) {
        const std::u32string g = without_spaces(utf8::decode(given));
        // 2019-05-15 (the playlist's form)
        if (g.size() == 10 && g[4] == U'-' && g[7] == U'-') {
            int y = 0, m = 0, d = 0;
            bool digits = true;
            for (size_t k : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) digits = digits && arabic(g[k]);
            if (digits) {
                for (size_t k = 0; k < 4; ++k) y = y * 10 + digit_of(g[k]);
                m = digit_of(g[5]) * 10 + digit_of(g[6]);
                d = digit_of(g[8]) * 10 + digit_of(g[9]);
                if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return FoundDate{y, m, d, 10}.text();
            }
        }
        if (auto found = date_at(g, 0)) return found->text();
        return utf8::encode(u32v(g).substr(0, 40));  // as the playlist wrote it
    }
    // The regulation's own words, usually its last article: 本条例自2019年5月15日起施行。
    std::optional<FoundDate> line_date;
    for (const Block& b : new_doc.blocks) {
        if (b.role == Role::compare || b.role == Role::table || b.role == Role::image) continue;
        const std::u32string t = without_spaces(utf8::decode(b.text));
        for (size_t at = t.find(U'自'); at != std::u32string::npos; at = t.find(U'自', at + 1)) {
            auto d = date_at(t, at + 1);
            if (!d) continue;
            const u32v rest = u32v(t).substr(at + 1 + d->length);
            if (starts_with(rest, U"起施行") || starts_with(rest, U"起实施") || starts_with(rest, U"起执行") ||
                starts_with(rest, U"施行"))
                return d->text();
        }
        // A line of its own under the title: 2019年5月15日施行 / 2019年5月15日 起施行
        if (!line_date) {
            if (auto d = date_at(t, 0)) {
                const u32v rest = u32v(t).substr(d->length);
                if (rest == U"施行" || rest == U"起施行" || rest == U"实施" || rest == U"起实施") line_date = d;
            }
        }
    }
    return line_date ? line_date->text() : std::string();
}

std::string dated_title(const Document& doc) {
    std::string title = doc.title;
    if (title.empty()) return title;
    const std::u32string t = utf8::decode(title);
    if (!t.empty() && (t.back() == U'）' || t.back() == U')')) return title;  // already says which version
    // The last 修订 / 修正 in the opening lines, else the 公布 / 通过 / 发布 / 印发 / 颁布 date.
    int revised = 0, published = 0;
    std::string revised_word;
    for (const std::u32string& line : opening_lines(doc)) {
        for (size_t at = 0; at < line.size(); ++at) {
            auto d = date_at(line, at);
            if (!d) continue;
            // The words after the date, up to the next date: what happened that day.
            size_t end = at + d->length;
            while (end < line.size() && !date_at(line, end)) ++end;
            const u32v what = u32v(line).substr(at + d->length, end - at - d->length);
            if (what.find(U"修订") != u32v::npos) revised = d->year, revised_word = "修订";
            else if (what.find(U"修正") != u32v::npos) revised = d->year, revised_word = "修正";
            else if (what.find(U"公布") != u32v::npos || what.find(U"通过") != u32v::npos ||
                     what.find(U"发布") != u32v::npos || what.find(U"印发") != u32v::npos || what.find(U"颁布") != u32v::npos)
                published = published ? published : d->year;
            at = end - 1;
        }
    }
    if (revised) return title + "（" + std::to_string(revised) + "年" + revised_word + "）";
    if (published) return title + "（" + std::to_string(published) + "年）";
    return title;
}

}  // namespace kiosk::content::compare_parts
