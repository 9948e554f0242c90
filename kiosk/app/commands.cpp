#include "app/commands.hpp"

#include <cstdio>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "app/clock.hpp"
#include "app/content_source.hpp"
#include "app/control.hpp"
#include "app/fetch_worker.hpp"
#include "app/instance.hpp"
#include "app/library.hpp"
#include "app/runner.hpp"
#include "app/settings.hpp"
#include "app/status.hpp"
#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "health/log.hpp"
#include "render/png_writer.hpp"
#include "text/layout_json.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;
using i18n::format;

namespace {

constexpr int kUsageError = 2;
constexpr int kFailure = 1;

const char* const kRunHelp = R"(usage: kiosk run [--config F] [--windowed[=WxH]] [--rotate R]

Shows the playlist on the hall screen: fullscreen, cursor hidden, pages advancing on a
timer. Keys and the mouse never end it; SIGTERM (systemctl stop) or Ctrl-C does.
An edited playlist is checked and applied at the next page; a bad edit is refused and the
previous playlist plays on. SIGHUP reloads kiosk.json and the playlist.

  --config F        kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --windowed[=WxH]  a window instead of fullscreen (default 1280x720 of panel pixels)
  --rotate R        0, 90, 180 or 270: degrees clockwise the upright page is turned onto
                    the panel (default: the config's screen.rotation)
)";

const char* const kRenderHelp = R"(usage: kiosk render --out DIR [--config F] [--item ID] [--input FILE]
                    [--size WxH] [--pages N] [--now TIME]

Renders pages exactly as the screen shows them, as PNG files DIR/ITEM-001.png, …, and
prints the path of each. Needs no display.

  --out DIR      folder for the PNG files (created if missing)
  --config F     kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --item ID      only this playlist item (default: every enabled item)
  --input FILE   lay out this file (.txt, or .html through extraction) instead of the playlist
  --selector S, --base-url U   for an .html --input, as in `kiosk extract`
  --size WxH     the page as a viewer sees it (default: the config's screen size;
                 portrait is e.g. 1080x1920)
  --pages N      at most N pages per item
  --now TIME     the time shown on the clock, ISO 8601 (e.g. 2026-11-27T09:30)
)";

const char* const kLayoutHelp = R"(usage: kiosk layout [--config F] [--item ID] [--input FILE] [--size WxH] [--now TIME]

Prints the layout as kiosk-layout/1 JSON on stdout: every page, line and glyph position.

  --config F     kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --item ID      only this playlist item (default: every enabled item)
  --input FILE   lay out this file (.txt, or .html through extraction) instead of the playlist
  --selector S, --base-url U   for an .html --input, as in `kiosk extract`
  --size WxH     the page as a viewer sees it (default: the config's screen size)
  --now TIME     the time for the chrome's clock, ISO 8601
)";

const char* const kExtractHelp = R"(usage: kiosk extract FILE-or-URL [--base-url U] [--selector S] [--column N] [--config F]

Prints the Document the kiosk would show for FILE (.html/.htm: the article extracted from
the page; .txt: imported) or for a page on the portal (fetched as the kiosk fetches: the
config's network.allowed_hosts apply), as kiosk-document/1 JSON, so an operator can try a
new source before adding it to the playlist.

  --selector S   where the article is on the page: tag, .class, #id, or a descendant
                 chain such as "div.main .content" (default: the usual portal containers)
  --base-url U   the page's own address, for its relative image and attachment links
                 (default: the URL fetched, or the file itself)
  --column N     the source is a column (a TRS or Hanweb list page, or an RSS/Atom feed):
                 print its N newest article links, newest first, as a column item plays them
)";

const char* const kCheckHelp = R"(usage: kiosk check [--config F]

Validates kiosk.json and its playlist. Every error is printed as
FILE:LINE:COL: PATH: what was found and what was expected. Exit status 1 on any error.
)";

const char* const kPlanHelp = R"(usage: kiosk plan [--config F] [--from TIME] [--hours N] [--size WxH]

Prints the timeline the scheduler will follow: which item, which pages, from when to when.

  --from TIME    start of the plan, ISO 8601 (default: now)
  --hours N      length of the plan (default 24)
  --size WxH     page size used to count pages (default: the config's screen size)
)";

const char* const kStatusHelp = R"(usage: kiosk status [--config F] [--json]

Prints what the running kiosk is showing, its playlist, its items and any refused edit,
from status.json in its runtime folder.
)";

