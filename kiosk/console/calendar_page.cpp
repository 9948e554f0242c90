#include "console/calendar_page.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "schedule/hall_day.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {

const char* const kDayKeys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const char* const kDayWords[7] = {"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};

int day_index(const std::string& key) {
    for (int i = 0; i < 7; ++i)
        if (key == kDayKeys[i]) return i;
    return -1;
}

std::string str(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back.
long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}
struct Civil {
    int y, m, d;
};
Civil civil_from_days(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = static_cast<int>(yoe) + static_cast<int>(era) * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {y + (m <= 2), m, d};
}
std::string iso(const Civil& c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
    return buf;
}

// A date as a clerk types it: 2027-02-10, 2027-2-10, 2027/2/10, 2027.2.10, 2027年2月10日,
// full-width digits. nullopt when it is not a date.
std::optional<long> read_date(const std::string& typed) {
    std::string s;
    for (char32_t c : utf8::decode(typed)) {
        if (c >= U'０' && c <= U'９') c = U'0' + (c - U'０');
        if (c == U' ' || c == U'\u3000' || c == U'\t') continue;
        if (c == U'/' || c == U'.' || c == U'年' || c == U'月' || c == U'－' || c == U'／') c = U'-';
        if (c == U'日' || c == U'号') continue;
        if (c > 0x7f) return std::nullopt;
        s.push_back(static_cast<char>(c));
    }
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const long z = days_from_civil(y, m, d);
    const Civil back = civil_from_days(z);
    if (back.m != m || back.d != d) return std::nullopt;  // 2月30日
    return z;
}

std::string clip(const std::string& s, std::size_t chars) { return utf8::printable(utf8::truncate(s, chars)); }

// The checker's words for one typed time range, as the playlist form says them.
std::optional<std::string> range_problem(const std::string& raw) {
    using P = config::TimeRangeReading::Problem;
    const config::TimeRangeReading r = config::read_time_range(raw);
    const std::string typed = clip(config::trimmed(raw), 60), part = clip(r.part, 40);
    switch (r.problem) {
        case P::none: return std::nullopt;
        case P::no_separator: return "时段「" + typed + "」要写成 开始-结束，如 08:30-12:00";
        case P::not_a_time: return "时段「" + typed + "」里的「" + part + "」要写成 时:分，如 08:30";
        case P::no_such_time: return "时段「" + typed + "」里没有「" + part + "」这个时间（小时 00 到 24，分钟 00 到 59）";
        case P::starts_at_24: return "时段「" + typed + "」不能从 24:00 开始，请从 00:00 开始";
        case P::empty: return "时段「" + typed + "」的开始和结束相同，请把结束时间改晚";
    }
    return std::nullopt;
}

json tidy_ranges(const json& list) {
    json out = json::array();
    if (!list.is_array()) return out;
    for (const auto& r : list) {
        if (!r.is_string()) continue;
        const std::string t = config::trimmed(r.get<std::string>());
        if (t.empty()) continue;  // an empty box the page left: nothing typed
        const auto reading = config::read_time_range(t);
        out.push_back(reading.problem == config::TimeRangeReading::Problem::none ? reading.normal : t);
    }
    return out;
}

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }
std::string hhmm(int minutes) { return two(minutes / 60) + ":" + two(minutes % 60); }

std::string ranges_words(const json& list) {
    if (!list.is_array() || list.empty()) return "休息";
    std::string out;
    for (const auto& r : list)
        if (r.is_string()) out += (out.empty() ? "" : "、") + r.get<std::string>();
    return out;
}

}  // namespace

json tidy_calendar(const json& in) {
    json out = {{"format", config::kCalendarFormat}};
    if (!in.is_object()) return out;
    if (const std::string name = config::trimmed(str(in, "name")); !name.empty()) out["name"] = name;
    json hours = json::object();
    const json week = in.contains("hours") && in["hours"].is_object() ? in["hours"] : json::object();
    for (const char* key : kDayKeys) hours[key] = tidy_ranges(week.value(key, json::array()));
    out["hours"] = hours;
    out["lunch"] = str(in, "lunch") == "off" ? "off" : "on";
    for (const char* key : {"on_before_minutes", "off_after_minutes"})
        if (in.contains(key)) {
            const json& v = in[key];
            if (v.is_number_integer()) out[key] = v;
            else if (v.is_string() && !config::trimmed(v.get<std::string>()).empty()) {
                const std::string t = config::trimmed(v.get<std::string>());
                out[key] = t.find_first_not_of("0123456789") == std::string::npos && t.size() <= 4 ? json(std::stoi(t)) : json(t);
            } else if (v.is_number()) out[key] = v;
        }
    json days = json::array();
    if (in.contains("days") && in["days"].is_array())
        for (const auto& row : in["days"]) {
            if (!row.is_object()) {
                days.push_back(json::object());
                continue;
            }
            json r = json::object();
            for (const char* key : {"date", "until"}) {
                const std::string t = config::trimmed(str(row, key));
                if (t.empty()) continue;
                const auto day = read_date(t);
                r[key] = day ? iso(civil_from_days(*day)) : t;
            }
            if (r.contains("until") && r.contains("date") && r["until"] == r["date"]) r.erase("until");
            if (row.value("closed", false) == true) r["closed"] = true;
            else if (row.contains("open") && row["open"].is_string()) r["open"] = row["open"];
            else if (row.contains("hours")) r["hours"] = tidy_ranges(row["hours"]);
            if (const std::string name = config::trimmed(str(row, "name")); !name.empty()) r["name"] = name;
            days.push_back(std::move(r));
        }
    out["days"] = days;
    return out;
}

