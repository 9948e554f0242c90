#pragma once
// One way in for content: bytes as they arrived (a fetched page, an article of a column, a
// local file, `kiosk extract`, `render --input`) and what is known about them, to a
// Document within the budget. Pure: nothing is logged or read here; what the caller should
// log comes back as notes.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "content/document.hpp"

namespace kiosk::content {

struct IngestHints {
    std::string content_type;  // the HTTP Content-Type; empty: `file_name`'s extension decides
    std::string file_name;     // a local file (.html and .htm are pages, anything else text)
    std::string selector;      // where the article is on a page (empty: the usual containers)
    std::string base_url;      // the page's own address: relative links, and the Document's url
    // Refuse bytes that are not text (a web body with a wrong type) instead of showing them
    // as U+FFFD: GB18030 would otherwise decode any binary into Han characters.
    bool refuse_binary = false;
};

struct Ingested {
    Document doc;
    std::size_t chars = 0;           // the characters it holds (what the fetcher's shrink check compares)
    std::vector<std::string> notes;  // worth a log line: a budget cut, invalid bytes replaced
};

// Whether the bytes are read as a page (HTML) rather than as text.
bool is_page(const IngestHints& hints);

// A page's article extracted, or text decoded and imported; then the budget. An error says
// why nothing could be shown (no article, no text, binary data).
Result<Ingested> ingest(std::string_view bytes, const IngestHints& hints);

// Cuts an assembled Document (a column's joined articles, an old cached copy) to the budget;
// the note says what was cut, empty when nothing was.
std::string fit_budget(Document& doc);

std::size_t document_chars(const Document& doc);

}  // namespace kiosk::content
