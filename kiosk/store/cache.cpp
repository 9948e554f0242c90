#include "store/cache.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "base/file_read.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::store {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr std::string_view kMagic = "kiosk-cache/1\n";

const char* kind_name(Payload kind) {
    switch (kind) {
        case Payload::document: return "document";
        case Payload::playlist: return "playlist";
        case Payload::picture: return "picture";
    }
    return "document";
}
}  // namespace

std::string Cache::content_hash(std::string_view bytes) {
    // FNV-1a, 64 bits: to notice a changed body, not to resist an adversary.
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

namespace {
// Safe characters kept, the rest hex-escaped; a name that would pass 120 bytes (a long
// Chinese id escapes to nine bytes a character; file names end at 255) becomes "%H" and a
// hash, which the escaping never produces.
std::string escaped_name(std::string_view s) {
    std::string name;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_') {
            name += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            name += buf;
        }
    }
    if (name.size() > 120) name = "%H" + Cache::content_hash(s);
    return name;
}
}  // namespace

fs::path Cache::file_for(const std::string& id) const {
    // A part's key is "item<US>part": its file is "item~part", so prune finds its item ('~' is
    // never produced by the escaping).
    const size_t sep = id.find(kPartSeparator);
    std::string name = escaped_name(std::string_view(id).substr(0, sep));
    if (sep != std::string::npos) {
        // Appended in two steps: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "~" + a temporary.
        name += '~';
        name += escaped_name(std::string_view(id).substr(sep + 1));
    }
    return root_ / "items" / (name + ".cache");
}

Status Cache::put(const std::string& id, const CachedItem& item) {
    json meta = {{"url", item.meta.url},
                 {"final_url", item.meta.final_url},
                 {"etag", item.meta.etag},
                 {"last_modified", item.meta.last_modified},
                 {"content_type", item.meta.content_type},
                 {"fetched_at", item.meta.fetched_at},
                 {"content_hash", content_hash(item.body)},
                 {"document_hash", content_hash(item.payload)},
                 {"document_size", item.payload.size()},
                 {"kind", kind_name(item.meta.kind)},
                 {"document_chars", item.meta.document_chars},
                 {"body_size", item.body.size()}};
    std::string bytes;
    bytes.reserve(kMagic.size() + 512 + item.payload.size() + item.body.size());
    bytes += kMagic;
    bytes += meta.dump(-1, ' ', false, json::error_handler_t::replace);
    bytes += '\n';
    bytes += item.payload;
    bytes += item.body;
    return write_file_atomically(file_for(id), bytes);
}