const char* const kRefreshHelp = R"(usage: kiosk refresh [ITEM] [--config F]

Asks the running kiosk to reload ITEM's content (or every item's) now; the new content
appears at the next page.
)";

const char* const kReloadHelp = R"(usage: kiosk reload [--config F]

Asks the running kiosk to re-read kiosk.json and the playlist (the same as SIGHUP).
)";

bool wants_help(const std::vector<std::string>& argv) {
    for (const auto& a : argv)
        if (a == "--help" || a == "-h") return true;
    return false;
}

int fail(const std::string& message, int status = kFailure) {
    std::fprintf(stderr, "kiosk: %s\n", message.c_str());
    return status;
}

struct Session {
    config::KioskConfig cfg;
    std::unique_ptr<text::FontSet> fonts;
    std::unique_ptr<store::Cache> cache;  // the running kiosk's cache: web content as last fetched
    std::unique_ptr<Library> library;     // borrows fonts and cache (declared after them)
    config::Playlist playlist;             // what was loaded (a local file, or the published one from the cache)
};

Result<config::KioskConfig> load_config(const Args& args) {
    auto path = config::find_config(args.get("config"));
    if (!path) return path.error();
    return config::load_kiosk_config(*path);
}

// Config, fonts and the items to show (--input, --item, or the playlist's enabled items).
Result<Session> open_session(const Args& args) {
    auto cfg = load_config(args);
    if (!cfg) return cfg.error();
    Session s;
    s.cfg = std::move(*cfg);
    auto fonts = text::FontSet::open(text::FontRequest{s.cfg.fonts.family, s.cfg.fonts.regular_path,
                                                       s.cfg.fonts.bold_path});
    if (!fonts) return fonts.error();
    s.fonts = std::move(*fonts);
    s.library = std::make_unique<Library>(*s.fonts, s.cfg);

    if (auto input = args.get("input")) {
        if (args.has("item")) return make_error("--input and --item cannot be used together");
        auto doc = load_local_file(*input, args.get("selector").value_or(""), args.get("base-url").value_or(""));
        if (!doc) return doc.error();
        config::PlaylistItem item;
        item.id = fs::path(*input).stem().string();
        item.source = "file:" + *input;
        s.library->add(item, std::move(*doc));
        return s;
    }
    // Web content comes from the running kiosk's cache (these commands touch no network).
    s.cache = std::make_unique<store::Cache>(s.cfg.paths.cache);
    s.library->set_cache(s.cache.get());
    Result<config::Playlist> playlist = make_error("");
    if (s.cfg.playlist_is_url()) {
        auto cached = s.cache->get(kPlaylistJob);
        if (!cached || cached->meta.url != s.cfg.playlist)
            return make_error(s.cfg.playlist + ": the published playlist has no cached copy yet (the running kiosk fetches it)");
        playlist = config::parse_playlist(cached->document_json, s.cfg.playlist, s.cfg, false);
        if (playlist) playlist->file = s.cfg.playlist;
    } else {
        playlist = config::load_playlist(s.cfg.playlist, s.cfg);
    }
    if (!playlist) return playlist.error();
    s.playlist = *playlist;
    const std::string only = args.get("item").value_or("");
    for (const auto& e : s.library->sync(*playlist, only)) log::error("content", e + "; skipped");
    if (!only.empty() && s.library->items().empty())
        return make_error("--item: no item \"" + only + "\" in " + playlist->file.string());
    return s;
}

Status check_size_option(const Args& args) {
    if (auto size = args.get("size")) {
        auto parsed = parse_size("--size", *size);
        if (!parsed) return parsed.error();
    }
    return Ok{};
}

Result<Size> page_size(const Args& args, const config::KioskConfig& cfg) {
    if (auto size = args.get("size")) return parse_size("--size", *size);
    return Size{cfg.width, cfg.height};
}

Result<std::time_t> time_option(const Args& args, const char* name, const config::KioskConfig& cfg) {
    if (auto t = args.get(name)) {
        return parse_time("--" + std::string(name), *t, cfg.time_zone);
    }
    return std::time(nullptr);
}

