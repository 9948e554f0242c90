// Tables: column groups and widths for the page's width, cells' lines, and rows placed on
// pages with their header rows repeated.
#include <algorithm>
#include <cmath>

#include "text/layout_internal.hpp"
#include "text/punctuation.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

namespace {

bool numeric_text(const std::u32string& t) {
    if (t.empty()) return false;
    for (char32_t c : t)
        if (!((c >= U'0' && c <= U'9') || c == U'.' || c == U',' || c == U'%' || c == U'-' || c == U'+' ||
              c == U'．' || c == U'，' || c == U'％'))
            return false;
    return true;
}

}  // namespace

TablePlan plan_table(const ShapedBlock& sb, const Style& style, float width) {
    TablePlan plan;
    const content::Table& table = sb.block.table;
    const auto slots = content::table_slots(table);
    plan.rows = static_cast<int>(slots.size());
    const int columns = slots.empty() ? 0 : static_cast<int>(slots[0].size());
    plan.header_rows = std::min(table.header_rows, plan.rows);
    plan.size = style.table_px;
    plan.pitch = std::round(plan.size * kTablePitchEm);
    plan.pad_x = std::round(plan.size * kTablePadXEm);
    plan.pad_y = std::round(plan.size * kTablePadYEm);
    // Cells by their first slot.
    size_t k = 0;
    std::vector<std::vector<int>> cell_index(table.rows.size());
    for (size_t r = 0; r < table.rows.size(); ++r)
        for (size_t i = 0; i < table.rows[r].size(); ++i) cell_index[r].push_back(static_cast<int>(k++));
    plan.cells.resize(k);
    std::vector<bool> placed(k, false);
    for (int r = 0; r < plan.rows; ++r)
        for (int c = 0; c < columns; ++c) {
            const content::CellRef ref = slots[static_cast<size_t>(r)][static_cast<size_t>(c)];
            if (ref.row < 0) continue;
            const int id = cell_index[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)];
            auto& cell = plan.cells[static_cast<size_t>(id)];
            if (!placed[static_cast<size_t>(id)]) {
                placed[static_cast<size_t>(id)] = true;
                cell.row = r;
                cell.col = c;
                cell.rowspan = cell.colspan = 0;
                cell.shaped = &sb.cells[static_cast<size_t>(id)];
                cell.header = table.rows[static_cast<size_t>(ref.row)][static_cast<size_t>(ref.index)].header;
                cell.numeric = numeric_text(cell.shaped->shaped.text);
            }
            cell.rowspan = std::max(cell.rowspan, r - cell.row + 1);
            if (r == cell.row) cell.colspan = c - cell.col + 1;
        }
    std::erase_if(plan.cells, [](const TablePlan::Cell& c) { return c.shaped == nullptr; });

    // Content widths in px: the narrowest a cell may be (its longest unbreakable run, and for
    // text at least 4 em so Chinese labels do not stand one character a line) and its
    // natural width on one line.
    auto widths = [&](const TablePlan::Cell& cell) {
        const ShapedBlock& cb = *cell.shaped;
        const LineContext ctx{cb, plan.size, true};
        const size_t n = cb.shaped.text.size();
        const float natural = n ? measure_line(ctx, 0, n, true).width : 0.0f;
        float longest = 0;
        size_t start = 0;
        for (size_t i = 1; i <= n; ++i)
            if (i == n || cb.breaks[i] != Break::never) {
                longest = std::max(longest, measure_line(ctx, start, i, true).width);
                start = i;
            }
        const float least = cell.numeric ? natural : std::min(natural, std::max(longest, 4.0f * plan.size));
        return std::pair{least + 2 * plan.pad_x, natural + 2 * plan.pad_x};
    };
    std::vector<float> col_min(static_cast<size_t>(columns), 2 * plan.pad_x + plan.size),
        col_max(static_cast<size_t>(columns), 2 * plan.pad_x + plan.size);
    std::vector<std::pair<float, float>> cell_w;
    for (const auto& cell : plan.cells) cell_w.push_back(widths(cell));
    for (int pass = 0; pass < 2; ++pass)  // single columns first, then spans share out their excess
        for (size_t i = 0; i < plan.cells.size(); ++i) {
            const auto& cell = plan.cells[i];
            if ((cell.colspan == 1) != (pass == 0)) continue;
            float have_min = 0, have_max = 0;
            for (int c = cell.col; c < cell.col + cell.colspan; ++c) {
                have_min += col_min[static_cast<size_t>(c)];
                have_max += col_max[static_cast<size_t>(c)];
            }
            const float n = static_cast<float>(cell.colspan);
            for (int c = cell.col; c < cell.col + cell.colspan; ++c) {
                if (cell_w[i].first > have_min) col_min[static_cast<size_t>(c)] += (cell_w[i].first - have_min) / n;
                if (cell_w[i].second > have_max) col_max[static_cast<size_t>(c)] += (cell_w[i].second - have_max) / n;
            }
        }
    for (int c = 0; c < columns; ++c) col_max[static_cast<size_t>(c)] = std::max(col_max[static_cast<size_t>(c)], col_min[static_cast<size_t>(c)]);

    // Row-label columns: the leading columns whose body cells hold no numbers.
    int labels = 0;
    for (int c = 0; c < columns; ++c) {
        bool label = true;
        for (const auto& cell : plan.cells)
            if (cell.row >= plan.header_rows && cell.col <= c && c < cell.col + cell.colspan && cell.numeric) label = false;
        if (!label) break;
        ++labels;
    }
    float label_min = 0;
    for (int c = 0; c < labels; ++c) label_min += col_min[static_cast<size_t>(c)];
    if (labels >= columns || label_min > width * 0.5f) labels = 0;  // nothing to repeat, or too wide to repeat

    float all_min = 0;
    for (float m : col_min) all_min += m;
    std::vector<std::vector<int>> groups;
    if (all_min <= width || columns <= 1) {
        groups.emplace_back();
        for (int c = 0; c < columns; ++c) groups.back().push_back(c);
    } else {
        for (int c = labels; c < columns;) {
            std::vector<int> g;
            float used = 0;
            for (int l = 0; l < labels; ++l) {
                g.push_back(l);
                used += col_min[static_cast<size_t>(l)];
            }
            do {
                g.push_back(c);
                used += col_min[static_cast<size_t>(c)];
                ++c;
            } while (c < columns && used + col_min[static_cast<size_t>(c)] <= width);
            groups.push_back(std::move(g));
        }
    }

    const BlockFormat base{plan.size, plan.pitch, 0, 0, Align::start, false, false, Tone::text};
    for (const auto& cols : groups) {
        TablePlan::Group g;
        g.columns = cols;
        float sum_min = 0, sum_max = 0;
        for (int c : cols) {
            sum_min += col_min[static_cast<size_t>(c)];
            sum_max += col_max[static_cast<size_t>(c)];
        }
        for (int c : cols) {
            const float mn = col_min[static_cast<size_t>(c)], mx = col_max[static_cast<size_t>(c)];
            float w;
            if (sum_max <= width) w = mx * width / sum_max;                                  // room to spare: fill
            else if (sum_min <= width) w = mn + (width - sum_min) * (mx - mn) / std::max(1e-3f, sum_max - sum_min);
            else w = mn * width / sum_min;                                                   // a column wider than the page
            g.x.push_back(g.total);
            g.width.push_back(w);
            g.total += w;
        }
        auto group_width = [&](const TablePlan::Cell& cell) {  // the cell's columns inside this group
            float w = 0;
            for (size_t j = 0; j < cols.size(); ++j)
                if (cols[j] >= cell.col && cols[j] < cell.col + cell.colspan) w += g.width[j];
            return w;
        };
        g.lines.resize(plan.cells.size());
        g.text_height.resize(plan.cells.size(), 0);
        g.row_height.assign(static_cast<size_t>(plan.rows), plan.pitch + 2 * plan.pad_y);
        for (size_t i = 0; i < plan.cells.size(); ++i) {
            const auto& cell = plan.cells[i];
            const float w = group_width(cell);
            if (w <= 0) continue;
            const ShapedBlock& cb = *cell.shaped;
            if (cb.shaped.text.empty()) continue;
            BlockFormat f = base;
            f.align = cell.numeric ? Align::end : cell.header ? Align::center : cb.block.align;
            f.tone = cell.header ? Tone::accent : Tone::text;
            const float inner = std::max(plan.size, w - 2 * plan.pad_x);
            const LineContext char_ctx{cb, plan.size, true};
            auto spans = break_lines(char_ctx, inner, inner);
            avoid_lone_last_character(char_ctx, spans, inner, inner, true);  // no 社会公益组/织 in a cell
            // Between words (社会公益/组织, not 社会公/益组织) when that takes no more lines.
            const ShapedBlock* source = &cb;
            const auto by_words = spans.size() > 1 ? breaking_at_words(cb) : std::nullopt;
            if (by_words) {
                const LineContext word_ctx{*by_words, plan.size, true};
                auto word_spans = break_lines(word_ctx, inner, inner);
                avoid_lone_last_character(word_ctx, word_spans, inner, inner, true);
                // A line of one character and its marks (三、) is a stub, words or not.
                const auto& t = cb.shaped.text;
                auto stub = [&](const LineSpan& s) {
                    size_t core = 0;
                    for (size_t c = s.begin; c < s.end; ++c)
                        core += !is_space(t[c]) && punct_side(t[c]) == PunctSide::none;
                    return s.emergency || core <= 1;
                };
                if (word_spans.size() <= spans.size() && std::none_of(word_spans.begin(), word_spans.end(), stub)) {
                    spans = std::move(word_spans);
                    source = &*by_words;
                }
            }
            const LineContext ctx{*source, plan.size, true};
            for (size_t s = 0; s < spans.size(); ++s) {
                Line line = set_line(ctx, 0, spans[s], f, 0, inner, s == 0, s + 1 == spans.size());
                line.role = Role::table;
                line.y = static_cast<float>(s) * plan.pitch + (plan.pitch - plan.size) / 2 + kEmBoxAscent * plan.size;
                g.lines[i].push_back(std::move(line));
            }
            g.text_height[i] = static_cast<float>(spans.size()) * plan.pitch;
            if (cell.rowspan == 1)
                g.row_height[static_cast<size_t>(cell.row)] =
                    std::max(g.row_height[static_cast<size_t>(cell.row)], g.text_height[i] + 2 * plan.pad_y);
        }
        for (size_t i = 0; i < plan.cells.size(); ++i) {  // a spanning cell taller than its rows: the last one grows
            const auto& cell = plan.cells[i];
            if (cell.rowspan == 1 || g.text_height[i] == 0) continue;
            float have = 0;
            for (int r = cell.row; r < cell.row + cell.rowspan; ++r) have += g.row_height[static_cast<size_t>(r)];
            const float need = g.text_height[i] + 2 * plan.pad_y;
            if (need > have) g.row_height[static_cast<size_t>(cell.row + cell.rowspan - 1)] += need - have;
        }
        plan.groups.push_back(std::move(g));
    }
    return plan;
}

