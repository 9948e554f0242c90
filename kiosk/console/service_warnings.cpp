// The console's service for the 预警 desk (console/warning_desk): an official warning's
// notice published or taken off like a clerk's, journalled with its audit entries in one
// transaction, the desk's own entry (identifier and sender) among them.
#include "console/service.hpp"

#include <algorithm>

#include "base/utf8.hpp"
#include "console/fleet_link.hpp"
#include "console/names.hpp"
#include "fleet/publisher.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {
constexpr std::time_t kClearedLifetime = 30 * 86400;  // as service.cpp's

std::vector<fleet::Scope> parsed_scopes(const std::vector<std::string>& texts) {
    std::vector<fleet::Scope> out;
    for (const auto& t : texts)
        if (auto s = fleet::Scope::parse(t)) out.push_back(*s);
    return out;
}
}  // namespace

Outcome Service::publish_warning(const Actor& who, const std::string& id, const std::vector<std::string>& scope_texts,
                                 const fleet::NoticeBody& body, const std::vector<std::string>& withdraw, const std::string& action,
                                 const std::string& detail) {
    const std::time_t now = std::time(nullptr);
    const auto scopes = parsed_scopes(scope_texts);
    const auto off = parsed_scopes(withdraw);
    if (scopes.empty()) return {Outcome::Kind::invalid, "规则对应的屏幕范围不对，请管理员检查预警规则", json::object()};
    if (!config::topic_safe_name(id, false)) return {Outcome::Kind::invalid, "预警的通知编号不对", json::object()};
    if (body.until <= now) return {Outcome::Kind::invalid, "预警已经过期，没有发布", json::object()};
    auto checked = fleet::parse_notice_body(fleet::notice_body_json(body), now);
    if (!checked) return {Outcome::Kind::invalid, "预警做成通知时出错：" + checked.error().message, json::object()};
    // Read before publishing: the store is locked while the intent is made.
    const DisplayNames names(store_);
    const std::size_t most = checked->urgent ? fleet::kMaxUrgentNoticesPerScope : fleet::kMaxNoticesPerScope;
    const auto in_force = store_.notices(now);
    for (const fleet::Scope& scope : scopes) {
        const auto count = std::count_if(in_force.begin(), in_force.end(), [&](const NoticeRecord& n) {
            return n.scope == scope.str() && n.id != id && n.urgent == checked->urgent;
        });
        if (static_cast<std::size_t>(count) >= most)
            return {Outcome::Kind::invalid, fleet::too_many_notices(names.scope(scope.str()), most, checked->urgent), json::object()};
    }
    const fleet::NoticeBody b = *checked;
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        Intent in;
        for (const auto& scope : scopes) {
            const fleet::Order order{scope, "notice", id, fleet::notice_body_json(b), b.until - now + 60};
            auto p = publisher.prepare(order, last(order.key()));
            if (!p) return make_error(names.scope(scope.str()) + "：" + p.error().message);
            in.publications.push_back(std::move(*p));
            in.notices.push_back({id, scope.str(), b.text, b.title, who.user, b.until, now, 0, b.interrupts(), b.urgent, fleet::mode_name(b.how())});
            in.audit.push_back({0, now, who.user, who.address, "publish_notice", scope.str(),
                                utf8::sanitize("id " + id + "\n" + notice_mode_word(b.how()) + (b.urgent && !b.holds() ? " 紧急样式" : "") +
                                               " 显示到 " + local_time(b.until) + "\n" + b.title + "\n" + b.text)});
        }
        for (const auto& scope : off) {
            if (auto st = add_clearing(in, publisher, last, scope, id, who, now); !st) return st.error();
        }
        in.audit.push_back({0, now, who.user, who.address, action, id, utf8::sanitize(detail)});
        return in;
    }, "预警已发布", {{"id", id}}, true);
}

Outcome Service::clear_warning(const Actor& who, const std::string& id, const std::vector<std::string>& scope_texts, const std::string& action,
                               const std::string& detail) {
    const auto scopes = parsed_scopes(scope_texts);
    if (!config::topic_safe_name(id, false)) return {Outcome::Kind::not_found, "没有这条预警通知", json::object()};
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const std::time_t now = std::time(nullptr);
        Intent in;
        for (const auto& scope : scopes) {
            if (auto st = add_clearing(in, publisher, last, scope, id, who, now); !st) return st.error();
        }
        in.audit.push_back({0, now, who.user, who.address, action, id, utf8::sanitize(detail)});
        return in;
    }, "预警已撤下", json::object());
}

}  // namespace kiosk::console
