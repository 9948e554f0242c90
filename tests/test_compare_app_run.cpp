// 新旧对照 items in the app (issue 30): two local texts compared and laid out by the Library;
// two texts on a loopback portal fetched by the fetch worker, each kept as a part of the item,
// the comparison made again only when one changed, and the last good one kept when a side
// fails (its status saying which, in Chinese); a running kiosk showing it; the marks painted
// in the theme's colours in a PNG from `kiosk render`.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/compare_source.hpp"
#include "app/fetch_worker.hpp"
#include "app/session.hpp"
#include "base/utf8.hpp"
#include "fetch_run.hpp"
#include "server_thread.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kiosk;
using namespace fetch_test;

namespace {

const std::string kOld =
    "示例办法（2007年）\n"
    "第一章　总则\n"
    "第一条　为了规范政府信息公开工作，制定本办法。\n"
    "第二条　本办法所称政府信息，是指行政机关在履行职责过程中制作或者获取的信息。\n"
    "第三条　行政机关应当及时、准确地公开政府信息，并接受社会监督。\n"
    "第四条　各级人民政府应当每年向上级机关报送政府信息公开工作情况。\n";
const std::string kNew =
    "示例办法（2019年修订）\n"
    "第一章　总则\n"
    "第一条　为了保障公民依法获取政府信息，提高政府工作的透明度，制定本办法。\n"
    "第二条　本办法所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息。\n"
    "第三条　行政机关应当及时、准确地公开政府信息，并接受社会监督。\n"
    "第四条　公开政府信息，应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。\n"
    "第五条　本办法自2019年5月15日起施行。\n";

// What a comparison's pages hold: lines of each column, marked spans of each kind.
struct Seen {
    int old_lines = 0, new_lines = 0, deleted = 0, inserted = 0;
    std::string text;
};
Seen seen(const std::vector<text::Page>& pages) {
    Seen s;
    for (const auto& page : pages)
        for (const auto& line : page.lines) {
            s.text += utf8::encode(line.text) + "\n";
            if (line.column == text::Column::old_text) ++s.old_lines;
            if (line.column == text::Column::new_text) ++s.new_lines;
            for (const auto& m : line.marks) (m.mark == text::Mark::deleted ? s.deleted : s.inserted) += 1;
        }
    return s;
}

json compare_item(const std::string& old_source, const std::string& new_source) {
    return {{"id", "tiaoli"}, {"kind", "compare"}, {"title", "示例办法新旧对照"}, {"old", old_source},
            {"new", new_source}, {"effective", "2019-05-15"}, {"page_seconds", 1}};
}

// The loopback portal of the two texts: each with its ETag (304 when it matches), or failing.
struct Portal {
    httplib::Server server;
    std::mutex mutex;
    std::map<std::string, std::string> body;    // path -> text
    std::map<std::string, int> status;          // path -> 200 / 500 …
    std::map<std::string, int> requests, full;  // asked, answered with a body
    std::unique_ptr<test::ServerThread> serving;
    Portal() {
        body = {{"/old.txt", kOld}, {"/new.txt", kNew}};
        for (const char* path : {"/old.txt", "/new.txt"}) {
            server.Get(path, [this, path](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(mutex);
                ++requests[path];
                if (status.count(path) && status[path] != 200) {
                    res.status = status[path];
                    return;
                }
                const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(body[path])) + "\"";
                if (req.get_header_value("If-None-Match") == etag) {
                    res.status = 304;
                    return;
                }
                ++full[path];
                res.set_header("ETag", etag);
                res.set_content(body[path], "text/plain; charset=utf-8");
            });
        }
        serving = std::make_unique<test::ServerThread>(server);
    }
    std::string url(const char* path) const { return serving->url(path); }
    void set(const char* path, int code) {
        std::lock_guard lock(mutex);
        status[path] = code;
    }
    void edit(const char* path, std::string text) {
        std::lock_guard lock(mutex);
        body[path] = std::move(text);
    }
    int answered(const char* path) {
        std::lock_guard lock(mutex);
        return full[path];
    }
};

}  // namespace

