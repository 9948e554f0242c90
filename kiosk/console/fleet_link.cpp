#include "console/fleet_link.hpp"

#include <unistd.h>

#include <chrono>

#include "console/logic.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"

namespace kiosk::console {
using namespace std::chrono_literals;

nlohmann::json screen_summary(const ScreenRecord& r, std::time_t now) {
    nlohmann::json s = {{"id", r.id},          {"state", r.state.empty() ? "unknown" : r.state},
                        {"since", r.state_since}, {"heard", r.heard},
                        {"screenshot_at", r.screenshot_at}, {"screenshot_asked", r.screenshot_asked},
                        {"hall", ""}, {"floor", ""}, {"groups", nlohmann::json::array()},
                        {"showing", nullptr}, {"problems", nlohmann::json::array()}, {"notices", nlohmann::json::array()},
                        {"size", nullptr}};
    const nlohmann::json& j = r.status;
    if (!j.is_object()) return s;
    // A screen that has said nothing for three of its status intervals (it repeats an unchanged status every 60 s) is marked silent.
    if (r.state == "online" && r.heard > 0 && now - r.heard > 180) s["silent"] = true;
    if (j.contains("fleet") && j["fleet"].is_object()) {
        const auto& f = j["fleet"];
        s["hall"] = f.value("hall", "");
        if (f.contains("groups") && f["groups"].is_array()) {
            s["groups"] = f["groups"];
            for (const auto& g : f["groups"])
                if (g.is_string() && g.get<std::string>().rfind("floor/", 0) == 0) s["floor"] = g.get<std::string>().substr(6);
        }
        if (f.contains("notices") && f["notices"].is_array()) s["notices"] = f["notices"];
        if (f.contains("size") && f["size"].is_object()) s["size"] = f["size"];
    }
    std::map<std::string, std::string> titles;
    if (j.contains("items") && j["items"].is_array())
        for (const auto& it : j["items"]) {
            if (!it.is_object()) continue;
            const std::string id = it.value("id", ""), title = it.value("title", "");
            titles[id] = title;
            const std::string error = it.value("error", "");
            if (!error.empty()) s["problems"].push_back({{"item", id}, {"title", title}, {"kind", "error"}, {"text", error}});
            else if (it.contains("fetch") && it["fetch"].is_object() && it["fetch"].value("failures", 0) > 0)
                s["problems"].push_back({{"item", id}, {"title", title}, {"kind", "stale"},
                                         {"text", it["fetch"].value("last_error", "")}});
        }
    if (j.contains("playlist") && j["playlist"].is_object()) {
        const auto& p = j["playlist"];
        if (p.contains("refused") && p["refused"].is_array())
            for (const auto& why : p["refused"])
                if (why.is_string()) s["problems"].push_back({{"item", ""}, {"title", ""}, {"kind", "refused"}, {"text", why}});
    }
    if (j.contains("current") && j["current"].is_object()) {
        const auto& c = j["current"];
        const std::string item = c.value("item", "");
        s["showing"] = {{"standing", c.value("standing", false)}, {"item", item},
                        {"title", titles.count(item) ? titles[item] : ""},
                        {"page", c.value("page", 0)}, {"of", c.value("of", 0)}, {"interrupt", c.value("interrupt", false)}};
    }
    s["updated"] = j.value("updated", "");
    return s;
}

FleetLink::FleetLink(config::Fleet broker, std::string secret_key, std::string kid, Store& store)
    : broker_(std::move(broker)), secret_key_(std::move(secret_key)), kid_(std::move(kid)), store_(store) {
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
        c = client_;
    }
    return c && c->connected();
}

