#include "app/commands.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "app/cli.hpp"
#include "app/clock.hpp"
#include "app/content_source.hpp"
#include "health/log.hpp"
#include "render/png_writer.hpp"
#include "render/screen.hpp"
#include "schedule/rotation.hpp"
#include "text/layout.hpp"
#include "text/layout_json.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;

namespace {

constexpr int kUsageError = 2;
constexpr int kFailure = 1;

const char* const kRunHelp = R"(usage: kiosk run [--config F] [--windowed[=WxH]] [--rotate R]

Shows the playlist on the hall screen: fullscreen, cursor hidden, pages advancing on a
timer. Keys and the mouse never end it; SIGTERM (systemctl stop) or Ctrl-C does.

  --config F        kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --windowed[=WxH]  a window instead of fullscreen (default 1280x720 of panel pixels)
  --rotate R        0, 90, 180 or 270: how the upright page is turned onto the panel
                    (default: the config's screen.rotation)
)";

const char* const kRenderHelp = R"(usage: kiosk render --out DIR [--config F] [--item ID] [--input FILE]
                    [--size WxH] [--pages N] [--now TIME]

Renders pages exactly as the screen shows them, as PNG files DIR/ITEM-001.png, …, and
prints the path of each. Needs no display.

  --out DIR      folder for the PNG files (created if missing)
  --config F     kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --item ID      only this playlist item (default: every enabled item)
  --input FILE   lay out this .txt file instead of the playlist
  --size WxH     the page as a viewer sees it (default: the config's screen size;
                 portrait is e.g. 1080x1920)
  --pages N      at most N pages per item
  --now TIME     the time shown on the clock, ISO 8601 (e.g. 2026-11-27T09:30)
)";

const char* const kLayoutHelp = R"(usage: kiosk layout [--config F] [--item ID] [--input FILE] [--size WxH] [--now TIME]

Prints the layout as kiosk-layout/1 JSON on stdout: every page, line and glyph position.

  --config F     kiosk.json to use (else $KIOSK_CONFIG, /etc/kiosk/kiosk.json, the demo)
  --item ID      only this playlist item (default: every enabled item)
  --input FILE   lay out this .txt file instead of the playlist
  --size WxH     the page as a viewer sees it (default: the config's screen size)
  --now TIME     the time for the chrome's clock, ISO 8601
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
    std::vector<LoadedItem> items;
};

// Config, fonts and the items the command should show (--input, --item, or the playlist).
Result<Session> open_session(const Args& args) {
    auto path = config::find_config(args.get("config"));
    if (!path) return path.error();
    auto cfg = config::load_kiosk_config(*path);
    if (!cfg) return cfg.error();
    Session s;
    s.cfg = std::move(*cfg);
    auto fonts = text::FontSet::open(text::FontRequest{s.cfg.fonts.family, s.cfg.fonts.regular_path,
                                                       s.cfg.fonts.bold_path});
    if (!fonts) return fonts.error();
    s.fonts = std::move(*fonts);

    if (auto input = args.get("input")) {
        if (args.has("item")) return make_error("--input and --item cannot be used together");
        auto item = load_input(s.cfg, *input);
        if (!item) return item.error();
        s.items.push_back(std::move(*item));
        return s;
    }
    auto playlist = config::load_playlist(s.cfg.playlist);
    if (!playlist) return playlist.error();
    auto only = args.get("item");
    bool found = false;
    for (const auto& item : playlist->items) {
        if (only ? item.id != *only : !item.enabled) continue;
        found = true;
        auto loaded = load_item(s.cfg, *playlist, item);
        if (!loaded) {
            if (only) return loaded.error();
            log::error("content", loaded.error().message + "; skipped");
            continue;
        }
        s.items.push_back(std::move(*loaded));
    }
    if (only && !found)
        return make_error("--item: no item \"" + *only + "\" in " + playlist->file.string());
    if (s.items.empty()) return make_error(playlist->file.string() + ": no item could be shown");
    return s;
}

Result<Size> page_size(const Args& args, const config::KioskConfig& cfg) {
    if (auto size = args.get("size")) return parse_size("--size", *size);
    return Size{cfg.width, cfg.height};
}

