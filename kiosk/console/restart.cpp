// 重启: the console's side of the remote restart (docs/fleet.md, "Remote restart"). One
// signed `restart` document for a screen or a group, journalled with its audit entry, with a
// receipt (已重启 from each screen's ack). Who may: whoever publishes directly — approvers
// and admins always, editors while 审核 is off. A restart never waits for approval: it is
// the fix for a screen that misbehaves now, and changes nothing that plays.
#include <ctime>

#include "console/fleet_link.hpp"
#include "console/names.hpp"
#include "console/receipts.hpp"
#include "console/service.hpp"
#include "fleet/publisher.hpp"
#include "fleet/scope.hpp"

namespace kiosk::console {

Outcome Service::restart(const Actor& who, const std::string& scope_text) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope || scope->kind() == fleet::Scope::Kind::all)
        return {Outcome::Kind::unclear, "请选择要重启的屏幕或分组", nlohmann::json::object()};
    if (who.role == Role::editor && require_approval())
        return {Outcome::Kind::invalid, "发布前需要审核时，编辑不能重启屏幕；请找审核人或管理员重启", nlohmann::json::object()};
    // Read before the publish (the store is locked while an intent is made).
    const DisplayNames names(store_);
    const std::string name = names.scope(scope->str());
    int reached = 0, running = 0;
    for (const ScreenView& s : screen_views(link_.screens())) {
        if (!scope->reaches(s.id, s.groups)) continue;
        ++reached;
        if (s.state != "disconnected") ++running;
    }
    if (reached == 0) return {Outcome::Kind::invalid, "「" + name + "」现在没有屏幕，没有重启", nlohmann::json::object()};
    // A screen shut down cleanly starts afresh when it is switched on: nothing to restart.
    if (running == 0)
        return {Outcome::Kind::invalid,
                scope->kind() == fleet::Scope::Kind::screen ? "「" + name + "」已关机，开机时会重新启动，不用重启"
                                                             : "「" + name + "」的屏幕都已关机，开机时会重新启动，不用重启",
                nlohmann::json::object()};
    const std::string detail = scope->kind() == fleet::Scope::Kind::screen ? "黑屏约 10 秒后自动恢复播放"
                                                                            : "共 " + std::to_string(reached) + " 块屏幕，黑屏约 10 秒后自动恢复播放";
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{*scope, "restart", "", nlohmann::json::object(), fleet::kRestartLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        in.publications.push_back(std::move(*p));
        in.audit.push_back({0, std::time(nullptr), who.user, who.address, "restart", scope->str(), detail});
        return in;
    }, "已请「" + name + "」重启：黑屏约 10 秒后自动恢复播放", {{"reached", reached}}, true);
}

}  // namespace kiosk::console