// Everything layout and render share: the session, the page size, the clock, every item's
// pages with chrome. Returns 0, or the exit status after printing why.
struct Prepared {
    Session session;
    Size size;
    std::vector<text::ItemPages> pages;  // items with something to show
};
int prepare_pages(const Args& args, Prepared& out) {
    if (auto st = check_size_option(args); !st) return fail(st.error().message, kUsageError);
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    out.session = std::move(*session);
    out.size = *page_size(args, out.session.cfg);
    auto now = time_option(args, "now", out.session.cfg);
    if (!now) return fail(now.error().message, kUsageError);
    out.session.library->lay_out(out.size.width, out.size.height);
    for (auto& ip : out.session.library->all_pages(*now))
        if (!ip.pages.empty()) out.pages.push_back(std::move(ip));
    if (out.pages.empty()) return fail("no item has anything to show");
    return 0;
}

int cmd_layout(const Args& args) {
    log::set_threshold(log::Level::warning);
    Prepared p;
    if (int status = prepare_pages(args, p)) return status;
    std::cout << text::layout_json(p.size.width, p.size.height, p.session.cfg.rotation, p.pages)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
    return std::cout.good() ? 0 : kFailure;
}

int cmd_render(const Args& args) {
    auto out = args.get("out");
    if (!out) return fail("render: --out DIR is required (see `kiosk render --help`)", kUsageError);
    int max_pages = 0;
    if (auto pages = args.get("pages")) {
        auto n = parse_positive("--pages", *pages);
        if (!n) return fail(n.error().message, kUsageError);
        max_pages = *n;
    }
    Prepared p;
    if (int status = prepare_pages(args, p)) return status;
    for (const auto& ip : p.pages) {
        auto files = render::render_pages_to_png(*p.session.fonts, p.session.cfg.theme, p.session.library->geometry(),
                                                 ip.pages, render::PngRequest{*out, ip.id, max_pages, &p.session.library->pictures()});
        if (!files) return fail(files.error().message);
        for (const auto& f : *files) std::cout << f.string() << '\n';
    }
    return 0;
}

int cmd_extract(const Args& args) {
    log::set_threshold(log::Level::warning);
    if (args.positional.empty()) return fail("extract: give a FILE or URL (see `kiosk extract --help`)", kUsageError);
    const std::string& source = args.positional[0];
    const std::string selector = args.get("selector").value_or("");
    const std::string base_url = args.get("base-url").value_or("");
    Result<content::Document> doc = make_error("");
    if (args.has("column")) {
        const std::string n = args.get("column").value_or("");
        if (n.empty() || n.size() > 2 || !std::all_of(n.begin(), n.end(), ::isdigit) || std::stoi(n) < 1)
            return fail("extract: --column takes a number of articles, 1 to 99", kUsageError);
        std::string body, base = base_url, charset;
        if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0) {
            auto cfg = load_config(args);
            if (!cfg) return fail(cfg.error().message);
            net::FetchResult r = net::fetch({source, "", ""}, fetch_policy_for(*cfg));
            if (r.outcome != net::FetchOutcome::ok) return fail(source + ": " + r.error);
            body = std::move(r.body);
            if (base.empty()) base = r.final_url;
            if (auto cs = r.content_type.find("charset="); cs != std::string::npos) charset = r.content_type.substr(cs + 8);
        } else {
            auto bytes = files::read_regular_file(source, kMaxLocalFile);
            if (!bytes) return fail(bytes.error().message);
            body = std::move(*bytes);
        }
        auto entries = content::read_column(body, content::ColumnOptions{base, charset});
        if (!entries) return fail(source + ": " + entries.error().message);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : content::newest_entries(std::move(*entries), static_cast<size_t>(std::stoi(n))))
            out.push_back({{"url", e.url}, {"title", e.title}, {"date", e.date}, {"doc_id", e.doc_id}});
        std::cout << nlohmann::json{{"format", "kiosk-column/1"}, {"source", source}, {"newest", out}}.dump(
                         2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << '\n';
        return 0;
    }
    if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0) {
        // Fetched as the kiosk would: the config's allowlist, CA bundle and proxy apply.
        auto cfg = load_config(args);
        if (!cfg) return fail(cfg.error().message);
        net::FetchResult r = net::fetch({source, "", ""}, fetch_policy_for(*cfg));
        if (r.outcome != net::FetchOutcome::ok) return fail(source + ": " + r.error);
        std::string why;
        auto fetched = document_from_body(r.body, r.content_type, selector, &why, base_url.empty() ? r.final_url : base_url);
        if (!fetched) return fail(source + ": " + why);
        doc = std::move(*fetched);
    } else {
        doc = load_local_file(source, selector, base_url);
    }
    if (!doc) return fail(doc.error().message);
    std::cout << content::to_json(*doc).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return 0;
}

