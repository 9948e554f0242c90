#include "app/compare_source.hpp"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "app/content_source.hpp"
#include "app/fetch_worker.hpp"
#include "base/log.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/document_json.hpp"

namespace kiosk::app {

bool is_fetched(const config::PlaylistItem& item) {
    return url::is_web_address(item.source) ||
           (compares_texts(item) && (url::is_web_address(item.old_source) || url::is_web_address(item.new_source)));
}

std::string item_address(const config::PlaylistItem& item) {
    if (!is_compare(item)) return item.source;
    // The title and the effective date are part of the comparison (its opening page): a
    // change of either makes it again.
    std::string key = "compare:" + (compares_texts(item) ? item.old_source + " " + item.new_source : item.source);
    if (!item.effective.empty()) key += " effective=" + item.effective;
    if (!item.title.empty()) key += " title=" + item.title;
    return key;
}

std::string item_web_address(const config::PlaylistItem& item) {
    if (url::is_web_address(item.source)) return item.source;
    if (compares_texts(item) && url::is_web_address(item.new_source)) return item.new_source;
    return "";
}

size_t comparison_chars(const content::Document& comparison) {
    size_t n = 0;
    for (const auto& b : comparison.blocks) {
        n += utf8::decode(b.text).size();
        for (const auto* side : {&b.compare.old_side, &b.compare.new_side})
            for (const auto& p : side->paragraphs) n += utf8::decode(p).size();
    }
    return n;
}

namespace {
content::CompareOptions options_of(const config::PlaylistItem& item) {
    content::CompareOptions o;
    o.title = item.title;
    o.effective = item.effective;
    return o;
}

bool has_chinese(const std::string& text) {
    for (char32_t c : utf8::decode(text))
        if (c >= 0x3000) return true;
    return false;
}
}  // namespace

Result<content::Document> comparison_of(const config::PlaylistItem& item, const content::Document& old_doc,
                                        const content::Document& new_doc) {
    auto cmp = content::compare_documents(old_doc, new_doc, options_of(item));
    if (!cmp) return cmp.error();
    if (cmp->url.empty()) cmp->url = new_doc.url;
    return cmp;
}

Result<content::Document> comparison_from_table(const config::PlaylistItem& item, const content::Document& published) {
    auto cmp = content::compare_from_table(published, options_of(item));
    if (!cmp) return cmp.error();
    if (cmp->url.empty()) cmp->url = published.url;
    return cmp;
}

Result<content::Document> load_local_comparison(const config::Playlist& playlist, const config::PlaylistItem& item) {
    auto read = [&](const std::string& source, const char* side) -> Result<content::Document> {
        auto path = config::local_path(playlist, source);
        if (!path) return make_error(std::string(side) + " " + source + " is a web source with no cached copy yet (the running kiosk fetches it)");
        auto doc = load_local_file(*path, item.selector);
        if (!doc) return make_error(std::string(side) + ": " + doc.error().message);
        return doc;
    };
    Result<content::Document> cmp = make_error("");
    if (compares_texts(item)) {
        auto old_doc = read(item.old_source, "the old text");
        if (!old_doc) return old_doc.error();
        auto new_doc = read(item.new_source, "the new text");
        if (!new_doc) return new_doc.error();
        cmp = comparison_of(item, *old_doc, *new_doc);
    } else {
        auto table = read(item.source, "the comparison table");
        if (!table) return table.error();
        cmp = comparison_from_table(item, *table);
    }
    if (!cmp) return make_error("the comparison could not be made: " + cmp.error().message);
    return cmp;
}

namespace {
// One text of a comparison as the worker reads it.
struct Side {
    std::optional<content::Document> doc;
    bool newer = false;       // changed since the last comparison was made
    net::FetchResult failed;  // when `doc` is empty
};

// A file side ("file:" + an absolute path, as web_job makes it): read; newer when it was
// changed after `since`.
Side read_file_side(const FetchJob& job, const std::string& source, std::time_t since) {
    Side s;
    const std::string path = source.substr(5);
    auto doc = load_local_file(path, job.selector);
    if (!doc) {
        s.failed.outcome = net::FetchOutcome::refused;
        s.failed.error = doc.error().message;
        s.failed.reason = "文件读不出来（文件缺失或格式不对，详情见屏幕日志）";
        return s;
    }
    struct stat st {};
    s.newer = since == 0 || (::stat(path.c_str(), &st) == 0 && st.st_mtime > since);
    s.doc = std::move(*doc);
    return s;
}

// A web side: fetched against its part of the cache (ETag, Last-Modified); what was fetched
// is kept as that part. Newer when its part was fetched after `since` (the last comparison).
Side fetch_web_side(const FetchJob& job, const std::string& address, const net::FetchPolicy& policy, store::Cache& cache,
                    std::time_t since) {
    Side s;
    const std::string key = store::Cache::part_key(job.id, address);
    auto cached = cache.last_good(key, address, store::Payload::document);
    std::optional<content::Document> kept;
    if (cached) kept = content::document_from_json(nlohmann::json::parse(cached->payload, nullptr, false));
    net::FetchRequest request{address, "", ""};
    if (kept) {
        request.etag = cached->meta.etag;
        request.last_modified = cached->meta.last_modified;
    }
    net::FetchResult r = net::fetch(request, policy);
    if (r.outcome == net::FetchOutcome::not_modified && kept) {
        s.newer = since == 0 || cached->meta.fetched_at > since;
        s.doc = std::move(kept);
        return s;
    }
    if (r.outcome != net::FetchOutcome::ok) {
        s.failed = std::move(r);
        return s;
    }
    auto in = ingest_fetched(r.body, r.content_type, job.selector, r.final_url);
    if (!in) {
        r.error = in.error().message;
        r.reason = "网页取到了，但读不出可以显示的正文";
        s.failed = std::move(r);
        return s;
    }
    if (auto st = cache.put(key, cache_entry(r, address, store::Payload::document, document_payload(in->doc), in->chars)); !st)
        log::warn("store", st.error().message);
    s.newer = true;
    s.doc = std::move(in->doc);
    return s;
}
}  // namespace

ComparisonFetch fetch_comparison(const FetchJob& job, const net::FetchPolicy& policy, store::Cache& cache) {
    ComparisonFetch out;
    const config::PlaylistItem& item = *job.compare;
    // When the comparison on screen was made: a side fetched or changed since makes it again.
    auto last = cache.last_good(job.id, job.url, store::Payload::document);
    const std::time_t since = last ? last->meta.fetched_at : 0;
    struct Wanted {
        std::string source;
        const char* en;
        const char* zh;
    };
    std::vector<Wanted> wanted;
    if (compares_texts(item)) wanted = {{item.old_source, "the old text", "修订前的文本"}, {item.new_source, "the new text", "修订后的文本"}};
    else wanted = {{item.source, "the comparison table", "新旧对照表"}};
    std::vector<content::Document> docs;
    bool newer = false;
    for (const Wanted& w : wanted) {
        Side s = w.source.rfind("file:", 0) == 0 ? read_file_side(job, w.source, since)
                                                 : fetch_web_side(job, w.source, policy, cache, since);
        if (!s.doc) {
            out.result = std::move(s.failed);
            out.result.error = std::string(w.en) + " (" + w.source + "): " + out.result.error;
            out.side = w.zh;
            out.side_en = w.en;
            return out;
        }
        newer = newer || s.newer;
        docs.push_back(std::move(*s.doc));
    }
    if (!newer) {
        out.result.outcome = net::FetchOutcome::not_modified;
        out.result.http_status = 304;
        return out;
    }
    out.result.outcome = net::FetchOutcome::ok;
    out.result.http_status = 200;
    out.result.final_url = job.url;
    auto cmp = docs.size() == 2 ? comparison_of(item, docs[0], docs[1]) : comparison_from_table(item, docs[0]);
    if (!cmp) {  // chars 0: the refresh policy keeps the last good comparison and records why
        out.result.error = "the comparison could not be made: " + cmp.error().message;
        out.result.reason = has_chinese(cmp.error().message) ? "新旧对照做不出来：" + cmp.error().message
                                                             : "新旧对照做不出来（详情见屏幕日志）";
        return out;
    }
    out.chars = comparison_chars(*cmp);
    out.doc = std::move(*cmp);
    return out;
}

}  // namespace kiosk::app
