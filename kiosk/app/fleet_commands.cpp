#include "app/fleet_commands.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <unistd.h>

#include "app/session.hpp"
#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/calendar.hpp"
#include "fleet/notice.hpp"
#include "fleet/generations.hpp"
#include "health/readings.hpp"
#include "health/status.hpp"
#include "fleet/office.hpp"
#include "fleet/publisher.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "store/atomic_file.hpp"
#include "warning/level.hpp"

namespace kiosk::app {
using i18n::format;
using namespace std::chrono_literals;

const char* const kFleetHelp = R"(usage: kiosk fleet keygen --out FILE [--kid ID]
       kiosk fleet refresh [ITEM] --to SCOPE [--config F]
       kiosk fleet restart --to SCOPE [--config F]
       kiosk fleet publish playlist FILE --to SCOPE [--config F]
       kiosk fleet publish calendar FILE --to SCOPE [--example] [--config F]
       kiosk fleet clear-calendar --to SCOPE [--config F]
       kiosk fleet notice "TEXT" --to SCOPE --until TIME [--mode hold|interrupt|turn|ticker]
                          [--urgent] [--level blue|yellow|orange|red] [--title T] [--id ID]
                          [--config F]
       kiosk fleet clear-notice ID --to SCOPE [--config F]
       kiosk fleet status [--config F]
       kiosk fleet screenshot SCREEN --out F.png [--config F]

The office's side of the fleet (docs/fleet.md). SCOPE is all, group/NAME or screen/ID.
--config names the office's kiosk.json: its fleet section has the broker, the office's
certificate (CN office) and signing_key / signing_kid.

