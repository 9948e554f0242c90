#include "app/commands.hpp"

#include "app/fetch_worker.hpp"

#include <cstdio>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "base/zone_time.hpp"
#include "app/compare_source.hpp"
#include "app/content_source.hpp"
#include "app/control.hpp"
#include "app/compare_command.hpp"
#include "app/fleet_commands.hpp"
#include "app/opening_commands.hpp"
#include "store/instance.hpp"
#include "app/runner.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "base/log.hpp"
#include "health/status.hpp"
#include "render/png_writer.hpp"
#include "schedule/ticker.hpp"
#include "text/ticker.hpp"
#include "app/hall_power.hpp"
#include "schedule/plan.hpp"
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
Exit status: 0 after SIGTERM; 75 after the office's remote restart (`kiosk fleet
restart`), for systemd to start it again; 1 or 2 when it cannot start.

  --config F        kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --windowed[=WxH]  a window instead of fullscreen (default 1280x720 of panel pixels)
  --rotate R        0, 90, 180 or 270: degrees clockwise the upright page is turned onto
                    the panel (default: the config's screen.rotation)
)";

const char* const kRenderHelp = R"(usage: kiosk render --out DIR [--config F] [--item ID] [--input FILE]
                    [--size WxH] [--pages N] [--now TIME] [--fetch] [--count]

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
  --now TIME     the time shown on the clock, ISO 8601 (e.g. 2026-11-27T09:30). At a
                 time the hall is closed (kiosk.json "opening", the calendar) the panel
                 sleeps: with "power" backend none one black page, DIR/asleep-001.png, is
                 written; with a backend that switches the panel off, no file, and a line
                 saying the panel is off, why, and when it wakes
  --fetch        fetch web items now, as the screen does (the allowlist, the page's own
                 address for its links, its pictures), instead of taking the cached copy
  --count        also print "ITEM: N pages" for each item, N counting every page of it
                 (the N of the page numbers 第 x/N 页, even when --pages drew fewer)
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

Validates kiosk.json, its playlist and its calendar (opening.calendar). Every error is printed as
FILE:LINE:COL: PATH: what was found and what was expected. Exit status 1 on any error.
)";

const char* const kPlanHelp = R"(usage: kiosk plan [--config F] [--from TIME] [--hours N] [--size WxH]

Prints the timeline the scheduler will follow: which item, which pages, from when to when,
and when the panel sleeps and wakes by the hall's opening hours and calendar (nothing plays
while it sleeps).

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

// The session of layout, render and plan: the configuration, fonts, and the items to show
// (--input, --item, or the playlist's enabled items).
Result<Session> open_session(const Args& args) {
    const auto input = args.get("input");
    if (input && args.has("item")) return make_error("--input and --item cannot be used together");
    auto session = Session::open(args.get("config"), SessionParts{true, !input, args.get("item").value_or("")});
    if (!session || !input) return session;
    auto doc = load_local_file(*input, args.get("selector").value_or(""), args.get("base-url").value_or(""));
    if (!doc) return doc.error();
    config::PlaylistItem item;
    item.id = fs::path(*input).stem().string();
    item.source = "file:" + *input;
    session->library().add(item, std::move(*doc));
    return session;
}

// The configuration alone (extract, check, and the runtime folder of status and refresh).
Result<config::ConfigSnapshot> load_config(const Args& args) {
    auto session = Session::open(args.get("config"), SessionParts{false, false, ""});
    if (!session) return session.error();
    return session->config();
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
        return zone_time::parse_time("--" + std::string(name), *t, cfg.time_zone);
    }
    return std::time(nullptr);
}

// Everything layout and render share: the session, the page size, the clock, every item's
// pages with chrome. Returns 0, or the exit status after printing why.
struct Prepared {
    Session session;  // set by prepare_pages
    Size size;
    std::vector<text::ItemPages> pages;  // items with something to show
    // The ticker band at --now (its notices in force then): the pages are laid out beside it.
    std::optional<text::TickerStrip> ticker;
    text::TickerGeometry ticker_geometry;
};
// --fetch: each web item of the session's playlist fetched now and made into its Document
// exactly as a screen's fetch worker makes it (document_from_fetch), pictures included.
Status fetch_web_items(Session& session, const std::string& only) {
    const net::FetchPolicy policy = fetch_policy_for(*session.config());
    for (const auto& item : session.playlist().items) {
        if (!is_fetched(item) || (!only.empty() && item.id != only)) continue;
        const FetchJob job = web_job(item, &session.playlist());
        if (job.compare) {  // a 新旧对照: both texts fetched and compared, as the worker does
            ComparisonFetch compared = fetch_comparison(job, policy, session.cache());
            // Neither text changed since the cached comparison: the library has it already.
            if (compared.result.outcome == net::FetchOutcome::not_modified) continue;
            if (!compared.doc) return make_error(item.id + ": " + compared.result.error);
            session.library().set_document(item.id, *compared.doc);
            session.library().set_freshness(item.id, std::time(nullptr), false);
            continue;
        }
        net::FetchResult fetched = net::fetch({job.url, "", ""}, policy);
        if (fetched.outcome != net::FetchOutcome::ok) return make_error(item.source + ": " + fetched.error);
        auto doc = document_from_fetch(job, fetched, policy, session.cache(), &session.library().pictures());
        if (!doc) return make_error(item.source + ": " + doc.error().message);
        session.library().set_document(item.id, doc->doc);
        session.library().set_freshness(item.id, std::time(nullptr), false);
    }
    return Ok{};
}

int prepare_pages(const Args& args, Prepared& out) {
    if (auto st = check_size_option(args); !st) return fail(st.error().message, kUsageError);
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    if (args.has("fetch"))
        if (auto st = fetch_web_items(*session, args.get("item").value_or("")); !st) return fail(st.error().message);
    out.session = std::move(*session);
    out.size = *page_size(args, *out.session.config());
    auto now = time_option(args, "now", *out.session.config());
    if (!now) return fail(now.error().message, kUsageError);
    Library& library = out.session.library();
    library.lay_out(out.size.width, out.size.height);
    // The ticker notices in force at --now (never pages): the band, and the pages beside it.
    const config::KioskConfig& cfg = *out.session.config();
    std::vector<text::TickerText> texts;
    for (const auto& e : schedule::ticker_items(out.session.playlist(), schedule::make_now(*now, zone_time::offset_at(*now, cfg.time_zone))))
        if (const LibraryItem* item = library.find(e.id)) {
            text::TickerText t{item->title, item->item.text, e.level};
            if (t.text.empty() && item->shaped)
                for (const auto& b : item->shaped->blocks)
                    if (!b.block.text.empty() && b.block.text != item->title) t.text += (t.text.empty() ? "" : " ") + b.block.text;
            texts.push_back(std::move(t));
        }
    if (!texts.empty()) {
        library.set_ticker_band(cfg.ticker);
        library.lay_out(out.size.width, out.size.height);
        out.ticker_geometry = *library.ticker_geometry();
        out.ticker = text::ticker_strip(out.session.fonts(), texts, out.ticker_geometry.band_height, cfg.ticker.chars_per_second);
    }
    for (auto& ip : library.all_pages(*now)) {
        // A ticker notice is never a page of its own.
        if (const LibraryItem* item = library.find(ip.id); item && schedule::is_ticker_item(item->item)) continue;
        if (!ip.pages.empty()) out.pages.push_back(std::move(ip));
    }
    if (out.pages.empty()) return fail("no item has anything to show");
    return 0;
}

int cmd_layout(const Args& args) {
    log::set_threshold(log::Level::warning);
    Prepared p;
    if (int status = prepare_pages(args, p)) return status;
    std::cout << text::layout_json(p.size.width, p.size.height, p.session.config()->rotation, p.pages)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
    return std::cout.good() ? 0 : kFailure;
}

// `kiosk render --now` at a time the hall is closed: what the panel shows then. -1: it is on.
int render_asleep(const Args& args, const std::string& out) {
    if (!args.has("now") || args.has("input")) return -1;
    auto cfg = load_config(args);
    if (!cfg) return fail(cfg.error().message);
    auto now = time_option(args, "now", **cfg);
    if (!now) return fail(now.error().message, kUsageError);
    const PowerPlan plan = power_plan(**cfg);
    if (!plan.calendar.error.empty()) std::fprintf(stderr, "kiosk: %s\n", plan.calendar.error.c_str());
    const schedule::PowerState state = plan.at(*now);
    if (state.on) return -1;
    const std::string why = state.reason + (state.day_name.empty() ? "" : ", " + state.day_name) +
                            (state.until ? "; it wakes at " + zone_time::format_iso_local(state.until, (*cfg)->time_zone)
                                         : "; no opening within 400 days");
    if ((*cfg)->power.backend != config::PowerBackendKind::none) {
        std::cout << "the panel is off at this time (" << why << "): nothing to render\n";
        return 0;
    }
    auto size = page_size(args, **cfg);
    if (!size) return fail(size.error().message, kUsageError);
    const fs::path file = fs::path(out) / "asleep-001.png";
    std::error_code ec;
    fs::create_directories(out, ec);
    const std::vector<uint32_t> black(static_cast<std::size_t>(size->width) * static_cast<std::size_t>(size->height), 0xFF000000u);
    if (auto st = render::write_png(file, size->width, size->height, black.data(), size->width * 4); !st) return fail(st.error().message);
    std::cout << file.string() << '\n';
    std::fprintf(stderr, "kiosk: the hall is closed at this time (%s): the panel shows the black page\n", why.c_str());
    return 0;
}

int cmd_render(const Args& args) {
    auto out = args.get("out");
    if (!out) return fail("render: --out DIR is required (see `kiosk render --help`)", kUsageError);
    if (auto st = check_size_option(args); !st) return fail(st.error().message, kUsageError);
    if (const int asleep = render_asleep(args, *out); asleep >= 0) return asleep;
    int max_pages = 0;
    if (auto pages = args.get("pages")) {
        auto n = parse_positive("--pages", *pages);
        if (!n) return fail(n.error().message, kUsageError);
        max_pages = *n;
    }
    Prepared p;
    if (int status = prepare_pages(args, p)) return status;
    for (const auto& ip : p.pages) {
        auto files = render::render_pages_to_png(p.session.fonts(), p.session.config()->theme, p.session.library().geometry(),
                                                 ip.pages, render::PngRequest{*out, ip.id, max_pages, &p.session.library().pictures(),
                                                                               p.ticker ? &*p.ticker : nullptr, p.ticker_geometry,
                                                                               // as it stands: the first item near the band's left edge
                                                                               p.ticker ? p.ticker_geometry.band.width - p.ticker->font_px : 0});
        if (!files) return fail(files.error().message);
        for (const auto& f : *files) std::cout << f.string() << '\n';
        if (args.has("count")) std::cout << ip.id << ": " << ip.pages.size() << " pages\n";
    }
    return 0;
}

// The bytes of `source` as the kiosk reads them: a portal address fetched with the
// configuration's allowlist, CA bundle and proxy, or a local file.
struct SourceBytes {
    std::string body, content_type, url;  // url: after redirects
};
Result<SourceBytes> read_source(const Args& args, const std::string& source) {
    if (url::is_web_address(source)) {
        auto cfg = load_config(args);
        if (!cfg) return cfg.error();
        net::FetchResult r = net::fetch({source, "", ""}, fetch_policy_for(**cfg));
        if (r.outcome != net::FetchOutcome::ok) return make_error(source + ": " + r.error);
        return SourceBytes{std::move(r.body), r.content_type, r.final_url};
    }
    auto bytes = files::read_regular_file(source, kMaxLocalFile);
    if (!bytes) return bytes.error();
    return SourceBytes{std::move(*bytes), "", ""};
}

int cmd_extract(const Args& args) {
    log::set_threshold(log::Level::warning);
    if (args.positional.empty()) return fail("extract: give a FILE or URL (see `kiosk extract --help`)", kUsageError);
    const std::string& source = args.positional[0];
    const std::string selector = args.get("selector").value_or("");
    const std::string base_url = args.get("base-url").value_or("");
    if (args.has("column")) {
        const std::string n = args.get("column").value_or("");
        if (n.empty() || n.size() > 2 || !std::all_of(n.begin(), n.end(), ::isdigit) || std::stoi(n) < 1)
            return fail("extract: --column takes a number of articles, 1 to 99", kUsageError);
        auto bytes = read_source(args, source);
        if (!bytes) return fail(bytes.error().message);
        auto entries = content::read_column(
            bytes->body, content::ColumnOptions{base_url.empty() ? bytes->url : base_url, url::charset_param(bytes->content_type)});
        if (!entries) return fail(source + ": " + entries.error().message);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : content::newest_entries(std::move(*entries), static_cast<size_t>(std::stoi(n))))
            out.push_back({{"url", e.url}, {"title", e.title}, {"date", e.date}, {"doc_id", e.doc_id}});
        std::cout << nlohmann::json{{"format", "kiosk-column/1"}, {"source", source}, {"newest", out}}.dump(
                         2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << '\n';
        return 0;
    }
    Result<content::Document> doc = make_error("");
    if (url::is_web_address(source)) {
        auto bytes = read_source(args, source);
        if (!bytes) return fail(bytes.error().message);
        auto in = ingest_fetched(bytes->body, bytes->content_type, selector, base_url.empty() ? bytes->url : base_url);
        if (!in) return fail(source + ": " + in.error().message);
        doc = std::move(in->doc);
    } else {
        doc = load_local_file(source, selector, base_url);
    }
    if (!doc) return fail(doc.error().message);
    std::cout << content::to_json(*doc).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return 0;
}

int cmd_check(const Args& args) {
    // The configuration alone first: its errors are printed as they are.
    auto session = Session::open(args.get("config"), SessionParts{false, false, ""});
    if (!session) {
        std::fprintf(stderr, "%s\n", session.error().message.c_str());
        return kFailure;
    }
    const config::KioskConfig& cfg = *session->config();
    // The hall's calendar (opening.calendar): its errors, or a warning for an example.
    const bool calendar_ok = check_opening_calendar(cfg);
    const PlaylistSource& source = session->playlist_source();
    if (source.kind() == PlaylistSource::Kind::published) {
        std::printf("%s\n", format(KIOSK_TR("{}: OK; the playlist {} is checked when the kiosk fetches it"),
                                   {cfg.file.string(), source.where()}).c_str());
        return calendar_ok ? 0 : kFailure;
    }
    auto copy = source.read(cfg, session->cache());
    if (!copy) {
        std::fprintf(stderr, "%s\n", copy.error().message.c_str());
        return kFailure;
    }
    // What would leave an item with nothing to show: a file: source that is not there.
    if (const auto missing = config::check_local_sources(copy->playlist); !missing.empty()) {
        for (const auto& e : missing) std::fprintf(stderr, "%s\n", e.c_str());
        return kFailure;
    }
    if (!calendar_ok) return kFailure;
    std::printf("%s\n", format(KIOSK_TR("{}: OK"), {cfg.file.string()}).c_str());
    std::printf("%s\n", format(KIOSK_TR("{}: OK, {} items"), {copy->playlist.file.string(), std::to_string(copy->playlist.items.size())}).c_str());
    return 0;
}

std::string short_time(std::time_t t, const std::string& zone) {
    return zone_time::format_iso_local(t, zone).substr(5, 14);  // "11-27 09:30:00"
}

std::string describe_run(const schedule::PlanRun& run) {
    if (run.standing()) return KIOSK_TR("standing page (nothing scheduled)");
    const bool one = run.first_page == run.last_page;
    const std::string pages = one ? std::to_string(run.first_page + 1) : std::to_string(run.first_page + 1) + "-" + std::to_string(run.last_page + 1);
    const char* pattern = one ? (run.interrupt ? KIOSK_TR("{}  page {} of {}  (notice, out of turn)") : KIOSK_TR("{}  page {} of {}"))
                              : (run.interrupt ? KIOSK_TR("{}  pages {} of {}  (notice, out of turn)") : KIOSK_TR("{}  pages {} of {}"));
    return format(pattern, {run.item_id, pages, std::to_string(run.of)});
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
    const config::KioskConfig& cfg = *session->config();
    auto from = time_option(args, "from", cfg);
    if (!from) return fail(from.error().message, kUsageError);
    auto size = page_size(args, cfg);
    Library& library = session->library();
    library.lay_out(size->width, size->height);
    auto settings = scheduler_settings(cfg);
    // The times are the operator's own question, not a clock that may have been reset: the
    // schedules apply whenever they are (a plan for a day before this build's date was
    // otherwise read as an untrusted clock and showed every item unscheduled).
    settings.trusted_after = 0;
    const std::string& zone = cfg.time_zone;

    std::printf("%s\n", format(KIOSK_TR("plan from {} for {} hours ({}), pages of {}x{}"),
                               {zone_time::format_iso_local(*from, zone), std::to_string(hours), zone,
                                std::to_string(size->width), std::to_string(size->height)})
                            .c_str());
    for (const auto& item : library.items())
        if (item.pages.empty())
            std::printf("%s\n", format(KIOSK_TR("  {}: nothing to show ({}); skipped"), {item.item.id, item.error}).c_str());
    // Plays only while the panel is on; its on/off times (holidays included) among them.
    const auto offset = [&](std::time_t t) { return zone_time::offset_at(t, zone); };
    const std::optional<config::HallCalendar> calendar = plan_calendar(cfg);
    const config::HallCalendar* cal = calendar ? &*calendar : nullptr;
    const std::time_t end = *from + static_cast<std::time_t>(hours) * 3600;
    const schedule::HallPlan plan = schedule::simulate_hall(session->playlist(), library.content_state(), *from, hours * 3600.0,
                                                            settings, offset, cfg.opening, cal);
    std::vector<PlanRow> rows = power_rows(plan, cfg.opening, cal, *from, end, zone);
    for (const schedule::AwakeSpan& span : plan.awake) {
        for (const schedule::PlanLine& line : schedule::fold(span.runs)) {
            std::string what = describe_run(line.cycle.front());
            for (size_t k = 1; k < line.cycle.size(); ++k) what += KIOSK_TR(", then ") + describe_run(line.cycle[k]);
            if (line.times > 1) what += "  " + format(KIOSK_TR("x{} in a row"), {std::to_string(line.times)});
            rows.push_back(PlanRow{line.start, 1, short_time(line.start, zone), short_time(line.end, zone), what});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const PlanRow& a, const PlanRow& b) {
        return a.at != b.at ? a.at < b.at : a.rank < b.rank;
    });
    std::printf("%-14s  %-14s  %s\n", KIOSK_TR("start"), KIOSK_TR("end"), KIOSK_TR("what plays"));
    for (const PlanRow& row : rows) std::printf("%-14s  %-14s  %s\n", row.start.c_str(), row.end.c_str(), row.what.c_str());
    return 0;
}

// The running kiosk's runtime folder: the configuration's; when kiosk.json is broken (the
// kiosk runs on its last good copy), its error is printed and the service's folder is used.
fs::path runtime_folder(const Args& args) {
    auto cfg = load_config(args);
    if (cfg) return (*cfg)->paths.runtime;
    std::fprintf(stderr, "kiosk: %s\n", utf8::printable(cfg.error().message).c_str());
    fs::path runtime = config::default_config().paths.runtime;
    std::error_code ec;
    if (!fs::exists(runtime / "kiosk.lock", ec) && fs::exists("/run/kiosk/kiosk.lock", ec)) runtime = "/run/kiosk";
    return runtime;
}

int cmd_status(const Args& args) {
    const fs::path runtime = runtime_folder(args);
    const fs::path file = runtime / "status.json";
    const store::Liveness alive = store::kiosk_liveness(runtime);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        if (!alive.running) return fail(format(KIOSK_TR("{}: no status: the kiosk is not running"), {file.string()}));
        return fail(format(KIOSK_TR("{}: no status yet (the kiosk, pid {}, is starting)"), {file.string(), std::to_string(alive.pid)}));
    }
    auto read = status::read_status(file);
    if (!read) return fail(read.error().message);
    nlohmann::json status = std::move(*read);
    status["running"] = alive.running;  // the file outlives the process: the lock tells
    if (args.has("json")) {
        std::cout << status.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return alive.running ? 0 : kFailure;
    }
    auto report = status::from_json(status);
    if (!report) return fail(file.string() + ": " + report.error().message);
    if (!alive.running)
        std::cout << format(KIOSK_TR("the kiosk is NOT running (pid {} has ended); its last status follows"),
                            {std::to_string(report->pid)})
                  << "\n";
    const std::string text = status::describe_status(*report);
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
        "  compare  align a regulation's old and new text article by article\n"
        "  check    validate kiosk.json and the playlist\n"
        "  plan     print what will play when\n"
        "  status   what the running kiosk is showing\n"
        "  refresh  make the running kiosk reload content now\n"
        "  reload   make the running kiosk re-read its configuration\n"
        "  fleet    the office's side of a fleet of screens\n\n"
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
          {"pages", true, false}, {"now", true, false}, {"fetch", false, false}, {"count", false, false}},
         0, cmd_render},
        {"layout", kLayoutHelp,
         {config, {"item", true, false}, {"input", true, false}, {"selector", true, false}, {"base-url", true, false}, {"size", true, false}, {"now", true, false}}, 0,
         cmd_layout},
        {"extract", kExtractHelp, {{"selector", true, false}, {"base-url", true, false}, {"column", true, false}, config}, 1, cmd_extract},
        {"compare", kCompareHelp, {{"effective", true, false}, {"title", true, false}, {"json", false, false}, config}, 2, cmd_compare},
        {"check", kCheckHelp, {config}, 0, cmd_check},
        {"plan", kPlanHelp, {config, {"from", true, false}, {"hours", true, false}, {"size", true, false}}, 0, cmd_plan},
        {"status", kStatusHelp, {config, {"json", false, false}}, 0, cmd_status},
        {"refresh", kRefreshHelp, {config}, 1, cmd_refresh},
        {"reload", kReloadHelp, {config}, 0, cmd_reload},
        {"fleet", kFleetHelp,
         {config, {"out", true, false}, {"kid", true, false}, {"to", true, false}, {"until", true, false},
          {"mode", true, false}, {"interrupt", false, false}, {"urgent", false, false}, {"level", true, false}, {"title", true, false}, {"id", true, false},
          {"example", false, false}},
         3, cmd_fleet},
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