Result<std::time_t> clock_time(const Args& args, const config::KioskConfig& cfg) {
    if (auto now = args.get("now")) return parse_time(*now, cfg.time_zone);
    return std::time(nullptr);
}

struct Laid {
    text::PageGeometry geometry;
    text::ItemPages pages;
};

Laid lay_out(text::FontSet& fonts, const config::KioskConfig& cfg, const LoadedItem& item,
             const text::ShapedDocument& shaped, Size size, std::time_t now) {
    Laid out;
    out.geometry = text::resolve_geometry(cfg.margins, size.width, size.height);
    const text::Style style = text::resolve_style(cfg.typography, size.width, size.height);
    out.pages = text::ItemPages{item.id, item.title, text::layout_document(shaped, style, out.geometry)};
    text::add_chrome(fonts, out.pages.pages, style, out.geometry,
                     text::ChromeText{cfg.hall_name, item.title, format_clock(now, cfg.time_zone)});
    return out;
}

int cmd_layout(const Args& args) {
    log::set_threshold(log::Level::warning);
    if (auto size = args.get("size"); size && !parse_size("--size", *size))
        return fail(parse_size("--size", *size).error().message, kUsageError);
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    auto size = page_size(args, session->cfg);
    auto now = clock_time(args, session->cfg);
    if (!now) return fail(now.error().message, kUsageError);
    std::vector<text::ItemPages> items;
    for (const LoadedItem& item : session->items) {
        text::ShapedDocument shaped = text::shape_document(*session->fonts, item.document);
        items.push_back(lay_out(*session->fonts, session->cfg, item, shaped, *size, *now).pages);
    }
    std::cout << text::layout_json(size->width, size->height, session->cfg.rotation, items).dump()
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
    if (auto size = args.get("size"); size && !parse_size("--size", *size))
        return fail(parse_size("--size", *size).error().message, kUsageError);
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    auto size = page_size(args, session->cfg);
    auto now = clock_time(args, session->cfg);
    if (!now) return fail(now.error().message, kUsageError);
    for (const LoadedItem& item : session->items) {
        text::ShapedDocument shaped = text::shape_document(*session->fonts, item.document);
        Laid laid = lay_out(*session->fonts, session->cfg, item, shaped, *size, *now);
        auto files = render::render_pages_to_png(*session->fonts, session->cfg.theme, laid.geometry,
                                                 laid.pages.pages,
                                                 render::PngRequest{*out, item.id, max_pages});
        if (!files) return fail(files.error().message);
        for (const auto& f : *files) std::cout << f.string() << '\n';
    }
    return 0;
}

