#pragma once
// config/'s own parts, shared by the readers of kiosk.json (config.cpp) and of playlists
// (playlist.cpp): the checker that collects positioned errors, the JSON reader with its
// budget, and the readers of durations, clock times, dates and the version. Not for other
// modules: config.hpp is config/'s interface.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "config/json_lint.hpp"
#include "config/json_positions.hpp"

namespace kiosk::config::detail {
namespace fs = std::filesystem;
using i18n::format;
using nlohmann::json;

// Optimal string alignment distance: a swapped pair of letters ("titel") costs one edit.
inline size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

inline std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 48) s = s.substr(0, 45) + "...";
    return s;
}

// Checks one parsed file against its expected shape, collecting every error with its place.
class Checker {
public:
    Checker(std::string file, const PositionIndex& index) : file_(std::move(file)), index_(index) {}
    // The list whose elements are the file's entries ("items" in a playlist, "days" in a
    // calendar): errors inside them carry the entry's index (Issue::item).
    void entries(std::string list) { list_ = std::move(list); }

    std::vector<std::string> errors;
    std::vector<Issue> issues;  // the same, with their places as values

    void error(const std::string& path, const std::string& message) {
        issues.push_back(placed(path, index_.at(path), utf8::printable(message)));
        errors.push_back(issues.back().text());
    }
    // The path the checker walked ("items[2].schedule.hours[0]"), as values.
    Issue placed(const std::string& path, TextPosition p, std::string message) const {
        Issue i;
        i.file = file_;
        i.line = p.line;
        i.col = p.col;
        i.message = std::move(message);
        i.list = list_;
        const size_t close = path.find(']');
        if (path.rfind(list_ + "[", 0) != 0 || close == std::string::npos) {
            i.field = path;  // a key of the playlist itself ("version"), or ""
            return i;
        }
        i.item = std::atoi(path.c_str() + list_.size() + 1);
        if (auto it = labels_.find(path.substr(0, close + 1)); it != labels_.end()) i.item_id = it->second;
        std::string rest = path.substr(close + 1);
        if (!rest.empty() && rest[0] == '.') rest.erase(0, 1);
        if (const size_t bracket = rest.find('['); bracket != std::string::npos) {
            i.index = std::atoi(rest.c_str() + bracket + 1);
            rest.erase(bracket);
        }
        i.field = rest;
        return i;
    }
    // Errors inside items[N] name the item's id too: items[2] ("report-2019").source
    void label(const std::string& item_path, const std::string& id) { labels_[item_path] = id; }
    // A number within [lo, hi] (a value outside would break the screen: no text, a header
    // over half the page).
    bool bounded(const json& obj, const std::string& path, const char* key, double& out, double lo, double hi) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi) {
            error(child_path(path, key), format(KIOSK_TR("{} is not a number from {} to {}"), {shown(v), number_text(lo), number_text(hi)}));
            return false;
        }
        out = v.get<double>();
        return true;
    }
    static std::string number_text(double d) {
        std::ostringstream o;
        o << d;
        return o.str();
    }
    void expected(const std::string& path, const json& found, const char* what) {
        error(path, format(KIOSK_TR("{} is not {}"), {shown(found), KIOSK_TR(what)}));
    }
    void missing(const std::string& path, const char* key, const char* what) {
        error(path, format(KIOSK_TR("\"{}\" is missing ({})"), {key, KIOSK_TR(what)}));
    }

    void report_duplicates() {
        for (const auto& [path, pos] : index_.duplicate_keys) {
            issues.push_back(placed(path, pos, KIOSK_TR("this key appears twice in the same object; keep one")));
            errors.push_back(issues.back().text());
        }
    }

    // An object whose keys are all among `keys` (plus "$schema"); unknown keys are errors.
    bool object(const json& v, const std::string& path, std::initializer_list<std::string_view> keys) {
        if (!v.is_object()) {
            expected(path, v, KIOSK_N("an object { … }"));
            return false;
        }
        for (const auto& [key, value] : v.items()) {
            if (key == "$schema" && path.empty()) continue;
            if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
            std::string_view best;
            size_t best_distance = 3;
            for (std::string_view k : keys) {
                size_t d = edit_distance(key, k);
                if (d < best_distance && d <= std::max<size_t>(1, k.size() / 3)) {
                    best = k;
                    best_distance = d;
                }
            }
            std::string child = child_path(path, key);
            if (!best.empty())
                error(child, format(KIOSK_TR("unknown key \"{}\" (did you mean \"{}\"?)"), {key, best}));
            else
                error(child, format(KIOSK_TR("unknown key \"{}\""), {key}));
        }
        return true;
    }

    // Typed reads of obj[key]: false (and an error) on a wrong type; untouched when absent.
    bool text(const json& obj, const std::string& path, const char* key, std::string& out,
              bool non_empty = false) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        if (!v.is_string() || (non_empty && v.get<std::string>().empty())) {
            expected(child_path(path, key), v, non_empty ? KIOSK_N("a non-empty string") : KIOSK_N("a string"));
            return false;
        }
        out = v.get<std::string>();
        return true;
    }
    bool boolean(const json& obj, const std::string& path, const char* key, bool& out) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        if (!v.is_boolean()) {
            expected(child_path(path, key), v, KIOSK_N("true or false"));
            return false;
        }
        out = v.get<bool>();
        return true;
    }
    bool integer(const json& obj, const std::string& path, const char* key, int& out, int min, int max) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
            error(child_path(path, key),
                  format(KIOSK_TR("{} is not a whole number from {} to {}"),
                         {shown(v), std::to_string(min), std::to_string(max)}));
            return false;
        }
        out = v.get<int>();
        return true;
    }
    bool positive(const json& obj, const std::string& path, const char* key, double& out) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>())) {
            expected(child_path(path, key), v, KIOSK_N("a number greater than 0"));
            return false;
        }
        out = v.get<double>();
        return true;
    }
    bool colour(const json& obj, const std::string& path, const char* key, Color& out) {
        if (!obj.contains(key)) return false;
        const json& v = obj.at(key);
        std::string s = v.is_string() ? v.get<std::string>() : "";
        if (s.size() != 7 || s[0] != '#' ||
            s.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos) {
            expected(child_path(path, key), v, KIOSK_N("a colour like \"#1A1A1A\""));
            return false;
        }
        auto hex = [&](size_t i) { return static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)); };
        out = Color{hex(1), hex(3), hex(5)};
        return true;
    }

