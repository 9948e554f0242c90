// The office's 预警 desk: official warnings taken in from feeds and the drop folder,
// recorded, decided by the admin's rules and published through the console's service
// (console/warning_desk.hpp). The page's side (overview, approval, rules) is warning_page.cpp.
#include "console/warning_desk.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "base/log.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "console/warning_desk_state.hpp"
#include "warning/cap.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr long kFeedTimeoutMs = 20'000;

std::string area_words(const warning::Message& m) {
    std::string out;
    for (const auto& a : m.areas) {
        std::string codes = join_commas(a.region_codes);
        std::replace(codes.begin(), codes.end(), ',', ' ');
        std::string one = a.description + (codes.empty() ? "" : "（" + codes + "）");
        if (!one.empty()) out += (out.empty() ? "" : "、") + one;
    }
    return out;
}

// What a message is, for the audit log: its identifier and sender first.
std::string message_words(const WarningRecord& w, const std::string& what) {
    std::string out = "标识 " + w.identifier + "\n发布单位 " + w.sender + (w.sender_name.empty() ? "" : "（" + w.sender_name + "）");
    if (!w.headline.empty()) out += "\n" + w.headline;
    if (!what.empty()) out += "\n" + what;
    return out;
}

bool is_xml_file(const fs::path& p) { return p.extension() == ".xml" || p.extension() == ".XML"; }

// At most `most` bytes of the file (one more tells the parser it is too large).
std::optional<std::string> read_some(const fs::path& p, std::size_t most) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out(most, '\0');
    in.read(out.data(), static_cast<std::streamsize>(most));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
}

}  // namespace

