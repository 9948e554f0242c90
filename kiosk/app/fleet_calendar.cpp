#include "app/fleet_calendar.hpp"

#include <algorithm>
#include <map>

#include "app/fleet_sync.hpp"
#include "base/log.hpp"
#include "base/utf8.hpp"
#include "config/calendar.hpp"
#include "fleet/ack.hpp"
#include "fleet/topics.hpp"

namespace kiosk::app {

std::optional<fleet::StoredCalendar> fleet_calendar_in_force(const config::KioskConfig& cfg) {
    if (!cfg.fleet.enabled) return std::nullopt;
    return fleet::best_calendar(cfg.paths.state, fleet::scopes_of(cfg.fleet));
}

std::string calendar_refusal_words(const std::vector<config::Issue>& issues, const nlohmann::json& body) {
    // The checker's fields (config/calendar.hpp) as the 开放时间 page names them.
    static const std::map<std::string, std::string> day_fields = {
        {"date", "日期"}, {"until", "结束日期"}, {"closed", "休息"}, {"open", "按星期几上班"}, {"hours", "时段"}, {"name", "名称"},
    };
    static const std::map<std::string, std::string> file_fields = {
        {"format", "格式"},
        {"hours", "每周开放时间"},
        {"lunch", "午休时是否开屏"},
        {"on_before_minutes", "开门前提前开屏的分钟数"},
        {"off_after_minutes", "关门后延后关屏的分钟数"},
        {"days", "特殊日期列表"},
        {"name", "名称"},
        {"example", "示例标记"},
    };
    std::string words = "这块屏幕的检查没有通过，仍按原来的开放时间开关屏幕";
    if (issues.empty()) return words;
    const config::Issue& i = issues.front();
    // A field of the entry or of the file ("hours.mon", "days[3].date" read by their head).
    auto field_name = [&](const std::map<std::string, std::string>& names) -> std::string {
        std::string f = i.field;
        if (auto dot = f.find_first_of(".["); dot != std::string::npos) f.resize(dot);
        auto it = names.find(f);
        return it == names.end() ? std::string() : it->second;
    };
    std::string where;
    if (i.item >= 0) {
        where = "第 " + std::to_string(i.item + 1) + " 个特殊日期";
        // The calendar failed the checker: any field may be of the wrong type.
        const auto days = body.is_object() && body.contains("days") ? body["days"] : nlohmann::json();
        if (days.is_array() && static_cast<std::size_t>(i.item) < days.size() && days[i.item].is_object()) {
            const auto& day = days[i.item];
            if (day.contains("name") && day["name"].is_string() && !day["name"].get<std::string>().empty())
                where += "「" + utf8::truncate(day["name"].get<std::string>(), 120) + "」";
            else if (day.contains("date") && day["date"].is_string())
                where += "（" + utf8::truncate(day["date"].get<std::string>(), 40) + "）";
        }
        if (const std::string f = field_name(day_fields); !f.empty()) where += "的" + f;
    } else if (const std::string f = field_name(file_fields); !f.empty()) {
        where = f;
    }
    const bool chinese = std::any_of(i.message.begin(), i.message.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    words += "：" + (where.empty() ? std::string("开放时间安排") : where);
    return words + (chinese ? "：" + i.message : "不对") + "；请改正后重新发布";
}

namespace {

// The checker's issues for the office's log and the ack's reason: the first few, one a line.
std::string issues_text(const std::vector<config::Issue>& issues) {
    constexpr std::size_t kMostLines = 5;
    std::string text;
    for (std::size_t n = 0; n < issues.size() && n < kMostLines; ++n) text += (n ? "\n" : "") + issues[n].text();
    if (issues.size() > kMostLines) text += "\n(" + std::to_string(issues.size() - kMostLines) + " more)";
    return text;
}

std::string more_specific_words(const std::string& best_scope) {
    return best_scope.rfind("screen/", 0) == 0 ? "已收到，但这块屏幕按单独发给它的开放时间安排开关屏幕（更具体的优先）"
                                               : "已收到，但这块屏幕按发给它所在分组的开放时间安排开关屏幕（更具体的优先）";
}

}  // namespace

// A calendar from the fleet (or its clearing): checked as `kiosk check` checks the file,
// kept in the state folder, in force from the run loop's next look when no more specific
// scope has one. The run loop hears of it through calendar_changed().
void FleetSync::take_calendar(const fleet::Incoming& in) {
    const fleet::Desired& d = *in.document;
    const std::string& scope = in.arrival.scope;
    const std::filesystem::path& state = cfg_->paths.state;
    if (d.body.is_object() && d.body.contains("clear")) {
        if (d.body.size() != 1 || d.body["clear"] != true) {
            client_->acknowledge(in, false, "a calendar's clearing is {\"clear\": true} and nothing else",
                                 std::string(fleet::kAckRefused), "清除开放时间安排的内容格式不对，屏幕没有采用；请重新清除");
            return;
        }
        fleet::drop_calendar(state, scope);
        calendar_changed_ = true;
        const auto best = fleet::best_calendar(state, fleet::scopes_of(cfg_->fleet));
        log::info("fleet", "calendar for " + scope + " cleared (generation " + std::to_string(d.gen) + "); " +
                               (best ? "the calendar for " + best->scope + " is in force"
                                     : std::string("kiosk.json's opening hours are in force")));
        client_->acknowledge(in, true, "");
        return;
    }
    const std::string text = d.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string where = "fleet:" + scope;
    const config::CalendarCheck check = config::check_calendar(text, where);
    if (!check.calendar) {
        const std::string reason = issues_text(check.issues);
        log::error("fleet", where + ": calendar refused; the hours in force stay:\n" + reason);
        client_->acknowledge(in, false, reason, std::string(fleet::kAckRefused), calendar_refusal_words(check.issues, d.body));
        return;
    }
    if (auto st = fleet::keep_calendar(state, {scope, d.gen, text}); !st) {
        client_->acknowledge(in, false, "cannot be kept: " + st.error().message);
        return;
    }
    calendar_changed_ = true;
    const auto best = fleet::best_calendar(state, fleet::scopes_of(cfg_->fleet));
    if (best && best->scope != scope) {
        log::info("fleet", where + ": calendar generation " + std::to_string(d.gen) + " kept; the calendar for " + best->scope +
                               " is more specific and in force");
        client_->acknowledge(in, true, "kept; the calendar for " + best->scope + " is more specific and in force",
                             std::string(fleet::kAckKept), more_specific_words(best->scope));
        return;
    }
    log::info("fleet", where + ": calendar generation " + std::to_string(d.gen) + " accepted" +
                           (check.calendar->example ? " (marked as an example: its dates are not real)" : ""));
    client_->acknowledge(in, true, "");
}

}  // namespace kiosk::app