int cmd_check(const Args& args) {
    auto path = config::find_config(args.get("config"));
    if (!path) return fail(path.error().message);
    auto cfg = config::load_kiosk_config(*path);
    if (!cfg) {
        std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
        return kFailure;
    }
    if (cfg->playlist_is_url()) {
        std::printf("%s\n", format(KIOSK_TR("{}: OK; the playlist {} is checked when the kiosk fetches it"),
                                   {path->string(), cfg->playlist}).c_str());
        return 0;
    }
    auto pl = config::load_playlist(cfg->playlist, *cfg);
    if (!pl) {
        std::fprintf(stderr, "%s\n", pl.error().message.c_str());
        return kFailure;
    }
    // What would leave an item with nothing to show: a file: source that is not there.
    if (const auto missing = config::check_local_sources(*pl); !missing.empty()) {
        for (const auto& e : missing) std::fprintf(stderr, "%s\n", e.c_str());
        return kFailure;
    }
    std::printf("%s\n", format(KIOSK_TR("{}: OK"), {path->string()}).c_str());
    std::printf("%s\n", format(KIOSK_TR("{}: OK, {} items"), {pl->file.string(), std::to_string(pl->items.size())}).c_str());
    return 0;
}

std::string short_time(std::time_t t, const std::string& zone) {
    return format_iso_local(t, zone).substr(5, 14);  // "11-27 09:30:00"
}

int cmd_plan(const Args& args) {
    log::set_threshold(log::Level::warning);
    int hours = 24;
    if (auto h = args.get("hours")) {
        auto n = parse_positive("--hours", *h);
        if (!n || *n > 24 * 31) return fail("--hours: \"" + *h + "\" is not a whole number from 1 to 744", kUsageError);
        hours = *n;
    }
    if (auto st = check_size_option(args); !st) return fail(st.error().message, kUsageError);
    // One session: the configuration read once, and the playlist it loaded (a published
    // one from the running kiosk's cache, not its URL read as a file).
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    auto from = time_option(args, "from", session->cfg);
    if (!from) return fail(from.error().message, kUsageError);
    const config::Playlist* playlist = &session->playlist;
    auto size = page_size(args, session->cfg);
    Library& library = *session->library;
    library.lay_out(size->width, size->height);
    const auto content = library.content_state();
    auto settings = scheduler_settings(session->cfg);
    // The times are the operator's own question, not a clock that may have been reset: the
    // schedules apply whenever they are (a plan for a day before this build's date was
    // otherwise read as an untrusted clock and showed every item unscheduled).
    settings.trusted_after = 0;
    const std::string& zone = session->cfg.time_zone;

    std::printf("%s\n", format(KIOSK_TR("plan from {} for {} hours ({}), pages of {}x{}"),
                               {format_iso_local(*from, zone), std::to_string(hours), zone,
                                std::to_string(size->width), std::to_string(size->height)})
                            .c_str());
    for (const auto& item : library.items())
        if (item.pages.empty())
            std::printf("%s\n", format(KIOSK_TR("  {}: nothing to show ({}); skipped"), {item.item.id, item.error}).c_str());

    // Simulate the scheduler and collect runs of one item's consecutive pages as rows.
    struct Row {
        std::string what;
        std::time_t start = 0, end = 0;
    };
    std::vector<Row> rows;
    schedule::History history;
    double t = static_cast<double>(*from);
    const double end = t + hours * 3600.0;
    std::string run_item;
    int run_first = 0, run_last = 0;
    bool run_interrupt = false, in_run = false;
    std::time_t run_start = 0;
    auto describe = [&](const std::string& id, int first, int last, bool interrupt) {
        if (id.empty()) return std::string(KIOSK_TR("standing page (nothing scheduled)"));
        const LibraryItem* item = library.find(id);
        const int of = item ? static_cast<int>(item->pages.size()) : 0;
        std::string pages = first == last ? std::to_string(first + 1) : std::to_string(first + 1) + "-" + std::to_string(last + 1);
        const char* pattern = first == last
                                  ? (interrupt ? KIOSK_TR("{}  page {} of {}  (notice, out of turn)") : KIOSK_TR("{}  page {} of {}"))
                                  : (interrupt ? KIOSK_TR("{}  pages {} of {}  (notice, out of turn)") : KIOSK_TR("{}  pages {} of {}"));
        return format(pattern, {id, pages, std::to_string(of)});
    };
    auto flush = [&](std::time_t at) {
        if (in_run) rows.push_back(Row{describe(run_item, run_first, run_last, run_interrupt), run_start, at});
        in_run = false;
    };
    for (int steps = 0; t < end && steps < 1000000; ++steps) {
        const auto now_t = static_cast<std::time_t>(t);
        const auto now = schedule::make_now(now_t, utc_offset(now_t, zone));
        const auto d = schedule::decide(*playlist, content, now, history, settings);
        history = schedule::record(std::move(history), d, now);
        const bool continues = in_run && run_item == d.slot.item_id && run_interrupt == d.slot.interrupt &&
                               (d.slot.standing() || d.slot.page == run_last + 1);
        if (!continues) {
            flush(now_t);
            in_run = true;
            run_start = now_t;
            run_item = d.slot.item_id;
            run_interrupt = d.slot.interrupt;
            run_first = d.slot.page;
        }
        run_last = d.slot.page;
        t += d.seconds;
    }
    flush(static_cast<std::time_t>(t));

    // Fold a cycle of up to four rows repeated back to back into one line with a count.
    std::printf("%-14s  %-14s  %s\n", KIOSK_TR("start"), KIOSK_TR("end"), KIOSK_TR("what plays"));
    for (size_t i = 0; i < rows.size();) {
        size_t best_len = 1, best_times = 1;
        for (size_t len = 1; len <= 4 && i + len <= rows.size(); ++len) {
            size_t times = 1;
            while (i + (times + 1) * len <= rows.size()) {
                bool same = true;
                for (size_t k = 0; k < len && same; ++k) same = rows[i + k].what == rows[i + times * len + k].what;
                if (!same) break;
                ++times;
            }
            if (times >= 2 && times * len > best_times * best_len) {
                best_len = len;
                best_times = times;
            }
        }
        std::string what = rows[i].what;
        for (size_t k = 1; k < best_len; ++k) what += KIOSK_TR(", then ") + rows[i + k].what;
        if (best_times > 1) what += "  " + format(KIOSK_TR("x{} in a row"), {std::to_string(best_times)});
        const size_t last = i + best_len * best_times - 1;
        std::printf("%s  %s  %s\n", short_time(rows[i].start, zone).c_str(), short_time(rows[last].end, zone).c_str(),
                    what.c_str());
        i = last + 1;
    }
    return 0;
}

