#pragma once
// A 栏目 (column) -> its newest articles: the links on a TRS list page (index.html,
// index_N.html, detail links ./YYYYMM/tYYYYMMDD_docid.html), a Hanweb list page (links
// /art/Y/M/D/art_col_docid.html, often inside a <script type="text/xml"> datastore), or an
// RSS 2.0 / Atom feed. Pure: bytes in, links out; fetching them is the fetch worker's job.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace kiosk::content {

struct ColumnEntry {
    std::string url;     // absolute when the list's URL is known
    std::string title;
    std::string date;    // YYYY-MM-DD, or "" when the list gives none
    std::string doc_id;  // the CMS's document id from the URL (TRS, Hanweb), or ""
};

struct ColumnOptions {
    std::string base_url;      // the list page's or feed's own URL
    std::string http_charset;  // from Content-Type, if any
};

// Every article link found, in the list's order. An error when the page holds none.
Result<std::vector<ColumnEntry>> read_column(std::string_view bytes, const ColumnOptions& options = {});

// The newest `count` entries, newest first: duplicates (the same URL, or the same document
// id under two URLs) dropped, dated entries before undated ones, ties in list order.
std::vector<ColumnEntry> newest_entries(std::vector<ColumnEntry> entries, size_t count);

// "2024-01-15" from text such as "2024-01-15", "2024/1/15", "2024年1月15日",
// "Mon, 15 Jan 2024 08:00:00 +0800" (RFC 822) or "2024-01-15T08:00:00+08:00"; "" if none.
std::string find_date(std::string_view text);

}  // namespace kiosk::content
