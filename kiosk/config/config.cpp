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
#include "config/checker.hpp"
#include "config/opening_reader.hpp"

namespace kiosk::config {
namespace fs = std::filesystem;
using i18n::format;
using nlohmann::json;
using namespace detail;

namespace {

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
    std::string cache, state, runtime, calendar;
    if (c.object(root, "", {"version", "hall_name", "welcome", "time_zone", "screen", "fonts", "typography",
                            "margins", "theme", "page_seconds", "reading", "paths", "network", "fleet", "playlist",
                            "opening", "power", "ticker"})) {
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
            c.object(root["screen"], "screen", {"width", "height", "rotation", "transition", "progress_bar", "qr_code", "stale_after",
                                                "frame_sample_seconds"})) {
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
            c.integer(s, "screen", "frame_sample_seconds", cfg.frame_sample_seconds, 1, 3600);
            c.integer(s, "screen", "width", cfg.width, 64, 16384);
            c.integer(s, "screen", "height", cfg.height, 64, 16384);
            if (c.integer(s, "screen", "rotation", cfg.rotation, 0, 270) && cfg.rotation % 90 != 0)
                c.expected("screen.rotation", s["rotation"], KIOSK_N("one of 0, 90, 180, 270"));
        }
        if (root.contains("ticker") && c.object(root["ticker"], "ticker", {"height", "position", "chars_per_second"})) {
            const json& t = root["ticker"];
            auto& tk = cfg.ticker;
            c.bounded(t, "ticker", "height", tk.height, 0.05, 0.2);  // of the short side
            c.bounded(t, "ticker", "chars_per_second", tk.chars_per_second, 1, 12);
            if (std::string position; c.text(t, "ticker", "position", position)) {
                if (position == "bottom") tk.position = TickerPosition::bottom;
                else if (position == "top") tk.position = TickerPosition::top;
                else c.expected("ticker.position", t["position"], KIOSK_N("\"bottom\" or \"top\""));
            }
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
    if (root.is_object() && root.contains("opening")) read_opening(c, root["opening"], cfg.opening, calendar);
    if (root.is_object() && root.contains("power")) read_power(c, root["power"], cfg.power);
    if (!c.errors.empty()) return joined(c.errors);

    const fs::path folder = cfg.file.parent_path();
    auto resolve = [&](const std::string& p) { return p.empty() ? fs::path() : (folder / p).lexically_normal(); };
    cfg.playlist = url::is_web_address(playlist) ? playlist : resolve(playlist).string();
    if (!cfg.fonts.regular_path.empty()) cfg.fonts.regular_path = resolve(cfg.fonts.regular_path).string();
    if (!cfg.fonts.bold_path.empty()) cfg.fonts.bold_path = resolve(cfg.fonts.bold_path).string();
    if (!cfg.network.ca_file.empty()) cfg.network.ca_file = resolve(cfg.network.ca_file).string();
    // The calendar is read where it is used (kiosk check, the run loop): a missing file leaves
    // the week's hours in force and is reported there, not a kiosk that cannot start.
    if (!calendar.empty()) cfg.opening.calendar = resolve(calendar);
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

KioskConfig default_config() {
    KioskConfig cfg;
    cfg.paths.cache = default_folder("CACHE_DIRECTORY", "XDG_CACHE_HOME", ".cache");
    cfg.paths.state = default_folder("STATE_DIRECTORY", "XDG_STATE_HOME", ".local/state");
    cfg.paths.runtime = default_runtime_folder();
    return cfg;
}

}  // namespace kiosk::config
