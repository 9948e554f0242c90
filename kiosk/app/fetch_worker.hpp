#pragma once
#include <atomic>
#include <chrono>
// Fetches the playlist's web items on its own thread (never on the frame loop): each item
// when its refresh interval (or its backoff after a failure) is due, or at once on
// `kiosk refresh`. Decodes and imports on the same thread, judges the result
// (refresh_policy), writes good content to the cache, and hands the frame loop an update
// to apply at the next page boundary.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "net/refresh_policy.hpp"
#include "content/document.hpp"
#include "net/fetcher.hpp"
#include "render/pictures.hpp"
#include "store/cache.hpp"

namespace kiosk::app {

struct FetchJob {
    std::string id;
    std::string url;
    double refresh_seconds = 3600;
    bool playlist = false;  // the playlist itself, published on the portal
    std::string selector;   // where the article is on the page
    int column_count = 0;   // a column item: how many of the newest articles (0: an article page)
    // A 新旧对照 item (issue 30): its texts (a file: one made absolute) or its published 对照表;
    // `url` is then its app::item_address, under which the comparison is cached.
    std::optional<config::PlaylistItem> compare = std::nullopt;
};

// The job that keeps a playlist item's web content fresh (its source, selector, column; a
// comparison's texts, its file: ones resolved against `playlist`'s folder).
FetchJob web_job(const config::PlaylistItem& item, const config::Playlist* playlist = nullptr);

// A fetched Document as the cache keeps it (kiosk-document/1 JSON), and the cache entry of a
// fetch result with it.
std::string document_payload(const content::Document& doc);
store::CachedItem cache_entry(const net::FetchResult& r, const std::string& url, store::Payload kind, std::string payload,
                              std::size_t chars);

// A fetched page made into the item's Document as every screen makes it: a column's newest
// articles, or the page's article with links resolved against the page's own address, its
// pictures fetched through the allowlist and decoded into `pictures` (none: not fetched).
// `chars`: what the refresh policy judges a page by. The fetch worker and
// `kiosk render --fetch` (the console's previews) both go through here.
struct FetchedDocument {
    content::Document doc;
    size_t chars = 0;
};
Result<FetchedDocument> document_from_fetch(const FetchJob& job, const net::FetchResult& fetched, const net::FetchPolicy& policy,
                                            store::Cache& cache, render::PictureStore* pictures);

// Checks a fetched playlist's text; returns the errors (empty: good).
using PlaylistCheck = std::function<std::string(const std::string& text)>;

// What became of a fetched published playlist.
enum class PlaylistVerdict {
    none,      // not a playlist job, or nothing new (not modified, a failed fetch)
    accepted,  // checked and good: `playlist_text` holds it
    refused,   // it fails the checks: `playlist_errors` says why; the previous one plays on
};

struct ItemUpdate {
    std::string id;
    net::RefreshAction action = net::RefreshAction::keep;
    std::optional<content::Document> document;  // with replace
    PlaylistVerdict playlist = PlaylistVerdict::none;
    std::string playlist_text;    // accepted
    std::string playlist_errors;  // refused
    net::ItemHealth health;
};

// A column: the newest `count` articles of a list page or feed, each fetched (or taken from
// the cache, where articles are kept as parts of the item) and joined into one Document,
// newest first, each article starting a page. Articles that cannot be read are left out
// (logged once); none at all is an error.
Result<content::Document> column_document(const FetchJob& job, const net::FetchResult& list,
                                          const net::FetchPolicy& policy, store::Cache& cache);

class FetchWorker {
public:
    // `pictures`: where an article's pictures are decoded (on this thread); none: not fetched.
    FetchWorker(net::FetchPolicy policy, store::Cache& cache, std::function<void()> wake,
                PlaylistCheck check_playlist = {}, render::PictureStore* pictures = nullptr);
    ~FetchWorker();  // stops and joins
    FetchWorker(const FetchWorker&) = delete;
    FetchWorker& operator=(const FetchWorker&) = delete;

    // The web items to keep fresh; the health of items already known is kept. An item with
    // a cached copy is first fetched after `first_delay` seconds (the screen starts from the
    // cache), one without at once.
    void set_jobs(std::vector<FetchJob> jobs);
    void refresh_now(const std::string& id);  // empty: every item
    // A reloaded configuration's allowlist, proxy, CA file and playlist check: from the next
    // fetch on (one under way finishes with the settings it began with).
    void set_settings(net::FetchPolicy policy, PlaylistCheck check_playlist);
    std::deque<ItemUpdate> take();
    std::map<std::string, net::ItemHealth> health() const;
    // While the panel is asleep: each web item fetched at most once per `minimum` (zero:
    // each at its own interval). The published playlist and `kiosk refresh` keep their pace.
    void set_pace(std::chrono::seconds minimum);

private:
    void run();
    void run_guarded();

    net::FetchPolicy policy_;  // guarded by mutex_ (replaced by set_settings)
    store::Cache& cache_;  // borrowed; outlives the worker (it writes entries on its own files)
    std::function<void()> wake_;
    PlaylistCheck check_playlist_;  // guarded by mutex_
    render::PictureStore* pictures_;  // borrowed; may be null
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<FetchJob> jobs_;
    std::map<std::string, net::ItemHealth> health_;
    std::chrono::seconds pace_{0};  // set_pace
    std::set<std::string> refresh_requested_;  // refreshes asked for since their fetch began
    std::deque<ItemUpdate> updates_;
    bool stop_ = false;
    std::string current_job_;  // the item being fetched (for the last-resort handler)
    std::atomic<bool> cancel_{false};  // set with stop_: a transfer under way ends within a second
    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace kiosk::app