// The running kiosk's runtime folder: the configuration's; when kiosk.json is broken (the
// kiosk runs on its last good copy), its error is printed and the service's folder is used.
fs::path runtime_folder(const Args& args) {
    auto cfg = load_config(args);
    if (cfg) return cfg->paths.runtime;
    std::fprintf(stderr, "kiosk: %s\n", utf8::printable(cfg.error().message).c_str());
    fs::path runtime = config::default_config().paths.runtime;
    std::error_code ec;
    if (!fs::exists(runtime / "kiosk.lock", ec) && fs::exists("/run/kiosk/kiosk.lock", ec)) runtime = "/run/kiosk";
    return runtime;
}

int cmd_status(const Args& args) {
    const fs::path runtime = runtime_folder(args);
    const fs::path file = runtime / "status.json";
    const Liveness alive = kiosk_liveness(runtime);
    auto bytes = files::read_regular_file(file, 4u << 20);
    if (!bytes) {
        if (!alive.running) return fail(format(KIOSK_TR("{}: no status: the kiosk is not running"), {file.string()}));
        return fail(format(KIOSK_TR("{}: no status yet (the kiosk, pid {}, is starting)"), {file.string(), std::to_string(alive.pid)}));
    }
    nlohmann::json status = nlohmann::json::parse(*bytes, nullptr, false);
    if (status.is_discarded() || !status.is_object()) return fail(file.string() + ": unreadable");
    status["running"] = alive.running;  // the file outlives the process: the lock tells
    if (args.has("json")) {
        std::cout << status.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return alive.running ? 0 : kFailure;
    }
    if (!alive.running)
        std::cout << format(KIOSK_TR("the kiosk is NOT running (pid {} has ended); its last status follows"),
                            {std::to_string(status.value("pid", 0L))})
                  << "\n";
    std::string text;
    try {
        text = describe_status(status);
    } catch (const nlohmann::json::exception&) {
        return fail(file.string() + ": unreadable");
    }
    // Ids and errors come from playlists and pages: nothing in them may drive the terminal.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) std::cout << utf8::printable(line) << '\n';
    return alive.running ? 0 : kFailure;
}

