#include "console/fleet_link.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <set>

#include "console/logic.hpp"
#include "console/views.hpp"
#include "console/names.hpp"
#include "console/receipts.hpp"
#include "fleet/ack.hpp"
#include "base/utf8.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"

namespace kiosk::console {
using namespace std::chrono_literals;

namespace {
// What the screens send is filed many times a minute: a database that refuses it is said
// once per message, not once per screen.
void log_once(const std::string& message) {
    static std::mutex mutex;
    static std::set<std::string> said;
    std::lock_guard lock(mutex);
    if (said.size() < 100 && said.insert(message).second) std::fprintf(stderr, "kiosk-console: %s\n", message.c_str());
}
}  // namespace

FleetLink::FleetLink(config::Fleet broker, fleet::Publisher publisher, Store& store)
    : broker_(std::move(broker)), publisher_(std::move(publisher)), store_(store) {
    for (auto& r : store_.screens()) screens_[r.id] = std::move(r);
}

FleetLink::~FleetLink() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FleetLink::start() { thread_ = std::thread([this] { run(); }); }

bool FleetLink::connected() {
    std::shared_ptr<fleet::OfficeClient> c;
    {
        std::lock_guard lock(mutex_);
        if (!session_ready_) return false;
        c = client_;
    }
    return c && c->connected();
}

Status FleetLink::start_session(fleet::OfficeClient& c) {
    if (auto st = c.watch_screens(); !st) return st;
    std::lock_guard publishing(publishing_);
    auto retained = c.retained_desired(300ms, 10s);
    if (!retained) return retained.error();
    const std::time_t now = std::time(nullptr);
    int republished = 0, current = 0;
    for (const PublicationRecord& p : store_.latest_publications(now)) {
        if (p.kind == "screenshot") continue;  // a question for now, not state to restore
        auto held = retained->find(p.topic);
        const auto held_gen = held == retained->end() ? std::nullopt : publisher_.own_generation(p.topic, held->second, now);
        if (held_gen && *held_gen >= p.gen) {
            ++current;
        } else {
            if (auto st = c.publish(p.topic, p.document, true); !st) return st;
            ++republished;
        }
        if (!p.sent)
            if (auto st = store_.mark_sent(p.id); !st) std::fprintf(stderr, "kiosk-console: %s\n", st.error().message.c_str());
    }
    std::fprintf(stderr, "kiosk-console: connected to the broker; %d documents current, %d republished from the journal\n", current,
                 republished);
    return Ok{};
}

void FleetLink::run() {
    // One client id for the console's whole life (and the next run's): the broker keeps its
    // session, so plays sent while the console was down arrive when it is back.
    const std::string client_id = "office-console";
    auto last_prune = std::chrono::steady_clock::now() - 1h;
    auto last_receipts = std::chrono::steady_clock::now();
    auto backoff = 1s;
    int sessions_seen = 0;
    bool lost = false;  // the connection is down, since lost_at
    auto lost_at = std::chrono::steady_clock::now();
    auto pause = [&](std::chrono::seconds d) {
        std::unique_lock lock(mutex_);
        stop_cv_.wait_for(lock, d, [&] { return stopping_; });
    };
    auto drop = [&](const std::string& why) {
        std::fprintf(stderr, "kiosk-console: the broker: %s (connecting again in %lld s)\n", why.c_str(),
                     static_cast<long long>(backoff.count()));
        {
            std::lock_guard lock(mutex_);
            client_.reset();
            session_ready_ = false;
        }
        pause(backoff);
        backoff = std::min<std::chrono::seconds>(backoff * 2, 30s);
    };
    while (true) {
        std::shared_ptr<fleet::OfficeClient> c;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            c = client_;
        }
        if (!c) {
            auto made = fleet::OfficeClient::connect(broker_, client_id, 10s, true);
            if (!made) {
                drop(made.error().message);
                continue;
            }
            std::lock_guard lock(mutex_);
            client_ = std::move(*made);
            sessions_seen = 0;
            lost = false;
            continue;
        }
        // A new session (the first, or one libmosquitto made again by itself): the broker may
        // have lost its subscriptions and retained documents with the last one.
        if (c->connected() && c->connections() != sessions_seen) {
            const int session = c->connections();
            {
                std::lock_guard lock(mutex_);
                session_ready_ = false;
            }
            if (auto st = start_session(*c); !st) {
                drop(st.error().message);
                continue;
            }
            sessions_seen = session;
            backoff = 1s;
            std::lock_guard lock(mutex_);
            session_ready_ = true;
        }
        if (!c->connected()) {
            // libmosquitto tries again by itself; a link still down after 10 s is made anew
            // (its thread may have ended for good).
            if (!lost) {
                lost = true;
                lost_at = std::chrono::steady_clock::now();
                std::fprintf(stderr, "kiosk-console: lost the broker; reconnecting\n");
            } else if (std::chrono::steady_clock::now() - lost_at > 10s) {
                drop("no connection for 10 s");
                continue;
            }
        } else {
            lost = false;
        }
        c->wait(500ms);
        const std::time_t now = std::time(nullptr);
        for (auto& m : c->take()) file(m.screen_id, m.leaf, m.payload, now);
        if (std::chrono::steady_clock::now() - last_receipts > 2s) {
            log_receipts(now);
            last_receipts = std::chrono::steady_clock::now();
        }
        if (std::chrono::steady_clock::now() - last_prune > 1h) {
            if (auto st = store_.prune(now); !st) std::fprintf(stderr, "kiosk-console: %s\n", st.error().message.c_str());
            last_prune = std::chrono::steady_clock::now();
        }
    }
}

