#pragma once
// What the pages show of changes waiting for approval: each change as the 审核 page lists it,
// and, for an editor, where their own latest change of a playlist or notice stands
// (等待审核 / 已退回：原因 / 已批准). Pure functions of the store's records.
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "console/names.hpp"
#include "console/store.hpp"

namespace kiosk::console {

// A change for the page: its kind, scope and label, before/after, author, state (with the
// state's words, 等待审核 / 已退回：<reason> / 已批准 / 已被新的修改代替), decided by whom and why;
// times as the office's local time (`zone`).
nlohmann::json change_json(const PendingChange& c, const std::string& zone, const DisplayNames& names);

// The author's newest change of the playlist of `scope` that still says something about the
// page's version: waiting (its version is what they edit), sent back after the published
// version was made (its version, with the reason), or approved and now the published one.
std::optional<PendingChange> latest_playlist_change(const std::vector<PendingChange>& mine, const std::string& scope,
                                                    const PublishedPlaylist& published);

}  // namespace kiosk::console
