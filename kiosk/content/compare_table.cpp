// A published 新旧对照表 read into pairs (content/compare.hpp: compare_from_table): the
// table whose header has a 修订前 and a 修订后 column, one row (or a band of rows joined by a
// cell spanning them) one pair, a row spanning both columns a chapter heading.
#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_internal.hpp"
#include "content/compare_parts.hpp"

namespace kiosk::content {
namespace {

using u32 = std::u32string;
using u32v = std::u32string_view;

constexpr const char* kNoTable = "这个页面里没有找到新旧对照表：表头应有“修订前”和“修订后”两栏";

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000' || c == U'\u00A0'; }

bool contains(u32v text, std::initializer_list<u32v> words) {
    return std::any_of(words.begin(), words.end(), [&](u32v w) { return text.find(w) != u32v::npos; });
}

// A header cell of the old column (修订前, 原条文, 现行条文, 原文, also 修订前条款, 原条文内容…)
// or of the new one. Header cells are short: a long cell mentioning 原文 is body text.
enum class Column { none, old_text, new_text };
Column header_column(const std::string& cell) {
    const u32 t = utf8::decode(cell);
    if (t.size() > 24) return Column::none;
    if (contains(t, {U"修订后", U"修改后", U"修正后", U"新条文", U"新条款", U"修订稿", U"修改稿", U"修订草案", U"修正草案"}))
        return Column::new_text;
    if (contains(t, {U"修订前", U"修改前", U"修正前", U"原条文", U"原条款", U"现行条文", U"现行条款", U"现行规定", U"原文", U"原规定"}))
        return Column::old_text;
    return Column::none;
}

// A cell that says its side has no text: 删除, （删除）, 删去, 本条删除, 新增, 无, —.
bool says_empty(const std::string& cell) {
    u32 t;
    for (char32_t c : utf8::decode(cell))
        if (!is_space(c) && u32v(U"（）()【】[]〔〕<>《》。.").find(c) == u32v::npos) t.push_back(c);
    if (t.empty()) return true;
    if (std::all_of(t.begin(), t.end(), [](char32_t c) { return u32v(U"-—–─/／\\、").find(c) != u32v::npos; })) return true;
    static const std::set<u32> words = {U"删除", U"删去", U"已删除", U"已删去", U"本条删除", U"本条删去", U"此条删除", U"该条删除",
                                        U"整条删除", U"新增", U"增加", U"本条新增", U"新增条款", U"新增条文", U"新增一条", U"增设",
                                        U"无", U"空", U"空白", U"此处无", U"无此条", U"无对应条文", U"无对应条款"};
    return words.count(t) > 0;
}

bool is_numeral(char32_t c) { return u32v(U"〇零一二三四五六七八九十百千两0123456789").find(c) != u32v::npos; }

// Length of a bracketed item number at `at`: （一） (一) （十二）; 0 if none.
size_t item_number(u32v t, size_t at) {
    if (at >= t.size() || (t[at] != U'（' && t[at] != U'(')) return 0;
    size_t j = at + 1;
    while (j < t.size() && is_numeral(t[j])) ++j;
    if (j == at + 1 || j >= t.size() || (t[j] != U'）' && t[j] != U')')) return 0;
    return j + 1 - at;
}

// The extractor sets a cell's text on one line: the paragraphs of a cell (<p>, <br>) arrive
// joined without a separator. They are split back where the text itself shows a new
// paragraph: before an item （一） after ： ； or 。, and before 第X条 after 。 (two articles
// in one cell).
std::vector<std::string> cell_paragraphs(const std::string& cell) {
    const u32 t = utf8::decode(cell);
    std::vector<std::string> out;
    size_t start = 0;
    auto cut = [&](size_t at) {
        u32v p = u32v(t).substr(start, at - start);
        while (!p.empty() && is_space(p.front())) p.remove_prefix(1);
        while (!p.empty() && is_space(p.back())) p.remove_suffix(1);
        if (!p.empty()) out.push_back(utf8::encode(p));
        start = at;
    };
    for (size_t i = 1; i < t.size(); ++i) {
        size_t k = i;  // the character before, spaces skipped
        while (k > 0 && is_space(t[k - 1])) --k;
        if (k == 0) continue;
        const char32_t before = t[k - 1];
        if ((before == U'：' || before == U'；' || before == U'。' || before == U':' || before == U';') && item_number(t, i) > 0) {
            cut(i);
        } else if (before == U'。' && t[i] == U'第') {
            const std::string label = leading_label(utf8::encode(u32v(t).substr(i, 12)));
            if (label.size() >= 3 && label.compare(label.size() - 3, 3, "条") == 0) cut(i);
        }
    }
    cut(t.size());
    return out;
}

// 第一章 -> 1, 第一节 -> 2, else 0.
int heading_level(const std::string& paragraph) {
    const std::string label = leading_label(paragraph);
    if (label.size() < 3) return 0;
    const std::string unit = label.substr(label.size() - 3);
    if (unit == "章" || unit == "编") return 1;
    if (unit == "节") return 2;
    return 0;
}

size_t chars(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// The regulation's name for the titles: 《…》 from the page title, else the title without
// 修订前后对照表 and the like.
std::string regulation_name(const std::string& title) {
    const u32 t = utf8::decode(title);
    const size_t open = t.find(U'《'), close = t.find(U'》');
    if (open != u32::npos && close != u32::npos && close > open + 1) return utf8::encode(u32v(t).substr(open + 1, close - open - 1));
    u32 name = t;
    for (u32v suffix : {U"修订前后对照表", U"修改前后对照表", U"修正前后对照表", U"新旧条文对照表", U"新旧对照表", U"条文对照表", U"对照表",
                        U"修订对照表", U"修改对照表"}) {
        const size_t at = name.rfind(suffix);
        if (at != u32::npos) {
            name.erase(at);
            break;
        }
    }
    while (!name.empty() && (is_space(name.back()) || name.back() == U'：' || name.back() == U'—')) name.pop_back();
    return utf8::encode(name);
}

struct Found {
    const Table* table = nullptr;
    size_t header_row = 0;         // the row holding the two header cells
    size_t old_begin = 0, old_end = 0, new_begin = 0, new_end = 0;  // slot columns of each side
};

// The header row (within the first rows) with an old and a new column: the columns each
// header cell spans.
bool find_header(const Table& table, const std::vector<std::vector<CellRef>>& slots, Found& found) {
    for (size_t r = 0; r < std::min<size_t>(table.rows.size(), 6); ++r) {
        bool has_old = false, has_new = false;
        for (size_t c = 0; c < slots[r].size();) {
            const CellRef ref = slots[r][c];
            size_t end = c + 1;
            while (end < slots[r].size() && slots[r][end].row == ref.row && slots[r][end].index == ref.index) ++end;
            if (ref.row >= 0) {
                const Column col = header_column(table.rows[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)].text);
                if (col == Column::old_text && !has_old) has_old = true, found.old_begin = c, found.old_end = end;
                if (col == Column::new_text && !has_new) has_new = true, found.new_begin = c, found.new_end = end;
            }
            c = end;
        }
        if (has_old && has_new) {
            found.table = &table;
            found.header_row = r;
            return true;
        }
    }
    return false;
}

// The distinct cells of a row within [begin, end) slot columns, in order.
std::vector<CellRef> side_cells(const std::vector<CellRef>& row, size_t begin, size_t end) {
    std::vector<CellRef> out;
    for (size_t c = begin; c < end && c < row.size(); ++c) {
        const CellRef ref = row[c];
        if (ref.row < 0) continue;
        if (std::none_of(out.begin(), out.end(), [&](const CellRef& o) { return o.row == ref.row && o.index == ref.index; }))
            out.push_back(ref);
    }
    return out;
}

// A cell's leading 第X条: the paragraph it opens on its side, and the label as written.
struct Label {
    size_t paragraph = 0;
    std::string text;
};

// The side's words without its labels and spaces.
u32 words(const CompareSide& side, const std::vector<Label>& labels) {
    u32 out;
    for (size_t p = 0; p < side.paragraphs.size(); ++p) {
        const u32 t = utf8::decode(side.paragraphs[p]);
        size_t from = 0;
        for (const Label& l : labels)
            if (l.paragraph == p) from = std::min(t.size(), utf8::decode(l.text).size());
        for (size_t k = from; k < t.size(); ++k)
            if (!is_space(t[k])) out.push_back(t[k]);
    }
    return out;
}

bool same_ref(const CellRef& a, const CellRef& b) { return a.row == b.row && a.index == b.index; }

}  // namespace

Result<Document> compare_from_table(const Document& published, const CompareOptions& options) {
    Found found;
    std::vector<std::vector<CellRef>> slots;
    for (const Block& b : published.blocks) {
        if (b.role != Role::table) continue;
        auto s = table_slots(b.table);
        if (!s.empty() && find_header(b.table, s, found)) {
            slots = std::move(s);
            break;
        }
    }
    if (!found.table) return make_error(kNoTable);
    const Table& table = *found.table;
    const CompareLimits& limits = options.limits;

    // The header cells may span down: data starts below them.
    size_t first = found.header_row + 1;
    for (const TableCell& c : table.rows[found.header_row])
        first = std::max(first, found.header_row + static_cast<size_t>(std::max(1, c.rowspan)));

    // Budgets before the work: rows, and the characters of each side.
    if (table.rows.size() > first && table.rows.size() - first > limits.max_articles)
        return make_error("新旧对照表有 " + std::to_string(table.rows.size() - first) + " 行，超过了能显示的 " +
                          std::to_string(limits.max_articles) + " 行：请把它分成几个条目");
    size_t old_chars = 0, new_chars = 0;
    for (size_t r = first; r < table.rows.size(); ++r) {
        for (const CellRef& ref : side_cells(slots[r], found.old_begin, found.old_end))
            if (static_cast<size_t>(ref.row) == r) old_chars += chars(table.rows[r][static_cast<size_t>(ref.index)].text);
        for (const CellRef& ref : side_cells(slots[r], found.new_begin, found.new_end))
            if (static_cast<size_t>(ref.row) == r) new_chars += chars(table.rows[r][static_cast<size_t>(ref.index)].text);
    }
    if (old_chars > limits.max_text_chars || new_chars > limits.max_text_chars)
        return make_error("新旧对照表的一栏有 " + std::to_string(std::max(old_chars, new_chars)) + " 字，超过了能显示的 " +
                          std::to_string(limits.max_text_chars) + " 字：请把它分成几个条目");

    Document doc;
    CompareSummary summary;
    std::vector<std::string> new_texts;  // where the effective date may be written
    auto text_cell = [&](const CellRef& ref) -> const TableCell& {
        return table.rows[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)];
    };
    auto text_of = [&](const CellRef& ref) -> const std::string& { return text_cell(ref).text; };

