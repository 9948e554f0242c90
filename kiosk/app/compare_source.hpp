#pragma once
// 新旧对照 items (issue 30) as the app reads them: "kind": "compare" with its two texts
// ("old" and "new": file:, http://, https://) made into one comparison by
// content::compare_documents, or with one published 对照表 page ("source") read by
// content::compare_from_table. Local texts are read here; web texts are fetched by the fetch
// worker (both sides, each kept in the cache as a part of the item, so a side that did not
// change is not fetched again and a side that fails leaves the last good comparison on screen).
#include <optional>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "content/document.hpp"
#include "net/fetcher.hpp"
#include "store/cache.hpp"

namespace kiosk::app {

struct FetchJob;

inline bool is_compare(const config::PlaylistItem& item) { return item.kind == "compare"; }
// A comparison of two texts (not of one published 对照表).
inline bool compares_texts(const config::PlaylistItem& item) {
    return is_compare(item) && (!item.old_source.empty() || !item.new_source.empty());
}
// Its content comes from the portal: the fetch worker keeps it fresh (a comparison: either text).
bool is_fetched(const config::PlaylistItem& item);
// What the item's content is read from, as one string: its source, or a comparison's two
// texts ("compare:OLD NEW"). The cache keeps the item's content under it; a changed one
// reloads the item.
std::string item_address(const config::PlaylistItem& item);
// Where the item's page is on the portal, for the QR code ("" none): a comparison's new text.
std::string item_web_address(const config::PlaylistItem& item);

// The characters of a comparison's two sides (what the refresh policy judges it by).
size_t comparison_chars(const content::Document& comparison);

// The comparison of two texts read into Documents, or of one published 对照表 page; the item's
// title and effective date go into it. Errors are the clerk's words (Chinese).
Result<content::Document> comparison_of(const config::PlaylistItem& item, const content::Document& old_doc,
                                        const content::Document& new_doc);
Result<content::Document> comparison_from_table(const config::PlaylistItem& item, const content::Document& published);

// A comparison whose texts are both on this machine (file:), or whose published 对照表 is:
// read and compared now.
Result<content::Document> load_local_comparison(const config::Playlist& playlist, const config::PlaylistItem& item);

// The fetch worker's comparison of two texts: each web side fetched (conditionally, against
// its part of the cache), each file side read; compared when either changed. `result` is what
// the refresh policy judges: ok with `doc` and `chars`, not_modified when neither side
// changed, or the failing side's result with its words saying which side (修订前 / 修订后).
struct ComparisonFetch {
    net::FetchResult result;
    std::optional<content::Document> doc;
    size_t chars = 0;
    // The text that failed, in the clerk's words (修订前的文本, 修订后的文本, 新旧对照表) and the
    // operator's (the old text, …); "" when none did.
    std::string side, side_en;
};
ComparisonFetch fetch_comparison(const FetchJob& job, const net::FetchPolicy& policy, store::Cache& cache);

}  // namespace kiosk::app
