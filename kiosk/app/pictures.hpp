#pragma once
// A Document's pictures made ready to draw: each image block's bytes found (a file:// URL
// read from disk; an http(s) one from the cache, fetched first when a fetch policy is
// given), checked from the header against the size limits, its pixel size (or why it
// cannot be shown) written into the block — layout needs it — and decoded into the
// picture store. The fetch worker runs it on its own thread for everything it fetches (the
// library takes those Documents as they are). The library runs it when it loads an item
// itself — a local file, or a web item's cached copy — which in `kiosk run` happens at
// start and, at a page boundary, when a playlist edit adds an item or `kiosk refresh`
// names a local one: pictures from this machine's disk, never from the network.
#include "content/document.hpp"
#include "net/fetcher.hpp"
#include "render/pictures.hpp"
#include "store/cache.hpp"

namespace kiosk::app {

// Pictures are cached as parts of this pseudo-item, kept by every prune (bounded by the
// cache's size like the rest).
inline const std::string kPicturesCacheOwner = "(pictures)";

void prepare_pictures(content::Document& doc, render::PictureStore& pictures, store::Cache* cache,
                      const net::FetchPolicy* fetch_policy);

}  // namespace kiosk::app