int cmd_run(const Args& args) {
    render::ScreenOptions options;
    if (auto windowed = args.get("windowed")) {
        options.windowed = true;
        if (!windowed->empty()) {
            auto size = parse_size("--windowed", *windowed);
            if (!size) return fail(size.error().message, kUsageError);
            options.window_width = size->width;
            options.window_height = size->height;
        }
    }
    std::optional<int> rotate;
    if (auto r = args.get("rotate")) {
        if (*r != "0" && *r != "90" && *r != "180" && *r != "270")
            return fail("--rotate: \"" + *r + "\" is not one of 0, 90, 180, 270", kUsageError);
        rotate = std::stoi(*r);
    }
    auto session = open_session(args);
    if (!session) return fail(session.error().message);
    options.rotation = rotate.value_or(session->cfg.rotation);
    auto screen = render::Screen::open(options, *session->fonts, session->cfg.theme);
    if (!screen) return fail(screen.error().message);
    log::info("app", "showing " + std::to_string(session->items.size()) + " item(s) on a " +
                         std::to_string((*screen)->page_width()) + "x" +
                         std::to_string((*screen)->page_height()) + " page");

    // Shaping is done once; a resize only re-breaks and re-paginates.
    std::vector<text::ShapedDocument> shaped;
    for (const LoadedItem& item : session->items)
        shaped.push_back(text::shape_document(*session->fonts, item.document));
    std::vector<Laid> laid(session->items.size());
    std::vector<schedule::RotationItem> rotation(session->items.size());
    auto relayout = [&](std::time_t now) {
        const Size size{(*screen)->page_width(), (*screen)->page_height()};
        for (size_t i = 0; i < session->items.size(); ++i) {
            laid[i] = lay_out(*session->fonts, session->cfg, session->items[i], shaped[i], size, now);
            rotation[i] = schedule::RotationItem{session->items[i].id,
                                                 static_cast<int>(laid[i].pages.pages.size()),
                                                 session->items[i].page_seconds};
        }
    };
    relayout(std::time(nullptr));
    auto position = schedule::first_position(rotation);
    if (!position) return fail("nothing to show");

    using Clock = std::chrono::steady_clock;  // monotonic: wall-clock jumps do not skip pages
    auto show = [&] {
        const Laid& l = laid[position->item];
        (*screen)->show(l.pages.pages[static_cast<size_t>(position->page)], l.geometry);
    };
    show();
    auto page_shown = Clock::now();
    std::time_t minute_shown = std::time(nullptr) / 60;
    for (;;) {
        const auto dwell = std::chrono::duration<double>(rotation[position->item].page_seconds);
        const auto flip_at = page_shown + std::chrono::duration_cast<Clock::duration>(dwell);
        // Wake for the next flip or the next minute (the footer clock), whichever is first.
        const auto until_minute = std::chrono::seconds(60 - std::time(nullptr) % 60);
        const auto until_flip = std::chrono::duration_cast<std::chrono::milliseconds>(flip_at - Clock::now());
        const auto timeout = std::max(std::chrono::milliseconds(0),
                                      std::min<std::chrono::milliseconds>(until_flip, until_minute));
        const auto wake = (*screen)->wait(timeout);
        if (wake == render::Screen::Wake::quit) break;
        const std::time_t now = std::time(nullptr);
        if (wake == render::Screen::Wake::resized) {
            relayout(now);
            if (position->page >= rotation[position->item].pages) position->page = 0;
            show();
            continue;
        }
        if (Clock::now() >= flip_at) {
            position = schedule::next_position(rotation, *position);
            page_shown = Clock::now();
            relayout(now);  // refreshes the clock in the chrome
            show();
            minute_shown = now / 60;
            log::write(log::Level::debug, "app",
                       "page " + rotation[position->item].id + " " + std::to_string(position->page + 1) +
                           "/" + std::to_string(rotation[position->item].pages));
        } else if (now / 60 != minute_shown) {
            relayout(now);
            show();
            minute_shown = now / 60;
        }
    }
    log::info("app", "stopped");
    return 0;
}

}  // namespace

void print_usage() {
    std::fputs(
        "usage: kiosk COMMAND [options]\n\n"
        "  run      show the playlist on the hall screen\n"
        "  render   write pages as PNG files (no display needed)\n"
        "  layout   print the layout as kiosk-layout/1 JSON\n\n"
        "`kiosk COMMAND --help` describes each command. kiosk " KIOSK_VERSION "\n",
        stdout);
}

int run_command(const std::string& command, const std::vector<std::string>& argv) {
    struct Command {
        const char* name;
        const char* help;
        std::vector<OptionSpec> options;
        int (*fn)(const Args&);
    };
    static const std::vector<Command> commands = {
        {"run", kRunHelp, {{"config", true, false}, {"windowed", true, true}, {"rotate", true, false}}, cmd_run},
        {"render", kRenderHelp,
         {{"out", true, false}, {"config", true, false}, {"item", true, false}, {"input", true, false},
          {"size", true, false}, {"pages", true, false}, {"now", true, false}},
         cmd_render},
        {"layout", kLayoutHelp,
         {{"config", true, false}, {"item", true, false}, {"input", true, false}, {"size", true, false},
          {"now", true, false}},
         cmd_layout},
    };
    for (const Command& c : commands) {
        if (command != c.name) continue;
        if (wants_help(argv)) {
            std::fputs(c.help, stdout);
            return 0;
        }
        auto args = parse_args(command, argv, c.options, 0);
        if (!args) return fail(args.error().message, kUsageError);
        return c.fn(*args);
    }
    std::fprintf(stderr, "kiosk: unknown command \"%s\"\n\n", command.c_str());
    print_usage();
    return kUsageError;
}

}  // namespace kiosk::app