void FleetLink::file(const std::string& screen, const std::string& leaf, const std::string& payload, std::time_t now) {
    if (!config::topic_safe_name(screen, false)) return;
    // A screen is authenticated, not trusted: its JSON is bounded before it is parsed (the
    // broker bounds the size; this the nesting, which printing would recurse through).
    if (leaf != "screenshot" && !json_nesting_within(payload, 16)) return;
    if (leaf == "state") {
        // online; offline: the broker's last will (the connection was lost); disconnected: the
        // screen said it was stopping (a clean shutdown) before it went.
        const std::string state = payload == "online" || payload == "offline" || payload == "disconnected" ? payload : "unknown";
        if (auto st = store_.screen_state(screen, state, now); !st) log_once(st.error().message);
        std::lock_guard lock(mutex_);
        ScreenRecord& r = screens_[screen];
        r.id = screen;
        if (r.state != state) {
            r.state = state;
            r.state_since = now;
        }
    } else if (leaf == "status") {
        if (payload.size() > 1024 * 1024) return;
        auto j = nlohmann::json::parse(payload, nullptr, false);
        if (!j.is_object()) return;
        if (auto st = store_.screen_status(screen, payload, now); !st) log_once(st.error().message);
        std::string print = content_fingerprint(j);
        std::lock_guard lock(mutex_);
        ScreenRecord& r = screens_[screen];
        r.id = screen;
        // What it shows changed (a notice came or went, a playlist or an item's content): a
        // screenshot from before is marked old on the 屏幕 page.
        auto& seen = fingerprints_[screen];
        if (seen.empty() && !r.status.is_null()) seen = content_fingerprint(r.status);  // as stored before a restart
        if (!seen.empty() && seen != print) r.content_changed = now;
        seen = std::move(print);
        r.status = std::move(j);
        r.heard = now;
    } else if (leaf == "screenshot") {
        // A PNG, as the screen sent it (its size is bounded by the broker's max_packet_size).
        if (payload.size() < 8 || payload.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return;
        if (auto st = store_.screen_screenshot(screen, payload, now); !st) log_once(st.error().message);
        std::lock_guard lock(mutex_);
        screens_[screen].id = screen;
        screens_[screen].screenshot_at = now;
    } else if (leaf == "ack") {
        file_ack(screen, payload, now);
    } else if (leaf == "plays") {
        auto j = nlohmann::json::parse(payload, nullptr, false);
        if (!j.is_object() || !j.contains("plays")) return;
        // Each play keeps its title as filed: the item may leave the playlist tomorrow.
        if (!play_names_ || now - play_names_at_ >= 10 || now < play_names_at_) {
            play_names_ = std::make_shared<const ItemNames>(store_);
            play_names_at_ = now;
        }
        name_plays(j["plays"], *play_names_);
        if (auto added = store_.add_plays(screen, j["plays"], now); !added) log_once(added.error().message);
    }
}

void FleetLink::file_ack(const std::string& screen, const std::string& payload, std::time_t now) {
    if (payload.size() > 64 * 1024) return;
    auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object() || !j.contains("topic") || !j["topic"].is_string()) return;
    const auto arrival = fleet::parse_desired_topic(j["topic"].get<std::string>());
    if (!arrival || (arrival->kind != "playlist" && arrival->kind != "notice" && arrival->kind != "calendar")) return;
    // What a screen sends is read field by field, each of its type or not at all (value()
    // would throw on a field of the wrong type).
    const bool applied = j.contains("result") && j["result"].is_string() && j["result"].get<std::string>() == "applied";
    const std::string reason = j.contains("reason") && j["reason"].is_string() ? j["reason"].get<std::string>() : "";
    std::string outcome = j.contains("outcome") && j["outcome"].is_string() ? j["outcome"].get<std::string>() : "";
    if (outcome != fleet::kAckShown && outcome != fleet::kAckWaiting && outcome != fleet::kAckKept && outcome != fleet::kAckRefused &&
        outcome != fleet::kAckReplayed)
        outcome = fleet::outcome_of(applied, reason);
    if (outcome == fleet::kAckReplayed) return;  // applied before: its first ack stands
    std::string words = j.contains("words") && j["words"].is_string() ? j["words"].get<std::string>() : "";
    if (words.empty() && outcome == fleet::kAckRefused) words = fleet::refusal_words(reason);
    const std::uint64_t gen = j.contains("gen") && j["gen"].is_number_unsigned() ? j["gen"].get<std::uint64_t>() : 0;
    if (auto st = store_.add_ack(screen, fleet::generation_key(*arrival), gen, outcome, utf8::truncate(words, 600), now); !st)
        log_once(st.error().message);
}