TEST_CASE("compare app: two local texts are compared and laid out by the Library in two columns", "[compare_app]") {
    test::TempDir dir;
    test::write_file(dir.path() / "old.txt", kOld);
    test::write_file(dir.path() / "new.txt", kNew);
    json broken_item = compare_item("file:old.txt", "file:missing.txt");
    broken_item["id"] = "broken";
    write_kiosk_config(dir.path(), dir.path() / "run");
    test::write_file(dir.path() / "playlist.json",
                     json{{"items", {compare_item("file:old.txt", "file:new.txt"), broken_item}}}.dump());
    auto session = app::Session::open((dir.path() / "kiosk.json").string());
    REQUIRE(session.ok());
    app::Library& library = session->library();
    library.lay_out(1920, 1080);

    const app::LibraryItem* item = library.find("tiaoli");
    REQUIRE(item);
    INFO(item->error);
    REQUIRE(item->shaped);
    REQUIRE(item->shaped->compare_summary);
    CHECK(item->shaped->compare_summary->effective == "2019年5月15日");
    REQUIRE(item->pages.size() >= 2);  // the opening page, then the pairs
    const Seen s = seen(item->pages);
    INFO(s.text);
    CHECK(s.old_lines > 0);
    CHECK(s.new_lines > 0);
    CHECK(s.deleted > 0);   // 规范政府信息公开工作, struck
    CHECK(s.inserted > 0);  // 保障公民依法获取政府信息, underlined
    CHECK(s.text.find("修订前") != std::string::npos);
    CHECK(s.text.find("修订后") != std::string::npos);
    CHECK(s.text.find("新增") != std::string::npos);  // 第五条 is new
    CHECK(item->title == "示例办法新旧对照");

    // A text that is not there: no pages (the scheduler skips it), and the clerk reads why.
    const app::LibraryItem* broken = library.find("broken");
    REQUIRE(broken);
    CHECK(broken->pages.empty());
    CHECK(broken->error.find("missing.txt") != std::string::npos);
    CHECK(broken->reason.find("新旧对照") == 0);

    // Portrait: stacked, old above new; still both sides and their marks.
    library.lay_out(1080, 1920);
    const Seen p = seen(library.find("tiaoli")->pages);
    CHECK(p.old_lines > 0);
    CHECK(p.new_lines > 0);
    CHECK(p.deleted > 0);
}

TEST_CASE("compare app: the fetch worker fetches both texts, compares again only on a change, keeps the last good one when a side fails",
          "[compare_app][process]") {
    test::TempDir dir;
    Portal portal;
    store::Cache cache(dir.path() / "cache");
    config::PlaylistItem item;
    item.id = "tiaoli";
    item.kind = "compare";
    item.title = "示例办法新旧对照";
    item.old_source = portal.url("/old.txt");
    item.new_source = portal.url("/new.txt");
    item.effective = "2019-05-15";
    const app::FetchJob job = app::web_job(item);
    CHECK(job.url == app::item_address(item));

    net::FetchPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    app::FetchWorker worker(policy, cache, [] {});
    worker.set_jobs({job});

    // Both fetched, compared, cached as the item's content (and each text as a part of it).
    auto update = next_update_of(worker);
    REQUIRE(update.action == net::RefreshAction::replace);
    REQUIRE(update.document);
    REQUIRE(update.document->compare_summary);
    CHECK(update.health.failures == 0);
    CHECK(portal.answered("/old.txt") == 1);
    CHECK(portal.answered("/new.txt") == 1);
    auto cached = cache.last_good("tiaoli", app::item_address(item), store::Payload::document);
    REQUIRE(cached.ok());
    const size_t chars = cached->meta.document_chars;
    CHECK(chars == app::comparison_chars(*update.document));

    // Nothing changed: both answer 304, nothing is compared again or replaced.
    worker.refresh_now("tiaoli");
    update = next_update_of(worker);
    CHECK(update.action == net::RefreshAction::keep);
    CHECK(update.health.failures == 0);
    CHECK(portal.answered("/old.txt") == 1);
    CHECK(portal.answered("/new.txt") == 1);

    // The new text's server fails: the last good comparison stays, and the status says which text.
    portal.set("/new.txt", 500);
    worker.refresh_now("tiaoli");
    update = next_update_of(worker);
    CHECK(update.action == net::RefreshAction::keep);
    CHECK_FALSE(update.document);
    CHECK(update.health.failures == 1);
    CHECK(update.health.last_reason.rfind("修订后的文本：", 0) == 0);
    CHECK(update.health.last_error.rfind("the new text", 0) == 0);
    CHECK(cache.last_good("tiaoli", app::item_address(item), store::Payload::document).ok());

    // A Library starting now (a restart while the portal is down) shows the cached comparison.
    config::KioskConfig cfg = config::default_config();
    app::Library library(test::fonts(), std::make_shared<const config::KioskConfig>(cfg));
    library.set_cache(&cache);
    config::Playlist playlist;
    playlist.items = {item};
    CHECK(library.sync(playlist).empty());
    library.lay_out(1920, 1080);
    REQUIRE(library.find("tiaoli"));
    CHECK(library.find("tiaoli")->pages.size() >= 2);
    CHECK(seen(library.find("tiaoli")->pages).deleted > 0);

    // The portal is back with a new old text: compared again, the changed one alone fetched in full.
    portal.set("/new.txt", 200);
    portal.edit("/old.txt", kOld + "第五条　本办法自2008年5月1日起施行。\n");
    worker.refresh_now("tiaoli");
    update = next_update_of(worker);
    REQUIRE(update.action == net::RefreshAction::replace);
    REQUIRE(update.document);
    CHECK(update.health.failures == 0);
    CHECK(portal.answered("/old.txt") == 2);
    CHECK(portal.answered("/new.txt") == 1);
}

