#pragma once
// Where an item's Document comes from. For now: local files (file: sources and --input);
// portal URLs arrive with the fetcher and cache.
#include <filesystem>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "content/document.hpp"

namespace kiosk::app {

// Reads a local .txt file (encoding detected) or .html page (article extracted, with
// `selector` if given) into a Document. Relative links on a page resolve against
// `base_url`, else against the file itself (file:///…), so local pictures are found.
Result<content::Document> load_local_file(const std::filesystem::path& file, const std::string& selector = "",
                                          const std::string& base_url = "");

// Cuts a document to content::DocumentBudget; a cut is logged once per `what` (an item id,
// a file, an address).
void budget_document(content::Document& doc, const std::string& what);

// Plain text (UTF-8) into a Document within the budget: text past what the budget could
// show is cut before the import, and a cut ends with the budget's line.
content::Document import_budgeted_text(std::string utf8, const std::string& what);

// The most a local file may be: the same as a page from the portal.
constexpr std::uintmax_t kMaxLocalFile = 20u << 20;

Result<content::Document> load_item_document(const config::Playlist& playlist,
                                             const config::PlaylistItem& item);

}  // namespace kiosk::app