float table_start_height(const TablePlan& plan) {
    if (plan.groups.empty()) return 0;
    const auto& heights = plan.groups.front().row_height;
    const size_t rows = std::min(heights.size(), static_cast<size_t>(std::max(plan.header_rows + 1, 2)));
    float h = 0;
    for (size_t r = 0; r < rows; ++r) h += heights[r];
    return h;
}

float table_whole_height(const TablePlan& plan) {
    if (plan.groups.size() != 1) return -1;
    float h = 0;
    for (float row : plan.groups.front().row_height) h += row;
    return h;
}

void place_table(const TablePlan& plan, int block, const Box& box, const PageRoom& room, float space_before,
                 std::vector<Page>& pages, float& cursor) {
    std::vector<bool> shown(plan.cells.size(), false);
    int columns = 0;
    for (const auto& cell : plan.cells) columns = std::max(columns, cell.col + cell.colspan);
    for (const auto& g : plan.groups) {
        const float x0 = box.x + std::max(0.0f, (box.width - g.total) / 2);
        float header_h = 0;
        for (int r = 0; r < plan.header_rows; ++r) header_h += g.row_height[static_cast<size_t>(r)];
        int next = plan.header_rows;
        bool first_part = true;
        while (next < plan.rows || (first_part && plan.rows == plan.header_rows)) {
            // Rows [next, end) go on this page, under the header rows.
            float top = cursor + (pages.back().lines.empty() && pages.back().rules.empty() ? 0 : space_before);
            const float first_row = next < plan.rows ? g.row_height[static_cast<size_t>(next)] : 0;
            if (top + header_h + first_row > room.at(pages.size() - 1) + 0.01f && !(pages.back().lines.empty() && pages.back().rules.empty())) {
                pages.emplace_back();
                cursor = 0;
                top = 0;
            }
            float used = top + header_h;
            int end = next;
            while (end < plan.rows && (end == next || used + g.row_height[static_cast<size_t>(end)] <= room.at(pages.size() - 1) + 0.01f))
                used += g.row_height[static_cast<size_t>(end++)];
            // Keep a small spanning group (（四）无法提供 and its three rows) off a break.
            if (end < plan.rows)
                for (const auto& cell : plan.cells)
                    if (cell.row > next && cell.row < end && cell.row + cell.rowspan > end) {
                        float h = 0;
                        for (int r = cell.row; r < cell.row + cell.rowspan; ++r) h += g.row_height[static_cast<size_t>(r)];
                        if (h <= room.full / 3) end = std::min(end, cell.row);
                    }
            // A row that is one cell across the whole table labels the rows under it
            // (第二十条第（五）项): it never ends a page's part of the table.
            auto label_row = [&](int r) {
                for (const auto& cell : plan.cells)
                    if (cell.row == r && cell.col == 0 && cell.colspan >= columns && cell.rowspan == 1)
                        return true;
                return false;
            };
            // Nor does such a label with only the row of column names under it (信息内容 …).
            auto numbers_in = [&](int r) {
                for (const auto& cell : plan.cells)
                    if (cell.row == r && cell.numeric) return true;
                return false;
            };
            while (end < plan.rows && end - 1 > next) {
                if (label_row(end - 1)) --end;
                else if (end - 2 > next && label_row(end - 2) && !numbers_in(end - 1)) end -= 2;
                else break;
            }
            // Row tops on this page.
            std::vector<float> row_y(static_cast<size_t>(plan.rows) + 1, -1);
            float y = box.y + top;
            for (int r = 0; r < plan.header_rows; ++r) {
                row_y[static_cast<size_t>(r)] = y;
                y += g.row_height[static_cast<size_t>(r)];
            }
            for (int r = next; r < end; ++r) {
                row_y[static_cast<size_t>(r)] = y;
                y += g.row_height[static_cast<size_t>(r)];
            }
            Page& page = pages.back();
            for (size_t i = 0; i < plan.cells.size(); ++i) {
                const auto& cell = plan.cells[i];
                // The cell's visible rows on this page.
                int a = -1, b = -1;
                for (int r = cell.row; r < cell.row + cell.rowspan; ++r)
                    if ((r < plan.header_rows) || (r >= next && r < end)) {
                        if (a < 0) a = r;
                        b = r;
                    }
                if (a < 0) continue;
                float cx = -1, cw = 0;
                for (size_t j = 0; j < g.columns.size(); ++j)
                    if (g.columns[j] >= cell.col && g.columns[j] < cell.col + cell.colspan) {
                        if (cx < 0) cx = x0 + g.x[j];
                        cw += g.width[j];
                    }
                if (cx < 0) continue;
                const float cy = row_y[static_cast<size_t>(a)];
                float ch = 0;
                for (int r = a; r <= b; ++r) ch += g.row_height[static_cast<size_t>(r)];
                page.rules.push_back(Rule{Box{cx, cy, cw, ch}, cell.header});
                const float text_h = g.text_height[i];
                if (text_h == 0) continue;
                const bool last_part = cell.row + cell.rowspan <= end || cell.row < plan.header_rows;
                if (text_h + 2 * plan.pad_y > ch + 0.01f && !(last_part && !shown[i])) continue;  // shown where it fits
                const float ty = cy + (ch - text_h) / 2;
                for (const Line& proto : g.lines[i]) {
                    Line line = proto;
                    line.block = block;
                    line.repeat = shown[i];
                    line.y += ty;
                    const float dx = cx + plan.pad_x;
                    line.x += dx;
                    for (auto& gl : line.glyphs) gl.x += dx;
                    for (auto& ink : line.ink) ink.x += dx;
                    line.cell = CellBox{cell.row, cell.col, Box{cx, cy, cw, ch}};
                    page.lines.push_back(std::move(line));
                }
                shown[i] = true;
            }
            cursor = y - box.y;
            next = end;
            first_part = false;
            if (next < plan.rows) {
                pages.emplace_back();
                cursor = 0;
            }
        }
        if (&g != &plan.groups.back()) {  // the next column group starts a page of its own
            pages.emplace_back();
            cursor = 0;
        }
    }
}

}  // namespace kiosk::text
