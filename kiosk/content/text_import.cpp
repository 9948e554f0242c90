#include "content/text_import.hpp"

#include <algorithm>
#include <array>

#include "base/utf8.hpp"

namespace kiosk::content {
namespace {

using u32 = std::u32string;
using u32v = std::u32string_view;

bool is_space(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\r' || c == U'\f' || c == 0x00A0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF;
}

// Han, kana, full-width forms and CJK punctuation: no word spaces belong next to these.
bool is_cjk(char32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFF) || c == 0x2014 || c == 0x2026 || c == 0x201C ||
           c == 0x201D || c == 0x2018 || c == 0x2019;
}

u32v trim(u32v s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Runs of whitespace collapse to one space, kept only between two non-CJK characters
// (between Latin words); spaces beside Han characters are indentation or padding.
u32 normalise_spaces(u32v s) {
    u32 out;
    s = trim(s);
    for (size_t i = 0; i < s.size();) {
        if (!is_space(s[i])) {
            out.push_back(s[i++]);
            continue;
        }
        size_t j = i;
        while (j < s.size() && is_space(s[j])) ++j;
        if (!out.empty() && j < s.size() && !is_cjk(out.back()) && !is_cjk(s[j])) out.push_back(U' ');
        // An ideographic space inside a line is the writer's own separator ("…通过　2023年…
        // 修正", "业务　张伟摄"): kept, as one.
        else if (!out.empty() && j < s.size() &&
                 std::find(s.begin() + static_cast<long>(i), s.begin() + static_cast<long>(j), U'\u3000') != s.begin() + static_cast<long>(j))
            out.push_back(U'\u3000');
        i = j;
    }
    return out;
}

// Splits at gaps of three or more spaces: two photo captions side by side, or
// "发布日期:…    点击数:" fields.
std::vector<u32> split_wide_gaps(u32v s) {
    std::vector<u32> parts;
    s = trim(s);
    size_t start = 0;
    for (size_t i = 0; i < s.size();) {
        if (!is_space(s[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && is_space(s[j])) ++j;
        if (j - i >= 3) {
            parts.emplace_back(s.substr(start, i - start));
            start = j;
        }
        i = j;
    }
    if (start < s.size()) parts.emplace_back(s.substr(start));
    return parts;
}

bool starts_with(u32v s, u32v prefix) { return s.substr(0, prefix.size()) == prefix; }

bool contains_any(u32v s, u32v chars) {
    return std::any_of(s.begin(), s.end(), [&](char32_t c) { return chars.find(c) != u32v::npos; });
}

constexpr u32v kSentencePunct = U"。，；：！？,;!?";
constexpr u32v kChineseNumerals = U"一二三四五六七八九十百千零〇两";

bool is_numeral(char32_t c) {
    return kChineseNumerals.find(c) != u32v::npos || (c >= U'0' && c <= U'9') ||
           (c >= U'０' && c <= U'９');
}

// Length of a leading 第 + numerals + unit (第十二条, 第三章), or 0.
size_t ordinal_length(u32v s) {
    if (!starts_with(s, U"第")) return 0;
    size_t i = 1;
    while (i < s.size() && is_numeral(s[i])) ++i;
    return i > 1 && i < s.size() && u32v(U"编章节条").find(s[i]) != u32v::npos ? i + 1 : 0;
}

bool starts_with_ordinal(u32v s, u32v units) {
    size_t n = ordinal_length(s);
    return n > 0 && units.find(s[n - 1]) != u32v::npos;
}

// 一、  (level 1)
bool starts_with_numbered_heading(u32v s) {
    size_t i = 0;
    while (i < s.size() && kChineseNumerals.find(s[i]) != u32v::npos) ++i;
    return i > 0 && i < s.size() && s[i] == U'、';
}

// （一） or (一)  (level 2)
bool starts_with_bracketed_number(u32v s) {
    if (s.empty() || (s[0] != U'（' && s[0] != U'(')) return false;
    size_t i = 1;
    while (i < s.size() && kChineseNumerals.find(s[i]) != u32v::npos) ++i;
    return i > 1 && i < s.size() && (s[i] == U'）' || s[i] == U')');
}

// "1." / "1．" / "1、" then text (not "1.5亿"): a 目 within an article.
bool starts_with_item_number(u32v s) {
    size_t i = 0;
    while (i < s.size() && s[i] >= U'0' && s[i] <= U'9') ++i;
    return i > 0 && i + 1 < s.size() && (s[i] == U'.' || s[i] == U'．' || s[i] == U'、') &&
           !(s[i + 1] >= U'0' && s[i + 1] <= U'9');
}

bool is_short_label(u32v s) { return s.size() <= 40 && !contains_any(s, kSentencePunct); }

// The portal's top menu, e.g. "登录| 注册": short words joined by bars.
bool is_menu_line(u32v s) {
    if (!contains_any(s, U"|｜")) return false;
    size_t word = 0;
    for (char32_t c : s) {
        if (c == U'|' || c == U'｜' || is_space(c)) {
            word = 0;
        } else if (++word > 6) {
            return false;
        }
    }
    return true;
}

constexpr std::array<u32v, 14> kMetaLabels = {
    U"发布日期", U"发布时间", U"来源", U"信息来源", U"发布机构", U"作者", U"索引号",
    U"发文机关", U"成文日期", U"发文字号", U"主题分类", U"有效性", U"文号", U"时间"};
constexpr std::array<u32v, 6> kCounterLabels = {U"点击数", U"点击量", U"浏览次数",
                                                U"浏览量", U"访问量", U"阅读量"};

template <size_t N>
bool has_label(u32v s, const std::array<u32v, N>& labels) {
    for (u32v label : labels) {
        if (starts_with(s, label) && s.size() > label.size() &&
            (s[label.size()] == U':' || s[label.size()] == U'：'))
            return true;
    }
    return false;
}

bool is_meta_line(u32v s) {
    for (const u32& field : split_wide_gaps(s))
        if (has_label(u32v(field), kMetaLabels)) return true;
    return false;
}

// "发布日期:2020-01-20    点击数:" -> "发布日期：2020-01-20": keeps labelled fields with a
// value, drops click counters (an empty web widget means nothing on a hall screen).
u32 clean_meta_line(u32v s) {
    u32 out;
    for (u32 field : split_wide_gaps(s)) {
        if (has_label(u32v(field), kCounterLabels)) continue;
        size_t colon = field.find_first_of(U":：");
        if (colon != u32::npos) {
            field[colon] = U'：';
            if (trim(u32v(field).substr(colon + 1)).empty()) continue;  // label without value
        }
        if (!out.empty()) out += U"\u3000\u3000";
        out += normalise_spaces(field);
    }
    return out;
}

Block make_block(Role role, const u32& text, int level = 0, Align align = Align::start) {
    return text_block(role, utf8::encode(text), level, align);
}

}  // namespace

std::string normalise_inline(std::string_view utf8_text) { return utf8::encode(normalise_spaces(utf8::decode(utf8_text))); }

namespace {
// `typed`: a clerk's text (one paragraph a line): a short line is a paragraph like any
// other, never a photo caption or a signature set small and grey.
Document import_lines(std::string_view utf8_text, bool has_title, std::vector<Block> objects, bool typed) {
    size_t next_object = 0;
    std::u32string text = utf8::decode(utf8_text);
    std::vector<u32v> lines;
    for (size_t start = 0; start <= text.size();) {
        size_t end = text.find(U'\n', start);
        if (end == u32::npos) end = text.size();
        lines.push_back(u32v(text).substr(start, end - start));
        start = end + 1;
    }

    Document doc;
    bool in_article = false;  // after 第…条, until the next chapter or section
    enum class Zone { before_title, meta, body } zone = has_title ? Zone::before_title : Zone::body;
    for (u32v raw : lines) {
        u32v line = trim(raw);
        if (line.empty()) continue;
        if (line == U"\uFFFC") {
            if (next_object < objects.size()) doc.blocks.push_back(std::move(objects[next_object++]));
            if (zone != Zone::before_title) zone = Zone::body;
            continue;
        }

        if (zone == Zone::before_title) {
            if (is_menu_line(line)) continue;
            if (is_meta_line(line)) {
                zone = Zone::meta;  // no title line: the meta comes first
            } else {
                u32 title = normalise_spaces(line);
                doc.title = utf8::encode(title);
                doc.blocks.push_back(make_block(Role::title, title, 0, Align::center));
                zone = Zone::meta;
                continue;
            }
        }
        if (zone == Zone::meta) {
            if (is_meta_line(line)) {
                u32 meta = clean_meta_line(line);
                if (!meta.empty()) doc.blocks.push_back(make_block(Role::meta, meta, 0, Align::center));
                continue;
            }
            // The issuing office, a short unpunctuated line right under the date.
            if (is_short_label(line) && !starts_with_numbered_heading(line) &&
                !starts_with_bracketed_number(line) && ordinal_length(line) == 0) {
                doc.blocks.push_back(make_block(Role::meta, normalise_spaces(line), 0, Align::center));
                continue;
            }
            zone = Zone::body;
        }

        u32 body = normalise_spaces(line);
        // "第一条　为了…", "第一章　总则": the space after the number is the regulation's own
        // separator, set as one ideographic space.
        if (size_t n = ordinal_length(line); n > 0 && n < line.size() && is_space(line[n]))
            body = u32(line.substr(0, n)) + U"\u3000" + normalise_spaces(line.substr(n));
        u32v b = body;
        // A regulation's structure (编 > 章 > 节 > 条 > 款 > 项 > 目): chapters and sections are
        // headings (level 1, 2); an article starts at 第…条; the unnumbered paragraphs after
        // it are its 款 (paragraph, level 1); （一） items are 项 (list, level 1); "1." items
        // within an article are 目 (list, level 2).
        if (starts_with_ordinal(b, U"条")) {
            doc.blocks.push_back(make_block(Role::article, body));
            in_article = true;
        } else if (starts_with_ordinal(b, U"编章")) {
            doc.blocks.push_back(make_block(Role::heading, body, 1, Align::center));
            in_article = false;
        } else if (starts_with_ordinal(b, U"节")) {
            doc.blocks.push_back(make_block(Role::heading, body, 2, Align::center));
            in_article = false;
        } else if (starts_with_numbered_heading(b) || starts_with_bracketed_number(b)) {
            int level = starts_with_numbered_heading(b) ? 1 : 2;
            bool heading = !in_article && b.size() <= 30 && !contains_any(b, U"。；;");
            if (heading) doc.blocks.push_back(make_block(Role::heading, body, level));
            else if (level == 1) doc.blocks.push_back(make_block(Role::paragraph, body));
            else doc.blocks.push_back(make_block(Role::list, body, 1));
        } else if (in_article && starts_with_item_number(b)) {
            doc.blocks.push_back(make_block(Role::list, body, 2));
        } else if (in_article && !is_short_label(b)) {
            doc.blocks.push_back(make_block(Role::paragraph, body, 1));
        } else if (!typed && is_short_label(b)) {
            // Photo captions (sometimes two side by side) and, at the end, the signature.
            for (const u32& part : split_wide_gaps(line))
                doc.blocks.push_back(make_block(Role::caption, normalise_spaces(part), 0, Align::center));
        } else {
            doc.blocks.push_back(make_block(Role::paragraph, body));
        }
    }

    // The closing signature (office, date) is the run of captions after the last paragraph:
    // it is set flush right, as on paper.
    for (auto it = doc.blocks.rbegin(); it != doc.blocks.rend() && it->role == Role::caption; ++it) {
        it->role = Role::meta;
        it->align = Align::end;
    }
    return doc;
}
}  // namespace

Document import_plain_text(std::string_view utf8_text, bool has_title) { return import_lines(utf8_text, has_title, {}, false); }

Document import_plain_text(std::string_view utf8_text, bool has_title, std::vector<Block> objects) {
    return import_lines(utf8_text, has_title, std::move(objects), false);
}

Document import_typed_text(std::string_view title, std::string_view utf8_text) {
    const u32 heading = normalise_spaces(utf8::decode(title));
    std::u32string text = utf8::decode(utf8_text);
    if (!heading.empty()) {
        // The title typed again as the text's first line (an upload, or a habit): once.
        size_t start = 0;
        while (start < text.size()) {
            size_t end = text.find(U'\n', start);
            if (end == u32::npos) end = text.size();
            const u32v line = trim(u32v(text).substr(start, end - start));
            if (!line.empty()) {
                if (normalise_spaces(line) == heading) text.erase(0, std::min(end + 1, text.size()));
                break;
            }
            start = end + 1;
        }
    }
    Document doc = import_lines(utf8::encode(text), false, {}, true);
    if (!heading.empty()) {
        doc.title = utf8::encode(heading);
        doc.blocks.insert(doc.blocks.begin(), make_block(Role::title, heading, 0, Align::center));
    }
    return doc;
}

}  // namespace kiosk::content
