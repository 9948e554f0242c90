#include "config/calendar.hpp"

#include <algorithm>

#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "config/checker.hpp"
#include "config/json_positions.hpp"
#include "config/opening_reader.hpp"

// The hall's calendar (kiosk-calendar/1): its budget, its entries, their overlaps, and the
// hours in force once it is put over kiosk.json's.
namespace kiosk::config {
namespace fs = std::filesystem;
using i18n::format;
using nlohmann::json;
using namespace detail;

namespace {

constexpr int kMaxEntryDays = 60;     // "until" at most this many days after "date"
constexpr size_t kMaxNameChars = 40;  // a day's name, the calendar's name

std::string date_text(int day) {
    const std::time_t t = static_cast<std::time_t>(day) * 86400;
    std::tm f{};
    gmtime_r(&t, &f);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", f.tm_year + 1900, f.tm_mon + 1, f.tm_mday);
    return buf;
}

// "2027-02-10", or "2027-02-10 to 2027-02-16".
std::string dates_text(const CalendarDay& d) {
    if (d.first_day == d.last_day) return date_text(d.first_day);
    return format(KIOSK_TR("{} to {}"), {date_text(d.first_day), date_text(d.last_day)});
}

bool read_name(Checker& c, const json& obj, const std::string& path, std::string& out) {
    if (!c.text(obj, path, "name", out)) return false;
    out = trimmed(out);
    const size_t chars = utf8::decode(out).size();
    if (chars > kMaxNameChars) {
        c.error(child_path(path, "name"), format(KIOSK_TR("a name is at most {} characters; this one has {}"),
                                                 {std::to_string(kMaxNameChars), std::to_string(chars)}));
        out.clear();
        return false;
    }
    return true;
}

std::optional<CalendarDay> read_entry(Checker& c, const json& e, const std::string& path) {
    if (!c.object(e, path, {"date", "until", "closed", "open", "hours", "name"})) return std::nullopt;
    CalendarDay day;
    bool good = true;
    auto read_date = [&](const char* key, const char* problem) -> std::optional<int> {
        auto d = e[key].is_string() ? parse_date(trimmed(e[key].get<std::string>())) : std::nullopt;
        if (!d) c.error(child_path(path, key), KIOSK_TR(problem));
        return d;
    };
    if (!e.contains("date")) {
        c.missing(path, "date", KIOSK_N("the day, like \"2027-02-10\""));
        good = false;
    } else if (auto d = read_date("date", KIOSK_N("write the date as year-month-day, like 2027-02-10"))) {
        day.first_day = day.last_day = *d;
    } else {
        good = false;
    }
    if (e.contains("until")) {
        if (auto u = read_date("until", KIOSK_N("write the last day as year-month-day, like 2027-02-16")); !u) {
            good = false;
        } else if (good && *u < day.first_day) {
            c.error(child_path(path, "until"), KIOSK_TR("the last day must be on or after the date"));
            good = false;
        } else if (good && *u - day.first_day > kMaxEntryDays) {
            c.error(child_path(path, "until"),
                    format(KIOSK_TR("the last day is at most {} days after the date; this is {} days after it"),
                           {std::to_string(kMaxEntryDays), std::to_string(*u - day.first_day)}));
            good = false;
        } else {
            day.last_day = *u;
        }
    }
    const int kinds = (e.contains("closed") ? 1 : 0) + (e.contains("open") ? 1 : 0) + (e.contains("hours") ? 1 : 0);
    if (kinds == 0) {
        c.error(path, KIOSK_TR("say what the day is: \"closed\": true (a holiday), \"open\": \"sat\" (a working day with "
                               "that weekday's hours) or \"hours\": [\"08:30-12:00\"]"));
        good = false;
    } else if (kinds > 1) {
        c.error(path, KIOSK_TR("an entry has only one of \"closed\", \"open\" and \"hours\""));
        good = false;
    } else if (e.contains("closed")) {
        if (!e["closed"].is_boolean() || !e["closed"].get<bool>()) {
            c.error(child_path(path, "closed"), KIOSK_TR("write \"closed\": true for a day the hall is closed, or leave the day out"));
            good = false;
        }
        day.kind = CalendarDay::Kind::closed;
    } else if (e.contains("open")) {
        const int wd = e["open"].is_string() ? weekday_index(trimmed(e["open"].get<std::string>())) : -1;
        if (wd < 0) {
            c.expected(child_path(path, "open"), e["open"],
                       KIOSK_N("the weekday whose hours the day has: mon, tue, wed, thu, fri, sat or sun"));
            good = false;
        }
        day.kind = CalendarDay::Kind::open_as;
        day.as_weekday = std::max(wd, 0);
    } else {
        day.kind = CalendarDay::Kind::open_hours;
        good = read_ranges(c, e["hours"], child_path(path, "hours"), false, day.hours) && good;
    }
    if (e.contains("name") && !read_name(c, e, path, day.name)) good = false;
    if (!good) return std::nullopt;
    return day;
}

std::optional<HallCalendar> check_into(const std::string& text, const std::string& name, std::vector<Issue>& issues) {
    const std::string file = utf8::printable(name);
    auto fail = [&](std::string message, int line = 0, int col = 0) {
        Issue i;
        i.file = line > 0 ? file : "";
        i.line = line;
        i.col = col;
        i.list = "days";
        i.message = std::move(message);
        issues.push_back(std::move(i));
        return std::nullopt;
    };
    // The budget before the work: a calendar is a few hundred short lines.
    if (text.size() > kMaxCalendarBytes)
        return fail(format(KIOSK_TR("a calendar is at most {}; this one is {}"),
                           {files::describe_size(kMaxCalendarBytes), files::describe_size(text.size())}),
                    1, 1);
    auto parsed = parse_json(text, name);
    if (!parsed) return fail(parsed.error().message);  // the reader's message names its own place
    const json& root = parsed->root;
    Checker c(name, parsed->index);
    c.entries("days");
    struct Hand {
        Checker& c;
        std::vector<Issue>& out;
        ~Hand() { out.insert(out.end(), c.issues.begin(), c.issues.end()); }
    } hand{c, issues};
    c.report_duplicates();
    HallCalendar cal;
    cal.where = name;
    if (!c.object(root, "", {"format", "example", "name", "hours", "lunch", "on_before_minutes", "off_after_minutes", "days"}))
        return std::nullopt;
    if (!root.contains("format")) {
        c.missing("", "format", KIOSK_N("\"kiosk-calendar/1\""));
    } else if (!root["format"].is_string() || root["format"].get<std::string>() != kCalendarFormat) {
        c.expected("format", root["format"], KIOSK_N("\"kiosk-calendar/1\" (a newer format needs a newer kiosk)"));
    }
    c.boolean(root, "", "example", cal.example);
    read_name(c, root, "", cal.name);
    if (WeekHours week; read_week(c, root, "", "hours", week)) cal.week = std::move(week);
    if (bool lunch = true; read_lunch(c, root, "", lunch)) cal.on_over_lunch = lunch;
    if (int m = 0; c.integer(root, "", "on_before_minutes", m, 0, 180)) cal.on_before_minutes = m;
    if (int m = 0; c.integer(root, "", "off_after_minutes", m, 0, 180)) cal.off_after_minutes = m;
    if (root.contains("days")) {
        const json& days = root["days"];
        if (!days.is_array()) {
            c.expected("days", days, KIOSK_N("a list [ … ] of days"));
        } else if (days.size() > kMaxCalendarEntries) {
            c.error("days", format(KIOSK_TR("a calendar has at most {} entries; this one has {}"),
                                   {std::to_string(kMaxCalendarEntries), std::to_string(days.size())}));
        } else {
            std::vector<std::pair<CalendarDay, size_t>> entries;
            for (size_t i = 0; i < days.size(); ++i) {
                const std::string path = element_path("days", i);
                if (days[i].is_object() && days[i].contains("date") && days[i]["date"].is_string())
                    c.label(path, days[i]["date"].get<std::string>());
                if (auto d = read_entry(c, days[i], path)) entries.emplace_back(std::move(*d), i);
            }
            // No day twice: sorted by their first day, each entry must begin after every
            // earlier one ends. The later entry is the one marked, naming the other.
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto& a, const auto& b) { return a.first.first_day < b.first.first_day; });
            const std::pair<CalendarDay, size_t>* reach = nullptr;  // the entry reaching furthest so far
            for (const auto& entry : entries) {
                if (reach && entry.first.first_day <= reach->first.last_day) {
                    const CalendarDay& other = reach->first;
                    const std::string who = other.name.empty()
                                                ? dates_text(other)
                                                : format(KIOSK_TR("{} ({})"), {other.name, dates_text(other)});
                    c.error(child_path(element_path("days", entry.second), "date"),
                            format(KIOSK_TR("its days overlap those of {}; a day has only one entry"), {who}));
                }
                if (!reach || entry.first.last_day > reach->first.last_day) reach = &entry;
            }
            for (auto& entry : entries) cal.days.push_back(std::move(entry.first));
        }
    }
    if (!c.errors.empty()) return std::nullopt;
    return cal;
}

}  // namespace