    for (size_t r = first; r < table.rows.size();) {
        const std::vector<CellRef> old_cells0 = side_cells(slots[r], found.old_begin, found.old_end);
        const std::vector<CellRef> new_cells0 = side_cells(slots[r], found.new_begin, found.new_end);
        // A cell across both columns: a chapter heading (or the table's own title row).
        const CellRef* across = nullptr;
        for (const CellRef& o : old_cells0)
            for (const CellRef& n : new_cells0)
                if (same_ref(o, n)) across = &o;
        if (across) {
            const std::string& text = text_of(*across);
            ++r;
            if (says_empty(text) || header_column(text) != Column::none) continue;
            Comparison c = compare_pair({text}, {text}, limits);
            c.heading = true;
            c.level = std::max(1, heading_level(text));
            Block b;
            b.role = Role::compare;
            b.compare = std::move(c);
            doc.blocks.push_back(std::move(b));
            continue;
        }
        // The band of rows a cell spanning down (one old article split, or several merged) ties together.
        size_t end = r + 1;
        for (size_t k = r; k < end; ++k)
            for (auto [begin, stop] : {std::pair{found.old_begin, found.old_end}, std::pair{found.new_begin, found.new_end}})
                for (size_t col = begin; col < stop && col < slots[k].size(); ++col) {
                    const CellRef ref = slots[k][col];
                    if (ref.row < 0) continue;
                    const size_t below = static_cast<size_t>(ref.row) + static_cast<size_t>(std::max(1, text_cell(ref).rowspan));
                    end = std::max(end, std::min(below, table.rows.size()));
                }
        std::vector<CellRef> old_cells, new_cells;
        for (size_t k = r; k < end; ++k) {
            for (const CellRef& ref : side_cells(slots[k], found.old_begin, found.old_end))
                if (std::none_of(old_cells.begin(), old_cells.end(), [&](const CellRef& o) { return same_ref(o, ref); })) old_cells.push_back(ref);
            for (const CellRef& ref : side_cells(slots[k], found.new_begin, found.new_end))
                if (std::none_of(new_cells.begin(), new_cells.end(), [&](const CellRef& o) { return same_ref(o, ref); })) new_cells.push_back(ref);
        }
        const size_t row = r;
        r = end;

        std::vector<std::string> old_paragraphs, new_paragraphs;
        std::vector<Label> old_labels, new_labels;  // each cell's leading 第X条
        auto read_side = [&](const std::vector<CellRef>& cells, std::vector<std::string>& paragraphs, std::vector<Label>& labels) {
            for (const CellRef& ref : cells) {
                if (says_empty(text_of(ref)) || header_column(text_of(ref)) != Column::none) continue;
                auto ps = cell_paragraphs(text_of(ref));
                if (ps.empty()) continue;
                labels.push_back({paragraphs.size(), leading_label(ps.front())});
                for (auto& p : ps) paragraphs.push_back(std::move(p));
            }
        };
        read_side(old_cells, old_paragraphs, old_labels);
        read_side(new_cells, new_paragraphs, new_labels);
        if (old_paragraphs.empty() && new_paragraphs.empty()) continue;  // an empty row
        size_t old_count = 0, new_count = 0;
        for (const auto& p : old_paragraphs) old_count += chars(p);
        for (const auto& p : new_paragraphs) new_count += chars(p);
        if (old_count > limits.max_article_chars || new_count > limits.max_article_chars)
            return make_error("新旧对照表第 " + std::to_string(row + 1) + " 行的一栏有 " + std::to_string(std::max(old_count, new_count)) +
                              " 字，超过了一条能显示的 " + std::to_string(limits.max_article_chars) + " 字");

        // Both sides a chapter or section line: a heading pair.
        const int old_level = old_paragraphs.size() == 1 ? heading_level(old_paragraphs[0]) : 0;
        const int new_level = new_paragraphs.size() == 1 ? heading_level(new_paragraphs[0]) : 0;
        const bool heading = (old_level > 0 || old_paragraphs.empty()) && (new_level > 0 || new_paragraphs.empty()) &&
                             std::max(old_level, new_level) > 0;
        for (const auto& p : new_paragraphs) new_texts.push_back(p);

        Comparison c = compare_pair(std::move(old_paragraphs), std::move(new_paragraphs), limits);
        // As compare_documents does it: the number an article starts with is not a word that
        // changed (compare_pair leaves it unmarked; a renumbering is said by the note), and the
        // same words are 未改.
        if (c.change == Change::modified && words(c.old_side, old_labels) == words(c.new_side, new_labels)) {
            c.change = Change::unchanged;
            c.old_side.marks.clear();
            c.new_side.marks.clear();
        }
        Block b;
        if (heading) {
            c.heading = true;
            c.level = std::max(old_level, new_level);
            b.level = c.level;
        } else {
            auto join = [](const std::vector<Label>& labels) {
                std::string s;
                for (const Label& l : labels) {
                    if (l.text.empty()) continue;
                    if (!s.empty()) s += "、";
                    s += l.text;
                }
                return s;
            };
            if (old_labels.size() > 1 && new_labels.size() == 1) {
                c.relation = Relation::merged;
                c.note = "由原" + join(old_labels) + "合并";
                ++summary.merged;
            } else if (old_labels.size() == 1 && new_labels.size() > 1) {
                c.relation = Relation::split;
                c.note = "由原" + join(old_labels) + "拆分";
                c.change = Change::modified;  // as compare_documents counts a split
                ++summary.split;
            } else if (old_labels.size() == 1 && new_labels.size() == 1 && !old_labels[0].text.empty() &&
                       !new_labels[0].text.empty() && old_labels[0].text != new_labels[0].text) {
                c.relation = Relation::moved;
                c.note = "原" + old_labels[0].text;
                ++summary.moved;
            }
            if (c.relation == Relation::merged) c.change = Change::modified;
            switch (c.change) {
                case Change::added: ++summary.added; break;
                case Change::deleted: ++summary.deleted; break;
                case Change::modified: ++summary.modified; break;
                case Change::unchanged: ++summary.unchanged; break;
            }
        }
        b.role = Role::compare;
        b.compare = std::move(c);
        doc.blocks.push_back(std::move(b));
    }

    const std::string name = regulation_name(published.title);
    doc.title = !options.title.empty() ? options.title : name.empty() ? std::string("新旧对照") : "《" + name + "》新旧对照";
    summary.old_title = name.empty() ? "修订前" : name + "（修订前）";
    summary.new_title = name.empty() ? "修订后" : name + "（修订后）";
    // The effective date: the playlist's, else the page's own lines (公布 / 施行 notes) and the
    // new column's words (本条例自…起施行), as compare_documents reads a new text.
    Document words = published;
    for (const std::string& t : new_texts) words.blocks.push_back(text_block(Role::paragraph, t));
    summary.effective = compare_parts::effective_date(options.effective, words);
    doc.url = published.url;
    doc.compare_summary = std::move(summary);
    return doc;
}

}  // namespace kiosk::content