Result<CachedItem> Cache::get(const std::string& id) const {
    const fs::path file = file_for(id);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec))) return make_error("no cached copy of \"" + id + "\"");
    // The cache is the kiosk's own folder: a regular file, never a link (planted to a FIFO or
    // a device), and no larger than an item can be (document, body, header).
    auto read = files::read_regular_file(file, kMaxEntryBytes, files::Symlinks::refuse);
    if (!read) return make_error(read.error().message + " (cache entry ignored)");
    const std::string& bytes = *read;
    auto damaged = [&](const char* why) { return make_error(file.string() + ": damaged cache file (" + std::string(why) + ")"); };
    if (bytes.compare(0, kMagic.size(), kMagic) != 0) return damaged("unknown format");
    const size_t eol = bytes.find('\n', kMagic.size());
    if (eol == std::string::npos) return damaged("no header");
    if (eol - kMagic.size() > 64 * 1024) return damaged("header too long");
    json meta = json::parse(bytes.substr(kMagic.size(), eol - kMagic.size()), nullptr, false);
    if (meta.is_discarded()) return damaged("bad header");
    // Every field read with its type checked: a header of the wrong shape is damage, not a crash.
    if (!meta.is_object()) return damaged("bad header");
    auto text = [&](const char* key) -> std::optional<std::string> {
        if (!meta.contains(key)) return std::string();
        if (!meta[key].is_string()) return std::nullopt;
        return meta[key].get<std::string>();
    };
    auto count = [&](const char* key) -> std::optional<std::uint64_t> {
        if (!meta.contains(key)) return std::uint64_t{0};
        if (!meta[key].is_number_unsigned()) return std::nullopt;
        return meta[key].get<std::uint64_t>();
    };
    const auto doc_size = count("document_size"), body_size = count("body_size"), chars = count("document_chars");
    const auto url = text("url"), final_url = text("final_url"), etag = text("etag"), last_modified = text("last_modified"),
               content_type = text("content_type"), body_hash = text("content_hash"), document_hash = text("document_hash"),
               kind = text("kind");
    const bool time_ok = !meta.contains("fetched_at") || meta["fetched_at"].is_number_integer();
    if (!doc_size || !body_size || !chars || !url || !final_url || !etag || !last_modified || !content_type || !body_hash ||
        !document_hash || !kind || !time_ok)
        return damaged("a header field of the wrong type");
    if (*doc_size > bytes.size() || *body_size > bytes.size() || bytes.size() != eol + 1 + *doc_size + *body_size)
        return damaged("wrong length");
    CachedItem item;
    item.payload = bytes.substr(eol + 1, *doc_size);
    item.body = bytes.substr(eol + 1 + *doc_size, *body_size);
    if (content_hash(item.body) != *body_hash || content_hash(item.payload) != *document_hash)
        return damaged("checksum mismatch");
    item.meta.url = *url;
    item.meta.final_url = *final_url;
    item.meta.etag = *etag;
    item.meta.last_modified = *last_modified;
    item.meta.content_type = *content_type;
    item.meta.fetched_at = meta.contains("fetched_at") ? meta["fetched_at"].get<std::time_t>() : 0;
    item.meta.content_hash = *body_hash;
    item.meta.document_chars = *chars;
    item.meta.kind_recorded = !kind->empty();
    if (*kind == "playlist") item.meta.kind = Payload::playlist;
    else if (*kind == "picture") item.meta.kind = Payload::picture;
    else if (kind->empty() || *kind == "document") item.meta.kind = Payload::document;
    else return damaged("unknown kind");
    return item;
}

Result<CachedItem> Cache::last_good(const std::string& id, const std::string& url, Payload kind) const {
    auto item = get(id);
    if (!item) return item;
    if (item->meta.url != url) return make_error("the cached copy of \"" + id + "\" is of another address");
    if (item->meta.kind_recorded && item->meta.kind != kind)
        return make_error("the cached copy of \"" + id + "\" is a " + kind_name(item->meta.kind) + ", not a " + kind_name(kind));
    return item;
}

void Cache::prune(const std::set<std::string>& keep) {
    std::error_code ec;
    std::set<fs::path> keep_files;
    for (const auto& id : keep) keep_files.insert(file_for(id));
    struct Entry {
        fs::path path;
        std::uintmax_t size;
        fs::file_time_type written;
    };
    std::vector<Entry> entries;
    std::uintmax_t total = 0;
    for (const auto& e : fs::directory_iterator(root_ / "items", ec)) {
        if (!e.is_regular_file(ec)) continue;
        if (e.path().extension() != ".cache") {
            // A temp file: a write in progress on another thread, or one a crash left behind
            // (those are old). Only the old ones go.
            if (fs::file_time_type::clock::now() - e.last_write_time(ec) > std::chrono::hours(1)) fs::remove(e.path(), ec);
            continue;
        }
        // A part (a column's article, "item~part.cache") lives as long as its item.
        const std::string stem = e.path().stem().string();
        const fs::path owner = e.path().parent_path() / (stem.substr(0, stem.find('~')) + ".cache");
        if (!keep_files.count(owner)) {
            fs::remove(e.path(), ec);  // an item no longer in the playlist
            continue;
        }
        entries.push_back({e.path(), e.file_size(ec), e.last_write_time(ec)});
        total += entries.back().size;
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.written < b.written; });
    for (const auto& e : entries) {
        if (total <= max_bytes_) break;
        fs::remove(e.path, ec);
        total -= e.size;
    }
}

}  // namespace kiosk::store