CalendarCheck check_calendar(const std::string& text, const std::string& name) {
    CalendarCheck out;
    out.calendar = check_into(text, name, out.issues);
    if (!out.issues.empty()) out.calendar.reset();
    return out;
}

Result<HallCalendar> parse_calendar(const std::string& text, const std::string& name) {
    CalendarCheck check = check_calendar(text, name);
    if (check.calendar) return std::move(*check.calendar);
    std::string all;
    for (const Issue& i : check.issues) all += (all.empty() ? "" : "\n") + i.text();
    return Error{all};
}

Result<HallCalendar> load_calendar(const fs::path& file) {
    auto text = files::read_regular_file(file, kMaxCalendarBytes);
    if (!text) return make_error(utf8::printable(text.error().message));
    auto cal = parse_calendar(*text, file.filename().string());
    if (!cal) return cal.error();
    cal->where = file.string();
    return cal;
}

OpeningHours effective_opening(const OpeningHours& configured, const HallCalendar* calendar) {
    OpeningHours out = configured;
    if (!calendar) return out;
    if (calendar->week) {
        out.week = *calendar->week;
        out.configured = true;
    }
    if (calendar->on_over_lunch) out.on_over_lunch = *calendar->on_over_lunch;
    if (calendar->on_before_minutes) out.on_before_minutes = *calendar->on_before_minutes;
    if (calendar->off_after_minutes) out.off_after_minutes = *calendar->off_after_minutes;
    return out;
}

}  // namespace kiosk::config
