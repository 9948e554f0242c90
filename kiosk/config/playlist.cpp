#include "config/config.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/hosts.hpp"
#include "base/i18n.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/checker.hpp"
#include "config/json_positions.hpp"

// Playlists: the checker of every item (sources, kinds, schedules, notices, styles) and
// what `kiosk check` and the console report of them.
namespace kiosk::config {
namespace fs = std::filesystem;
using i18n::format;
using nlohmann::json;
using namespace detail;

namespace {
bool is_blank(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\u3000' || c == U'\u00A0'; }
}  // namespace

std::string trimmed(std::string_view text) {
    const std::u32string t = utf8::decode(text);
    size_t a = 0, b = t.size();
    while (a < b && is_blank(t[a])) ++a;
    while (b > a && is_blank(t[b - 1])) --b;
    return utf8::encode(std::u32string_view(t).substr(a, b - a));
}

TimeRangeReading read_time_range(std::string_view typed) {
    using P = TimeRangeReading::Problem;
    TimeRangeReading r;
    // One form of every character a clerk's input method may give: full-width digits and
    // colon, the dashes and tildes and 至/到 between the times; no spaces.
    std::u32string s;
    for (char32_t c : utf8::decode(typed)) {
        if (is_blank(c)) continue;
        if (c >= U'\uFF10' && c <= U'\uFF19') c = U'0' + (c - U'\uFF10');
        else if (c == U'\uFF1A' || c == U'\uFE55') c = U':';
        else if (c == U'\uFF0D' || c == U'\u2010' || c == U'\u2011' || c == U'\u2012' || c == U'\u2013' || c == U'\u2014' ||
                 c == U'\u2015' || c == U'\u2212' || c == U'~' || c == U'\uFF5E' || c == U'\u301C' || c == U'\u81F3' || c == U'\u5230')
            c = U'-';
        s += c;
    }
    for (size_t at = s.find(U"--"); at != std::u32string::npos; at = s.find(U"--")) s.erase(at, 1);  // "8:30——12:00"
    const size_t dash = s.find(U'-');
    if (dash == std::u32string::npos || s.find(U'-', dash + 1) != std::u32string::npos) {
        r.problem = P::no_separator;
        return r;
    }
    auto clock = [&](std::u32string_view t, int& minutes) {
        r.part = utf8::encode(t);
        const size_t colon = t.find(U':');
        auto digits = [](std::u32string_view d) {
            return !d.empty() && std::all_of(d.begin(), d.end(), [](char32_t c) { return c >= U'0' && c <= U'9'; });
        };
        if (colon == std::u32string_view::npos || colon == 0 || colon > 2 || t.size() - colon - 1 != 2 ||
            !digits(t.substr(0, colon)) || !digits(t.substr(colon + 1))) {
            r.problem = P::not_a_time;
            return false;
        }
        const int h = colon == 1 ? t[0] - U'0' : (t[0] - U'0') * 10 + (t[1] - U'0');
        const int m = (t[colon + 1] - U'0') * 10 + (t[colon + 2] - U'0');
        if (m > 59 || h > 24 || (h == 24 && m != 0)) {
            r.problem = P::no_such_time;
            return false;
        }
        minutes = h * 60 + m;
        return true;
    };
    const std::u32string_view all(s);
    if (!clock(all.substr(0, dash), r.start) || !clock(all.substr(dash + 1), r.end)) return r;
    r.part.clear();
    if (r.start == 24 * 60) {
        r.problem = P::starts_at_24;
        return r;
    }
    if (r.start == r.end) {
        r.problem = P::empty;
        return r;
    }
    auto two = [](int n) { return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)}; };
    r.normal = two(r.start / 60) + ":" + two(r.start % 60) + "-" + two(r.end / 60) + ":" + two(r.end % 60);
    return r;
}