std::vector<FieldError> check_calendar_form(const json& cal, const std::string& scope) {
    std::vector<FieldError> out;
    if (!cal.is_object()) return {FieldError{-1, "", -1, "开放时间的格式不对，请刷新页面后重新填写"}};
    // The week.
    const json week = cal.value("hours", json::object());
    for (int d = 0; d < 7; ++d) {
        const json list = week.is_object() ? week.value(kDayKeys[d], json::array()) : json::array();
        for (std::size_t k = 0; list.is_array() && k < list.size(); ++k)
            if (auto why = range_problem(list[k].is_string() ? list[k].get<std::string>() : ""))
                out.push_back({-1, std::string("hours.") + kDayKeys[d], static_cast<int>(k), std::string(kDayWords[d]) + "：" + *why});
    }
    const char* margin_words[2] = {"开门前提前亮屏的分钟数", "下班后关屏的分钟数"};
    int m = 0;
    for (const char* key : {"on_before_minutes", "off_after_minutes"}) {
        if (cal.contains(key) && (!cal[key].is_number_integer() || cal[key].get<long>() < 0 || cal[key].get<long>() > 180))
            out.push_back({-1, key, -1, std::string(margin_words[m]) + "要填 0 到 180 之间的整数"});
        ++m;
    }
    // The exceptions, row by row.
    const json days = cal.value("days", json::array());
    if (days.size() > config::kMaxCalendarEntries)
        out.push_back({-1, "", -1, "例外日期最多 " + std::to_string(config::kMaxCalendarEntries) + " 行，请删掉已经过去的"});
    std::vector<std::pair<long, long>> spans(days.size(), {0, -1});
    for (std::size_t i = 0; i < days.size() && i < config::kMaxCalendarEntries; ++i) {
        const json& row = days[i];
        const int n = static_cast<int>(i);
        const std::string date = str(row, "date"), until = str(row, "until");
        const auto first = read_date(date);
        if (date.empty()) out.push_back({n, "date", -1, "请填写日期，如 2027-02-10"});
        else if (!first) out.push_back({n, "date", -1, "日期「" + clip(date, 20) + "」要写成 年-月-日，如 2027-02-10"});
        std::optional<long> last = first;
        if (!until.empty()) {
            last = read_date(until);
            if (!last) out.push_back({n, "until", -1, "日期「" + clip(until, 20) + "」要写成 年-月-日，如 2027-02-16"});
            else if (first && *last < *first) out.push_back({n, "until", -1, "「到」的日期不能早于「从」的日期"});
            else if (first && *last - *first > 60) out.push_back({n, "until", -1, "一行最多连续 61 天，请分成几行"});
        }
        const bool closed = row.value("closed", false) == true;
        const bool open_as = row.contains("open");
        const bool hours = row.contains("hours");
        if (!closed && !open_as && !hours) out.push_back({n, "kind", -1, "请选择类型：放假、调休上班或特别时间"});
        if (open_as && day_index(str(row, "open")) < 0) out.push_back({n, "open", -1, "请选择按星期几的时间上班"});
        if (hours) {
            const json& list = row["hours"];
            if (!list.is_array() || list.empty()) out.push_back({n, "hours", -1, "特别时间至少要填一个时段，如 08:30-12:00"});
            for (std::size_t k = 0; list.is_array() && k < list.size(); ++k)
                if (auto why = range_problem(list[k].is_string() ? list[k].get<std::string>() : ""))
                    out.push_back({n, "hours", static_cast<int>(k), *why});
        }
        if (utf8::decode(str(row, "name")).size() > 40) out.push_back({n, "name", -1, "名称最多 40 个字"});
        if (first && last && *last >= *first) spans[i] = {*first, *last};
    }
    for (std::size_t i = 0; i < spans.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (spans[i].second >= spans[i].first && spans[j].second >= spans[j].first && spans[i].first <= spans[j].second &&
                spans[j].first <= spans[i].second) {
                const std::string other = str(days[j], "name");
                out.push_back({static_cast<int>(i), "date", -1,
                               "这一行的日期与第 " + std::to_string(j + 1) + " 行" + (other.empty() ? "" : "（" + clip(other, 20) + "）") +
                                   "重叠，同一天只能有一行，请改日期"});
                break;
            }
    if (!out.empty()) return out;
    // What the page does not know to check: the screens' own checker, with its budgets.
    const std::string text = cal.dump(2, ' ', false, json::error_handler_t::replace);
    if (text.size() > config::kMaxCalendarBytes) return {FieldError{-1, "", -1, "开放时间太大，请删掉已经过去的例外日期"}};
    for (const config::Issue& i : config::check_calendar(text, "fleet:" + scope).issues) {
        const bool chinese = std::any_of(i.message.begin(), i.message.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        // A weekday's error goes beside that weekday ("hours.tue[1]" -> the slot "hours.tue").
        std::string field = i.item >= 0 ? "date" : "";
        if (i.item < 0 && i.field.rfind("hours.", 0) == 0) field = i.field.substr(0, i.field.find('['));
        out.push_back({i.item, field, -1,
                       chinese ? i.message : "屏幕不会接受这一项，请检查日期、类型和时段（详情：" + clip(i.message, 120) + "）"});
    }
    return out;
}

json starting_calendar(const config::OpeningHours& office) {
    json hours = json::object();
    for (int d = 0; d < 7; ++d) {
        json list = json::array();
        if (office.configured) {
            for (const auto& r : office.week.days[static_cast<std::size_t>(d)]) list.push_back(hhmm(r.start) + "-" + hhmm(r.end));
        } else if (d < 5) {
            list = {"08:30-12:00", "13:00-17:00"};
        }
        hours[kDayKeys[d]] = list;
    }
    return {{"format", config::kCalendarFormat},
            {"hours", hours},
            {"lunch", office.configured && !office.on_over_lunch ? "off" : "on"},
            {"on_before_minutes", office.configured ? office.on_before_minutes : 15},
            {"off_after_minutes", office.configured ? office.off_after_minutes : 10},
            {"days", json::array()}};
}

json next_days(const config::HallCalendar& calendar, std::time_t now, const std::string& zone, int count) {
    const schedule::UtcOffsetAt offset = [zone](std::time_t t) { return zone_time::offset_at(t, zone); };
    // The calendar carries the week, lunch and margins: the screens' kiosk.json hours do not
    // matter under it (config::effective_opening), so none are given here either.
    const config::OpeningHours opening = config::effective_opening(config::OpeningHours{}, &calendar);
    const std::tm today = zone_time::local_fields(now, zone);
    const long first = days_from_civil(today.tm_year + 1900, today.tm_mon + 1, today.tm_mday);
    json out = json::array();
    for (long z = first; z < first + count; ++z) {
        const Civil c = civil_from_days(z), n = civil_from_days(z + 1);
        const std::time_t start = zone_time::from_local(c.y, c.m, c.d, 0, 0, 0, zone);
        const std::time_t end = zone_time::from_local(n.y, n.m, n.d, 0, 0, 0, zone);
        const int weekday = static_cast<int>(((z % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3: Monday 0)
        // The day's stretches with the panel on, from the screens' own function.
        std::vector<std::pair<std::time_t, std::time_t>> on;
        const schedule::PowerState at_start = schedule::power_at(opening, &calendar, start, offset);
        std::time_t since = at_start.on ? start : 0;
        for (const auto& ch : schedule::power_changes(opening, &calendar, start, end, offset)) {
            if (ch.on && !since) since = ch.at;
            if (!ch.on && since) on.emplace_back(since, ch.at), since = 0;
        }
        if (since) on.emplace_back(since, end);
        std::string text;
        if (on.empty()) {
            const schedule::PowerState noon = schedule::power_at(opening, &calendar, start + (end - start) / 2, offset);
            text = "休眠（" + (noon.reason.empty() ? std::string(schedule::kClosedAfterHours) : noon.reason) +
                   (noon.day_name.empty() ? "" : "：" + noon.day_name) + "）";
        } else {
            text = "开启 ";
            for (std::size_t i = 0; i < on.size(); ++i) {
                auto clock = [&](std::time_t t) {
                    if (t == end) return std::string("24:00");
                    const std::tm f = zone_time::local_fields(t, zone);
                    return hhmm(f.tm_hour * 60 + f.tm_min);
                };
                text += (i ? "，" : "") + clock(on[i].first) + "–" + clock(on[i].second);
            }
        }
        // What the calendar says about the day.
        std::string note, kind;
        for (const auto& d : calendar.days) {
            if (z < d.first_day || z > d.last_day) continue;
            if (d.kind == config::CalendarDay::Kind::closed) {
                kind = "holiday";
                note = "放假" + (d.name.empty() ? "" : "：" + d.name);
            } else if (d.kind == config::CalendarDay::Kind::open_as) {
                kind = "workday";
                note = "调休上班" + (d.name.empty() ? "" : "：" + d.name) + "（按" + kDayWords[d.as_weekday % 7] + "的时间）";
            } else {
                kind = "special";
                note = "特别时间" + (d.name.empty() ? "" : "：" + d.name);
            }
        }
        out.push_back({{"date", iso(c)},
                       {"day", std::to_string(c.m) + "月" + std::to_string(c.d) + "日"},
                       {"weekday", kDayWords[weekday]},
                       {"on", !on.empty()},
                       {"text", text},
                       {"note", note},
                       {"kind", kind},
                       {"today", z == first}});
    }
    return out;
}

std::string calendar_row_words(const json& row) {
    if (!row.is_object()) return "";
    std::string out = str(row, "date");
    if (!str(row, "until").empty()) out += " 到 " + str(row, "until");
    if (row.value("closed", false) == true) out += " 放假（关闭）";
    else if (row.contains("open")) {
        const int d = day_index(str(row, "open"));
        out += std::string(" 调休上班（按") + (d >= 0 ? kDayWords[d] : "?") + "的时间）";
    } else if (row.contains("hours")) out += " 特别时间 " + ranges_words(row["hours"]);
    if (!str(row, "name").empty()) out += "「" + str(row, "name") + "」";
    return out;
}

std::string calendar_change_summary(const json& before, const json& after) {
    std::vector<std::string> lines;
    const json none = json::object();
    const json& b = before.is_object() ? before : none;
    const json& a = after.is_object() ? after : none;
    const json bh = b.value("hours", json::object()), ah = a.value("hours", json::object());
    for (int d = 0; d < 7; ++d) {
        const json x = bh.is_object() ? bh.value(kDayKeys[d], json::array()) : json::array();
        const json y = ah.is_object() ? ah.value(kDayKeys[d], json::array()) : json::array();
        // The first calendar for a scope says what it is; a later one what changed.
        if (before.is_null()) lines.push_back(std::string(kDayWords[d]) + " " + ranges_words(y));
        else if (x != y) lines.push_back(std::string(kDayWords[d]) + " " + ranges_words(x) + " → " + ranges_words(y));
    }
    if (before.is_null() && a.is_object()) {
        lines.push_back(std::string("午休时屏幕：") + (str(a, "lunch") == "off" ? "关闭" : "保持开启"));
        lines.push_back("开门前提前 " + a.value("on_before_minutes", json(15)).dump() + " 分钟亮屏，下班后 " +
                        a.value("off_after_minutes", json(10)).dump() + " 分钟关屏");
    }
    auto lunch = [](const json& j) { return str(j, "lunch") == "off" ? "关闭" : "保持开启"; };
    if (lunch(b) != lunch(a) && !before.is_null()) lines.push_back(std::string("午休时屏幕：") + lunch(b) + " → " + lunch(a));
    for (const auto& [key, words] : {std::pair{"on_before_minutes", "开门前提前亮屏"}, std::pair{"off_after_minutes", "下班后关屏"}}) {
        const json x = b.value(key, json()), y = a.value(key, json());
        if (x != y && !before.is_null()) lines.push_back(std::string(words) + " " + x.dump() + " → " + y.dump() + " 分钟");
    }
    std::vector<std::string> was, now;
    for (const auto& r : b.value("days", json::array())) was.push_back(calendar_row_words(r));
    for (const auto& r : a.value("days", json::array())) now.push_back(calendar_row_words(r));
    for (const auto& r : now)
        if (std::find(was.begin(), was.end(), r) == was.end()) lines.push_back("新增 " + r);
    for (const auto& r : was)
        if (std::find(now.begin(), now.end(), r) == now.end()) lines.push_back("删除 " + r);
    if (lines.empty()) return "内容没有变化";
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < 40; ++i) out += (i ? "\n" : "") + lines[i];
    if (lines.size() > 40) out += "\n……还有 " + std::to_string(lines.size() - 40) + " 处改动";
    return out;
}

}  // namespace kiosk::console
