#include "content/budget.hpp"

#include <algorithm>
#include <optional>

#include "base/utf8.hpp"

namespace kiosk::content {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

// The first `n` characters of UTF-8 text (never a character cut in half).
std::string first_chars(const std::string& s, size_t n) {
    size_t count = 0, i = 0;
    while (i < s.size() && count < n) {
        ++i;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
        ++count;
    }
    return s.substr(0, i);
}

size_t chars_of(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

std::string budget_notice_chars(size_t chars) {
    return "内容过长，仅显示前 " + std::to_string(chars) + " 字";
}
std::string budget_notice_pages(size_t pages) {
    return "内容过长，仅显示前 " + std::to_string(pages) + " 页";
}

std::string BudgetReport::summary() const {
    std::string s = "kept " + std::to_string(chars) + " characters";
    if (cut) s += "; the rest left out";
    if (images_dropped) s += "; " + std::to_string(images_dropped) + " pictures left out";
    if (cells_dropped) s += "; " + std::to_string(cells_dropped) + " table cells left out";
    if (blocks_split) s += "; " + std::to_string(blocks_split) + " over-long paragraphs split";
    return s;
}

bool cap_plain_text(std::string& utf8, const DocumentBudget& budget) {
    const size_t most = budget.max_chars * 4;
    if (utf8.size() <= most) return false;
    size_t cut = utf8.rfind('\n', most);
    if (cut == std::string::npos || cut < most / 2) {
        cut = most;
        while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80) --cut;
    }
    utf8.resize(cut);
    return true;
}

void mark_cut(Document& doc) {
    if (!doc.blocks.empty() && doc.blocks.back().role == Role::caption && doc.blocks.back().text.rfind("内容过长，", 0) == 0) return;
    size_t chars = 0;
    for (const auto& b : doc.blocks) chars += chars_of(b.text);
    doc.blocks.push_back(text_block(Role::caption, budget_notice_chars(chars), 0, Align::center));
}

bool link_allowed(std::string_view url, std::string_view base) {
    // No scheme: a relative address left as written (no base known); nothing can read it.
    const size_t colon = url.find(':');
    if (colon == std::string::npos || url.find_first_of("/?#") < colon) return true;
    if (starts_with_ci(url, "http://") || starts_with_ci(url, "https://")) return true;
    return starts_with_ci(url, "file://") && starts_with_ci(base, "file://");
}

BudgetReport enforce_budget(Document& doc, const DocumentBudget& budget) {
    BudgetReport r;
    if (chars_of(doc.title) > budget.max_title_chars) doc.title = first_chars(doc.title, budget.max_title_chars) + "…";
    std::vector<Block> kept;
    kept.reserve(doc.blocks.size());
    size_t chars = 0, images = 0, cells = 0;
    bool chars_cut = false;
    std::optional<Block> earlier_notice;
    const std::string notice_prefix = "内容过长，";
    for (Block& b : doc.blocks) {
        if (b.role == Role::caption && b.text.rfind(notice_prefix, 0) == 0) {  // an earlier cut's notice
            earlier_notice = b;
            continue;
        }
        if (chars >= budget.max_chars) {
            chars_cut = true;
            r.cut = true;
            break;
        }
        if (b.role == Role::image) {
            if (images >= budget.max_images) {
                ++r.images_dropped;
                r.cut = true;
                continue;
            }
            ++images;
        }
        if (b.role == Role::table) {
            auto& rows = b.table.rows;
            size_t keep_rows = 0;
            for (auto& row : rows) {
                if (cells + row.size() > budget.max_table_cells) break;
                cells += row.size();
                for (TableCell& c : row) {
                    if (chars_of(c.text) > budget.max_cell_chars) c.text = first_chars(c.text, budget.max_cell_chars) + "…";
                    chars += chars_of(c.text);
                }
                ++keep_rows;
            }
            if (keep_rows < rows.size()) {
                for (size_t k = keep_rows; k < rows.size(); ++k) r.cells_dropped += rows[k].size();
                rows.resize(keep_rows);
                r.cut = true;
                if (b.table.header_rows > static_cast<int>(keep_rows)) b.table.header_rows = static_cast<int>(keep_rows);
                // Row spans reaching past the kept rows end at the last one.
                for (size_t k = 0; k < rows.size(); ++k)
                    for (TableCell& c : rows[k]) c.rowspan = std::min<int>(c.rowspan, static_cast<int>(rows.size() - k));
                if (rows.empty()) continue;
            }
            kept.push_back(std::move(b));
            continue;
        }
        const size_t limit = b.role == Role::title ? budget.max_title_chars : budget.max_block_chars;
        size_t n = chars_of(b.text);
        if (b.role == Role::title && n > limit) {
            b.text = first_chars(b.text, limit) + "…";
            n = limit + 1;
        }
        if (chars + n > budget.max_chars) {  // the block that reaches the budget: kept in part
            b.text = first_chars(b.text, budget.max_chars - chars);
            n = budget.max_chars - chars;
            r.cut = chars_cut = true;
        }
        if (n > limit) {
            // An over-long paragraph becomes several (no real one is this long; a hostile
            // one would cost its line breaking and every page's layout).
            const std::u32string t = utf8::decode(b.text);
            for (size_t at = 0; at < t.size(); at += limit) {
                Block part = b;
                part.text = utf8::encode(t.substr(at, limit));
                if (at > 0) part.page_break = false;
                kept.push_back(std::move(part));
            }
            ++r.blocks_split;
        } else {
            kept.push_back(std::move(b));
        }
        chars += n;
        if (chars_cut) break;
    }
    r.chars = std::min(chars, budget.max_chars);
    doc.blocks = std::move(kept);
    if (!r.cut && earlier_notice) doc.blocks.push_back(std::move(*earlier_notice));
    if (r.cut)
        doc.blocks.push_back(text_block(Role::caption,
                                        chars_cut ? budget_notice_chars(r.chars) : notice_prefix + "部分图片或表格未显示", 0,
                                        Align::center));
    return r;
}

}  // namespace kiosk::content