namespace detail {
std::optional<TimeRange> time_range(Checker& c, const std::string& hp, const json& value) {
    using P = TimeRangeReading::Problem;
    const std::string raw = value.is_string() ? value.get<std::string>() : "";
    const TimeRangeReading r = read_time_range(raw);
    const std::string typed = utf8::printable(utf8::truncate(trimmed(raw), 60));
    const std::string part = utf8::printable(utf8::truncate(r.part, 40));
    switch (r.problem) {
        case P::none: return TimeRange{r.start, r.end};
        case P::no_separator:
            c.error(hp, format(KIOSK_TR("time range \"{}\": write it as start-end, like 08:30-12:00"), {typed}));
            break;
        case P::not_a_time:
            c.error(hp, format(KIOSK_TR("time range \"{}\": write \"{}\" as hours:minutes, like 08:30"), {typed, part}));
            break;
        case P::no_such_time:
            c.error(hp, format(KIOSK_TR("time range \"{}\": there is no time \"{}\" (hours 00 to 24, minutes 00 to 59)"),
                               {typed, part}));
            break;
        case P::starts_at_24:
            c.error(hp, format(KIOSK_TR("time range \"{}\": a range cannot start at 24:00; start at 00:00"), {typed}));
            break;
        case P::empty:
            c.error(hp, format(KIOSK_TR("time range \"{}\": its start and end are the same; make the end later"), {typed}));
            break;
    }
    return std::nullopt;
}
}  // namespace detail

