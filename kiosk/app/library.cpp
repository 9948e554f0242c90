#include "app/library.hpp"

#include <sys/stat.h>

#include "app/compare_source.hpp"
#include "app/content_source.hpp"
#include "app/pictures.hpp"
#include "base/url.hpp"
#include "base/zone_time.hpp"
#include "content/budget.hpp"
#include "content/document_json.hpp"
#include "base/log.hpp"

namespace kiosk::app {

namespace {
// What an item's content comes from: a changed one reloads it.
std::string source_key_of(const config::PlaylistItem& item) {
    return item.text.empty() ? item_address(item) : "text:" + item.text;
}

// The footer's source line and the QR code's address, from the document.
void describe_source(LibraryItem& entry, const content::Document& doc) {
    entry.source_line.clear();
    for (const auto& b : doc.blocks)
        if (b.role == content::Role::meta && b.align != content::Align::end) {
            entry.source_line = b.text;
            break;
        }
    const std::string src = item_web_address(entry.item);
    entry.url = url::is_web_address(doc.url) ? doc.url : src;
    if (!entry.content_time) entry.content_time = entry.loaded_at ? entry.loaded_at : std::time(nullptr);
}
}  // namespace

const LibraryItem* Library::find(const std::string& id) const {
    for (const auto& e : items_)
        if (e.item.id == id) return &e;
    return nullptr;
}

void Library::load(LibraryItem& entry, const config::Playlist& playlist) {
    entry.source_key = source_key_of(entry.item);
    entry.loaded_at = std::time(nullptr);
    if (is_fetched(entry.item)) {
        // A web item starts from its last good copy in the cache, before any network traffic.
        if (!cache_) {
            entry.error = "not fetched yet";
            entry.reason = "还没有取到内容";
            return;
        }
        auto cached = cache_->last_good(entry.item.id, item_address(entry.item), store::Payload::document);
        std::optional<content::Document> doc;
        if (cached) doc = content::document_from_json(nlohmann::json::parse(cached->payload, nullptr, false));
        if (!doc) {
            entry.error = "waiting for the first fetch (" + (cached ? "the cached copy is unreadable" : cached.error().message) + ")";
            // The status adds the last fetch's cause when there was one (Runner::write_status).
            entry.reason = cached ? "还没有取到内容（屏幕上存的上一版读不出来）" : "还没有取到内容";
            return;
        }
        entry.loaded_at = cached->meta.fetched_at;
        if (!doc->compare_summary)  // a comparison has budgets of its own (content/compare.hpp)
            if (std::string cut = content::fit_budget(*doc); !cut.empty()) log_notes(entry.item.id, {cut});  // cached before the budget
        prepare_pictures(*doc, pictures_, cache_, nullptr);  // from the cache; never fetched here
        set_entry_document(entry, *doc);
        return;
    }
    auto doc = load_item_document(playlist, entry.item);  // ingested: within the budget
    if (!doc) {
        // Keep what was there: a failed reload never takes content off the screen.
        entry.error = doc.error().message;
        entry.reason = is_compare(entry.item) ? "新旧对照做不出来（文本缺失，或读不出其中的条文，详情见屏幕日志）"
                                              : "这一项的内容读不出来（文件缺失或格式不对，详情见屏幕日志）";
        return;
    }
    // A local file's content dates from its last change (not from when this program read
    // it: the screen, `kiosk render` and a screenshot all say the same); a fleet notice's
    // from its arrival.
    if (auto path = config::local_source_path(playlist, entry.item)) {
        struct stat st {};
        if (::stat(path->c_str(), &st) == 0) entry.content_time = st.st_mtime;
    } else if (compares_texts(entry.item)) {  // a comparison: the later of its two texts
        for (const std::string* side : {&entry.item.old_source, &entry.item.new_source}) {
            struct stat st {};
            if (auto path = config::local_path(playlist, *side); path && ::stat(path->c_str(), &st) == 0)
                entry.content_time = std::max<std::time_t>(entry.content_time, st.st_mtime);
        }
    } else if (entry.item.notice && !entry.item.text.empty()) {
        entry.content_time = entry.item.notice->start;
    }
    prepare_pictures(*doc, pictures_, cache_, nullptr);
    set_entry_document(entry, *doc);
}

// The document is ready: within the budget, its pictures' sizes known.
void Library::set_entry_document(LibraryItem& entry, const content::Document& doc) {
    entry.error.clear();
    entry.reason.clear();
    entry.title = entry.item.title.empty() ? doc.title : entry.item.title;
    describe_source(entry, doc);
    const bool urgent = entry.item.notice && entry.item.notice->alert_look();
    entry.shaped = std::make_unique<text::ShapedDocument>(
        text::shape_document(fonts_, urgent ? text::urgent_document(doc) : doc, shape_options()));
    if (width_ > 0) lay_out_item(entry);
}

void Library::set_document(const std::string& id, const content::Document& doc) {
    for (auto& e : items_)
        if (e.item.id == id) {
            e.loaded_at = std::time(nullptr);
            set_entry_document(e, doc);
        }
}

void Library::take_down(const std::string& id, const std::string& reason, const std::string& reason_zh) {
    for (auto& e : items_)
        if (e.item.id == id) {
            e.shaped.reset();
            e.pages.clear();
            e.error = reason;
            e.reason = reason_zh;
        }
}

std::vector<std::string> Library::sync(const config::Playlist& playlist, const std::string& only) {
    std::vector<LibraryItem> next;
    std::vector<std::string> errors;
    for (const auto& item : playlist.items) {
        if (only.empty() ? !item.enabled : item.id != only) continue;
        LibraryItem entry;
        for (auto& old : items_) {
            if (old.item.id == item.id && old.source_key == source_key_of(item)) {
                entry = std::move(old);
                break;
            }
        }
        entry.item = item;
        if (entry.source_key.empty()) load(entry, playlist);
        if (!entry.item.title.empty()) entry.title = entry.item.title;
        if (!entry.error.empty()) errors.push_back(entry.error);
        next.push_back(std::move(entry));
    }
    items_ = std::move(next);
    return errors;
}

void Library::add(const config::PlaylistItem& item, content::Document doc) {
    LibraryItem entry;
    entry.item = item;
    entry.source_key = source_key_of(item);
    entry.loaded_at = std::time(nullptr);
    prepare_pictures(doc, pictures_, cache_, nullptr);
    set_entry_document(entry, doc);
    items_.push_back(std::move(entry));
}

std::vector<std::string> Library::refresh(const config::Playlist& playlist, const std::string& id) {
    std::vector<std::string> errors;
    for (auto& entry : items_) {
        if (!id.empty() && entry.item.id != id) continue;
        if (is_fetched(entry.item)) continue;  // web items: the fetch worker's job
        load(entry, playlist);
        if (!entry.error.empty()) errors.push_back(entry.error);
    }
    return errors;
}

void Library::lay_out_item(LibraryItem& entry) {
    entry.pages.clear();
    if (!entry.shaped) return;
    if (entry.item.notice && entry.item.notice->alert_look()) {  // the alert look; inline text is short
        entry.pages = text::layout_urgent(*entry.shaped, style_, geometry_);
        if (entry.pages.size() > kMaxPagesPerItem) entry.pages.resize(kMaxPagesPerItem);
        return;
    }
    // The body gives up its foot to the item's QR code (the same placement add_chrome draws).
    text::PageGeometry geometry = geometry_;
    geometry.body.height -= text::place_qr(style_, geometry_, cfg_->qr_code ? entry.url : "").body_cut;
    bool cut = false;
    entry.pages = text::layout_document_capped(fonts_, *entry.shaped, style_, geometry, kMaxPagesPerItem,
                                               content::budget_notice_pages, shape_options(), &cut);
    if (cut)
        log::once(log::Level::warning, "content", "pages " + entry.item.id,
                  entry.item.id + ": more than " + std::to_string(kMaxPagesPerItem) + " pages at " + std::to_string(width_) +
                      "x" + std::to_string(height_) + "; the first " + std::to_string(entry.pages.size()) + " are shown");
}

void Library::lay_out(int width, int height) {
    width_ = width;
    height_ = height;
    geometry_ = text::resolve_geometry(cfg_->margins, width, height);
    if (band_) geometry_ = text::ticker_geometry(geometry_, *band_).page;  // the pages beside the band
    style_ = text::resolve_style(cfg_->typography, width, height);
    for (auto& entry : items_) lay_out_item(entry);
}

std::optional<text::TickerGeometry> Library::ticker_geometry() const {
    if (!band_ || width_ <= 0) return std::nullopt;
    return text::ticker_geometry(text::resolve_geometry(cfg_->margins, width_, height_), *band_);
}

schedule::ContentState Library::content_state() const {
    schedule::ContentState state;
    for (const auto& e : items_) {
        schedule::ItemContent c;
        c.pages = static_cast<int>(e.pages.size());
        for (const auto& page : e.pages) {
            int chars = 0;
            for (const auto& line : page.lines) chars += static_cast<int>(line.text.size());
            c.chars_per_page.push_back(chars);
        }
        state[e.item.id] = std::move(c);
    }
    return state;
}

void Library::set_freshness(const std::string& id, std::time_t last_success, bool failing) {
    for (auto& e : items_)
        if (e.item.id == id) {
            if (last_success) e.content_time = last_success;
            e.fetch_failing = failing;
        }
}

text::ChromeText Library::chrome_for(const LibraryItem& item, std::time_t now) const {
    text::ChromeText c{cfg_->hall_name, item.title, zone_time::format_clock(now, cfg_->time_zone), item.source_line, "", false, ""};
    const bool web = is_fetched(item.item);
    if (item.content_time) c.updated = "内容更新于 " + zone_time::format_short_time(item.content_time, cfg_->time_zone);
    // Web content that is old, or whose last fetch failed, is marked: the screen shows what
    // it has, and says so.
    c.stale = web && (item.fetch_failing || (item.content_time && now - item.content_time > static_cast<std::time_t>(cfg_->stale_after_seconds)));
    if (cfg_->qr_code) c.qr_url = item.url;
    return c;
}

void Library::add_item_chrome(const LibraryItem& item, std::vector<text::Page>& pages, std::time_t now) const {
    if (item.item.notice && item.item.notice->alert_look())  // an official warning's band says its title
        text::add_urgent_chrome(fonts_, pages, style_, geometry_, zone_time::format_clock(now, cfg_->time_zone),
                                item.item.notice->level, item.title);
    else
        text::add_chrome(fonts_, pages, style_, geometry_, chrome_for(item, now));
}

text::Page Library::page_with_chrome(const LibraryItem& item, int page, std::time_t now) const {
    std::vector<text::Page> one{item.pages.at(static_cast<size_t>(page))};
    add_item_chrome(item, one, now);
    return std::move(one.front());
}

text::Page Library::standing_page(std::time_t now, bool maintenance) const {
    std::vector<content::Block> lines;
    lines.push_back(content::text_block(content::Role::title, cfg_->hall_name.empty() ? "政务服务中心" : cfg_->hall_name, 0,
                                        content::Align::center));
    lines.push_back(content::text_block(content::Role::meta, zone_time::format_clock(now, cfg_->time_zone), 0, content::Align::center));
    const std::string caption = maintenance ? "内容维护中" : cfg_->welcome;
    if (!caption.empty()) lines.push_back(content::text_block(content::Role::caption, caption, 0, content::Align::center));
    return text::standing_page(fonts_, style_, geometry_, lines);
}

std::vector<text::ItemPages> Library::all_pages(std::time_t now) const {
    std::vector<text::ItemPages> out;
    for (const auto& e : items_) {
        text::ItemPages ip{e.item.id, e.title, e.pages};
        add_item_chrome(e, ip.pages, now);
        out.push_back(std::move(ip));
    }
    return out;
}

}  // namespace kiosk::app
