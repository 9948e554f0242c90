#include "app/content_source.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "base/file_read.hpp"
#include "content/budget.hpp"
#include "content/charset.hpp"
#include "content/html_extract.hpp"
#include "content/text_import.hpp"
#include "health/log.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

content::Document import_budgeted_text(std::string utf8, const std::string& what) {
    const bool capped = content::cap_plain_text(utf8);  // never 280,000 blocks first
    content::Document doc = content::import_plain_text(utf8);
    budget_document(doc, what);
    if (capped && !doc.blocks.empty()) content::mark_cut(doc);
    return doc;
}

void budget_document(content::Document& doc, const std::string& what) {
    const content::BudgetReport r = content::enforce_budget(doc);
    if (r.cut || r.blocks_split)
        log::once(log::Level::warning, "content", "budget " + what, what + ": longer than one item may be (" + r.summary() + ")");
}

Result<content::Document> load_local_file(const fs::path& file, const std::string& selector, const std::string& base_url) {
    std::error_code ec;
    auto bytes = files::read_regular_file(file, kMaxLocalFile);  // never a FIFO, a device, or a gigabyte
    if (!bytes) return bytes.error();
    std::string ext = file.extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".html" || ext == ".htm") {
        content::ExtractOptions options;
        options.selector = selector;
        options.base_url = base_url.empty() ? "file://" + fs::absolute(file, ec).lexically_normal().string() : base_url;
        auto doc = content::extract_article(*bytes, options);
        if (!doc) return make_error(file.string() + ": " + doc.error().message);
        budget_document(*doc, file.string());
        return doc;
    }
    content::DecodedText decoded = content::decode_text(*bytes);
    if (decoded.replaced > 0)
        log::warn("content", file.string() + ": " + std::to_string(decoded.replaced) +
                                 " invalid byte sequences shown as U+FFFD (read as " +
                                 decoded.encoding + ")");
    content::Document doc = import_budgeted_text(std::move(decoded.utf8), file.string());
    if (doc.blocks.empty()) return make_error(file.string() + ": holds no text");
    return doc;
}

Result<content::Document> load_item_document(const config::Playlist& playlist,
                                             const config::PlaylistItem& item) {
    auto path = config::local_source_path(playlist, item);
    if (!path)
        return make_error("item \"" + item.id + "\": " + item.source +
                          " is a web source with no cached copy yet (the running kiosk fetches it)");
    auto doc = load_local_file(*path, item.selector);
    if (!doc) return make_error("item \"" + item.id + "\": " + doc.error().message);
    return doc;
}

}  // namespace kiosk::app
