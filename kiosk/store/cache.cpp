#include "store/cache.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "store/atomic_file.hpp"

namespace kiosk::store {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr std::string_view kMagic = "kiosk-cache/1\n";
}

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

fs::path Cache::file_for(const std::string& id) const {
    // Item ids become file names: safe characters kept, the rest hex-escaped.
    std::string name;
    for (unsigned char c : id) {
        if (std::isalnum(c) || c == '-' || c == '_') {
            name += static_cast<char>(c);
        } else if (c == kPartSeparator) {
            name += '~';  // never produced by the escaping: prune finds a part's item by it
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            name += buf;
        }
    }
    return root_ / "items" / (name + ".cache");
}

Status Cache::put(const std::string& id, const CachedItem& item) const {
    json meta = {{"url", item.meta.url},
                 {"final_url", item.meta.final_url},
                 {"etag", item.meta.etag},
                 {"last_modified", item.meta.last_modified},
                 {"content_type", item.meta.content_type},
                 {"fetched_at", item.meta.fetched_at},
                 {"content_hash", content_hash(item.body)},
                 {"document_hash", content_hash(item.document_json)},
                 {"document_size", item.document_json.size()},
                 {"body_size", item.body.size()}};
    std::string bytes;
    bytes.reserve(kMagic.size() + 512 + item.document_json.size() + item.body.size());
    bytes += kMagic;
    bytes += meta.dump(-1, ' ', false, json::error_handler_t::replace);
    bytes += '\n';
    bytes += item.document_json;
    bytes += item.body;
    return write_file_atomically(file_for(id), bytes);
}

Result<CachedItem> Cache::get(const std::string& id) const {
    const fs::path file = file_for(id);
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error("no cached copy of \"" + id + "\"");
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    auto damaged = [&](const char* why) { return make_error(file.string() + ": damaged cache file (" + std::string(why) + ")"); };
    if (bytes.compare(0, kMagic.size(), kMagic) != 0) return damaged("unknown format");
    const size_t eol = bytes.find('\n', kMagic.size());
    if (eol == std::string::npos) return damaged("no header");
    json meta;
    try {
        meta = json::parse(bytes.substr(kMagic.size(), eol - kMagic.size()));
    } catch (const json::exception&) {
        return damaged("bad header");
    }
    const size_t doc_size = meta.value("document_size", size_t{0});
    const size_t body_size = meta.value("body_size", size_t{0});
    if (bytes.size() != eol + 1 + doc_size + body_size) return damaged("wrong length");
    CachedItem item;
    item.document_json = bytes.substr(eol + 1, doc_size);
    item.body = bytes.substr(eol + 1 + doc_size, body_size);
    if (content_hash(item.body) != meta.value("content_hash", "") ||
        content_hash(item.document_json) != meta.value("document_hash", ""))
        return damaged("checksum mismatch");
    item.meta.url = meta.value("url", "");
    item.meta.final_url = meta.value("final_url", "");
    item.meta.etag = meta.value("etag", "");
    item.meta.last_modified = meta.value("last_modified", "");
    item.meta.content_type = meta.value("content_type", "");
    item.meta.fetched_at = meta.value("fetched_at", std::time_t{0});
    item.meta.content_hash = meta.value("content_hash", "");
    return item;
}

void Cache::prune(const std::set<std::string>& keep) const {
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
