// 新旧对照 (issue 30): shaping a comparison's pairs (each side's paragraphs and the note, as
// the cells of the pair's ShapedBlock) and the words its pages set besides them.
#include <cstdio>
#include <string>

#include "base/utf8.hpp"
#include "text/compare_internal.hpp"

namespace kiosk::text {
using content::Role;

std::string chinese_date(const std::string& date) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (date.size() == 10 && std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 &&
        d >= 1 && d <= 31)
        return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
    return date;
}

namespace {

ShapedBlock shape_words(FontSet& fonts, Role role, const std::string& words, const ShapeOptions& options) {
    return shape_block(fonts, content::text_block(role, words), utf8::decode(words), options);
}

// One side's paragraphs: the first, which begins with the article's number (第十三条), as an
// article (P4 keeps the number with its first words); a heading pair's as headings.
void shape_side(FontSet& fonts, const content::Comparison& c, const content::CompareSide& side,
                const ShapeOptions& options, std::vector<ShapedBlock>& cells) {
    for (size_t i = 0; i < side.paragraphs.size(); ++i) {
        Role role = Role::compare;
        if (c.heading) role = Role::heading;
        else if (i == 0 && !side.number.empty()) role = Role::article;
        content::Block b = content::text_block(role, side.paragraphs[i], c.heading ? std::max(1, c.level) : 0);
        cells.push_back(shape_block(fonts, b, utf8::decode(side.paragraphs[i]), options));
    }
}

}  // namespace

void shape_compare(FontSet& fonts, const content::Document& doc, const ShapeOptions& options, ShapedDocument& out) {
    for (size_t bi = 0; bi < doc.blocks.size() && bi < out.blocks.size(); ++bi) {
        const content::Block& b = doc.blocks[bi];
        if (b.role != Role::compare) continue;
        auto& cells = out.blocks[bi].cells;
        shape_side(fonts, b.compare, b.compare.old_side, options, cells);
        shape_side(fonts, b.compare, b.compare.new_side, options, cells);
        cells.push_back(shape_words(fonts, Role::caption, b.compare.note, options));
    }
    if (!doc.compare_summary) return;
    const content::CompareSummary& s = *doc.compare_summary;
    out.compare_summary = s;
    auto& w = out.compare_words;
    w.clear();
    w.push_back(shape_words(fonts, Role::heading, "修订前", options));
    w.push_back(shape_words(fonts, Role::heading, "修订后", options));
    w.push_back(shape_words(fonts, Role::caption, "修订前", options));
    w.push_back(shape_words(fonts, Role::caption, "修订后", options));
    w.push_back(shape_words(fonts, Role::caption, "新增", options));
    w.push_back(shape_words(fonts, Role::caption, "删除", options));
    w.push_back(shape_words(fonts, Role::caption, "未修改", options));
    w.push_back(shape_words(fonts, Role::title, doc.title, options));
    const std::string effective = chinese_date(s.effective);
    w.push_back(shape_words(fonts, Role::paragraph, effective.empty() ? "" : "自" + effective + "起施行", options));
    w.push_back(shape_words(fonts, Role::meta, s.old_title.empty() ? "" : "修订前：" + s.old_title, options));
    w.push_back(shape_words(fonts, Role::meta, s.new_title.empty() ? "" : "修订后：" + s.new_title, options));
    std::string relations;
    auto add = [&](const char* what, int n) {
        if (n <= 0) return;
        relations += (relations.empty() ? "其中" : "，") + std::string(what) + std::to_string(n) + "条";
    };
    add("重新编号或移动", s.moved);
    add("合并", s.merged);
    add("拆分", s.split);
    w.push_back(shape_words(fonts, Role::meta, relations, options));
    const std::pair<const char*, int> counts[] = {{"新增", s.added}, {"删除", s.deleted}, {"修改", s.modified}, {"未改", s.unchanged}};
    for (size_t i = 0; i < 4; ++i) {
        w.push_back(shape_words(fonts, Role::paragraph, counts[i].first, options));
        w.push_back(shape_words(fonts, Role::title, std::to_string(counts[i].second), options));
        w.push_back(shape_words(fonts, Role::paragraph, i + 1 < 4 ? "条，" : "条", options));
    }
}

}  // namespace kiosk::text
