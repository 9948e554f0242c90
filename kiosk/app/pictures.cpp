#include "app/pictures.hpp"

#include <fstream>
#include <sstream>

#include "base/file_read.hpp"
#include "base/url.hpp"
#include "render/image_header.hpp"
#include "base/log.hpp"

namespace kiosk::app {

namespace {

std::optional<std::string> read_local(const std::string& url, std::string* why) {
    const std::string path = url.substr(7);  // file://
    // A regular file within the picture limit: never a FIFO, a device or a gigabyte.
    auto bytes = files::read_regular_file(path, render::ImageLimits{}.max_bytes);
    if (!bytes) {
        *why = bytes.error().message;
        return std::nullopt;
    }
    return std::move(*bytes);
}

}  // namespace

void prepare_pictures(content::Document& doc, render::PictureStore& pictures, store::Cache* cache,
                      const net::FetchPolicy* fetch_policy) {
    const bool local_document = doc.url.empty() || doc.url.rfind("file://", 0) == 0;
    for (content::Block& block : doc.blocks) {
        if (block.role != content::Role::image) continue;
        content::Image& im = block.image;
        if (im.url.empty()) {
            im.problem = "no address";
            continue;
        }
        if (pictures.has(im.url) && im.width > 0) continue;
        std::string why;
        std::optional<std::string> bytes;
        const bool web = url::is_web_address(im.url);
        const std::string key = store::Cache::part_key(kPicturesCacheOwner, im.url);
        if (im.url.rfind("file://", 0) == 0) {
            // Only the operator's own files may name local pictures; a page from the web (or
            // a cached copy of one made before this rule) may not.
            if (local_document) bytes = read_local(im.url, &why);
            else why = "a web page may not point at a local file";
        } else if (web && cache) {
            if (auto cached = cache->last_good(key, im.url, store::Payload::picture)) bytes = std::move(cached->body);
            if (!bytes && fetch_policy) {
                net::FetchPolicy policy = *fetch_policy;
                policy.max_body_bytes = render::ImageLimits{}.max_bytes;
                net::FetchResult r = net::fetch({im.url, "", ""}, policy);
                if (r.outcome == net::FetchOutcome::ok) {
                    if (render::image_refusal(r.body).empty()) {
                        store::CachedItem item;
                        item.meta = store::CacheMeta{im.url, r.final_url, r.etag, r.last_modified, r.content_type, std::time(nullptr), "",
                                                     store::Payload::picture, true, 0};
                        item.body = r.body;
                        if (auto st = cache->put(key, item); !st) log::warn("store", st.error().message);
                    }
                    bytes = std::move(r.body);
                } else {
                    why = r.error;
                }
            }
            if (!bytes && why.empty()) why = "not fetched yet";
        } else {
            why = "an address the kiosk cannot read";
        }
        if (!bytes) {
            im.problem = why;
            log::once(log::Level::warning, "content", "picture " + im.url, "picture " + im.url + ": " + why + " (a placeholder shows instead)");
            continue;
        }
        if (auto header = render::read_image_header(*bytes)) {
            im.width = header->width;
            im.height = header->height;
        }
        if (auto st = pictures.add(im.url, *bytes); !st) {
            im.problem = st.error().message;
            log::once(log::Level::warning, "content", "picture " + im.url, "picture " + st.error().message + " (a placeholder shows instead)");
            continue;
        }
        im.problem.clear();
    }
}

}  // namespace kiosk::app
