#pragma once
// What one item may hold, so that the largest page the fetcher accepts still fits the
// service's memory (MemoryMax=600M) and lays out in well under a second: characters, the
// length of one block and of the title, pictures and table cells. Past a limit the item
// keeps what fits and ends with a visible line saying so; the caller logs the report.
#include <cstddef>
#include <string>
#include <string_view>

#include "content/document.hpp"

namespace kiosk::content {

struct DocumentBudget {
    size_t max_chars = 200'000;      // the whole item (a long regulation is ~100,000)
    size_t max_block_chars = 6'000;  // one paragraph; longer ones are split (no real one is)
    size_t max_title_chars = 300;    // the title block and the running title
    size_t max_images = 48;          // the picture store holds 48
    size_t max_table_cells = 20'000; // all tables of the item together
    size_t max_cell_chars = 2'000;
};

struct BudgetReport {
    bool cut = false;           // something was left out: the notice line was added
    size_t chars = 0;           // characters kept
    size_t images_dropped = 0;
    size_t cells_dropped = 0;
    size_t blocks_split = 0;
    std::string summary() const;  // for the log: what was left out
};

// The visible line that ends a cut item.
std::string budget_notice_chars(size_t chars);
std::string budget_notice_pages(size_t pages);

// Cuts `doc` to the budget in place. Idempotent: a document within the budget is unchanged.
BudgetReport enforce_budget(Document& doc, const DocumentBudget& budget = {});

// Plain text longer than the budget could ever show is cut before it is imported (at a line
// end, keeping max_chars * 4 bytes: enough for any text within the budget), so a 20 MB file
// never becomes 280,000 blocks first. True when it cut; import, then call
// enforce_budget and mark_cut.
bool cap_plain_text(std::string& utf8, const DocumentBudget& budget = {});
// Ends `doc` with the budget's notice line when it has none (after cap_plain_text cut).
void mark_cut(Document& doc);

// The link rules of a page: a page from the web may point only at http(s) addresses; a
// local file (the operator's own, base file://) may also point at local files. Everything
// else (file:, data:, ftp:, javascript:, ...) is refused.
bool link_allowed(std::string_view resolved_url, std::string_view page_base_url);

}  // namespace kiosk::content
