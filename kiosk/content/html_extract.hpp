#pragma once
// A portal article page -> Document: the charset decided by decode_html (BOM, header, meta, bytes), the page
// parsed by gumbo (an HTML5 parser), the article container found by a selector list (or the
// item's own selector), noise removed, and the text handed to the plain-text import so
// titles, meta lines, headings, articles and captions are recognised the same way.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "content/charset.hpp"
#include "content/document.hpp"

namespace kiosk::content {


struct ExtractOptions {
    std::string selector;      // e.g. "div.TRS_Editor", "#zoom", "div.article p"; empty: the portal list
    std::string http_charset;  // from Content-Type, if any
    std::string base_url;      // the page's own URL: relative image and attachment links resolve against it
};

Result<Document> extract_article(std::string_view html_bytes, const ExtractOptions& options = {});

}  // namespace kiosk::content
