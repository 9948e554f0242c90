#include "fleet/generations.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/file_read.hpp"
#include "config/json_lint.hpp"
#include "fleet/signed.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

Result<Generations> Generations::open(fs::path file, std::size_t most) {
    Generations g;
    g.file_ = std::move(file);
    g.most_ = std::max<std::size_t>(1, most);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(g.file_, ec))) return g;
    auto text = files::read_regular_file(g.file_, 1u << 20, files::Symlinks::refuse);
    if (!text) return text.error();
    nlohmann::json j = config::lint_json(*text) ? nlohmann::json() : nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("applied") || !j["applied"].is_object() || j["applied"].size() > g.most_)
        return make_error(g.file_.string() + ": damaged (not kiosk-fleet-generations/1)");
    for (const auto& [key, gen] : j["applied"].items())
        if (gen.is_number_unsigned()) g.entries_[key].gen = gen.get<std::uint64_t>();
    if (j.contains("expires") && j["expires"].is_object())
        for (const auto& [key, t] : j["expires"].items())
            if (t.is_number_integer() && g.entries_.count(key)) g.entries_[key].expires = t.get<std::time_t>();
    if (j.contains("floor") && j["floor"].is_number_unsigned()) g.floor_ = j["floor"].get<std::uint64_t>();
    return g;
}

Generations Generations::fresh(fs::path file) {
    Generations g;
    g.file_ = std::move(file);
    return g;
}

Generations Generations::after_damage(fs::path file, std::uint64_t floor) {
    Generations g = fresh(std::move(file));
    g.floor_ = floor;
    return g;
}

std::uint64_t Generations::last(const std::string& key) const {
    auto it = entries_.find(key);
    return std::max(floor_, it == entries_.end() ? 0 : it->second.gen);
}

std::map<std::string, std::uint64_t> Generations::all() const {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [key, e] : entries_) out[key] = e.gen;
    return out;
}

Status Generations::record(const std::string& key, std::uint64_t gen, std::time_t expires, std::time_t now) {
    auto next = entries_;
    auto next_floor = floor_;
    const bool known = entries_.count(key) > 0;
    Entry& e = next[key];
    e.gen = gen;
    // An older document under this key may outlive the newest: the key stays until the
    // last of them has expired. 0 (the office's ledger, or an entry from before expiries
    // were kept) keeps it for good.
    e.expires = expires == 0 || (known && e.expires == 0) ? 0 : std::max(e.expires, expires);
    // Documents expired before now (with the screens' clock skew allowed) are refused by
    // verify() whatever their generation: their keys protect nothing.
    std::erase_if(next, [&](const auto& kv) {
        return kv.first != key && kv.second.expires != 0 && kv.second.expires + kClockSkewSeconds < now;
    });
    if (next.size() > most_) {
        // A flood of live documents: the ones closest to expiry go, and the floor rises past
        // them (fail closed: an older document is refused rather than replayed).
        std::vector<std::pair<std::time_t, std::string>> order;
        for (const auto& [k, v] : next)
            if (k != key) order.emplace_back(v.expires == 0 ? std::numeric_limits<std::time_t>::max() : v.expires, k);
        std::sort(order.begin(), order.end());
        for (size_t i = 0; next.size() > most_ && i < order.size(); ++i) {
            next_floor = std::max(next_floor, next[order[i].second].gen);
            next.erase(order[i].second);
        }
    }
    nlohmann::json applied = nlohmann::json::object(), expiry = nlohmann::json::object();
    for (const auto& [k, v] : next) {
        applied[k] = v.gen;
        if (v.expires != 0) expiry[k] = v.expires;
    }
    nlohmann::json j = {{"format", "kiosk-fleet-generations/1"}, {"applied", applied}, {"expires", expiry}};
    if (next_floor != 0) j["floor"] = next_floor;
    if (auto st = store::write_file_atomically(file_, j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); !st)
        return st;
    entries_ = std::move(next);
    floor_ = next_floor;
    return Ok{};
}

}  // namespace kiosk::fleet
