#pragma once
// Where an item's Document comes from. For now: local files (file: sources and --input);
// portal URLs arrive with the fetcher and cache.
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "content/document.hpp"

namespace kiosk::app {

struct LoadedItem {
    std::string id;
    std::string title;  // the playlist's title, else the document's
    double page_seconds = 20;
    content::Document document;
};

// Reads a local .txt file (encoding detected) into a Document.
Result<content::Document> load_local_file(const std::filesystem::path& file);

Result<LoadedItem> load_item(const config::KioskConfig& cfg, const config::Playlist& playlist,
                             const config::PlaylistItem& item);

// --input FILE as a one-item playlist; the item id is the file's stem.
Result<LoadedItem> load_input(const config::KioskConfig& cfg, const std::filesystem::path& file);

}  // namespace kiosk::app