  keygen --out FILE     make a signing key: the secret half goes to FILE (its owner only;
                        never overwritten), the public half is printed for fleet.trusted_keys
  refresh [ITEM]        every screen in SCOPE reloads ITEM's content (or all) once
  restart               every screen in SCOPE stops cleanly and is started again by systemd
                        (exit status 75), once: the panel is dark for about 10 s. A screen
                        that does not hear of it within an hour, or was started after it was
                        asked, is not restarted
  publish playlist FILE the screens in SCOPE play FILE (checked here first, as they check it)
  publish calendar FILE the screens in SCOPE sleep and wake by the hall's calendar FILE
                        (kiosk-calendar/1: holidays, 调休 working days, optionally the
                        week's hours), checked here first as they check it. The most
                        specific scope's calendar is in force on a screen, over its
                        kiosk.json opening.calendar. A file marked "example": true is
                        refused unless --example (its dates are not real)
  clear-calendar        the calendar published to SCOPE is dropped (the next most specific,
                        else the screen's own kiosk.json, is in force); also `clear calendar`
  notice "TEXT"         the screens in SCOPE show TEXT until TIME (17:30 today, or
                        2026-12-03T17:30). --mode hold (紧急): only this notice (and other
                        holds, in turn) until it is cleared or over, in the alert look;
                        --mode interrupt (插播): at once, then in turn with the playlist;
                        --mode turn (轮播): in turn, after the playlist's items; --mode
                        ticker (滚动字幕): never a page, it runs in the ticker band. --urgent:
                        the alert look (紧急通知 band). --level: an official warning's
                        level (蓝色/黄色/橙色/红色): the band takes its colour and says the
                        title (or 预警). Without --mode: turn, or interrupt with --urgent or
                        --interrupt (as before modes). Prints the id
  clear-notice ID       takes notice ID off the screens in SCOPE
  status                every screen the broker knows: online, what it shows, its errors
  screenshot SCREEN     what screen SCREEN shows now, as a PNG (waits up to 20 s)
)";

namespace {

constexpr int kUsage = 2, kFailure = 1;

int fail(const std::string& message, int status = kFailure) {
    std::fprintf(stderr, "kiosk: %s\n", message.c_str());
    return status;
}

// The office as the CLI opens it: its kiosk.json, and when it publishes, its checked
// signing key and its memory of the generations it published (STATE/office/published.json).
struct Office {
    config::ConfigSnapshot cfg;
    std::optional<fleet::Publisher> publisher;
    std::optional<fleet::Generations> published;
};

Result<Office> open_office(const Args& args, bool signing) {
    auto session = Session::open(args.get("config"), SessionParts{false, false, ""});
    if (!session) return session.error();
    Office o{session->config(), std::nullopt, std::nullopt};
    if (!o.cfg->fleet.enabled) return make_error(o.cfg->file.string() + ": no fleet section (the broker and the office's certificate)");
    if (signing) {
        auto key = fleet::load_signing_key(o.cfg->fleet, o.cfg->file, ::geteuid());
        if (!key) return key.error();
        o.publisher.emplace(std::move(*key));
        auto published = fleet::Generations::open(o.cfg->paths.state / "office" / "published.json");
        if (!published) return published.error();
        o.published.emplace(std::move(*published));
    }
    return o;
}

Result<std::unique_ptr<fleet::OfficeClient>> connect(const Office& o) {
    return fleet::OfficeClient::connect(o.cfg->fleet, "office-" + std::to_string(::getpid()), 10s);
}

// Signs `order` with a generation newer than the last this office published for its key
// (kept before it is sent: a publication the broker never confirmed still moves the
// sequence on), and publishes it retained.
Result<fleet::Publication> publish_order(Office& o, fleet::OfficeClient& client, const fleet::Order& order) {
    auto p = o.publisher->prepare(order, o.published->last(order.key()));
    if (!p) return p.error();
    if (auto st = o.published->record(p->key(), p->gen); !st) return st.error();
    if (auto st = fleet::Publisher::send(client, *p); !st) return st.error();
    return p;
}

int publish(Office& o, const fleet::Order& order) {
    auto client = connect(o);
    if (!client) return fail(client.error().message);
    auto p = publish_order(o, **client, order);
    if (!p) return fail(p.error().message);
    std::printf("%s\n", format(KIOSK_TR("published {} to {} (generation {})"),
                               {order.notice_id.empty() ? order.kind : order.kind + " " + order.notice_id, order.scope.str(),
                                std::to_string(p->gen)})
                            .c_str());
    return 0;
}

// `text` and spaces to `width` terminal columns (a Han character takes two).
std::string padded(const std::string& text, size_t width) {
    size_t columns = 0;
    for (char32_t c : utf8::decode(text)) columns += c >= 0x2E80 ? 2 : 1;
    return text + std::string(columns < width ? width - columns : 0, ' ');
}

// One line per screen from its retained state and status.
struct ScreenRow {
    std::string state, showing, playlist_gen, notices, stale, errors, last_seen;
    std::string temperature = "-", disk = "-", version = "-";  // "-": not said (an older screen)
};

ScreenRow describe_screen(const std::map<std::string, std::string>& leaves) {
    ScreenRow row;
    row.state = leaves.count("state") ? leaves.at("state") : "?";
    auto s = leaves.find("status");
    if (s == leaves.end()) return row;
    auto report = status::from_json(nlohmann::json::parse(s->second, nullptr, false));
    if (!report) return row;
    const status::StatusReport& j = *report;
    row.showing = j.current.standing ? std::string(KIOSK_TR("standing page"))
                                     : j.current.item + " " + std::to_string(j.current.page) + "/" + std::to_string(j.current.of);
    row.last_seen = j.updated;
    int stale = 0, errors = static_cast<int>(j.playlist.refused.size());
    for (const auto& it : j.items) {
        if (!it.error.empty()) ++errors;
        if (it.fetch && it.fetch->failures > 0) ++stale;
    }
    if (!j.version.empty()) row.version = j.version;
    if (j.health) {
        char text[64];
        if (j.health->temperature_c) {
            std::snprintf(text, sizeof text, "%.0f°C", *j.health->temperature_c);
            row.temperature = text;
        }
        if (const auto& d = j.health->disk; d && d->total_bytes > 0) {
            std::snprintf(text, sizeof text, "%.0f%% ", d->free_percent);
            row.disk = text + health::human_size(d->free_bytes);
        }
    }
    row.stale = std::to_string(stale);
    row.errors = std::to_string(errors);
    if (j.fleet.enabled) {
        std::uint64_t gen = 0;
        for (const auto& [key, value] : j.fleet.applied)
            if (key.size() > 9 && key.compare(key.size() - 9, 9, "|playlist") == 0) gen = std::max(gen, value);
        row.playlist_gen = gen ? std::to_string(gen) : "-";
        for (const auto& n : j.fleet.notices) row.notices += (row.notices.empty() ? "" : " ") + n;
    }
    return row;
}

int fleet_status(const Office& o) {
    auto client = connect(o);
    if (!client) return fail(client.error().message);
    if (auto st = (*client)->watch_screens(); !st) return fail(st.error().message);
    // Retained state and status arrive at once; a moment more for the stragglers.
    const auto until = std::chrono::steady_clock::now() + 1500ms;
    std::map<std::string, std::map<std::string, std::string>> screens;
    while (std::chrono::steady_clock::now() < until) {
        (*client)->wait(100ms);
        for (auto& m : (*client)->take())
            if (m.leaf == "state" || m.leaf == "status") screens[m.screen_id][m.leaf] = m.payload;
    }
    auto line = [](const std::vector<std::string>& cells) {
        static const size_t widths[] = {20, 12, 28, 14, 6, 6, 6, 14, 10, 19};
        std::string out;
        for (size_t i = 0; i < cells.size(); ++i) out += i + 1 < cells.size() ? padded(cells[i], widths[i]) + "  " : cells[i];
        std::printf("%s\n", out.c_str());
    };
    line({KIOSK_TR("screen"), KIOSK_TR("state"), KIOSK_TR("showing"), KIOSK_TR("playlist gen"), KIOSK_TR("stale"),
          KIOSK_TR("errors"), KIOSK_TR("temp"), KIOSK_TR("disk free"), KIOSK_TR("version"), KIOSK_TR("last seen"),
          KIOSK_TR("notices")});
    for (const auto& [id, leaves] : screens) {
        const ScreenRow r = describe_screen(leaves);
        line({id, r.state, r.showing, r.playlist_gen, r.stale, r.errors, r.temperature, r.disk, r.version, r.last_seen, r.notices});
    }
    if (screens.empty()) std::printf("%s\n", KIOSK_TR("no screen has reported to this broker"));
    return 0;
}

// Asks one screen for a screenshot (a signed request at desired/screen/ID/screenshot) and
// writes the PNG it sends back.
int screenshot(Office& o, const fleet::Scope& screen_scope, const std::string& out) {
    const std::string& screen = screen_scope.name();
    auto client = connect(o);
    if (!client) return fail(client.error().message);
    if (auto st = (*client)->watch_screens(); !st) return fail(st.error().message);
    (*client)->take();  // what was retained before the question
    // A screen that is off does not answer an old question later: 300 s.
    auto asked = publish_order(o, **client, fleet::Order{screen_scope, "screenshot", "", nlohmann::json::object(), 300});
    if (!asked) return fail(asked.error().message);
    const std::uint64_t gen = asked->gen;
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until) {
        (*client)->wait(200ms);
        for (auto& m : (*client)->take()) {
            if (m.screen_id != screen) continue;
            if (m.leaf == "ack") {
                const auto a = nlohmann::json::parse(m.payload, nullptr, false);
                if (a.is_object() && a.value("gen", std::uint64_t{0}) == gen && a.value("result", "") != "applied")
                    return fail(format(KIOSK_TR("{} refused the screenshot: {}"), {screen, a.value("reason", "")}));
            }
            if (m.leaf != "screenshot" || m.retained) continue;
            if (auto st = store::write_file_atomically(out, m.payload); !st) return fail(st.error().message);
            std::printf("%s\n", format(KIOSK_TR("{}: {} bytes from {}"), {out, std::to_string(m.payload.size()), screen}).c_str());
            return 0;
        }
    }
    return fail(format(KIOSK_TR("{} sent no screenshot within 20 s (is it online? see `kiosk fleet status`)"), {screen}));
}

// --until: "17:30" (today, in the office's zone) or an ISO time; in the future.
Result<std::time_t> parse_until(const std::string& text, const std::string& zone, std::time_t now) {
    std::string iso = text;
    if (text.size() == 5 && text[2] == ':') iso = zone_time::format_iso_local(now, zone).substr(0, 10) + "T" + text;
    auto t = zone_time::parse_time("--until", iso, zone);
    if (!t) return t.error();
    if (*t <= now) return make_error("--until " + text + " has already passed");
    return *t;
}

// How long a calendar (or its clearing) stays good on the broker for screens that have not
// taken it yet: next year's arrangement, published in November, for the whole year after.
constexpr std::time_t kCalendarLifetime = 2 * 366 * 86400;

// The hall's calendar, checked here as every screen will check it (errors FILE:line:col);
// an example's dates are not real, so it goes out only when asked for by --example.
int publish_calendar(Office& o, const fleet::Scope& scope, const std::string& file, const std::string& text, bool example) {
    auto checked = config::parse_calendar(text, file);
    if (!checked) return fail(checked.error().message);
    if (checked->example && !example)
        return fail(file + ": marked \"example\": true, its dates are not real; enter the year's arrangement as the State Council "
                           "published it and remove \"example\" (or give --example to publish it for a trial)");
    return publish(o, {scope, "calendar", "", nlohmann::json::parse(text), kCalendarLifetime});
}

}  // namespace

int cmd_fleet(const Args& args) {
    std::string verb = args.positional.empty() ? "" : args.positional[0];
    if (verb == "keygen") {
        const auto out = args.get("out");
        if (!out) return fail("fleet keygen: --out FILE is required", kUsage);
        std::string kid = args.get("kid").value_or("");
        if (kid.empty()) kid = "office-" + zone_time::format_iso_local(std::time(nullptr), "Asia/Shanghai").substr(0, 4);
        const fleet::KeyPair pair = fleet::generate_key_pair();
        if (auto st = fleet::save_secret_key(*out, pair); !st) return fail(st.error().message);
        std::fprintf(stderr, "%s\n", format(KIOSK_TR("secret key written to {} (keep it offline; anyone holding it controls the screens)"), {*out}).c_str());
        std::printf("\"%s\": \"%s\"\n", kid.c_str(), pair.public_key.c_str());
        return 0;
    }
    if (verb == "status") {
        auto office = open_office(args, false);
        if (!office) return fail(office.error().message);
        return fleet_status(*office);
    }
    if (verb == "screenshot") {
        const auto out = args.get("out");
        if (args.positional.size() != 2 || !config::topic_safe_name(args.positional[1], false) || !out)
            return fail("fleet screenshot: give the screen's id and --out FILE.png", kUsage);
        auto office = open_office(args, true);
        if (!office) return fail(office.error().message);
        return screenshot(*office, *fleet::Scope::screen(args.positional[1]), *out);
    }
    if (verb == "clear" && args.positional.size() == 2 && args.positional[1] == "calendar") verb = "clear-calendar";
    if (verb != "refresh" && verb != "restart" && verb != "publish" && verb != "notice" && verb != "clear-notice" &&
        verb != "clear-calendar")
        return fail("fleet: unknown command \"" + verb + "\" (see `kiosk fleet --help`)", kUsage);
    const auto scope = fleet::Scope::parse(args.get("to").value_or(""));
    if (!scope) return fail("fleet " + verb + ": --to takes all, group/NAME or screen/ID", kUsage);
    if (auto mode = args.get("mode"); mode && (verb != "notice" || !fleet::parse_mode(*mode)))
        return fail("fleet " + verb + ": --mode takes hold, interrupt, turn or ticker (notices only)", kUsage);
    if (auto level = args.get("level");
        level && (verb != "notice" || !warning::parse_level(*level) || level->empty()))
        return fail("fleet " + verb + ": --level takes blue, yellow, orange or red (notices only)", kUsage);
    if (verb == "restart" && args.positional.size() != 1)
        return fail("fleet restart: give only --to SCOPE (see `kiosk fleet --help`)", kUsage);
    if (verb == "clear-calendar" && args.positional.size() != (args.positional[0] == "clear" ? 2 : 1))
        return fail("fleet clear-calendar: give only --to SCOPE (see `kiosk fleet --help`)", kUsage);
    auto office = open_office(args, true);
    if (!office) return fail(office.error().message);
    if (verb == "refresh") {
        nlohmann::json body = nlohmann::json::object();
        if (args.positional.size() > 1) body["item"] = args.positional[1];
        return publish(*office, {*scope, "refresh", "", body, 7 * 86400});
    }
    if (verb == "restart") {
        return publish(*office, {*scope, "restart", "", nlohmann::json::object(), fleet::kRestartLifetime});
    }
    if (verb == "notice") {
        if (args.positional.size() != 2) return fail("fleet notice: give the text in quotes (see `kiosk fleet --help`)", kUsage);
        const std::time_t now = std::time(nullptr);
        auto until = parse_until(args.get("until").value_or(""), office->cfg->time_zone, now);
        if (!until) return fail(until.error().message, kUsage);
        fleet::NoticeBody n;
        n.text = args.positional[1];
        n.title = args.get("title").value_or("");
        n.until = *until;
        n.interrupt = args.has("interrupt");
        n.urgent = args.has("urgent");
        if (auto level = args.get("level")) n.level = *warning::parse_level(*level);  // known: checked above
        if (auto mode = args.get("mode")) {
            n.mode = fleet::parse_mode(*mode);  // known: checked above
            if (n.interrupt && n.mode != fleet::NoticeMode::interrupt)
                return fail("fleet notice: --interrupt is --mode interrupt; give one of them", kUsage);
        }
        // Checked here as the screens will check it.
        if (auto checked = fleet::parse_notice_body(fleet::notice_body_json(n), now); !checked)
            return fail("fleet notice: " + checked.error().message, kUsage);
        std::string id = args.get("id").value_or("");
        if (id.empty()) id = fleet::new_notice_id(now, office->cfg->time_zone);
        if (!config::topic_safe_name(id, false)) return fail("fleet notice: --id takes letters, digits, - _ or .", kUsage);
        return publish(*office, {*scope, "notice", id, fleet::notice_body_json(n), *until - now + 60});
    }
    if (verb == "clear-notice") {
        if (args.positional.size() != 2 || !config::topic_safe_name(args.positional[1], false))
            return fail("fleet clear-notice: give the notice's id (as `kiosk fleet notice` printed it)", kUsage);
        fleet::NoticeBody n;
        n.cleared = true;
        return publish(*office, {*scope, "notice", args.positional[1], fleet::notice_body_json(n), 30 * 86400});
    }
    if (verb == "clear-calendar")
        return publish(*office, {*scope, "calendar", "", nlohmann::json{{"clear", true}}, kCalendarLifetime});
    if (args.positional.size() != 3 || (args.positional[1] != "playlist" && args.positional[1] != "calendar"))
        return fail("fleet publish: give `playlist FILE` or `calendar FILE` (see `kiosk fleet --help`)", kUsage);
    const std::string& file = args.positional[2];
    auto text = files::read_regular_file(file, fleet::kMaxDocumentBytes / 2);
    if (!text) return fail(text.error().message);
    if (args.positional[1] == "calendar") return publish_calendar(*office, *scope, file, *text, args.has("example"));
    // Checked here as the screens will check it (no file: sources), so a mistake is seen
    // at the desk, not as a refusal from every screen.
    auto checked = config::parse_playlist(*text, file, *office->cfg, false);
    if (!checked) return fail(checked.error().message);
    return publish(*office, {*scope, "playlist", "", nlohmann::json::parse(*text), 365 * 86400});
}

}  // namespace kiosk::app
