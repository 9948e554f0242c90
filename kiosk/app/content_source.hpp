#pragma once
// Where an item's Document comes from, as the app reads it: a local file (file: sources,
// --input) or fetched bytes, both through content::ingest; what ingest notes (a budget cut,
// invalid bytes) is logged once per source.
#include <filesystem>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "content/document.hpp"
#include "content/ingest.hpp"

namespace kiosk::app {

// The most a local file may be: the same as a page from the portal.
constexpr std::uintmax_t kMaxLocalFile = 20u << 20;

// Reads a local .txt file (encoding detected) or .html page (article extracted, with
// `selector` if given) into a Document. Relative links on a page resolve against
// `base_url`, else against the file itself (file:///…), so local pictures are found.
Result<content::Document> load_local_file(const std::filesystem::path& file, const std::string& selector = "",
                                          const std::string& base_url = "");

// Bytes fetched from `url` with their Content-Type: a page's article, or text (binary data
// refused). Errors are not prefixed with the address.
Result<content::Ingested> ingest_fetched(const std::string& body, const std::string& content_type,
                                         const std::string& selector, const std::string& url);

// Logs what ingest or a budget noted about `what` (an item id, a file, an address), once.
void log_notes(const std::string& what, const std::vector<std::string>& notes);

Result<content::Document> load_item_document(const config::Playlist& playlist,
                                             const config::PlaylistItem& item);

}  // namespace kiosk::app
