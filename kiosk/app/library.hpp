#pragma once
// The items' content, shaped once and laid out for the current page size: what layout,
// render, plan and run all show. Items whose content cannot be loaded stay in the library
// with their error and no pages, so the scheduler skips them (never a blank page).
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "render/pictures.hpp"
#include "content/document.hpp"
#include "schedule/scheduler.hpp"
#include "store/cache.hpp"
#include "text/layout.hpp"
#include "text/layout_json.hpp"
#include "text/ticker.hpp"

namespace kiosk::app {

struct LibraryItem {
    config::PlaylistItem item;
    std::string title;  // the playlist's title, else the document's
    std::string source_key;  // the source it was loaded from (a changed source reloads)
    std::string error;       // why there is nothing to show, when there is nothing
    std::string reason;      // the same for a hall clerk, in Chinese (the screen's status carries it)
    std::time_t loaded_at = 0;
    std::time_t content_time = 0;  // when its content was last read fine (a web item: fetched)
    bool fetch_failing = false;    // its last fetch failed (the cached copy plays on)
    std::string source_line;       // the document's date and source, for the footer
    std::string url;               // the article's address on the portal, for the QR code
    std::unique_ptr<text::ShapedDocument> shaped;
    std::vector<text::Page> pages;  // without chrome
};

// The most pages one item shows (past the document budget, a small panel could still make
// thousands): the rest is left out with a line saying so.
constexpr size_t kMaxPagesPerItem = 300;

class Library {
public:
    Library(text::FontSet& fonts, config::ConfigSnapshot cfg) : fonts_(fonts), cfg_(std::move(cfg)) {}
    // A reloaded configuration (sizes, hall name, typography); call lay_out afterwards.
    void set_config(config::ConfigSnapshot cfg) { cfg_ = std::move(cfg); }
    // Web items are read from this cache (last good content); without one they wait.
    void set_cache(store::Cache* cache) { cache_ = cache; }

    // New content for an item from the fetch worker (ingested, its pictures prepared on the
    // worker's thread), shown from the next page on.
    void set_document(const std::string& id, const content::Document& doc);
    // How fresh an item's content is (from the fetch worker's health): the footer says when
    // it was updated and marks it when stale.
    void set_freshness(const std::string& id, std::time_t last_success, bool failing);
    // Withdrawn: nothing of it is shown any more.
    void take_down(const std::string& id, const std::string& reason, const std::string& reason_zh);

    // Takes the items of `playlist` (enabled or `only`), loading those not loaded yet; keeps
    // the content of items whose source did not change. Returns the errors met.
    std::vector<std::string> sync(const config::Playlist& playlist, const std::string& only = "");
    // Adds one ingested document as an item (kiosk layout/render --input).
    void add(const config::PlaylistItem& item, content::Document doc);
    // Reloads a local item's content now (kiosk refresh); empty id: every local item. Web
    // items are refreshed by the fetch worker.
    std::vector<std::string> refresh(const config::Playlist& playlist, const std::string& id);

    // The pages give up the ticker band's height while it runs (text::ticker_geometry): set
    // or cleared here, taken by the next lay_out. The sizes of type stay the full page's.
    void set_ticker_band(std::optional<config::TickerSettings> band) { band_ = band; }
    const std::optional<config::TickerSettings>& ticker_band() const { return band_; }
    // The band's place and the page's beside it, for the size last laid out (no band: none).
    std::optional<text::TickerGeometry> ticker_geometry() const;

    void lay_out(int width, int height);
    const text::PageGeometry& geometry() const { return geometry_; }
    const text::Style& style() const { return style_; }

    const std::vector<LibraryItem>& items() const { return items_; }
    const LibraryItem* find(const std::string& id) const;
    // The decoded pictures of every item's images (the painter draws from it; the fetch
    // worker decodes into it).
    render::PictureStore& pictures() { return pictures_; }
    schedule::ContentState content_state() const;

    // One page with its chrome for the clock time `now`.
    text::Page page_with_chrome(const LibraryItem& item, int page, std::time_t now) const;
    // `maintenance`: there is no playlist to play (none could be read): the page says
    // 内容维护中 instead of the welcome line.
    text::Page standing_page(std::time_t now, bool maintenance = false) const;

    // Every item's pages with chrome, as kiosk-layout/1.
    std::vector<text::ItemPages> all_pages(std::time_t now) const;

private:
    void load(LibraryItem& entry, const config::Playlist& playlist);
    void set_entry_document(LibraryItem& entry, const content::Document& doc);
    void lay_out_item(LibraryItem& entry);
    text::ChromeText chrome_for(const LibraryItem& item, std::time_t now) const;
    // The usual header and footer, or an urgent notice's band and clock.
    void add_item_chrome(const LibraryItem& item, std::vector<text::Page>& pages, std::time_t now) const;
    text::ShapeOptions shape_options() const {
        text::ShapeOptions o;
        o.table_empty_zero = cfg_->typography.table_empty_zero;
        return o;
    }

    text::FontSet& fonts_;
    config::ConfigSnapshot cfg_;  // shared, never changed: a reload hands over a new one
    store::Cache* cache_ = nullptr;  // borrowed
    render::PictureStore pictures_;
    std::vector<LibraryItem> items_;
    text::PageGeometry geometry_;
    text::Style style_;
    int width_ = 0, height_ = 0;
    std::optional<config::TickerSettings> band_;
};

}  // namespace kiosk::app