namespace {
// The playlist checker: what it finds goes to `issues` too.
Result<Playlist> parse_playlist_into(const std::string& text, const std::string& name, const KioskConfig& cfg, bool local,
                                     std::vector<Issue>& issues) {
    auto parsed = parse_json(text, name);
    if (!parsed) {
        Issue i;
        i.file = utf8::printable(name);
        i.message = parsed.error().message;  // not JSON: the reader's own message, with its place
        issues.push_back(std::move(i));
        return parsed.error();
    }
    const json& root = parsed->root;
    Checker c(name, parsed->index);
    // Whichever way the checker returns, its issues go out.
    struct Hand {
        Checker& c;
        std::vector<Issue>& out;
        ~Hand() { out = c.issues; }
    } hand{c, issues};
    c.report_duplicates();
    Playlist pl;
    if (!c.object(root, "", {"version", "items"})) return joined(c.errors);
    read_version(c, root, pl.version);
    if (!root.contains("items")) {
        c.missing("", "items", KIOSK_N("a list [ … ] of items"));
        return joined(c.errors);
    }
    const json& items = root["items"];
    if (!items.is_array()) {
        c.expected("items", items, KIOSK_N("a list [ … ] of items"));
        return joined(c.errors);
    }
    static const std::vector<std::string> kKinds = {"report", "regulation", "notice", "text",
                                                    "image", "column", "compare", "auto"};
    static const char* const kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (size_t i = 0; i < items.size(); ++i) {
        const std::string path = element_path("items", i);
        const json& it = items[i];
        if (it.is_object() && it.contains("id") && it["id"].is_string()) c.label(path, it["id"].get<std::string>());
        if (!c.object(it, path, {"id", "title", "source", "kind", "selector", "refresh", "page_seconds",
                                 "schedule", "priority", "enabled", "start", "expires", "interrupt", "count",
                                 "text", "style", "level", "old", "new", "effective"}))
            continue;
        PlaylistItem item;
        if (!c.text(it, path, "id", item.id, true) && !it.contains("id"))
            c.missing(path, "id", KIOSK_N("a short name like \"report-2019\""));
        if (!item.id.empty()) {
            // Ids name cache files and show in status and logs: printable and short.
            const std::u32string chars = utf8::decode(item.id);
            const bool printable = utf8::is_valid(item.id) && std::none_of(chars.begin(), chars.end(), [](char32_t ch) {
                return ch < 0x20 || ch == 0x7F || (ch >= 0x80 && ch < 0xA0) || (ch >= 0x2028 && ch <= 0x202E) ||
                       (ch >= 0x2066 && ch <= 0x2069) || ch == 0xFEFF;
            });
            if (!printable)
                c.error(child_path(path, "id"), KIOSK_TR("an id may not hold control characters (tabs, line breaks, escapes)"));
            else if (chars.size() > kMaxItemIdChars)
                c.error(child_path(path, "id"), format(KIOSK_TR("an id is at most {} characters; this one has {}"),
                                                       {std::to_string(kMaxItemIdChars), std::to_string(chars.size())}));
        }
        for (const auto& other : pl.items)
            if (!item.id.empty() && other.id == item.id)
                c.error(child_path(path, "id"), format(KIOSK_TR("\"{}\" is already the id of another item"), {item.id}));
        if (c.text(it, path, "title", item.title)) item.title = trimmed(item.title);
        // Spaces around an address or a text are a slip of the hand: trimmed. An empty one is
        // a field left blank, and the clerk is told what to fill in.
        if (it.contains("source") && it["source"].is_string() && trimmed(it["source"].get<std::string>()).empty()) {
            c.error(child_path(path, "source"), KIOSK_TR("fill in the web address, like https://www.changchun.gov.cn/…"));
        } else if (c.text(it, path, "source", item.source, true)) {
            item.source = trimmed(item.source);
            check_address(c, child_path(path, "source"), it["source"], item.source, cfg, local);
        } else if (!it.contains("source") && !it.contains("text") && !compare_texts(it)) {
            c.missing(path, "source", KIOSK_N("an https:// URL, or file:PATH"));
        }
        if (it.contains("text")) {
            // Inline content: a notice typed at the office, no file to copy onto each PC.
            if (it.contains("source"))
                c.error(child_path(path, "text"), KIOSK_TR("an item has either \"source\" or \"text\", not both"));
            else if (!it["text"].is_string() || trimmed(it["text"].get<std::string>()).empty())
                c.error(child_path(path, "text"), KIOSK_TR("fill in the text, or upload a file"));
            else if (c.text(it, path, "text", item.text, true)) {
                item.text = trimmed(item.text);
                const size_t chars = utf8::decode(item.text).size();
                if (chars > kMaxInlineTextChars)
                    c.error(child_path(path, "text"), format(KIOSK_TR("inline text is at most {} characters; this one has {}"),
                                                             {std::to_string(kMaxInlineTextChars), std::to_string(chars)}));
            }
        }
        if (c.text(it, path, "kind", item.kind) &&
            std::find(kKinds.begin(), kKinds.end(), item.kind) == kKinds.end())
            c.expected(child_path(path, "kind"), it["kind"],
                       KIOSK_N(KIOSK_N("one of report, regulation, notice, text, image, column, compare, auto")));
        read_compare(c, it, path, item, cfg, local);  // "kind": "compare" (新旧对照), or old/new/effective refused
        c.text(it, path, "selector", item.selector, true);
        if (it.contains("refresh")) {
            auto d = parse_duration(it["refresh"]);
            if (!d || *d < 60)
                c.expected(child_path(path, "refresh"), it["refresh"],
                           KIOSK_N(KIOSK_N("a duration of at least a minute like \"30m\", \"6h\" or \"1d\"")));
            else
                item.refresh_seconds = *d;
        }
        if (it.contains("page_seconds")) {
            const json& v = it["page_seconds"];
            if (v.is_string() && v.get<std::string>() == "auto")
                item.page_seconds = Dwell{true, 0};
            else if (v.is_number() && v.get<double>() > 0 && v.get<double>() <= 3600)
                item.page_seconds = Dwell{false, v.get<double>()};
            else
                c.error(child_path(path, "page_seconds"),
                        KIOSK_TR("seconds per page must be more than 0 and at most 3600, or choose automatic"));
        }
        c.integer(it, path, "priority", item.priority, -100, 100);
        c.boolean(it, path, "enabled", item.enabled);

        if (it.contains("schedule")) {
            const std::string sp = child_path(path, "schedule");
            const json& s = it["schedule"];
            if (c.object(s, sp, {"from", "until", "weekdays", "hours"})) {
                for (const char* key : {"from", "until"}) {
                    if (!s.contains(key)) continue;
                    auto day = s[key].is_string() ? parse_date(trimmed(s[key].get<std::string>())) : std::nullopt;
                    const bool from = std::string(key) == "from";
                    if (!day)
                        c.error(child_path(sp, key), from ? KIOSK_TR("write the start date as year-month-day, like 2026-01-31")
                                                          : KIOSK_TR("write the end date as year-month-day, like 2026-01-31"));
                    else (from ? item.schedule.from_day : item.schedule.until_day) = day;
                }
                if (item.schedule.from_day && item.schedule.until_day &&
                    *item.schedule.until_day < *item.schedule.from_day)
                    c.error(child_path(sp, "until"), KIOSK_TR("the end date must be on or after the start date"));
                if (s.contains("weekdays")) {
                    const json& w = s["weekdays"];
                    if (!w.is_array() || w.empty()) {
                        c.error(child_path(sp, "weekdays"), KIOSK_TR("choose at least one day of the week"));
                    } else {
                        item.schedule.weekdays = 0;
                        for (size_t k = 0; k < w.size(); ++k) {
                            std::string d = w[k].is_string() ? trimmed(w[k].get<std::string>()) : "";
                            auto at = std::find(std::begin(kWeekdays), std::end(kWeekdays), d);
                            if (at == std::end(kWeekdays))
                                c.error(element_path(child_path(sp, "weekdays"), k),
                                        format(KIOSK_TR("day \"{}\": write the days of the week as mon, tue, wed, thu, fri, sat or sun"),
                                               {utf8::printable(utf8::truncate(d, 40))}));
                            else
                                item.schedule.weekdays |= static_cast<std::uint8_t>(1u << (at - std::begin(kWeekdays)));
                        }
                    }
                }
                if (s.contains("hours")) {
                    const json& h = s["hours"];
                    if (!h.is_array() || h.empty()) {
                        c.error(child_path(sp, "hours"),
                                KIOSK_TR("write at least one time range, like 08:30-12:00 (to play all day, give none)"));
                    } else {
                        for (size_t k = 0; k < h.size(); ++k)
                            if (auto r = time_range(c, element_path(child_path(sp, "hours"), k), h[k]))
                                item.schedule.hours.push_back(*r);
                    }
                }
            }
        }

        if (item.kind == "column" && item.source.rfind("file:", 0) == 0)
            c.error(child_path(path, "source"), KIOSK_TR("a column's source is a list page or feed on the portal (an https:// URL)"));
        if (it.contains("count")) {
            if (item.kind != "column")
                c.error(child_path(path, "count"), KIOSK_TR("only a column (\"kind\": \"column\") has \"count\""));
            else
                c.integer(it, path, "count", item.count, 1, 20);
        }

        const bool is_notice = item.kind == "notice";
        if (is_notice || it.contains("start") || it.contains("expires") || it.contains("interrupt") || it.contains("style") ||
            it.contains("level")) {
            if (!is_notice) {
                for (const char* key : {"start", "expires", "interrupt", "style", "level"})
                    if (it.contains(key))
                        c.error(child_path(path, key), format(KIOSK_TR("only a notice (\"kind\": \"notice\") has \"{}\""), {key}));
            } else {
                NoticeTiming n;
                bool complete = true;
                for (const char* key : {"start", "expires"}) {
                    if (!it.contains(key)) {
                        c.missing(path, key, KIOSK_N("a time like \"2026-11-27T09:00\""));
                        complete = false;
                        continue;
                    }
                    auto t = it[key].is_string() ? parse_local_time(it[key].get<std::string>(), cfg.time_zone)
                                                 : std::nullopt;
                    if (!t) {
                        c.expected(child_path(path, key), it[key], KIOSK_N("a time like \"2026-11-27T09:00\""));
                        complete = false;
                    } else {
                        (std::string(key) == "start" ? n.start : n.expires) = *t;
                    }
                }
                if (complete && n.expires <= n.start) {
                    c.error(child_path(path, "expires"), format(KIOSK_TR("{} is not after \"start\" ({})"),
                                                                {shown(it["expires"]), shown(it["start"])}));
                }
                if (it.contains("interrupt")) {
                    const json& v = it["interrupt"];
                    const std::string ip = child_path(path, "interrupt");
                    if (v.is_string() && v.get<std::string>() == "now") {
                        n.interrupt = Interrupt::at_once;
                    } else if (v.is_string() && v.get<std::string>() == "hold") {
                        n.interrupt = Interrupt::hold;
                    } else if (v.is_string() && v.get<std::string>() == "none") {
                        n.interrupt = Interrupt::none;
                    } else if (v.is_string() && v.get<std::string>() == "ticker") {
                        n.interrupt = Interrupt::ticker;
                    } else if (v.is_object() && c.object(v, ip, {"every_minutes"}) && v.contains("every_minutes")) {
                        if (c.integer(v, ip, "every_minutes", n.every_minutes, 1, 24 * 60)) n.interrupt = Interrupt::every;
                    } else if (!v.is_object()) {
                        c.expected(ip, v, KIOSK_N("\"now\", \"hold\", \"none\", \"ticker\" or {\"every_minutes\": N}"));
                    } else if (!v.contains("every_minutes")) {
                        c.missing(ip, "every_minutes", KIOSK_N("a whole number of minutes"));
                    }
                }
                if (it.contains("style")) {
                    const json& v = it["style"];
                    if (v.is_string() && (v.get<std::string>() == "urgent" || v.get<std::string>() == "normal"))
                        n.urgent = v.get<std::string>() == "urgent";
                    else
                        c.expected(child_path(path, "style"), v, KIOSK_N("\"urgent\" or \"normal\""));
                }
                if (it.contains("level")) {
                    // An official warning's level (issue 29): the band's colour and words.
                    const json& v = it["level"];
                    auto level = v.is_string() ? warning::parse_level(v.get<std::string>()) : std::nullopt;
                    if (level && *level != warning::Level::none)
                        n.level = *level;
                    else
                        c.expected(child_path(path, "level"), v,
                                   KIOSK_N("\"blue\", \"yellow\", \"orange\" or \"red\""));
                }
                if (n.interrupt == Interrupt::hold) n.urgent = true;  // a notice that holds the screen is urgent
                item.notice = n;
            }
        }
        pl.items.push_back(std::move(item));
    }
    if (!c.errors.empty()) return joined(c.errors);
    return pl;
}
}  // namespace

