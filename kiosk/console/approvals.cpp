#include "console/approvals.hpp"
#include "console/calendar_page.hpp"

#include "base/zone_time.hpp"
#include "console/logic.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {

std::string local_iso(std::time_t t, const std::string& zone) {
    if (t == 0) return "";
    std::string s = zone_time::format_iso_local(t, zone);
    if (s.size() > 10) s[10] = 'T';
    return s;
}

// A notice's scopes ("all,group/floor/1") in words.
std::string scopes_label(const std::string& scopes, const DisplayNames& names) {
    std::string out;
    size_t pos = 0;
    while (pos <= scopes.size()) {
        size_t end = scopes.find(',', pos);
        if (end == std::string::npos) end = scopes.size();
        const std::string one = scopes.substr(pos, end - pos);
        if (!one.empty()) out += (out.empty() ? "" : "、") + names.scope(one);
        pos = end + 1;
    }
    return out;
}

std::string state_words(const PendingChange& c) {
    if (c.state == "pending") return "等待审核";
    if (c.state == "rejected") return "已退回：" + c.reason;
    if (c.state == "approved") return "已批准";
    if (c.state == "superseded") return "已被新的修改代替";
    return c.state;
}

}  // namespace

json change_json(const PendingChange& c, const std::string& zone, const DisplayNames& names) {
    return {{"id", c.id},
            {"kind", c.kind},
            {"scope", c.scope},
            {"label", c.kind == "playlist" || c.kind == "calendar" ? names.scope(c.scope) : scopes_label(c.scope, names)},
            {"before", c.before},
            {"after", c.after},
            {"diff", c.kind == "playlist"   ? json_diff(c.before, c.after)
                     : c.kind == "calendar" ? calendar_change_summary(c.before, c.after)
                                            : ""},
            {"author", c.author},
            {"state", c.state},
            {"state_text", state_words(c)},
            {"decided_by", c.decided_by},
            {"reason", c.reason},
            {"created", local_iso(c.created, zone)},
            {"decided", local_iso(c.decided, zone)}};
}

std::optional<PendingChange> latest_playlist_change(const std::vector<PendingChange>& mine, const std::string& scope,
                                                    const PublishedPlaylist& published) {
    for (const auto& c : mine) {  // newest first
        if (c.kind != "playlist" || c.scope != scope || c.state == "superseded") continue;
        if (c.state == "pending") return c;
        // A decision older than the version published since says nothing about it.
        if (c.decided + 1 < published.at) return std::nullopt;
        return c;
    }
    return std::nullopt;
}

}  // namespace kiosk::console
