#include "fleet/desired_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/file_read.hpp"
#include "config/json_lint.hpp"
#include "fleet/signed.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

namespace {
std::string flat(const std::string& scope) {
    std::string name = scope;
    for (char& c : name)
        if (c == '/') c = '~';  // scopes are topic-safe names: '~' never occurs in them
    return name;
}
fs::path file_of(const fs::path& state, const std::string& scope) { return state / "fleet" / "playlists" / (flat(scope) + ".json"); }
fs::path notices_folder(const fs::path& state) { return state / "fleet" / "notices"; }
// '@' is not topic-safe either: SCOPE@ID names one notice without doubt.
fs::path notice_file(const fs::path& state, const std::string& scope, const std::string& id) {
    return notices_folder(state) / (flat(scope) + "@" + id + ".json");
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

Status keep_notice(const fs::path& state, const FleetNotice& n) {
    const nlohmann::json j = {{"format", "kiosk-fleet-notice/1"}, {"scope", n.scope}, {"id", n.id}, {"gen", n.gen},
                              {"received", n.received}, {"body", notice_body_json(n.body)}};
    return store::write_file_atomically(notice_file(state, n.scope, n.id),
                                        j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void drop_notice(const fs::path& state, const std::string& scope, const std::string& id) {
    std::error_code ec;
    fs::remove(notice_file(state, scope, id), ec);
}

std::vector<FleetNotice> kept_notices(const fs::path& state, const std::vector<std::string>& scopes, std::time_t now) {
    std::vector<FleetNotice> out;
    std::error_code ec;
    // At most as many files as notices were accepted; bounded anyway.
    constexpr size_t kMostNotices = 1000;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(notices_folder(state), ec), end; !ec && it != end && files.size() < kMostNotices; it.increment(ec))
        if (it->path().extension() == ".json") files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        auto text = files::read_regular_file(file, 2 * kMaxDocumentBytes, files::Symlinks::refuse);
        if (!text || config::lint_json(*text)) continue;
        const auto j = nlohmann::json::parse(*text, nullptr, false);
        if (!j.is_object() || !j.contains("gen") || !j["gen"].is_number_unsigned() || !j.contains("received") ||
            !j["received"].is_number_integer() || !j.contains("body"))
            continue;
        FleetNotice n;
        n.scope = j.value("scope", "");
        n.id = j.value("id", "");
        n.gen = j["gen"].get<std::uint64_t>();
        n.received = j["received"].get<std::time_t>();
        if (std::find(scopes.begin(), scopes.end(), n.scope) == scopes.end()) continue;  // no longer this screen's group
        auto body = parse_notice_body(j["body"], now);
        if (!body || body->cleared) {  // over (or damaged): it plays no more
            fs::remove(file, ec);
            continue;
        }
        n.body = std::move(*body);
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace kiosk::fleet