std::string Issue::text() const {
    if (file.empty()) return message;  // the JSON reader's message names its own place
    std::string where = file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
    if (item >= 0) {
        where += list + "[" + std::to_string(item) + "]";
        if (!item_id.empty()) where += " (\"" + utf8::printable(utf8::truncate(item_id, 80)) + "\")";
        if (!field.empty()) where += "." + field;
        if (index >= 0) where += "[" + std::to_string(index) + "]";
        where += ": ";
    } else if (!field.empty()) {
        where += field + ": ";
    }
    return where + message;
}

PlaylistCheck check_playlist(const std::string& text, const std::string& name, const KioskConfig& cfg, bool local) {
    PlaylistCheck out;
    auto p = parse_playlist_into(text, name, cfg, local, out.issues);
    if (p && out.issues.empty()) out.playlist = std::move(*p);
    return out;
}

Result<Playlist> parse_playlist(const std::string& text, const std::string& name, const KioskConfig& cfg, bool local) {
    std::vector<Issue> issues;
    return parse_playlist_into(text, name, cfg, local, issues);
}

Result<Playlist> load_playlist(const fs::path& file, const KioskConfig& cfg) {
    auto text = read_text(file);
    if (!text) return text.error();
    auto pl = parse_playlist(*text, file.filename().string(), cfg, true);
    if (!pl) return pl.error();
    pl->file = fs::absolute(file);
    return pl;
}

