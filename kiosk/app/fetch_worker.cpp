#include "app/fetch_worker.hpp"

#include "app/pictures.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "app/compare_source.hpp"
#include "app/content_source.hpp"
#include "base/url.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "base/log.hpp"

namespace kiosk::app {

// A Document as the cache keeps it: its JSON, and its character count for the next start.
store::CachedItem cache_entry(const net::FetchResult& r, const std::string& url, store::Payload kind, std::string payload,
                              std::size_t chars) {
    store::CachedItem item;
    item.meta = store::CacheMeta{url, r.final_url, r.etag, r.last_modified, r.content_type, std::time(nullptr), "", kind, true, chars};
    item.payload = std::move(payload);
    item.body = r.body;
    return item;
}

std::string document_payload(const content::Document& doc) {
    return content::to_json(doc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<content::Document> column_document(const FetchJob& job, const net::FetchResult& list,
                                          const net::FetchPolicy& policy, store::Cache& cache) {
    content::ColumnOptions options;
    options.base_url = list.final_url.empty() ? job.url : list.final_url;
    options.http_charset = url::charset_param(list.content_type);
    auto entries = content::read_column(list.body, options);
    if (!entries) return entries.error();
    const auto newest = content::newest_entries(std::move(*entries), static_cast<size_t>(std::max(job.column_count, 1)));
    content::Document joined;
    std::string failures;
    for (const content::ColumnEntry& entry : newest) {
        const std::string key = store::Cache::part_key(job.id, entry.url);
        std::optional<content::Document> article;
        // Published articles rarely change: a cached copy is used as it is.
        if (auto cached = cache.last_good(key, entry.url, store::Payload::document))
            article = content::document_from_json(nlohmann::json::parse(cached->payload, nullptr, false));
        if (!article) {
            net::FetchResult r = net::fetch({entry.url, "", ""}, policy);
            Result<content::Ingested> in = make_error(r.error);
            if (r.outcome == net::FetchOutcome::ok) in = ingest_fetched(r.body, r.content_type, job.selector, r.final_url);
            if (!in) {
                failures += "\n  " + entry.url + ": " + in.error().message;
                continue;
            }
            if (auto st = cache.put(key, cache_entry(r, entry.url, store::Payload::document, document_payload(in->doc), in->chars)); !st)
                log::warn("store", st.error().message);
            article = std::move(in->doc);
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
    if (joined.blocks.empty())
        return make_error("none of the column's " + std::to_string(newest.size()) + " newest articles could be read" + failures);
    joined.url = options.base_url;
    if (std::string cut = content::fit_budget(joined); !cut.empty()) log_notes(job.id, {cut});
    return joined;
}

namespace {
// The worker's policy carries its own stop flag (cancel_ is constructed later, but only its
// address is taken here).
net::FetchPolicy with_cancel(net::FetchPolicy p, const std::atomic<bool>* cancel) {
    p.cancel = cancel;
    return p;
}
}  // namespace

FetchJob web_job(const config::PlaylistItem& item, const config::Playlist* playlist) {
    FetchJob job{item.id, item.source, item.refresh_seconds, false, item.selector, item.kind == "column" ? item.count : 0, {}};
    if (is_compare(item)) {
        job.url = item_address(item);
        job.compare = item;
        for (std::string* source : {&job.compare->old_source, &job.compare->new_source, &job.compare->source})
            if (auto path = playlist ? config::local_path(*playlist, *source) : std::nullopt) *source = "file:" + path->string();
    }
    return job;
}

Result<FetchedDocument> document_from_fetch(const FetchJob& job, const net::FetchResult& result, const net::FetchPolicy& policy,
                                            store::Cache& cache, render::PictureStore* pictures) {
    FetchedDocument out;
    if (job.column_count > 0) {
        auto doc = column_document(job, result, policy, cache);
        if (!doc) return doc.error();
        out.chars = content::document_chars(*doc);
        out.doc = std::move(*doc);
    } else {
        auto in = ingest_fetched(result.body, result.content_type, job.selector, result.final_url);
        if (!in) return in.error();
        out.chars = in->chars;
        out.doc = std::move(in->doc);
    }
    if (pictures) prepare_pictures(out.doc, *pictures, &cache, &policy);
    return out;
}

FetchWorker::FetchWorker(net::FetchPolicy policy, store::Cache& cache, std::function<void()> wake,
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
    // The health of a job new to the worker starts from its cached copy: read from disk
    // before the lock is taken (the frame loop takes updates under it), and from the entry's
    // header alone: no Document is parsed to count its characters.
    // A job whose address changed (a comparison's texts, title or date) starts afresh.
    std::set<std::string> known;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, h] : health_) {
            const auto same = [&](const FetchJob& j) { return j.id == id; };
            const auto before = std::find_if(jobs_.begin(), jobs_.end(), same);
            const auto after = std::find_if(jobs.begin(), jobs.end(), same);
            if (before == jobs_.end() || after == jobs.end() || before->url == after->url) known.insert(id);
        }
    }
    const std::time_t now = std::time(nullptr);
    std::map<std::string, net::ItemHealth> fresh;
    for (const auto& job : jobs) {
        if (known.count(job.id)) continue;
        net::ItemHealth h;
        const auto kind = job.playlist ? store::Payload::playlist : store::Payload::document;
        if (auto cached = cache_.last_good(job.id, job.url, kind)) {
            h.last_success = cached->meta.fetched_at;
            h.good_chars = job.playlist ? 0 : cached->meta.document_chars;
            h.next_attempt = std::min<std::time_t>(now + 5, cached->meta.fetched_at + static_cast<std::time_t>(job.refresh_seconds));
        } else {
            h.next_attempt = now;
        }
        fresh[job.id] = h;
    }
    {
        std::lock_guard lock(mutex_);
        std::map<std::string, net::ItemHealth> next;
        for (const auto& job : jobs) {
            if (auto it = health_.find(job.id); it != health_.end() && known.count(job.id)) next[job.id] = it->second;
            else if (auto f = fresh.find(job.id); f != fresh.end()) next[job.id] = f->second;
            else next[job.id].next_attempt = now;  // appeared and went meanwhile: fetch
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

void FetchWorker::set_pace(std::chrono::seconds minimum) {
    {
        std::lock_guard lock(mutex_);
        if (pace_ == minimum) return;
        pace_ = minimum;
    }
    changed_.notify_all();
}

std::deque<ItemUpdate> FetchWorker::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(updates_, {});
}

std::map<std::string, net::ItemHealth> FetchWorker::health() const {
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
            const net::ItemHealth& h = health_[job.id];
            std::time_t t = h.next_attempt;
            if (pace_.count() > 0 && !job.playlist && h.last_attempt > 0 && !refresh_requested_.count(job.id))
                t = std::max<std::time_t>(t, h.last_attempt + static_cast<std::time_t>(pace_.count()));
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
        net::ItemHealth health = health_[job.id];
        refresh_requested_.erase(job.id);  // this fetch serves the requests made so far
        lock.unlock();

        const auto kind = job.playlist ? store::Payload::playlist : store::Payload::document;
        net::FetchResult result;
        std::optional<content::Document> doc;
        std::string payload;
        PlaylistVerdict verdict = PlaylistVerdict::none;
        std::string playlist_errors;
        size_t chars = 0;
        ComparisonFetch compared;
        if (job.compare) {
            // A 新旧对照: its texts (or its published 对照表) fetched and compared.
            compared = fetch_comparison(job, policy, cache_);
            result = std::move(compared.result);
            chars = compared.chars;
            if (compared.doc) payload = document_payload(*compared.doc);
            doc = std::move(compared.doc);
        } else {
            net::FetchRequest request{job.url, "", ""};
            if (auto cached = cache_.last_good(job.id, job.url, kind)) {
                request.etag = cached->meta.etag;
                request.last_modified = cached->meta.last_modified;
            }
            result = net::fetch(request, policy);
            if (result.outcome == net::FetchOutcome::ok && job.playlist) {
                // A published playlist is checked like a local one (file: sources refused).
                playlist_errors = check_playlist ? check_playlist(result.body) : "";
                verdict = playlist_errors.empty() ? PlaylistVerdict::accepted : PlaylistVerdict::refused;
                if (verdict == PlaylistVerdict::accepted) {
                    payload = result.body;
                    chars = result.body.size();
                } else {
                    result.error = "the published playlist was refused:\n" + playlist_errors;
                    result.reason = "发布的节目单没有通过检查，屏幕继续用原来的节目单";
                }
            } else if (result.outcome == net::FetchOutcome::ok) {
                // Pictures fetched and decoded here, never on the frame loop; the Document is
                // cached with their sizes.
                if (auto fetched = document_from_fetch(job, result, policy, cache_, pictures_)) {
                    chars = fetched->chars;
                    doc = std::move(fetched->doc);
                    payload = document_payload(*doc);
                } else {
                    result.error = fetched.error().message;
                    result.reason = "网页取到了，但读不出可以显示的正文";
                }
            }
        }
        if (job.playlist) health.good_chars = 0;  // a playlist may well get shorter
        net::RefreshDecision decision =
            net::judge_fetch(result, chars, health, std::time(nullptr), job.refresh_seconds, unit(random));
        if (!compared.side.empty() && decision.health.failures > 0) {
            // Which of a comparison's texts failed: 修订后的文本：连接被拒绝…
            decision.health.last_reason = compared.side + "：" + decision.health.last_reason;
            if (decision.health.last_error.rfind(compared.side_en, 0) != 0)
                decision.health.last_error = compared.side_en + ": " + decision.health.last_error;
        }
        if (decision.action == net::RefreshAction::replace) {
            if (auto st = cache_.put(job.id, cache_entry(result, job.url, kind, std::move(payload), chars)); !st)
                log::warn("store", st.error().message);
        } else if (result.outcome == net::FetchOutcome::ok && !decision.health.last_error.empty()) {
            log::once(log::Level::warning, "net", job.id + decision.health.last_error, job.id + ": " + decision.health.last_error);
        } else if (decision.health.failures == 1 || decision.action == net::RefreshAction::take_down) {
            // Logged once when a run of failures starts, not at every retry.
            log::warn("net", job.id + ": " + decision.health.last_error);
        }

        lock.lock();
        if (health_.count(job.id)) {  // still in the playlist
            health_[job.id] = decision.health;
            // `kiosk refresh` while this fetch ran: fetch again now, not after the interval.
            if (refresh_requested_.erase(job.id)) health_[job.id].next_attempt = 0;
            const bool replace = decision.action == net::RefreshAction::replace;
            ItemUpdate update{job.id, decision.action, replace ? std::move(doc) : std::nullopt, PlaylistVerdict::none, "", "", decision.health};
            if (verdict == PlaylistVerdict::refused) {
                update.playlist = verdict;
                update.playlist_errors = "the published playlist was refused:\n" + playlist_errors;
            } else if (verdict == PlaylistVerdict::accepted && replace) {
                update.playlist = verdict;
                update.playlist_text = std::move(result.body);
            }
            updates_.push_back(std::move(update));
            lock.unlock();
            wake_();
            lock.lock();
        }
    }
}

}  // namespace kiosk::app