private:
    std::string file_;
    const PositionIndex& index_;
    std::map<std::string, std::string> labels_;  // "items[2]" -> its id
    std::string list_ = "items";
};

// One time range ("08:30-12:00", as read_time_range reads it) at `path`, or an error saying
// what is wrong with it in the clerk's words (playlist.cpp).
std::optional<TimeRange> time_range(Checker& c, const std::string& path, const json& value);

// A source address (an item's "source", a comparison's "old" and "new"), trimmed, at `path`:
// file: only in a playlist on this machine, a web address only to an allowed host
// (playlist_compare.cpp).
void check_address(Checker& c, const std::string& path, const json& value, const std::string& address,
                   const KioskConfig& cfg, bool local);
// The item names a comparison's two texts ("old" or "new").
inline bool compare_texts(const json& item) { return item.contains("old") || item.contains("new"); }
// "kind": "compare" (新旧对照, issue 30): its two texts or its one published 对照表, and its
// effective date, read into `item`; on any other kind, "old", "new" and "effective" are errors.
void read_compare(Checker& c, const json& it, const std::string& path, PlaylistItem& item, const KioskConfig& cfg,
                  bool local);

struct Parsed {
    json root;
    PositionIndex index;
};

// nlohmann for the syntax (its byte offset turned into line:col), the scanner for positions.
// Our own check first (the budget, and mistakes explained for clerks at their exact place),
// then nlohmann for the values, then the scanner for positions.
inline Result<Parsed> parse_json(const std::string& text, const std::string& name) {
    Parsed p;
    const std::string file = utf8::printable(name);
    if (auto mistake = lint_json(text)) {
        return make_error(file + ":" + std::to_string(mistake->at.line) + ":" + std::to_string(mistake->at.col) + ": " +
                          format(KIOSK_TR("not valid JSON: {}"), {mistake->message}));
    }
    try {
        p.root = json::parse(text);
    } catch (const json::parse_error& e) {
        size_t at = e.byte > 0 ? e.byte - 1 : 0;
        TextPosition pos = position_of_offset(text, at);
        std::string what = e.what();
        auto syntax = what.find("syntax error");
        std::string detail = utf8::printable(syntax == std::string::npos ? what : what.substr(syntax));
        return make_error(file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": " +
                          format(KIOSK_TR("not valid JSON: {}"), {detail}));
    } catch (const json::exception& e) {  // out_of_range (a number), or anything else nlohmann refuses
        return make_error(file + ": " + format(KIOSK_TR("not valid JSON: {}"), {utf8::printable(e.what())}));
    }
    p.index = index_positions(text);
    return p;
}