std::vector<std::string> check_local_sources(const Playlist& playlist) {
    std::vector<std::string> errors;
    for (size_t i = 0; i < playlist.items.size(); ++i) {
        const PlaylistItem& item = playlist.items[i];
        // Its source, or a comparison's two texts (新旧对照).
        const std::pair<const char*, const std::string*> sources[] = {
            {"source", &item.source}, {"old", &item.old_source}, {"new", &item.new_source}};
        for (const auto& [field, source] : sources) {
            auto path = local_path(playlist, *source);
            if (!path) continue;
            std::error_code ec;
            const auto status = fs::status(*path, ec);
            std::string why;
            if (!fs::exists(status)) why = KIOSK_TR("no such file");
            else if (!fs::is_regular_file(status)) why = KIOSK_TR("not a regular file");
            else if (::access(path->c_str(), R_OK) != 0) why = KIOSK_TR("cannot be read");
            if (!why.empty())
                errors.push_back(utf8::printable(playlist.file.filename().string()) + ": items[" + std::to_string(i) + "] (\"" +
                                 utf8::printable(item.id) + "\")." + field + ": " + utf8::printable(path->string()) + ": " + why);
        }
    }
    return errors;
}

std::optional<fs::path> local_path(const Playlist& playlist, const std::string& source) {
    if (source.rfind("file:", 0) != 0) return std::nullopt;
    fs::path p = source.substr(5);
    if (p.is_relative()) p = playlist.file.parent_path() / p;
    return p.lexically_normal();
}

std::optional<fs::path> local_source_path(const Playlist& playlist, const PlaylistItem& item) {
    return local_path(playlist, item.source);
}

}  // namespace kiosk::config