int send(const Args& args, const std::string& command) {
    auto reply = send_control(runtime_folder(args) / "control.sock", command);
    if (!reply) return fail(reply.error().message);
    if (reply->rfind("ok", 0) != 0) {
        std::string why = *reply;
        while (!why.empty() && why.back() == '\n') why.pop_back();
        return fail(utf8::printable(why));
    }
    std::printf("%s\n", KIOSK_TR("requested; it takes effect at the next page"));
    return 0;
}

int cmd_refresh(const Args& args) {
    return send(args, args.positional.empty() ? "refresh" : "refresh " + args.positional[0]);
}
int cmd_reload(const Args& args) { return send(args, "reload"); }

int cmd_run(const Args& args) {
    RunOptions options;
    options.config = args.get("config");
    if (auto windowed = args.get("windowed")) {
        options.screen.windowed = true;
        if (!windowed->empty()) {
            auto size = parse_size("--windowed", *windowed);
            if (!size) return fail(size.error().message, kUsageError);
            options.screen.window_width = size->width;
            options.screen.window_height = size->height;
        }
    }
    if (auto r = args.get("rotate")) {
        if (*r != "0" && *r != "90" && *r != "180" && *r != "270")
            return fail("--rotate: \"" + *r + "\" is not one of 0, 90, 180, 270", kUsageError);
        options.rotate = std::stoi(*r);
    }
    return run_kiosk(options);
}

}  // namespace

void print_usage() {
    std::fputs(
        "usage: kiosk COMMAND [options]\n\n"
        "  run      show the playlist on the hall screen\n"
        "  render   write pages as PNG files (no display needed)\n"
        "  layout   print the layout as kiosk-layout/1 JSON\n"
        "  extract  print the Document of a page or text file\n"
        "  check    validate kiosk.json and the playlist\n"
        "  plan     print what will play when\n"
        "  status   what the running kiosk is showing\n"
        "  refresh  make the running kiosk reload content now\n"
        "  reload   make the running kiosk re-read its configuration\n\n"
        "`kiosk COMMAND --help` describes each command. kiosk " KIOSK_VERSION "\n",
        stdout);
}

int run_command(const std::string& command, const std::vector<std::string>& argv) {
    struct Command {
        const char* name;
        const char* help;
        std::vector<OptionSpec> options;
        size_t positional;
        int (*fn)(const Args&);
    };
    const OptionSpec config{"config", true, false};
    static const std::vector<Command> commands = {
        {"run", kRunHelp, {config, {"windowed", true, true}, {"rotate", true, false}}, 0, cmd_run},
        {"render", kRenderHelp,
         {{"out", true, false}, config, {"item", true, false}, {"input", true, false}, {"selector", true, false}, {"base-url", true, false}, {"size", true, false},
          {"pages", true, false}, {"now", true, false}},
         0, cmd_render},
        {"layout", kLayoutHelp,
         {config, {"item", true, false}, {"input", true, false}, {"selector", true, false}, {"base-url", true, false}, {"size", true, false}, {"now", true, false}}, 0,
         cmd_layout},
        {"extract", kExtractHelp, {{"selector", true, false}, {"base-url", true, false}, {"column", true, false}, config}, 1, cmd_extract},
        {"check", kCheckHelp, {config}, 0, cmd_check},
        {"plan", kPlanHelp, {config, {"from", true, false}, {"hours", true, false}, {"size", true, false}}, 0, cmd_plan},
        {"status", kStatusHelp, {config, {"json", false, false}}, 0, cmd_status},
        {"refresh", kRefreshHelp, {config}, 1, cmd_refresh},
        {"reload", kReloadHelp, {config}, 0, cmd_reload},
    };
    for (const Command& c : commands) {
        if (command != c.name) continue;
        if (wants_help(argv)) {
            std::fputs(c.help, stdout);
            return 0;
        }
        auto args = parse_args(command, argv, c.options, c.positional);
        if (!args) return fail(args.error().message, kUsageError);
        return c.fn(*args);
    }
    std::fprintf(stderr, "kiosk: unknown command \"%s\"\n\n", command.c_str());
    print_usage();
    return kUsageError;
}

}  // namespace kiosk::app
