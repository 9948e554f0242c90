#pragma once
// A Document's pictures made ready to draw: each image block's bytes found (a file:// URL
// read from disk; an http(s) one from the cache, fetched first when a fetch policy is
// given), checked from the header against the size limits, its pixel size (or why it
// cannot be shown) written into the block — layout needs it — and decoded into the
// picture store. Run by the fetch worker on its own thread for web content, and by the
// library while loading local or cached content: never on the frame loop.
#include "content/document.hpp"
#include "net/fetcher.hpp"
#include "render/pictures.hpp"
#include "store/cache.hpp"

namespace kiosk::app {

// Pictures are cached as parts of this pseudo-item, kept by every prune (bounded by the
// cache's size like the rest).
inline const std::string kPicturesCacheOwner = "(pictures)";

void prepare_pictures(content::Document& doc, render::PictureStore& pictures, const store::Cache* cache,
                      const net::FetchPolicy* fetch_policy);

}  // namespace kiosk::app
