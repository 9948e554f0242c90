#include "app/content_source.hpp"

#include "app/compare_source.hpp"

#include "base/file_read.hpp"
#include "content/text_import.hpp"
#include "base/log.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

void log_notes(const std::string& what, const std::vector<std::string>& notes) {
    for (const std::string& note : notes)
        log::once(log::Level::warning, "content", what + note, what + ": " + note);
}

Result<content::Ingested> ingest_fetched(const std::string& body, const std::string& content_type,
                                         const std::string& selector, const std::string& url) {
    content::IngestHints hints;
    hints.content_type = content_type.empty() ? "text/plain" : content_type;
    hints.selector = selector;
    hints.base_url = url;
    hints.refuse_binary = true;
    auto in = content::ingest(body, hints);
    if (in) log_notes(url, in->notes);
    return in;
}

Result<content::Document> load_local_file(const fs::path& file, const std::string& selector, const std::string& base_url) {
    auto bytes = files::read_regular_file(file, kMaxLocalFile);  // never a FIFO, a device, or a gigabyte
    if (!bytes) return bytes.error();
    std::error_code ec;
    content::IngestHints hints;
    hints.file_name = file.filename().string();
    hints.selector = selector;
    if (content::is_page(hints)) hints.base_url = base_url.empty() ? "file://" + fs::absolute(file, ec).lexically_normal().string() : base_url;
    auto in = content::ingest(*bytes, hints);
    if (!in) return make_error(file.string() + ": " + in.error().message);
    log_notes(file.string(), in->notes);
    return std::move(in->doc);
}

Result<content::Document> load_item_document(const config::Playlist& playlist,
                                             const config::PlaylistItem& item) {
    if (!item.text.empty()) {  // inline: typed in (a notice), within kMaxInlineTextChars
        // Its title heads the page, as a report's does (not on an urgent notice: its band
        // says 紧急通知, or a warning's title, and the text takes the page).
        const bool titled = !item.title.empty() && !(item.notice && item.notice->alert_look());
        content::Document doc = content::import_typed_text(titled ? item.title : "", item.text);
        doc.title = item.title;
        return doc;
    }
    if (is_compare(item)) {  // 新旧对照: both texts (or the published 对照表) on this machine
        auto cmp = load_local_comparison(playlist, item);
        if (!cmp) return make_error("item \"" + item.id + "\": " + cmp.error().message);
        return cmp;
    }
    auto path = config::local_source_path(playlist, item);
    if (!path)
        return make_error("item \"" + item.id + "\": " + item.source +
                          " is a web source with no cached copy yet (the running kiosk fetches it)");
    auto doc = load_local_file(*path, item.selector);
    if (!doc) return make_error("item \"" + item.id + "\": " + doc.error().message);
    return doc;
}

}  // namespace kiosk::app
