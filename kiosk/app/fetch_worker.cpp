#include "app/fetch_worker.hpp"

#include "app/pictures.hpp"

#include <nlohmann/json.hpp>
#include <random>

#include "base/utf8.hpp"
#include "app/content_source.hpp"
#include "content/charset.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "content/html_extract.hpp"
#include "content/text_import.hpp"
#include "health/log.hpp"

namespace kiosk::app {

std::optional<content::Document> document_from_body(const std::string& body, const std::string& content_type,
                                                    const std::string& selector, std::string* why_not,
                                                    const std::string& base_url) {
    const std::string type = content_type.substr(0, content_type.find(';'));
    if (type.find("html") != std::string::npos) {
        content::ExtractOptions options;
        options.selector = selector;
        options.base_url = base_url;
        if (auto cs = content_type.find("charset="); cs != std::string::npos) options.http_charset = content_type.substr(cs + 8);
        auto doc = content::extract_article(body, options);
        if (!doc) {
            *why_not = doc.error().message;
            return std::nullopt;
        }
        if (doc->url.empty()) doc->url = base_url;
        budget_document(*doc, base_url);
        return std::move(*doc);
    }
    // Text never holds NUL or other control bytes (GB18030 would decode binary into Han).
    size_t controls = 0;
    for (unsigned char c : body) controls += (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ? 1 : 0;
    content::DecodedText decoded = content::decode_text(body);
    if (controls * 100 > body.size() || decoded.replaced * 10 > decoded.utf8.size() / 3 + 1) {
        *why_not = "not text (binary data: " + std::to_string(controls) + " control bytes, " +
                   std::to_string(decoded.replaced) + " undecodable sequences)";
        return std::nullopt;
    }
    content::Document doc = import_budgeted_text(std::move(decoded.utf8), base_url);
    if (doc.blocks.empty()) {
        *why_not = "no text";
        return std::nullopt;
    }
    doc.url = base_url;
    return doc;
}

std::optional<content::Document> column_document(const FetchJob& job, const net::FetchResult& list,
                                                 const net::FetchPolicy& policy, const store::Cache& cache,
                                                 std::string* why_not) {
    content::ColumnOptions options;
    options.base_url = list.final_url.empty() ? job.url : list.final_url;
    if (auto cs = list.content_type.find("charset="); cs != std::string::npos) options.http_charset = list.content_type.substr(cs + 8);
    auto entries = content::read_column(list.body, options);
    if (!entries) {
        *why_not = entries.error().message;
        return std::nullopt;
    }
    const auto newest = content::newest_entries(std::move(*entries), static_cast<size_t>(std::max(job.column_count, 1)));
    content::Document joined;
    std::string failures;
    for (const content::ColumnEntry& entry : newest) {
        const std::string key = store::Cache::part_key(job.id, entry.url);
        std::optional<content::Document> article;
        // Published articles rarely change: a cached copy is used as it is.
        if (auto cached = cache.get(key); cached && cached->meta.url == entry.url)
            article = content::document_from_json(nlohmann::json::parse(cached->document_json, nullptr, false));
        if (!article) {
            net::FetchResult r = net::fetch({entry.url, "", ""}, policy);
            std::string why = r.error;
            if (r.outcome == net::FetchOutcome::ok) article = document_from_body(r.body, r.content_type, job.selector, &why, r.final_url);
            if (!article) {
                failures += "\n  " + entry.url + ": " + why;
                continue;
            }
            store::CachedItem item;
            item.meta = store::CacheMeta{entry.url, r.final_url, r.etag, r.last_modified, r.content_type, std::time(nullptr), ""};
            item.document_json = content::to_json(*article).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            item.body = std::move(r.body);
            if (auto st = cache.put(key, item); !st) log::warn("store", st.error().message);
        }
        if (article->title.empty()) article->title = entry.title;
        for (size_t i = 0; i < article->blocks.size(); ++i) {
            if (i == 0 && !joined.blocks.empty()) article->blocks[i].page_break = true;
            joined.blocks.push_back(std::move(article->blocks[i]));
        }
        for (auto& a : article->attachments) joined.attachments.push_back(std::move(a));
    }
    if (!failures.empty())
        log::once(log::Level::warning, "net", job.id + failures, job.id + ": some of the column's articles could not be read:" + failures);
    if (joined.blocks.empty()) {
        *why_not = "none of the column's " + std::to_string(newest.size()) + " newest articles could be read" + failures;
        return std::nullopt;
    }
    joined.url = options.base_url;
    budget_document(joined, job.id);
    return joined;
}

namespace {
// The worker's policy carries its own stop flag (cancel_ is constructed later, but only its
// address is taken here).
net::FetchPolicy with_cancel(net::FetchPolicy p, const std::atomic<bool>* cancel) {
    p.cancel = cancel;
    return p;
}

size_t document_chars(const content::Document& doc) {
    size_t n = 0;
    for (const auto& b : doc.blocks) n += utf8::decode(b.text).size();
    return n;
}
}  // namespace

FetchWorker::FetchWorker(net::FetchPolicy policy, const store::Cache& cache, std::function<void()> wake,
                         PlaylistCheck check_playlist, render::PictureStore* pictures)
    : policy_(with_cancel(std::move(policy), &cancel_)), cache_(cache), wake_(std::move(wake)), check_playlist_(std::move(check_playlist)),
      pictures_(pictures), thread_([this] { run_guarded(); }) {}

FetchWorker::~FetchWorker() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        cancel_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void FetchWorker::set_jobs(std::vector<FetchJob> jobs) {
    {
        std::lock_guard lock(mutex_);
        const std::time_t now = std::time(nullptr);
        std::map<std::string, ItemHealth> next;
        for (const auto& job : jobs) {
            auto it = health_.find(job.id);
            if (it != health_.end()) {
                next[job.id] = it->second;
                continue;
            }
            ItemHealth h;
            if (auto cached = cache_.get(job.id); cached && cached->meta.url == job.url) {
                h.last_success = cached->meta.fetched_at;
                if (job.playlist) h.good_chars = 0;
                else if (auto doc = content::document_from_json(nlohmann::json::parse(cached->document_json, nullptr, false)))
                    h.good_chars = document_chars(*doc);
                h.next_attempt = std::min<std::time_t>(now + 5, cached->meta.fetched_at + static_cast<std::time_t>(job.refresh_seconds));
            } else {
                h.next_attempt = now;
            }
            next[job.id] = h;
        }
        health_ = std::move(next);
        jobs_ = std::move(jobs);
    }
    changed_.notify_all();
}

void FetchWorker::set_settings(net::FetchPolicy policy, PlaylistCheck check_playlist) {
    std::lock_guard lock(mutex_);
    policy_ = with_cancel(std::move(policy), &cancel_);
    check_playlist_ = std::move(check_playlist);
}

void FetchWorker::refresh_now(const std::string& id) {
    {
        std::lock_guard lock(mutex_);
        for (auto& [item, h] : health_)
            if (id.empty() || item == id) {
                h.next_attempt = 0;
                refresh_requested_.insert(item);  // honoured even if a fetch of it is under way
            }
    }
    changed_.notify_all();
}

std::deque<ItemUpdate> FetchWorker::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(updates_, {});
}

std::map<std::string, ItemHealth> FetchWorker::health() const {
    std::lock_guard lock(mutex_);
    return health_;
}

// No exception may end the thread (std::terminate would take the screen down): one that
// escapes a fetch is logged, that item waits a while, and the worker goes on.
void FetchWorker::run_guarded() {
    for (;;) {
        try {
            run();
            return;
        } catch (const std::exception& e) {
            log::error("net", std::string("fetch worker: unexpected error, carrying on: ") + e.what());
        } catch (...) {
            log::error("net", "fetch worker: unexpected error, carrying on");
        }
        std::unique_lock lock(mutex_);
        if (stop_) return;
        if (auto h = health_.find(current_job_); h != health_.end()) h->second.next_attempt = std::time(nullptr) + 300;
        changed_.wait_for(lock, std::chrono::seconds(1));
    }
}

void FetchWorker::run() {
    std::mt19937 random(std::random_device{}());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::unique_lock lock(mutex_);
    while (!stop_) {
        // The item due soonest.
        const FetchJob* due = nullptr;
        std::time_t when = 0;
        for (const auto& job : jobs_) {
            const std::time_t t = health_[job.id].next_attempt;
            if (!due || t < when) {
                due = &job;
                when = t;
            }
        }
        const std::time_t now = std::time(nullptr);
        if (!due || when > now) {
            if (due) changed_.wait_for(lock, std::chrono::seconds(std::min<std::time_t>(when - now, 60)));
            else changed_.wait(lock);
            continue;
        }
        const FetchJob job = *due;
        current_job_ = job.id;
        // The settings of this fetch, taken while locked: a reload may replace them meanwhile.
        const net::FetchPolicy policy = policy_;
        const PlaylistCheck check_playlist = check_playlist_;
        ItemHealth health = health_[job.id];
        refresh_requested_.erase(job.id);  // this fetch serves the requests made so far
        lock.unlock();

        net::FetchRequest request{job.url, "", ""};
        auto cached = cache_.get(job.id);
        if (cached && cached->meta.url == job.url) {
            request.etag = cached->meta.etag;
            request.last_modified = cached->meta.last_modified;
        }
        net::FetchResult result = net::fetch(request, policy);
        std::optional<content::Document> doc;
        std::optional<std::string> playlist_text;
        size_t chars = 0;
        if (result.outcome == net::FetchOutcome::ok && job.playlist) {
            // A published playlist is checked like a local one (file: sources refused).
            const std::string errors = check_playlist ? check_playlist(result.body) : "";
            if (errors.empty()) {
                playlist_text = result.body;
                chars = result.body.size();
            } else {
                result.error = "the published playlist was refused:\n" + errors;
            }
        } else if (result.outcome == net::FetchOutcome::ok) {
            std::string why;
            doc = job.column_count > 0 ? column_document(job, result, policy, cache_, &why)
                                       : document_from_body(result.body, result.content_type, job.selector, &why, result.final_url);
            if (doc) {
                chars = document_chars(*doc);
                if (pictures_) prepare_pictures(*doc, *pictures_, &cache_, &policy);  // fetched and decoded here, not on the frame loop
            } else {
                result.error = why;
            }
        }
        if (job.playlist) health.good_chars = 0;  // a playlist may well get shorter
        RefreshDecision decision =
            judge_fetch(result, chars, health, std::time(nullptr), job.refresh_seconds, unit(random));
        if (decision.action == RefreshAction::replace) {
            store::CachedItem item;
            item.meta = store::CacheMeta{job.url, result.final_url, result.etag, result.last_modified,
                                         result.content_type, std::time(nullptr), ""};
            item.document_json = job.playlist ? *playlist_text
                                              : content::to_json(*doc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            item.body = std::move(result.body);
            if (auto st = cache_.put(job.id, item); !st) log::warn("store", st.error().message);
        } else if (result.outcome == net::FetchOutcome::ok && !decision.health.last_error.empty()) {
            log::once(log::Level::warning, "net", job.id + decision.health.last_error, job.id + ": " + decision.health.last_error);
        } else if (decision.health.failures == 1 || decision.action == RefreshAction::take_down) {
            // Logged once when a run of failures starts, not at every retry.
            log::warn("net", job.id + ": " + decision.health.last_error);
        }

        lock.lock();
        if (health_.count(job.id)) {  // still in the playlist
            health_[job.id] = decision.health;
            // `kiosk refresh` while this fetch ran: fetch again now, not after the interval.
            if (refresh_requested_.erase(job.id)) health_[job.id].next_attempt = 0;
            const bool replace = decision.action == RefreshAction::replace;
            updates_.push_back(ItemUpdate{job.id, decision.action, replace ? std::move(doc) : std::nullopt,
                                          replace ? std::move(playlist_text) : std::nullopt, decision.health});
            lock.unlock();
            wake_();
            lock.lock();
        }
    }
}

}  // namespace kiosk::app