inline Result<std::string> read_text(const fs::path& file) {
    // A regular file of at most 1 MB: a FIFO or /dev/zero named as the playlist is refused
    // at once instead of blocking or filling memory.
    auto bytes = files::read_regular_file(file, kMaxConfigFileBytes);
    if (!bytes) return make_error(utf8::printable(bytes.error().message));
    return std::move(*bytes);
}

inline Error joined(const std::vector<std::string>& errors) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
    return Error{all};
}

// "90s", "30m", "6h", "1d", or a number of seconds.
inline std::optional<double> parse_duration(const json& v) {
    if (v.is_number()) {
        double s = v.get<double>();
        return s > 0 && std::isfinite(s) ? std::optional<double>(s) : std::nullopt;
    }
    if (!v.is_string()) return std::nullopt;
    std::string s = v.get<std::string>();
    if (s.size() < 2) return std::nullopt;
    char unit = s.back();
    double scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    if (scale == 0) return std::nullopt;
    std::string number = s.substr(0, s.size() - 1);
    if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
    double n = std::strtod(number.c_str(), nullptr);
    return n > 0 ? std::optional<double>(n * scale) : std::nullopt;
}

inline std::optional<int> parse_clock_minutes(const std::string& s) {
    if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
        !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
        !std::isdigit(static_cast<unsigned char>(s[4])))
        return std::nullopt;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
inline int days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

inline std::optional<int> parse_date(const std::string& s) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
    if (m < 1 || m > 12 || d < 1) return std::nullopt;
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return std::nullopt;
    return days_from_civil(y, m, d);
}

// "2026-11-27T09:00" (or with :SS) read in `zone`.
inline std::optional<std::time_t> parse_local_time(const std::string& s, const std::string& zone) {
    if (s.size() < 16 || s[10] != 'T') return std::nullopt;
    auto day = parse_date(s.substr(0, 10));
    std::string clock = s.substr(11);
    int seconds = 0;
    if (clock.size() == 8 && clock[5] == ':' && std::isdigit(static_cast<unsigned char>(clock[6])) &&
        std::isdigit(static_cast<unsigned char>(clock[7]))) {
        seconds = (clock[6] - '0') * 10 + (clock[7] - '0');
        clock = clock.substr(0, 5);
    }
    auto minutes = parse_clock_minutes(clock);
    if (!day || !minutes || *minutes >= 24 * 60 || seconds > 59) return std::nullopt;
    // Local wall time -> UTC through the zone's rules (ICU: no process-global TZ).
    const int d = *day;
    std::time_t midnight = static_cast<std::time_t>(d) * 86400;
    std::tm date{};
    gmtime_r(&midnight, &date);
    return zone_time::from_local(date.tm_year + 1900, date.tm_mon + 1, date.tm_mday, *minutes / 60, *minutes % 60, seconds, zone);
}

inline void read_dwell(Checker& c, const json& obj, const std::string& path, const char* key,
                std::optional<Dwell>& out) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    if (v.is_string() && v.get<std::string>() == "auto") {
        out = Dwell{true, 0};
    } else if (v.is_number() && v.get<double>() > 0 && v.get<double>() <= 3600) {
        out = Dwell{false, v.get<double>()};
    } else {
        c.expected(child_path(path, key), v, KIOSK_N("a number of seconds (up to 3600) or \"auto\""));
    }
}

// Only version 1 exists; a newer file needs a newer kiosk, and says so.
inline void read_version(Checker& c, const json& root, int& out) {
    if (!root.contains("version")) return;
    const json& v = root["version"];
    if (v.is_number_integer() && v.get<long long>() == 1) {
        out = 1;
    } else if (v.is_number_integer() && v.get<long long>() > 1) {
        c.error("version", format(KIOSK_TR("{} is newer than this kiosk understands (version 1); update the kiosk"),
                                  {shown(v)}));
    } else {
        c.expected("version", v, KIOSK_N("1"));
    }
}

}  // namespace kiosk::config::detail
