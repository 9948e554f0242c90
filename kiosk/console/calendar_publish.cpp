// 开放时间: the console's side of the fleet calendar (issue 28, docs/fleet.md "Calendars").
// A scope's calendar is one signed `calendar` document (kiosk-calendar/1, or {"clear": true}),
// journalled with its audit entry and the scope's published calendar in one transaction, with
// a receipt (已生效 / 已拒绝：reason from each screen's ack). With approval on, an editor's
// calendar waits on 审核 like a playlist; clearing one never waits (as taking a notice off:
// the screens fall back to the next calendar, they never show more than before).
#include <ctime>

#include "base/utf8.hpp"
#include "console/calendar_page.hpp"
#include "console/fleet_link.hpp"
#include "console/names.hpp"
#include "console/service.hpp"
#include "fleet/publisher.hpp"
#include "fleet/scope.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {
// A calendar stays good on the broker for a year and a half: the office publishes next year's
// each November, and a screen that was away all summer still gets this year's.
constexpr std::time_t kCalendarLifetime = 550 * 86400;
}  // namespace

Outcome Service::save_calendar(const Actor& who, const std::string& scope_text, const json& calendar) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return {Outcome::Kind::unclear, "请选择屏幕或分组", json::object()};
    const std::time_t now = std::time(nullptr);
    if (auto st = store_.save_calendar_draft(scope->str(), calendar, who.user, now); !st)
        return {Outcome::Kind::failed, "没有保存：控制台的数据库写不进去（" + st.error().message + "）", json::object()};
    if (auto st = audit(who, "save_calendar", scope->str(), "草稿（还没有发布）"); !st)
        return {Outcome::Kind::failed, st.error().message, json::object()};
    return {Outcome::Kind::done, "已保存草稿（还没有发布到屏幕）", json::object()};
}

Outcome Service::publish_calendar(const Actor& who, const std::string& scope_text, const json& calendar) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return {Outcome::Kind::unclear, "请选择屏幕或分组", json::object()};
    const auto errors = check_calendar_form(calendar, scope->str());
    if (!errors.empty()) return {Outcome::Kind::invalid, "开放时间有错误，没有发布；请按提示修改", {{"errors", to_json(errors)}}};
    if (require_approval() && who.role == Role::editor) {
        const auto record = store_.calendar(scope->str());
        PendingChange c;
        c.kind = "calendar";
        c.scope = scope->str();
        c.before = record ? record->published : json();
        c.after = calendar;
        c.author = who.user;
        c.created = std::time(nullptr);
        auto id = store_.add_pending(c, c.scope);
        if (!id) return {Outcome::Kind::failed, "没有提交：控制台的数据库写不进去（" + id.error().message + "）", json::object()};
        // The draft is the clerk's version while it waits.
        (void)store_.save_calendar_draft(scope->str(), calendar, who.user, c.created);
        if (auto st = audit(who, "submit_calendar", scope->str(),
                            "等待审核（第 " + std::to_string(*id) + " 号）\n" + calendar_change_summary(c.before, calendar));
            !st)
            return {Outcome::Kind::failed, st.error().message, json::object()};
        return {Outcome::Kind::pending, "已提交审核，审核通过后才会发布到屏幕", {{"pending", *id}}};
    }
    return publish_calendar_now(who, *scope, calendar, "", std::nullopt);
}

Outcome Service::publish_calendar_now(const Actor& who, const fleet::Scope& scope, const json& calendar, const std::string& approved_from,
                                      std::optional<Intent::Decision> decision) {
    // Checked at every hop (an approval too): what is signed is what the screens will take.
    if (const auto errors = check_calendar_form(calendar, scope.str()); !errors.empty())
        return {Outcome::Kind::invalid, errors.front().message, {{"errors", to_json(errors)}}};
    // Read before publishing: the store is locked while the intent is made.
    const auto record = store_.calendar(scope.str());
    const json before = record ? record->published : json();
    const std::string name = named(scope);
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{scope, "calendar", "", calendar, kCalendarLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        const std::time_t now = std::time(nullptr);
        in.calendar = CalendarRecord{scope.str(), calendar, who.user, now, calendar, p->gen, now, who.user};
        in.audit.push_back({0, now, who.user, who.address, "publish_calendar", scope.str(),
                            utf8::sanitize((approved_from.empty() ? "" : "审核通过（修改人：" + approved_from + "）\n") +
                                           calendar_change_summary(before, calendar))});
        if (decision) {
            in.decision = decision;
            in.audit.push_back({0, now, who.user, who.address, "approve", scope.str(),
                                "第 " + std::to_string(decision->pending) + " 号修改，提交人：" + approved_from});
        }
        in.publications.push_back(std::move(*p));
        return in;
    }, "已发布到「" + name + "」：屏幕收到后按这里的时间开关", json::object(), true);
}

Outcome Service::clear_calendar(const Actor& who, const std::string& scope_text) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return {Outcome::Kind::unclear, "请选择屏幕或分组", json::object()};
    const auto record = store_.calendar(scope->str());
    if (!record || record->published.is_null())
        return {Outcome::Kind::invalid, "「" + named(*scope) + "」没有发布过开放时间，不用清除", json::object()};
    const std::string name = named(*scope);
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{*scope, "calendar", "", json{{"clear", true}}, kCalendarLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        const std::time_t now = std::time(nullptr);
        in.calendar = CalendarRecord{scope->str(), json(), who.user, now, json(), p->gen, now, who.user};
        in.audit.push_back({0, now, who.user, who.address, "clear_calendar", scope->str(), "屏幕改用上一级的开放时间（或它们自己的设置）"});
        in.publications.push_back(std::move(*p));
        return in;
    }, "已清除「" + name + "」的开放时间：这些屏幕改用上一级的开放时间", json::object(), true);
}

}  // namespace kiosk::console
