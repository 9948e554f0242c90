#include "fleet/desired_store.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/file_read.hpp"
#include "base/log.hpp"
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
fs::path file_of(const fs::path& state, const std::string& scope, const char* folder = "playlists") {
    return state / "fleet" / folder / (flat(scope) + ".json");
}
fs::path notices_folder(const fs::path& state) { return state / "fleet" / "notices"; }
// '@' is not topic-safe either: SCOPE@ID names one notice without doubt.
fs::path notice_file(const fs::path& state, const std::string& scope, const std::string& id) {
    return notices_folder(state) / (flat(scope) + "@" + id + ".json");
}

// The kept document of the most specific scope that has a readable one: {scope, gen, text}
// from STATE/fleet/FOLDER/SCOPE.json, its text under `field`.
std::optional<StoredPlaylist> best_kept(const fs::path& state, const std::vector<std::string>& scopes, const char* folder,
                                        const char* field) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
        const fs::path file = file_of(state, *it, folder);
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(file, ec))) continue;
        auto text = files::read_regular_file(file, 2 * kMaxDocumentBytes, files::Symlinks::refuse);
        if (!text || config::lint_json(*text)) continue;
        const auto j = nlohmann::json::parse(*text, nullptr, false);
        if (!j.is_object() || j.value("scope", "") != *it || !j.contains(field) || !j[field].is_string() ||
            !j.contains("gen") || !j["gen"].is_number_unsigned())
            continue;
        return StoredPlaylist{*it, j["gen"].get<std::uint64_t>(), j[field].get<std::string>()};
    }
    return std::nullopt;
}

}  // namespace

Status keep_playlist(const fs::path& state, const StoredPlaylist& p) {
    const nlohmann::json j = {{"format", "kiosk-fleet-playlist/1"}, {"scope", p.scope}, {"gen", p.gen}, {"playlist", p.text}};
    return store::write_file_atomically(file_of(state, p.scope), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<StoredPlaylist> best_playlist(const fs::path& state, const std::vector<std::string>& scopes) {
    return best_kept(state, scopes, "playlists", "playlist");
}

Status keep_calendar(const fs::path& state, const StoredCalendar& c) {
    const nlohmann::json j = {{"format", "kiosk-fleet-calendar/1"}, {"scope", c.scope}, {"gen", c.gen}, {"calendar", c.text}};
    return store::write_file_atomically(file_of(state, c.scope, "calendars"),
                                        j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void drop_calendar(const fs::path& state, const std::string& scope) {
    std::error_code ec;
    fs::remove(file_of(state, scope, "calendars"), ec);
}

std::optional<StoredCalendar> best_calendar(const fs::path& state, const std::vector<std::string>& scopes) {
    auto kept = best_kept(state, scopes, "calendars", "calendar");
    if (!kept) return std::nullopt;
    return StoredCalendar{std::move(kept->scope), kept->gen, std::move(kept->text)};
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
    // A screen keeps at most kMaxNoticesPerScope + kMaxUrgentNoticesPerScope a scope; more
    // files than this many can only be planted or left by another version: read no further,
    // and say so (nothing is dropped silently).
    constexpr size_t kMostFiles = 4096;
    std::vector<fs::path> files;
    size_t seen = 0;
    for (fs::directory_iterator it(notices_folder(state), ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".json") continue;
        if (++seen <= kMostFiles) files.push_back(it->path());
    }
    if (seen > kMostFiles)
        log::error("fleet", notices_folder(state).string() + ": " + std::to_string(seen) + " kept notices, more than " +
                                std::to_string(kMostFiles) + "; only " + std::to_string(kMostFiles) + " were read");
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
    // A defined order whatever the folder's: urgent first, then as they arrived.
    std::sort(out.begin(), out.end(), [](const FleetNotice& a, const FleetNotice& b) {
        return std::tuple(!a.body.urgent, a.received, a.gen, a.scope, a.id) < std::tuple(!b.body.urgent, b.received, b.gen, b.scope, b.id);
    });
    // Within each scope's bound (as take_notice keeps it): the first in that order play; the
    // rest are named in the log and their files stay (a cleared one makes room).
    std::map<std::pair<std::string, bool>, size_t> counted;
    std::vector<FleetNotice> kept;
    for (FleetNotice& n : out) {
        const size_t most = n.body.urgent ? kMaxUrgentNoticesPerScope : kMaxNoticesPerScope;
        if (++counted[{n.scope, n.body.urgent}] > most) {
            log::once(log::Level::warning, "fleet", "kept over " + n.scope,
                      "more notices kept for " + n.scope + " than the " + std::to_string(most) +
                          " in force at once; the later ones wait (first left out: " + n.id + ")");
            continue;
        }
        kept.push_back(std::move(n));
    }
    return kept;
}

}  // namespace kiosk::fleet
