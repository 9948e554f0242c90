#pragma once
// Where an item's Document comes from. For now: local files (file: sources and --input);
// portal URLs arrive with the fetcher and cache.
#include <filesystem>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "content/document.hpp"

namespace kiosk::app {

// Reads a local .txt file (encoding detected) into a Document.
Result<content::Document> load_local_file(const std::filesystem::path& file);

Result<content::Document> load_item_document(const config::Playlist& playlist,
                                             const config::PlaylistItem& item);

}  // namespace kiosk::app
