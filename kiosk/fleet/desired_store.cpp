#include "fleet/desired_store.hpp"

#include <nlohmann/json.hpp>

#include "base/file_read.hpp"
#include "config/json_lint.hpp"
#include "fleet/signed.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

namespace {
fs::path file_of(const fs::path& state, const std::string& scope) {
    std::string name = scope;
    for (char& c : name)
        if (c == '/') c = '~';  // scopes are topic-safe names: '~' never occurs in them
    return state / "fleet" / "playlists" / (name + ".json");
}
}  // namespace

Status keep_playlist(const fs::path& state, const StoredPlaylist& p) {
    const nlohmann::json j = {{"format", "kiosk-fleet-playlist/1"}, {"scope", p.scope}, {"gen", p.gen}, {"playlist", p.text}};
    return store::write_file_atomically(file_of(state, p.scope), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<StoredPlaylist> best_playlist(const fs::path& state, const std::vector<std::string>& scopes) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
        const fs::path file = file_of(state, *it);
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(file, ec))) continue;
        auto text = files::read_regular_file(file, 2 * kMaxDocumentBytes, files::Symlinks::refuse);
        if (!text || config::lint_json(*text)) continue;
        const auto j = nlohmann::json::parse(*text, nullptr, false);
        if (!j.is_object() || j.value("scope", "") != *it || !j.contains("playlist") || !j["playlist"].is_string() ||
            !j.contains("gen") || !j["gen"].is_number_unsigned())
            continue;
        return StoredPlaylist{*it, j["gen"].get<std::uint64_t>(), j["playlist"].get<std::string>()};
    }
    return std::nullopt;
}

}  // namespace kiosk::fleet