void FleetLink::log_receipts(std::time_t now) {
    auto open = store_.open_receipts();
    if (open.empty()) return;
    const auto all = screen_views(screens());
    const DisplayNames names(store_);
    for (const ReceiptRef& ref : open) {
        const Receipt r = make_receipt(ref, all, store_.acks(ref.key, ref.gen), names, now);
        if (!receipt_due(ref, r, now)) continue;
        if (auto st = store_.log_receipt(ref.id, receipt_entry(ref, r, now)); !st) log_once(st.error().message);
    }
}

Result<Delivery> FleetLink::publish(const Make& make) {
    std::lock_guard publishing(publishing_);
    Delivery d;
    auto ids = store_.record_intent([&](const Store::LastGeneration& last) -> Result<Intent> {
        auto intent = make(publisher_, last);
        if (intent) d.publications = intent->publications;
        return intent;
    });
    if (!ids) return ids.error();
    d.ids = *ids;
    std::shared_ptr<fleet::OfficeClient> c;
    {
        std::lock_guard lock(mutex_);
        c = client_;
    }
    if (!c || !c->connected()) {
        d.why_not = "not connected to the broker";
        return d;
    }
    for (size_t i = 0; i < d.publications.size(); ++i) {
        if (auto st = fleet::Publisher::send(*c, d.publications[i]); !st) {
            d.why_not = st.error().message;
            return d;  // the journal has the rest: the next session sends them
        }
        if (auto st = store_.mark_sent((*ids)[i]); !st) std::fprintf(stderr, "kiosk-console: %s\n", st.error().message.c_str());
    }
    for (const auto& p : d.publications)
        if (p.kind == "screenshot" && p.scope.kind() == fleet::Scope::Kind::screen) {
            std::lock_guard lock(mutex_);
            screens_[p.scope.name()].id = p.scope.name();
            screens_[p.scope.name()].screenshot_asked = p.issued;
        }
    d.sent = true;
    return d;
}

std::vector<ScreenRecord> FleetLink::screens() {
    std::vector<ScreenRecord> out;
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : screens_) out.push_back(r);
    return out;
}

}  // namespace kiosk::console