void FleetLink::run() {
    // One client id for the console's whole life (and the next run's): the broker keeps its
    // session, so plays sent while the console was down arrive when it is back.
    const std::string client_id = "office-console";
    auto last_prune = std::chrono::steady_clock::now() - 1h;
    while (true) {
        std::shared_ptr<fleet::OfficeClient> c;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            c = client_;
        }
        if (!c) {
            auto made = fleet::OfficeClient::connect(broker_, client_id, 10s, true);
            if (made) {
                std::shared_ptr<fleet::OfficeClient> fresh(std::move(*made));
                if (auto st = fresh->watch_screens(); !st) {
                    std::fprintf(stderr, "kiosk-console: %s\n", st.error().message.c_str());
                } else {
                    std::lock_guard lock(mutex_);
                    client_ = fresh;
                    continue;
                }
            } else {
                std::fprintf(stderr, "kiosk-console: the broker: %s (trying again in 5 s)\n", made.error().message.c_str());
            }
            std::unique_lock lock(mutex_);
            stop_cv_.wait_for(lock, 5s, [&] { return stopping_; });
            continue;
        }
        c->wait(500ms);
        const std::time_t now = std::time(nullptr);
        for (auto& m : c->take()) file(m.screen_id, m.leaf, m.payload, now);
        if (std::chrono::steady_clock::now() - last_prune > 1h) {
            store_.prune(now);
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
        const std::string state = payload == "online" || payload == "offline" ? payload : "unknown";
        store_.screen_state(screen, state, now);
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
        store_.screen_status(screen, payload, now);
        std::lock_guard lock(mutex_);
        ScreenRecord& r = screens_[screen];
        r.id = screen;
        r.status = std::move(j);
        r.heard = now;
    } else if (leaf == "screenshot") {
        // A PNG, as the screen sent it (its size is bounded by the broker's max_packet_size).
        if (payload.size() < 8 || payload.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return;
        store_.screen_screenshot(screen, payload, now);
        std::lock_guard lock(mutex_);
        screens_[screen].id = screen;
        screens_[screen].screenshot_at = now;
    } else if (leaf == "plays") {
        auto j = nlohmann::json::parse(payload, nullptr, false);
        if (j.is_object() && j.contains("plays")) store_.add_plays(screen, j["plays"], now);
    }
}

Result<FleetLink::Published> FleetLink::publish(const std::string& scope, const std::string& kind, const nlohmann::json& body,
                                                std::time_t lifetime, const std::string& notice_id) {
    if (!fleet::valid_scope(scope)) return make_error("\"" + scope + "\" is not a scope (all, group/NAME, screen/ID)");
    std::shared_ptr<fleet::OfficeClient> c;
    fleet::Desired d;
    {
        std::lock_guard lock(mutex_);
        c = client_;
        // The time in milliseconds, and never the same twice from this console.
        const auto ms = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
        last_gen_ = std::max(last_gen_ + 1, ms);
        d.gen = last_gen_;
    }
    if (!c || !c->connected()) return make_error("未连接到消息服务器（broker），请稍后再试");
    d.id = notice_id.empty() ? kind : notice_id;
    d.target = scope;
    d.kind = kind;
    d.issued = std::time(nullptr);
    d.expires = d.issued + lifetime;
    d.body = body;
    auto document = fleet::sign(d, kid_, secret_key_);
    if (!document) return document.error();
    if (document->size() > fleet::kMaxDocumentBytes) return make_error("内容太大，超过一份文件的上限（256 KB）");
    if (auto st = c->publish(fleet::desired_topic(scope, kind, notice_id), *document, true); !st) return st.error();
    if (kind == "screenshot" && scope.rfind("screen/", 0) == 0) {
        const std::string id = scope.substr(7);
        store_.screenshot_asked(id, d.issued);
        std::lock_guard lock(mutex_);
        screens_[id].id = id;
        screens_[id].screenshot_asked = d.issued;
    }
    return Published{d.gen};
}

nlohmann::json FleetLink::screens(std::time_t now) {
    nlohmann::json out = nlohmann::json::array();
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : screens_) out.push_back(screen_summary(r, now));
    return out;
}

}  // namespace kiosk::console
