#include "fleet/generations.hpp"

#include <nlohmann/json.hpp>

#include "base/file_read.hpp"
#include "config/json_lint.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

Result<Generations> Generations::open(fs::path file) {
    Generations g;
    g.file_ = std::move(file);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(g.file_, ec))) return g;
    auto text = files::read_regular_file(g.file_, 1u << 20, files::Symlinks::refuse);
    if (!text) return text.error();
    nlohmann::json j = config::lint_json(*text) ? nlohmann::json() : nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("applied") || !j["applied"].is_object())
        return make_error(g.file_.string() + ": damaged (not kiosk-fleet-generations/1)");
    for (const auto& [key, gen] : j["applied"].items())
        if (gen.is_number_unsigned()) g.applied_[key] = gen.get<std::uint64_t>();
    return g;
}

Generations Generations::fresh(fs::path file) {
    Generations g;
    g.file_ = std::move(file);
    return g;
}

std::uint64_t Generations::last(const std::string& key) const {
    auto it = applied_.find(key);
    return it == applied_.end() ? 0 : it->second;
}

Status Generations::record(const std::string& key, std::uint64_t gen) {
    auto next = applied_;
    next[key] = gen;
    const nlohmann::json j = {{"format", "kiosk-fleet-generations/1"}, {"applied", next}};
    if (auto st = store::write_file_atomically(file_, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); !st)
        return st;
    applied_ = std::move(next);
    return Ok{};
}

}  // namespace kiosk::fleet
