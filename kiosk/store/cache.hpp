#pragma once
// The on-disk cache: per item the raw body, its headers (ETag, Last-Modified, final URL,
// fetch time, content hash) and the extracted Document, in one file replaced atomically, so
// it always reads back as the old version or the new one. Bounded in size.
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace kiosk::store {

// What an entry's payload is: each reader asks for its own kind, so a playlist is never
// read as a Document or the other way round.
enum class Payload {
    document,  // the extracted Document as kiosk-document/1 JSON, and the body it came from
    playlist,  // a published playlist's text (the body is the same bytes)
    picture,   // no payload: the body is the picture's bytes
};

struct CacheMeta {
    std::string url;        // asked for
    std::string final_url;  // after redirects
    std::string etag;
    std::string last_modified;
    std::string content_type;
    std::time_t fetched_at = 0;
    std::string content_hash;  // of the body
    Payload kind = Payload::document;
    bool kind_recorded = true;   // false: written before kinds were recorded (taken for any)
    std::size_t document_chars = 0;  // a Document's characters (the worker's shrink check)
};

struct CachedItem {
    CacheMeta meta;
    std::string payload;  // by meta.kind: kiosk-document/1 JSON, a playlist's text, or empty
    std::string body;     // the raw bytes as fetched
};

class Cache {
public:
    // An entry holds a page (≤ 20 MB), its Document and a header: anything larger is not ours.
    static constexpr std::uintmax_t kMaxEntryBytes = 64u << 20;

    explicit Cache(std::filesystem::path root, std::uintmax_t max_bytes = 200u << 20)
        : root_(std::move(root)), max_bytes_(max_bytes) {}

    Status put(const std::string& item_id, const CachedItem& item);
    Result<CachedItem> get(const std::string& item_id) const;  // absent, or damaged: an error
    // The last good copy of `url` of this kind: an error when there is none, it is damaged,
    // or it holds another address or another kind (a playlist item whose source changed).
    Result<CachedItem> last_good(const std::string& item_id, const std::string& url, Payload kind) const;
    // Drops items not in `keep`, then the least recently fetched until within max_bytes, and
    // temp files older than an hour (left by a crash). Safe beside a writer on another thread.
    void prune(const std::set<std::string>& keep);

    std::filesystem::path file_for(const std::string& item_id) const;

    // The key of a part of an item (a column item's articles): stored beside the item, kept
    // and dropped with it by prune.
    static constexpr char kPartSeparator = '\x1F';
    static std::string part_key(const std::string& item_id, const std::string& part) {
        return item_id + kPartSeparator + content_hash(part);
    }
    static std::string content_hash(std::string_view bytes);

private:
    std::filesystem::path root_;
    std::uintmax_t max_bytes_;
};

}  // namespace kiosk::store