TEST_CASE("compare app: a running kiosk shows a comparison of two web texts and keeps it when one fails, saying which",
          "[compare_app][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    Portal portal;
    write_kiosk_config(dir.path(), runtime);
    test::write_file(dir.path() / "playlist.json",
                     json{{"items", {compare_item(portal.url("/old.txt"), portal.url("/new.txt"))}}}.dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    auto pages = [&] {
        json it = item_status(runtime);
        return it.is_object() ? it["pages"].get<int>() : -1;
    };
    test::BackgroundKiosk kiosk({"run", "--config", config}, {"SDL_VIDEODRIVER=dummy"}, dir.path());
    REQUIRE(test::wait_for([&] { return pages() >= 2; }, 20));
    const int shown = pages();

    portal.set("/old.txt", 503);
    REQUIRE(test::run_kiosk({"refresh", "tiaoli", "--config", config}).status == 0);
    REQUIRE(test::wait_for([&] {
        json it = item_status(runtime);
        return it.is_object() && it["fetch"].is_object() && it["fetch"]["failures"].get<int>() >= 1;
    }, 20));
    json it = item_status(runtime);
    INFO(it.dump(2));
    CHECK(it["pages"].get<int>() == shown);  // the last good comparison stays on screen
    CHECK(it["fetch"]["reason"].get<std::string>().rfind("修订前的文本：", 0) == 0);
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("compare app: kiosk render strikes a deleted word (muted glyphs over a dark line) and underlines an inserted one in the accent",
          "[compare_app][process]") {
    test::TempDir dir;
    test::write_file(dir.path() / "old.txt", kOld);
    test::write_file(dir.path() / "new.txt", kNew);
    write_kiosk_config(dir.path(), dir.path() / "run");
    test::write_file(dir.path() / "playlist.json", json{{"items", {compare_item("file:old.txt", "file:new.txt")}}}.dump());
    const std::string config = (dir.path() / "kiosk.json").string();
    auto layout = test::run_kiosk({"layout", "--config", config, "--item", "tiaoli", "--size", "1920x1080"});
    INFO(layout.err);
    REQUIRE(layout.status == 0);
    const json pages = json::parse(layout.out)["items"][0]["pages"];
    auto render = test::run_kiosk({"render", "--config", config, "--item", "tiaoli", "--size", "1920x1080", "--out",
                                   (dir.path() / "png").string()},
                                  "SDL_VIDEODRIVER=dummy");
    INFO(render.err);
    REQUIRE(render.status == 0);

    // The theme's colours (config::Theme's defaults: the test's kiosk.json sets none).
    const config::Theme theme;
    auto rgb_at = [](const test::Image& img, int x, int y) {
        const size_t at = (static_cast<size_t>(y) * static_cast<size_t>(img.width) + static_cast<size_t>(x)) * 3;
        return config::Color{img.rgb[at], img.rgb[at + 1], img.rgb[at + 2]};
    };
    auto same = [](config::Color a, config::Color b) { return a.r == b.r && a.g == b.g && a.b == b.b; };
    int checked[3] = {0, 0, 0};  // by text::Mark: none, deleted, inserted
    for (size_t p = 0; p < pages.size(); ++p) {
        char name[32];
        std::snprintf(name, sizeof name, "tiaoli-%03zu.png", p + 1);
        const test::Image img = test::read_png(dir.path() / "png" / name);
        REQUIRE(img.width == 1920);
        for (const json& line : pages[p]["lines"]) {
            if (!line.contains("marks")) continue;
            for (const json& m : line["marks"]) {
                const bool deleted = m["mark"] == "deleted";
                const config::Color colour = deleted ? theme.muted : theme.accent;
                const json& s = m["stroke"];
                const int x0 = static_cast<int>(std::lround(s["x"].get<double>()));
                const int x1 = static_cast<int>(std::lround(s["x"].get<double>() + s["width"].get<double>()));
                const int y = static_cast<int>(std::lround(s["y"].get<double>() + s["height"].get<double>() / 2 - 0.5));
                INFO("page " << p + 1 << " " << line["text"] << " " << m.dump());
                const int sy0 = static_cast<int>(std::lround(s["y"].get<double>()));
                const int sy1 = static_cast<int>(std::lround(s["y"].get<double>() + s["height"].get<double>()));
                if (deleted) {
                    // The strike: drawn under the glyphs in the text colour, so its middle row is
                    // the text colour between the glyphs' strokes and never the bare page.
                    int dark = 0, bare = 0;
                    for (int x = x0; x < x1; ++x) {
                        dark += same(rgb_at(img, x, y), theme.text);
                        bare += same(rgb_at(img, x, y), theme.background);
                    }
                    CHECK(bare == 0);
                    CHECK(dark > 0);
                } else {
                    // The underline: every pixel of its middle row across the word, in the accent.
                    int right = 0;
                    for (int x = x0; x < x1; ++x) right += same(rgb_at(img, x, y), colour);
                    CHECK(right == x1 - x0);
                }
                // The glyphs of the span: the mark's colour where fully inked, never the text's
                // (but on the strike's rows, which are the text colour between the strokes).
                const float size = line["font_size"].get<float>(), baseline = line["y"].get<float>();
                int own = 0, text_coloured = 0;
                for (const json& g : line["glyphs"]) {
                    const int c = g["c"].get<int>();
                    if (c < m["from"].get<int>() || c >= m["to"].get<int>()) continue;
                    for (int gy = static_cast<int>(baseline - 0.85f * size); gy < static_cast<int>(baseline + 0.1f * size); ++gy) {
                        if (deleted && gy >= sy0 - 1 && gy <= sy1) continue;
                        for (int gx = static_cast<int>(g["x"].get<float>()); gx < static_cast<int>(g["x"].get<float>() + g["w"].get<float>()); ++gx) {
                            const config::Color px = rgb_at(img, gx, gy);
                            own += same(px, colour);
                            text_coloured += same(px, theme.text);
                        }
                    }
                }
                CHECK(own > 0);
                CHECK(text_coloured == 0);
                ++checked[deleted ? 1 : 2];
            }
            // Unmarked glyphs of a marked line stay in the text colour.
            if (!line["marks"].empty() && line["marks"][0]["from"].get<int>() > 0) {
                const json& g = line["glyphs"][0];
                const float size = line["font_size"].get<float>(), baseline = line["y"].get<float>();
                int text_coloured = 0;
                for (int gy = static_cast<int>(baseline - 0.85f * size); gy < static_cast<int>(baseline); ++gy)
                    for (int gx = static_cast<int>(g["x"].get<float>()); gx < static_cast<int>(g["x"].get<float>() + g["w"].get<float>()); ++gx)
                        text_coloured += same(rgb_at(img, gx, gy), theme.text);
                CHECK(text_coloured > 0);
                ++checked[0];
            }
        }
    }
    CHECK(checked[1] >= 1);  // struck spans seen (履行职责, …)
    CHECK(checked[2] >= 2);  // underlined ones (行政管理职能, 第五条 …)
    CHECK(checked[0] >= 1);
}
