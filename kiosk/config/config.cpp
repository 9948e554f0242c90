#include "config/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "base/hosts.hpp"
#include "base/i18n.hpp"
#include "base/file_read.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/json_lint.hpp"
#include "config/json_positions.hpp"

namespace kiosk::config {
namespace fs = std::filesystem;
using i18n::format;
using nlohmann::json;

namespace {

// Optimal string alignment distance: a swapped pair of letters ("titel") costs one edit.
size_t edit_distance(std::string_view a, std::string_view b) {
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

std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 48) s = s.substr(0, 45) + "...";
    return s;
}

// Checks one parsed file against its expected shape, collecting every error with its place.
class Checker {
public:
    Checker(std::string file, const PositionIndex& index) : file_(std::move(file)), index_(index) {}

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
        const size_t close = path.find(']');
        if (path.rfind("items[", 0) != 0 || close == std::string::npos) {
            i.field = path;  // a key of the playlist itself ("version"), or ""
            return i;
        }
        i.item = std::atoi(path.c_str() + 6);
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
};

struct Parsed {
    json root;
    PositionIndex index;
};

// nlohmann for the syntax (its byte offset turned into line:col), the scanner for positions.
// Our own check first (the budget, and mistakes explained for clerks at their exact place),
// then nlohmann for the values, then the scanner for positions.
Result<Parsed> parse_json(const std::string& text, const std::string& name) {
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

Result<std::string> read_text(const fs::path& file) {
    // A regular file of at most 1 MB: a FIFO or /dev/zero named as the playlist is refused
    // at once instead of blocking or filling memory.
    auto bytes = files::read_regular_file(file, kMaxConfigFileBytes);
    if (!bytes) return make_error(utf8::printable(bytes.error().message));
    return std::move(*bytes);
}

Error joined(const std::vector<std::string>& errors) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
    return Error{all};
}

// "90s", "30m", "6h", "1d", or a number of seconds.
std::optional<double> parse_duration(const json& v) {
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

std::optional<int> parse_clock_minutes(const std::string& s) {
    if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
        !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
        !std::isdigit(static_cast<unsigned char>(s[4])))
        return std::nullopt;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

std::optional<int> parse_date(const std::string& s) {
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
std::optional<std::time_t> parse_local_time(const std::string& s, const std::string& zone) {
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

fs::path default_folder(const char* systemd_env, const char* xdg_env, const char* xdg_fallback) {
    if (const char* v = std::getenv(systemd_env); v && *v) {
        std::string first = v;
        return first.substr(0, first.find(':'));  // systemd may list several
    }
    if (const char* v = std::getenv(xdg_env); v && *v) return fs::path(v) / "kiosk";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/tmp") / xdg_fallback / "kiosk";
}

fs::path default_runtime_folder() {
    if (const char* v = std::getenv("RUNTIME_DIRECTORY"); v && *v) {
        std::string first = v;
        return first.substr(0, first.find(':'));
    }
    if (const char* v = std::getenv("XDG_RUNTIME_DIR"); v && *v) return fs::path(v) / "kiosk";
    return fs::temp_directory_path() / ("kiosk-" + std::to_string(getuid()));
}

void read_dwell(Checker& c, const json& obj, const std::string& path, const char* key,
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
void read_version(Checker& c, const json& root, int& out) {
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

bool base64_key(const std::string& s) {
    if (s.size() != 44 || s.back() != '=' || s[42] == '=') return false;
    return std::all_of(s.begin(), s.end() - 1, [](unsigned char ch) { return std::isalnum(ch) || ch == '+' || ch == '/'; });
}

void read_fleet(Checker& c, const json& f, Fleet& fleet) {
    if (!c.object(f, "fleet", {"screen_id", "groups", "host", "port", "ca_file", "cert_file", "key_file", "keepalive", "trusted_keys",
                               "signing_key", "signing_kid"}))
        return;
    fleet.enabled = true;
    if (!f.contains("screen_id")) c.missing("fleet", "screen_id", KIOSK_N("this screen's id, e.g. \"zwzx-1f-01\""));
    else if (c.text(f, "fleet", "screen_id", fleet.screen_id, true) && !topic_safe_name(fleet.screen_id, false))
        c.expected("fleet.screen_id", f["screen_id"], KIOSK_N("up to 64 letters, digits, - _ or . (no / + #)"));
    if (f.contains("groups")) {
        const json& groups = f["groups"];
        if (!groups.is_array()) {
            c.expected("fleet.groups", groups, KIOSK_N("a list of groups like \"floor/1\""));
        } else {
            for (size_t i = 0; i < groups.size(); ++i) {
                const std::string g = groups[i].is_string() ? groups[i].get<std::string>() : "";
                if (!topic_safe_name(g, true)) c.expected(element_path("fleet.groups", i), groups[i], KIOSK_N("a group like \"hall/zwzx\" or \"floor/1\""));
                else fleet.groups.push_back(g);
            }
        }
    }
    c.text(f, "fleet", "host", fleet.host, true);
    c.integer(f, "fleet", "port", fleet.port, 1, 65535);
    c.integer(f, "fleet", "keepalive", fleet.keepalive_seconds, 5, 600);
    c.text(f, "fleet", "ca_file", fleet.ca_file);
    c.text(f, "fleet", "cert_file", fleet.cert_file);
    c.text(f, "fleet", "key_file", fleet.key_file);
    c.text(f, "fleet", "signing_key", fleet.signing_key);
    if (c.text(f, "fleet", "signing_kid", fleet.signing_kid) && !topic_safe_name(fleet.signing_kid, false))
        c.expected("fleet.signing_kid", f["signing_kid"], KIOSK_N("letters, digits, - _ or ."));
    for (const char* key : {"ca_file", "cert_file", "key_file"})
        if (!f.contains(key)) c.missing("fleet", key, KIOSK_N("a file (TLS with a client certificate is required)"));
    if (!f.contains("trusted_keys")) {
        c.missing("fleet", "trusted_keys", KIOSK_N("the office's public keys, {\"KEY-ID\": \"BASE64\"}"));
    } else if (!f["trusted_keys"].is_object() || f["trusted_keys"].empty()) {
        c.expected("fleet.trusted_keys", f["trusted_keys"], KIOSK_N("at least one key, {\"KEY-ID\": \"BASE64\"}"));
    } else {
        for (const auto& [kid, value] : f["trusted_keys"].items()) {
            const std::string key = value.is_string() ? value.get<std::string>() : "";
            if (!topic_safe_name(kid, false))
                c.error(child_path("fleet.trusted_keys", kid), KIOSK_TR("a key id is letters, digits, - _ or ."));
            else if (!base64_key(key))
                c.expected(child_path("fleet.trusted_keys", kid), value,
                           KIOSK_N("an Ed25519 public key in base64 (44 characters), as `kiosk fleet keygen` prints it"));
            else
                fleet.trusted_keys.push_back(TrustedKey{kid, key});
        }
    }
}

}  // namespace

bool topic_safe_name(std::string_view s, bool slashes) {
    if (s.empty() || s.size() > 64) return false;
    if (slashes && (s.front() == '/' || s.back() == '/' || s.find("//") != std::string_view::npos)) return false;
    return std::all_of(s.begin(), s.end(), [&](unsigned char ch) {
        return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || (slashes && ch == '/');
    });
}

bool KioskConfig::playlist_is_url() const { return url::is_web_address(playlist); }

bool is_known_time_zone(const std::string& zone) {
    if (zone.empty() || zone[0] == '/' || zone.find("..") != std::string::npos) return false;
    std::ifstream in(fs::path("/usr/share/zoneinfo") / zone, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

Result<fs::path> find_config(const std::optional<std::string>& cli_path, const fs::path& system_config) {
    if (cli_path) {
        if (!fs::exists(*cli_path))
            return make_error(*cli_path + ": " + KIOSK_TR("no such config file (--config)"));
        return fs::absolute(*cli_path);
    }
    if (const char* env = std::getenv("KIOSK_CONFIG"); env && *env) {
        if (!fs::exists(env))
            return make_error(std::string(env) + ": " + KIOSK_TR("no such config file ($KIOSK_CONFIG)"));
        return fs::absolute(env);
    }
    for (const fs::path& candidate : {system_config, fs::path(KIOSK_SOURCE_DEMO), fs::path(KIOSK_INSTALLED_DEMO)}) {
        if (fs::exists(candidate)) return candidate;
    }
    return make_error(KIOSK_TR(
        "no configuration found: pass --config FILE, set KIOSK_CONFIG, or create /etc/kiosk/kiosk.json"));
}

Result<std::string> read_config_text(const fs::path& file) { return read_text(file); }

Result<KioskConfig> load_kiosk_config(const fs::path& file) {
    auto text = read_text(file);
    if (!text) return text.error();
    return parse_kiosk_config(*text, file);
}

Result<KioskConfig> parse_kiosk_config(const std::string& text_in, const fs::path& file) {
    const std::string* text = &text_in;
    const std::string name = file.filename().string();
    auto parsed = parse_json(*text, name);
    if (!parsed) return parsed.error();
    const json& root = parsed->root;
    Checker c(name, parsed->index);
    c.report_duplicates();

    KioskConfig cfg;
    cfg.file = fs::absolute(file);
    std::string playlist = "playlist.json";
    std::string cache, state, runtime;
    if (c.object(root, "", {"version", "hall_name", "welcome", "time_zone", "screen", "fonts", "typography",
                            "margins", "theme", "page_seconds", "reading", "paths", "network", "fleet", "playlist"})) {
        read_version(c, root, cfg.version);
        c.text(root, "", "hall_name", cfg.hall_name);
        c.text(root, "", "welcome", cfg.welcome);
        if (c.text(root, "", "time_zone", cfg.time_zone) && !is_known_time_zone(cfg.time_zone))
            c.error("time_zone", format(KIOSK_TR("\"{}\" is not a time zone known to this system (like \"Asia/Shanghai\")"),
                                        {cfg.time_zone}));
        std::optional<Dwell> dwell;
        read_dwell(c, root, "", "page_seconds", dwell);
        if (dwell) cfg.page_seconds = *dwell;
        c.text(root, "", "playlist", playlist, true);

        if (root.contains("screen") &&
            c.object(root["screen"], "screen", {"width", "height", "rotation", "transition", "progress_bar", "qr_code", "stale_after"})) {
            const json& s = root["screen"];
            if (std::string transition; c.text(s, "screen", "transition", transition)) {
                if (transition == "fade") cfg.transition = PageTransition::fade;
                else if (transition == "slide") cfg.transition = PageTransition::slide;
                else if (transition == "none") cfg.transition = PageTransition::none;
                else c.expected("screen.transition", s["transition"], KIOSK_N("one of \"fade\", \"slide\", \"none\""));
            }
            c.boolean(s, "screen", "progress_bar", cfg.progress_bar);
            c.boolean(s, "screen", "qr_code", cfg.qr_code);
            if (s.contains("stale_after")) {
                auto d = parse_duration(s["stale_after"]);
                if (!d || *d < 60)
                    c.expected("screen.stale_after", s["stale_after"], KIOSK_N("a duration of at least a minute like \"12h\" or \"2d\""));
                else
                    cfg.stale_after_seconds = *d;
            }
            c.integer(s, "screen", "width", cfg.width, 64, 16384);
            c.integer(s, "screen", "height", cfg.height, 64, 16384);
            if (c.integer(s, "screen", "rotation", cfg.rotation, 0, 270) && cfg.rotation % 90 != 0)
                c.expected("screen.rotation", s["rotation"], KIOSK_N("one of 0, 90, 180, 270"));
        }
        if (root.contains("fonts") && c.object(root["fonts"], "fonts", {"family", "regular_path", "bold_path"})) {
            const json& f = root["fonts"];
            c.text(f, "fonts", "family", cfg.fonts.family, true);
            c.text(f, "fonts", "regular_path", cfg.fonts.regular_path);
            c.text(f, "fonts", "bold_path", cfg.fonts.bold_path);
        }
        if (root.contains("theme") &&
            c.object(root["theme"], "theme",
                     {"background", "text", "muted", "accent", "header_background", "header_text"})) {
            const json& t = root["theme"];
            auto& th = cfg.theme;
            c.colour(t, "theme", "background", th.background);
            c.colour(t, "theme", "text", th.text);
            c.colour(t, "theme", "muted", th.muted);
            c.colour(t, "theme", "accent", th.accent);
            c.colour(t, "theme", "header_background", th.header_background);
            c.colour(t, "theme", "header_text", th.header_text);
        }
        if (root.contains("typography") &&
            c.object(root["typography"], "typography",
                     {"body", "min_body_px", "title", "heading", "meta", "caption", "chrome", "line_height", "table",
                      "table_empty_cells"})) {
            const json& t = root["typography"];
            auto& ty = cfg.typography;
            // Every size within what still makes a readable page.
            c.bounded(t, "typography", "body", ty.body, 0.005, 0.2);
            c.bounded(t, "typography", "min_body_px", ty.min_body_px, 8, 200);
            for (auto [key, field] : {std::pair{"title", &ty.title}, {"heading", &ty.heading}, {"meta", &ty.meta},
                                      {"caption", &ty.caption}, {"chrome", &ty.chrome}})
                c.bounded(t, "typography", key, *field, 0.3, 4);
            c.bounded(t, "typography", "line_height", ty.line_height, 1, 3);
            c.bounded(t, "typography", "table", ty.table, 0.4, 1.5);
            std::string empty;
            if (c.text(t, "typography", "table_empty_cells", empty)) {
                if (empty != "blank" && empty != "zero")
                    c.expected("typography.table_empty_cells", t["table_empty_cells"], KIOSK_N("\"blank\" or \"zero\""));
                ty.table_empty_zero = empty == "zero";
            }
        }
        if (root.contains("margins") && c.object(root["margins"], "margins", {"side", "header", "footer", "gap"})) {
            const json& m = root["margins"];
            auto& mg = cfg.margins;
            // Fractions of the page's shorter side; together they must leave most of the page
            // for the text.
            for (auto [key, field] : {std::pair{"side", &mg.side}, {"header", &mg.header},
                                      {"footer", &mg.footer}, {"gap", &mg.gap}})
                c.bounded(m, "margins", key, *field, 0, 0.25);
            if (mg.header + mg.footer + 2 * mg.gap > 0.5)
                c.error("margins", KIOSK_TR("header, footer and twice the gap together take more than half the page"));
        }
        if (root.contains("reading") &&
            c.object(root["reading"], "reading", {"chars_per_minute", "min_page_seconds", "max_page_seconds"})) {
            const json& r = root["reading"];
            auto& rd = cfg.reading;
            c.positive(r, "reading", "chars_per_minute", rd.chars_per_minute);
            c.positive(r, "reading", "min_page_seconds", rd.min_page_seconds);
            if (c.positive(r, "reading", "max_page_seconds", rd.max_page_seconds) &&
                rd.max_page_seconds < rd.min_page_seconds)
                c.error("reading.max_page_seconds",
                        format(KIOSK_TR("{} is less than min_page_seconds ({})"),
                               {shown(r["max_page_seconds"]),
                                r.contains("min_page_seconds") ? shown(r["min_page_seconds"]) : "8"}));
        }
        if (root.contains("paths") && c.object(root["paths"], "paths", {"cache", "state", "runtime"})) {
            const json& p = root["paths"];
            c.text(p, "paths", "cache", cache);
            c.text(p, "paths", "state", state);
            c.text(p, "paths", "runtime", runtime);
        }
        if (root.contains("network") && c.object(root["network"], "network", {"proxy", "ca_file", "allowed_hosts"})) {
            const json& n = root["network"];
            c.text(n, "network", "proxy", cfg.network.proxy);
            c.text(n, "network", "ca_file", cfg.network.ca_file);
            if (n.contains("allowed_hosts")) {
                const json& hosts = n["allowed_hosts"];
                if (!hosts.is_array()) {
                    c.expected("network.allowed_hosts", hosts, KIOSK_N("a list of host names"));
                } else {
                    for (size_t i = 0; i < hosts.size(); ++i) {
                        const json& h = hosts[i];
                        std::string s = h.is_string() ? h.get<std::string>() : "";
                        if (s.empty() || s.find_first_of("/: ") != std::string::npos)
                            c.expected(element_path("network.allowed_hosts", i), h,
                                       KIOSK_N(KIOSK_N("a host name like \"www.changchun.gov.cn\" or \".changchun.gov.cn\"")));
                        else
                            cfg.network.allowed_hosts.push_back(s);
                    }
                }
            }
        }
    }
    if (root.contains("fleet")) read_fleet(c, root["fleet"], cfg.fleet);
    if (!c.errors.empty()) return joined(c.errors);

    const fs::path folder = cfg.file.parent_path();
    auto resolve = [&](const std::string& p) { return p.empty() ? fs::path() : (folder / p).lexically_normal(); };
    cfg.playlist = url::is_web_address(playlist) ? playlist : resolve(playlist).string();
    if (!cfg.fonts.regular_path.empty()) cfg.fonts.regular_path = resolve(cfg.fonts.regular_path).string();
    if (!cfg.fonts.bold_path.empty()) cfg.fonts.bold_path = resolve(cfg.fonts.bold_path).string();
    if (!cfg.network.ca_file.empty()) cfg.network.ca_file = resolve(cfg.network.ca_file).string();
    for (std::string* f : {&cfg.fleet.ca_file, &cfg.fleet.cert_file, &cfg.fleet.key_file, &cfg.fleet.signing_key})
        if (!f->empty()) *f = resolve(*f).string();
    // Files handed to FreeType and curl, which would block on a FIFO or read a device: they
    // must be regular files (checked here, where the error can name the key).
    for (const auto& [key, value] : {std::pair{"fonts.regular_path", cfg.fonts.regular_path},
                                     std::pair{"fonts.bold_path", cfg.fonts.bold_path},
                                     std::pair{"network.ca_file", cfg.network.ca_file},
                                     std::pair{"fleet.ca_file", cfg.fleet.ca_file},
                                     std::pair{"fleet.cert_file", cfg.fleet.cert_file},
                                     std::pair{"fleet.key_file", cfg.fleet.key_file}}) {
        std::error_code ec;
        if (!value.empty() && !fs::is_regular_file(value, ec))
            c.error(key, format(KIOSK_TR("\"{}\" is not a regular file"), {value}));
    }
    if (!c.errors.empty()) return joined(c.errors);
    cfg.paths.cache = cache.empty() ? default_folder("CACHE_DIRECTORY", "XDG_CACHE_HOME", ".cache") : resolve(cache);
    cfg.paths.state = state.empty() ? default_folder("STATE_DIRECTORY", "XDG_STATE_HOME", ".local/state") : resolve(state);
    cfg.paths.runtime = runtime.empty() ? default_runtime_folder() : resolve(runtime);
    return cfg;
}

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
                                                    "image", "column", "auto"};
    static const char* const kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (size_t i = 0; i < items.size(); ++i) {
        const std::string path = element_path("items", i);
        const json& it = items[i];
        if (it.is_object() && it.contains("id") && it["id"].is_string()) c.label(path, it["id"].get<std::string>());
        if (!c.object(it, path, {"id", "title", "source", "kind", "selector", "refresh", "page_seconds",
                                 "schedule", "priority", "enabled", "start", "expires", "interrupt", "count",
                                 "text", "style"}))
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
        c.text(it, path, "title", item.title);
        if (c.text(it, path, "source", item.source, true)) {
            const std::string src_path = child_path(path, "source");
            if (item.source.rfind("file:", 0) == 0) {
                if (!local)
                    c.error(src_path, format(KIOSK_TR("\"{}\": file: sources are allowed only in a playlist on this machine"),
                                             {item.source}));
            } else if (url::is_web_address(item.source)) {
                std::string host = url::host(item.source);
                if (host.empty())
                    c.expected(src_path, it["source"], KIOSK_N("a URL like \"https://www.example.gov.cn/…\""));
                else if (!host_in_allowlist(host, cfg.network.allowed_hosts))
                    c.error(src_path, format(KIOSK_TR("host \"{}\" is not in network.allowed_hosts of {}"),
                                             {host, cfg.file.filename().string()}));
            } else {
                c.expected(src_path, it["source"], KIOSK_N("an https:// or http:// URL, or file:PATH"));
            }
        } else if (!it.contains("source") && !it.contains("text")) {
            c.missing(path, "source", KIOSK_N("an https:// URL, or file:PATH"));
        }
        if (it.contains("text")) {
            // Inline content: a notice typed at the office, no file to copy onto each PC.
            if (it.contains("source"))
                c.error(child_path(path, "text"), KIOSK_TR("an item has either \"source\" or \"text\", not both"));
            else if (c.text(it, path, "text", item.text, true)) {
                const size_t chars = utf8::decode(item.text).size();
                if (chars > kMaxInlineTextChars)
                    c.error(child_path(path, "text"), format(KIOSK_TR("inline text is at most {} characters; this one has {}"),
                                                             {std::to_string(kMaxInlineTextChars), std::to_string(chars)}));
            }
        }
        if (c.text(it, path, "kind", item.kind) &&
            std::find(kKinds.begin(), kKinds.end(), item.kind) == kKinds.end())
            c.expected(child_path(path, "kind"), it["kind"],
                       KIOSK_N(KIOSK_N("one of report, regulation, notice, text, image, column, auto")));
        c.text(it, path, "selector", item.selector, true);
        if (it.contains("refresh")) {
            auto d = parse_duration(it["refresh"]);
            if (!d || *d < 60)
                c.expected(child_path(path, "refresh"), it["refresh"],
                           KIOSK_N(KIOSK_N("a duration of at least a minute like \"30m\", \"6h\" or \"1d\"")));
            else
                item.refresh_seconds = *d;
        }
        read_dwell(c, it, path, "page_seconds", item.page_seconds);
        c.integer(it, path, "priority", item.priority, -100, 100);
        c.boolean(it, path, "enabled", item.enabled);

        if (it.contains("schedule")) {
            const std::string sp = child_path(path, "schedule");
            const json& s = it["schedule"];
            if (c.object(s, sp, {"from", "until", "weekdays", "hours"})) {
                for (const char* key : {"from", "until"}) {
                    if (!s.contains(key)) continue;
                    auto day = s[key].is_string() ? parse_date(s[key].get<std::string>()) : std::nullopt;
                    if (!day) c.expected(child_path(sp, key), s[key], KIOSK_N("a date like \"2026-01-31\""));
                    else (std::string(key) == "from" ? item.schedule.from_day : item.schedule.until_day) = day;
                }
                if (item.schedule.from_day && item.schedule.until_day &&
                    *item.schedule.until_day < *item.schedule.from_day)
                    c.error(child_path(sp, "until"), format(KIOSK_TR("{} is before \"from\" ({})"),
                                                            {shown(s["until"]), shown(s["from"])}));
                if (s.contains("weekdays")) {
                    const json& w = s["weekdays"];
                    if (!w.is_array() || w.empty()) {
                        c.expected(child_path(sp, "weekdays"), w, KIOSK_N("a list of days like [\"mon\", \"tue\"]"));
                    } else {
                        item.schedule.weekdays = 0;
                        for (size_t k = 0; k < w.size(); ++k) {
                            std::string d = w[k].is_string() ? w[k].get<std::string>() : "";
                            auto at = std::find(std::begin(kWeekdays), std::end(kWeekdays), d);
                            if (at == std::end(kWeekdays))
                                c.expected(element_path(child_path(sp, "weekdays"), k), w[k],
                                           KIOSK_N("a day: mon, tue, wed, thu, fri, sat or sun"));
                            else
                                item.schedule.weekdays |= static_cast<std::uint8_t>(1u << (at - std::begin(kWeekdays)));
                        }
                    }
                }
                if (s.contains("hours")) {
                    const json& h = s["hours"];
                    if (!h.is_array() || h.empty()) {
                        c.expected(child_path(sp, "hours"), h, KIOSK_N("a list of time ranges like [\"08:30-12:00\"]"));
                    } else {
                        for (size_t k = 0; k < h.size(); ++k) {
                            std::string r = h[k].is_string() ? h[k].get<std::string>() : "";
                            auto dash = r.find('-');
                            std::optional<int> a, b;
                            if (dash != std::string::npos) {
                                a = parse_clock_minutes(r.substr(0, dash));
                                b = parse_clock_minutes(r.substr(dash + 1));
                            }
                            const std::string hp = element_path(child_path(sp, "hours"), k);
                            if (!a || !b || *a == 24 * 60)
                                c.expected(hp, h[k], KIOSK_N("a time range like \"08:00-17:30\""));
                            else if (*a == *b)
                                c.error(hp, format(KIOSK_TR("{} is empty: its start and end are the same"), {shown(h[k])}));
                            else
                                item.schedule.hours.push_back(TimeRange{*a, *b});
                        }
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
        if (is_notice || it.contains("start") || it.contains("expires") || it.contains("interrupt") || it.contains("style")) {
            if (!is_notice) {
                for (const char* key : {"start", "expires", "interrupt", "style"})
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
                    } else if (v.is_string() && v.get<std::string>() == "none") {
                        n.interrupt = Interrupt::none;
                    } else if (v.is_object() && c.object(v, ip, {"every_minutes"}) && v.contains("every_minutes")) {
                        if (c.integer(v, ip, "every_minutes", n.every_minutes, 1, 24 * 60)) n.interrupt = Interrupt::every;
                    } else if (!v.is_object()) {
                        c.expected(ip, v, KIOSK_N("\"now\", \"none\" or {\"every_minutes\": N}"));
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
        where += "items[" + std::to_string(item) + "]";
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

KioskConfig default_config() {
    KioskConfig cfg;
    cfg.paths.cache = default_folder("CACHE_DIRECTORY", "XDG_CACHE_HOME", ".cache");
    cfg.paths.state = default_folder("STATE_DIRECTORY", "XDG_STATE_HOME", ".local/state");
    cfg.paths.runtime = default_runtime_folder();
    return cfg;
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
        auto path = local_source_path(playlist, item);
        if (!path) continue;
        std::error_code ec;
        const auto status = fs::status(*path, ec);
        std::string why;
        if (!fs::exists(status)) why = KIOSK_TR("no such file");
        else if (!fs::is_regular_file(status)) why = KIOSK_TR("not a regular file");
        else if (::access(path->c_str(), R_OK) != 0) why = KIOSK_TR("cannot be read");
        if (!why.empty())
            errors.push_back(utf8::printable(playlist.file.filename().string()) + ": items[" + std::to_string(i) + "] (\"" +
                             utf8::printable(item.id) + "\").source: " + utf8::printable(path->string()) + ": " + why);
    }
    return errors;
}

std::optional<fs::path> local_source_path(const Playlist& playlist, const PlaylistItem& item) {
    if (item.source.rfind("file:", 0) != 0) return std::nullopt;
    fs::path p = item.source.substr(5);
    if (p.is_relative()) p = playlist.file.parent_path() / p;
    return p.lexically_normal();
}

}  // namespace kiosk::config