Actor desk_actor() { return Actor{kWarningsUser, Role::admin, ""}; }

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < s.size()) {
        std::size_t end = s.find(',', at);
        if (end == std::string::npos) end = s.size();
        if (end > at) out.push_back(s.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::string join_commas(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

Result<WarningSettings> parse_warning_settings(const json& j, const fs::path& base) {
    if (!j.is_object()) return make_error("warnings: an object, like {\"feeds\": [...], \"drop_folder\": \"…\"}");
    WarningSettings s;
    for (const auto& [key, value] : j.items())
        if (key != "feeds" && key != "drop_folder") return make_error("warnings: unknown key \"" + key + "\"");
    if (j.contains("feeds")) {
        if (!j["feeds"].is_array()) return make_error("warnings.feeds: a list of {\"name\", \"url\", \"every_seconds\"}");
        for (const auto& f : j["feeds"]) {
            const std::string where = "warnings.feeds[" + std::to_string(s.feeds.size()) + "]";
            if (!f.is_object()) return make_error(where + ": an object {\"name\", \"url\", \"every_seconds\"}");
            for (const auto& [key, value] : f.items())
                if (key != "name" && key != "url" && key != "every_seconds") return make_error(where + ": unknown key \"" + key + "\"");
            WarningFeed feed;
            if (!f.contains("name") || !f["name"].is_string() || f["name"].get<std::string>().empty())
                return make_error(where + ".name: the feed's name as the page shows it (the issuing centre's)");
            feed.name = utf8::sanitize(f["name"].get<std::string>());
            if (feed.name.size() > 200) return make_error(where + ".name: at most 200 bytes");
            for (const auto& other : s.feeds)
                if (other.name == feed.name) return make_error(where + ".name: \"" + feed.name + "\" is used twice");
            if (!f.contains("url") || !f["url"].is_string() || !url::is_web_address(f["url"].get<std::string>()))
                return make_error(where + ".url: an http:// or https:// address");
            feed.url = f["url"].get<std::string>();
            if (f.contains("every_seconds")) {
                if (!f["every_seconds"].is_number_integer()) return make_error(where + ".every_seconds: a whole number of seconds");
                const auto every = f["every_seconds"].get<std::int64_t>();
                if (every < 30 || every > 86400) return make_error(where + ".every_seconds: 30 to 86400");
                feed.every_seconds = static_cast<int>(every);
            }
            s.feeds.push_back(std::move(feed));
        }
        if (s.feeds.size() > 20) return make_error("warnings.feeds: at most 20");
    }
    if (j.contains("drop_folder")) {
        if (!j["drop_folder"].is_string() || j["drop_folder"].get<std::string>().empty())
            return make_error("warnings.drop_folder: a folder path");
        fs::path p = j["drop_folder"].get<std::string>();
        s.drop_folder = p.is_absolute() ? p : base / p;
    }
    return s;
}

WarningDesk::WarningDesk(WarningSettings settings, std::string zone, Store& store, Service& service, std::chrono::milliseconds tick)
    : state_(std::make_unique<State>(std::move(settings), std::move(zone), store, service, tick)) {
    state_->policy.total_timeout_ms = kFeedTimeoutMs;
    state_->policy.connect_timeout_ms = 10'000;
    state_->policy.max_body_bytes = warning::kMaxFeedBytes;
    state_->policy.cancel = &state_->cancel;
}

WarningDesk::~WarningDesk() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    state_->cancel = true;
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void WarningDesk::use_network(std::vector<std::string> allowed_hosts, std::string ca_file, std::string proxy) {
    state_->policy.allowed_hosts = std::move(allowed_hosts);
    state_->policy.ca_file = std::move(ca_file);
    state_->policy.proxy = std::move(proxy);
}

void WarningDesk::start() {
    if (state_->settings.feeds.empty() && state_->settings.drop_folder.empty()) return;  // nothing to take in
    thread_ = std::thread([this] { run(); });
}

std::string WarningDesk::State::local(std::time_t t) const {
    if (t == 0) return "";
    std::string s = zone_time::format_iso_local(t, zone).substr(0, 19);
    if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
    return s;
}

warning::Rules WarningDesk::State::rules() {
    const auto saved = store.warning_rules();
    if (!saved.rules.is_null())
        if (auto r = warning::parse_rules(saved.rules)) return *r;
    return warning::default_rules();
}

std::optional<warning::Known> WarningDesk::State::known(const std::string& identifier) {
    auto r = store.warning_by_identifier(identifier);
    if (!r) return std::nullopt;
    warning::Known k{identifier, r->notice_id, split_commas(r->scopes), r->state == "published", r->state == "waiting"};
    // Replaced by an Update: its notice is on screens as long as the newest version is.
    if (r->state == "replaced" && !r->notice_id.empty())
        for (const auto& p : store.warnings(500, "published"))
            if (p.notice_id == r->notice_id) {
                k.published = true;
                k.scopes = split_commas(p.scopes);
                break;
            }
    return k;
}

std::pair<std::string, std::string> WarningDesk::State::take(const Result<warning::Message>& parsed, const std::string& raw,
                                                             const std::string& source, std::time_t now) {
    WarningRecord w;
    w.received = now;
    w.source = source;
    w.raw_size = static_cast<std::int64_t>(raw.size());
    if (raw.size() <= warning::kMaxMessageBytes) w.raw = utf8::sanitize(raw);
    const Actor desk = desk_actor();
    if (!parsed) {
        // Never published: logged for IT, listed with the parser's reason for the office.
        log::warn("warnings", "refused a message from " + source + " (" + std::to_string(raw.size()) + " bytes): " + parsed.error().message);
        w.state = "refused";
        w.reason = parsed.error().message;
        auto id = store.add_warning(w, {{0, now, desk.user, desk.address, "warning_refused", source,
                                         utf8::sanitize("来源 " + source + "\n" + w.reason)}});
        if (!id) log::warn("warnings", "cannot record a refused message: " + id.error().message);
        return {"refused", "格式错误，没有处理：" + w.reason};
    }
    const warning::Message& m = *parsed;
    w.identifier = m.identifier;
    w.sender = m.sender;
    w.sender_name = m.sender_name;
    w.sent = m.sent;
    w.expires = m.expires;
    w.type = warning::type_name(m.type);
    w.status = warning::status_name(m.status);
    w.level = warning::level_name(m.level);
    w.severity = warning::severity_name(m.severity);
    w.event = m.event;
    w.headline = m.headline;
    w.description = m.description;
    w.areas = area_words(m);
    w.region_codes = join_commas(m.region_codes());
    std::vector<std::string> refs;
    for (const auto& r : m.references) refs.push_back(r.identifier);
    w.references = join_commas(refs);
    w.first_identifier = m.identifier;
    for (const auto& r : refs)
        if (auto k = store.warning_by_identifier(r); k && !k->first_identifier.empty()) {
            w.first_identifier = k->first_identifier;
            break;
        }

    const auto d = warning::decide(m, rules(), now, [this](const std::string& i) { return known(i); }, zone);
    w.reason = d.reason;
    w.notice_id = d.notice_id;
    w.scopes = join_commas(d.scopes);

    // The messages this one supersedes or withdraws: marked, with the reason.
    auto mark_replaced = [&](const std::string& state, const std::string& why) {
        for (const auto& r : d.replaces)
            if (auto k = store.warning_by_identifier(r); k && (k->state == "published" || k->state == "waiting")) {
                if (auto st = store.set_warning_state(k->id, state, why, {}); !st)
                    log::warn("warnings", "cannot mark " + r + " " + state + ": " + st.error().message);
            }
        // A Cancel lifts the whole chain: the versions an Update had replaced say 已解除 too,
        // not 已更新 (a clerk would think something still shows).
        if (state == "cancelled" && !d.notice_id.empty())
            for (const auto& k : store.warnings(200, "replaced"))
                if (k.notice_id == d.notice_id)
                    if (auto st = store.set_warning_state(k.id, state, why, {}); !st)
                        log::warn("warnings", "cannot mark " + k.identifier + " cancelled: " + st.error().message);
    };
    auto record = [&](const std::string& state, const std::string& action, bool audited) {
        w.state = state;
        std::vector<AuditEntry> audit;
        if (audited) audit.push_back({0, now, desk.user, desk.address, action, w.notice_id.empty() ? w.identifier : w.notice_id,
                                      utf8::sanitize(message_words(w, w.reason))});
        auto id = store.add_warning(w, audit);
        if (!id) log::warn("warnings", "cannot record message " + w.identifier + ": " + id.error().message);
    };

    switch (d.kind) {
        case warning::Decision::Kind::ignore: {
            const bool expired = d.reason.rfind("已过期", 0) == 0;
            record(expired ? "expired" : "ignored", "warning_ignored", true);
            return {w.state, "未发布：" + d.reason};
        }
        case warning::Decision::Kind::approve: {
            w.notice = fleet::notice_body_json(d.notice);
            w.until = d.notice.until;
            mark_replaced("replaced", "已被更新的预警（标识 " + m.identifier + "）取代");
            record("waiting", "warning_waiting", true);
            return {"waiting", "等待审核：" + d.reason};
        }
        case warning::Decision::Kind::publish: {
            w.notice = fleet::notice_body_json(d.notice);
            w.until = d.notice.until;
            const Outcome o = service.publish_warning(desk, d.notice_id, d.scopes, d.notice, d.withdraw_scopes, "warning_published",
                                                      message_words(w, d.reason));
            if (o.kind != Outcome::Kind::done && o.kind != Outcome::Kind::queued) {
                log::warn("warnings", "message " + m.identifier + " not published: " + o.message);
                w.reason = "没有发布：" + o.message;
                record("ignored", "warning_ignored", true);
                return {"ignored", w.reason};
            }
            mark_replaced("replaced", "已被更新的预警（标识 " + m.identifier + "）取代");
            record("published", "", false);  // audited in the publication's own transaction
            return {"published", "已发布：" + d.reason};
        }
        case warning::Decision::Kind::cancel: {
            if (!d.scopes.empty()) {
                const Outcome o = service.clear_warning(desk, d.notice_id, d.scopes, "warning_cancelled", message_words(w, d.reason));
                if (o.kind != Outcome::Kind::done && o.kind != Outcome::Kind::queued) {
                    log::warn("warnings", "message " + m.identifier + ": the notice could not be taken off: " + o.message);
                    w.reason = "没能撤下：" + o.message;
                    record("ignored", "warning_ignored", true);
                    return {"ignored", w.reason};
                }
                mark_replaced("cancelled", d.reason);
                record("cancelled", "", false);
            } else {
                mark_replaced("cancelled", d.reason);
                record("cancelled", "warning_cancelled", true);
            }
            return {"cancelled", d.reason};
        }
    }
    return {"ignored", d.reason};
}

std::string WarningDesk::take(const std::string& xml, const std::string& source, std::time_t now) {
    std::lock_guard lock(state_->work);
    return state_->take(warning::parse_message(xml), xml, source, now).second;
}

void WarningDesk::State::expire(std::time_t now) {
    const Actor desk = desk_actor();
    for (const char* state : {"published", "waiting"})
        for (const auto& w : store.warnings(1000, state)) {
            if (w.until == 0 || w.until > now) continue;
            // Screens end the notice by its own `until`; the list says so.
            const std::string why = std::string(state) == "published" ? "已到有效期，屏幕上已不再显示" : "等待审核时已过了有效期，不再发布";
            if (auto st = store.set_warning_state(w.id, "expired", why,
                                                  {{0, now, desk.user, desk.address, "warning_expired", w.notice_id.empty() ? w.identifier : w.notice_id,
                                                    utf8::sanitize(message_words(w, why))}});
                !st)
                log::warn("warnings", "cannot mark " + w.identifier + " expired: " + st.error().message);
        }
}

void WarningDesk::run() {
    State& s = *state_;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const std::time_t now = std::time(nullptr);
        // Feeds, each at its pace (the first poll at once).
        for (const auto& feed : s.settings.feeds) {
            if (s.cancel) break;
            if (s.next_poll[feed.name] > now) continue;
            s.next_poll[feed.name] = now + feed.every_seconds;
            WarningFeedState st;
            for (auto& f : s.store.warning_feeds())
                if (f.name == feed.name) st = f;
            st.name = feed.name;
            if (st.url != feed.url) st.etag.clear(), st.last_modified.clear();  // another address: fetched whole
            st.url = feed.url;
            st.last_poll = now;
            const net::FetchResult r = net::fetch({feed.url, st.etag, st.last_modified}, s.policy);
            if (r.outcome == net::FetchOutcome::cancelled) break;
            if (r.outcome == net::FetchOutcome::not_modified) {
                st.last_ok = now;
                st.problem.clear();
            } else if (r.outcome != net::FetchOutcome::ok) {
                log::warn("warnings", "feed " + feed.name + " (" + feed.url + "): " + r.error);
                st.problem = "取不到预警信息：" + (r.reason.empty() ? r.error : r.reason) + "。请检查网络和 console.json 里的地址";
                if (r.outcome == net::FetchOutcome::refused && !net::host_allowed(feed.url, s.policy.allowed_hosts))
                    st.problem = "预警源的网站不在允许的网站名单里：请管理员把它加到 kiosk.json 的 network.allowed_hosts";
            } else {
                auto entries = warning::parse_feed(r.body);
                if (!entries) {
                    log::warn("warnings", "feed " + feed.name + ": unreadable: " + entries.error().message);
                    st.problem = "预警源的内容看不懂：" + entries.error().message;
                } else {
                    st.problem.clear();
                    st.last_ok = now;
                    st.etag = r.etag;
                    st.last_modified = r.last_modified;
                    std::lock_guard work(s.work);
                    const std::string raw = entries->size() == 1 ? r.body : std::string();
                    for (const auto& e : *entries) {
                        const std::string source = "feed:" + feed.name;
                        if (e.message) {
                            // A feed lists what it still has: a message is taken once.
                            if (s.store.warning_by_identifier(e.message->identifier)) continue;
                        } else {
                            const std::string key = feed.name + "\n" + e.source_hint + "\n" + e.message.error().message;
                            if (!s.reported.insert(key).second) continue;
                        }
                        s.take(e.message, raw, source, now);
                        ++st.taken;
                    }
                }
            }
            if (auto w = s.store.set_warning_feed(st); !w) log::warn("warnings", "cannot record feed state: " + w.error().message);
        }
        // The drop folder: a *.xml file is taken once its size held still from one look to the
        // next (a tick apart), so one being copied in is not read half-written; a writer that
        // renames the finished file in (from a name not ending .xml) is safe anyway.
        if (!s.settings.drop_folder.empty() && !s.cancel) {
            const fs::path& dir = s.settings.drop_folder;
            std::error_code ec;
            fs::create_directories(dir / "done", ec);
            fs::create_directories(dir / "bad", ec);
            std::string problem;
            std::map<std::string, std::uintmax_t> sizes;
            fs::directory_iterator it(dir, ec), end;
            if (ec) problem = "预警投递文件夹打不开（" + dir.string() + "）：请检查它是否存在、控制台能否读写";
            for (; !ec && it != end; it.increment(ec)) {
                if (s.cancel) break;
                const fs::path p = it->path();
                std::error_code e2;
                if (!it->is_regular_file(e2) || !is_xml_file(p)) continue;
                const auto size = fs::file_size(p, e2);
                if (e2) continue;
                const std::string name = p.filename().string();
                if (s.stuck.count(name)) continue;
                auto before = s.sizes.find(name);
                if (before == s.sizes.end() || before->second != size) {
                    sizes[name] = size;  // still being written, or new: next tick
                    continue;
                }
                auto bytes = read_some(p, warning::kMaxMessageBytes + 1);
                if (!bytes) {
                    problem = "预警投递文件夹里的 " + name + " 读不出来：请检查文件权限";
                    continue;
                }
                std::pair<std::string, std::string> done;
                {
                    std::lock_guard work(s.work);
                    done = s.take(warning::parse_message(*bytes), *bytes, "file:" + name, now);
                }
                const fs::path to = dir / (done.first == "refused" ? "bad" : "done") / (std::to_string(now) + "-" + name);
                fs::rename(p, to, e2);
                if (e2) {
                    log::warn("warnings", "cannot move " + p.string() + " to " + to.string() + ": " + e2.message());
                    problem = "预警投递文件夹里的 " + name + " 移不走（已处理过）：请检查文件夹权限";
                    s.stuck.insert(name);  // not taken twice
                }
            }
            s.sizes = std::move(sizes);
            std::lock_guard work(s.work);
            s.drop_problem = problem;
        }
        {
            std::lock_guard work(s.work);
            s.expire(now);
        }
        lock.lock();
        stop_cv_.wait_for(lock, s.tick, [this] { return stopping_; });
    }
}

}  // namespace kiosk::console
