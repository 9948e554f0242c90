// 新旧对照 (issue 30) on the kiosk's side: for the 2007→2019 《政府信息公开条例》 and each
// revision pair in tests/fixtures/compare/pairs, compares the two texts (compare_documents),
// shapes the comparison once, lays it out at 1920x1080, 1080x1920 and 1280x720 with the demo
// config's typography and margins, and prints per text and size what measure_compare counts —
// pages, pairs, misaligned starts, one-line stubs, stranded article numbers, lost characters —
// the diff fragments per changed article (mean and max), and the time to compare and to lay out.
//
//   build/bench/compare_bench [--runs N] [--json DIR] [--size WxH] [--config kiosk.json]
//                             [OLD.txt NEW.txt NAME]...
//
// --json DIR writes each comparison as kiosk-compare/1 (DIR/NAME.json) and the sizes the
// kiosk set them at (DIR/sizes.json: page, body box, body px, line pitch), for
// bench/compare_print_chromium.py. bench/compare.sh runs both and prints the two tables.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "config/config.hpp"
#include "content/charset.hpp"
#include "content/compare.hpp"
#include "content/text_import.hpp"
#include "text/layout.hpp"

using namespace kiosk;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Text {
    std::string name, old_path, new_path;
};

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream bytes;
    bytes << in.rdbuf();
    out = bytes.str();
    return true;
}

std::vector<Text> default_texts() {
    const std::string dir = std::string(KIOSK_SOURCE_DIR) + "/tests/fixtures/compare/";
    std::vector<Text> texts = {{"xxgk", dir + "xxgk-2007.txt", dir + "xxgk-2019.txt"}};
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir + "pairs", ec)) {
        const std::string f = e.path().filename().string();
        const std::string tail = "-old.txt";
        if (f.size() > tail.size() && f.compare(f.size() - tail.size(), tail.size(), tail) == 0)
            names.push_back(f.substr(0, f.size() - tail.size()));
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) texts.push_back({n, dir + "pairs/" + n + "-old.txt", dir + "pairs/" + n + "-new.txt"});
    return texts;
}

// The pairs behind each count, found from the pages' lines (Line::pair, column, y), so a
// count that is not 0 can be told by text, size and article. Independent of measure_compare.
struct Finding {
    std::string what;
    int pair = -1;
    int page = 0;
};

bool starts_with_article_number(const std::u32string& s) {
    size_t i = 0;
    while (i < s.size() && (s[i] == U' ' || s[i] == U'\u3000')) ++i;
    if (i >= s.size() || s[i] != U'第') return false;
    size_t j = i + 1;
    while (j < s.size() && std::u32string_view(U"一二三四五六七八九十百千零〇两0123456789").find(s[j]) != std::u32string_view::npos) ++j;
    return j > i + 1 && j < s.size() && s[j] == U'条';
}

std::vector<Finding> find_problems(const std::vector<text::Page>& pages, bool landscape) {
    struct Piece {
        int lines[2] = {0, 0};
        float first_y[2] = {0, 0};
        bool seen[2] = {false, false};
    };
    // pair -> page index -> piece
    std::vector<std::vector<std::pair<size_t, Piece>>> by_pair;
    for (size_t p = 0; p < pages.size(); ++p) {
        for (const auto& l : pages[p].lines) {
            if (l.pair < 0 || (l.column != text::Column::old_text && l.column != text::Column::new_text)) continue;
            if (static_cast<size_t>(l.pair) >= by_pair.size()) by_pair.resize(l.pair + 1);
            auto& v = by_pair[l.pair];
            if (v.empty() || v.back().first != p) v.push_back({p, Piece{}});
            Piece& piece = v.back().second;
            const int c = l.column == text::Column::old_text ? 0 : 1;
            if (!piece.seen[c] || l.y < piece.first_y[c]) piece.first_y[c] = l.y;
            piece.seen[c] = true;
            ++piece.lines[c];
        }
    }
    std::vector<Finding> out;
    for (size_t k = 0; k < by_pair.size(); ++k) {
        const auto& v = by_pair[k];
        if (v.empty()) continue;
        const Piece& first = v.front().second;
        if (landscape && first.seen[0] && first.seen[1] && std::abs(first.first_y[0] - first.first_y[1]) > 0.5f)
            out.push_back({"misaligned start", static_cast<int>(k), static_cast<int>(v.front().first) + 1});
        if (v.size() > 1) {
            for (const auto& [p, piece] : v)
                if (std::max(piece.lines[0], piece.lines[1]) == 1)
                    out.push_back({"one-line stub", static_cast<int>(k), static_cast<int>(p) + 1});
        }
    }
    // A column's last line on a page that holds an article's number while the pair goes on overleaf.
    for (size_t p = 0; p + 1 < pages.size(); ++p) {
        for (const text::Column c : {text::Column::old_text, text::Column::new_text}) {
            const text::Line* last = nullptr;
            for (const auto& l : pages[p].lines)
                if (l.column == c && l.pair >= 0 && (!last || l.y > last->y)) last = &l;
            if (!last || !starts_with_article_number(last->text)) continue;
            bool continues = false;
            for (const auto& l : pages[p + 1].lines) continues |= l.pair == last->pair && l.column == c;
            if (continues) out.push_back({"stranded number", last->pair, static_cast<int>(p) + 1});
        }
    }
    return out;
}

std::string pair_label(const content::Document& comparison, int pair) {
    int k = 0;
    for (const auto& b : comparison.blocks) {
        if (b.role != content::Role::compare) continue;
        if (k++ != pair) continue;
        const auto& c = b.compare;
        std::string label = !c.new_side.number.empty() ? c.new_side.number : c.old_side.number;
        if (!c.old_side.number.empty() && !c.new_side.number.empty() && c.old_side.number != c.new_side.number)
            label = c.old_side.number + "→" + c.new_side.number;
        return label.empty() ? "(unnumbered)" : label;
    }
    return "?";
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 20;
    std::string json_dir;
    std::string config_path = std::string(KIOSK_SOURCE_DIR) + "/config/kiosk.json";
    std::vector<std::pair<int, int>> sizes = {{1920, 1080}, {1080, 1920}, {1280, 720}};
    std::vector<Text> texts;
    std::vector<std::string> loose;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) {
            json_dir = argv[++i];
        } else if (!std::strcmp(argv[i], "--config") && i + 1 < argc) {
            config_path = argv[++i];
        } else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) {
            int w = 0, h = 0;
            if (std::sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 64 || h < 64) {
                std::fprintf(stderr, "compare_bench: --size wants WxH\n");
                return 2;
            }
            sizes = {{w, h}};
        } else {
            loose.push_back(argv[i]);
        }
    }
    if (loose.size() % 3 != 0) {
        std::fprintf(stderr, "compare_bench: texts come as OLD.txt NEW.txt NAME\n");
        return 2;
    }
    for (size_t i = 0; i < loose.size(); i += 3) texts.push_back({loose[i + 2], loose[i], loose[i + 1]});
    if (texts.empty()) texts = default_texts();
    log::set_threshold(log::Level::warning);

    auto cfg = config::load_kiosk_config(config_path);
    if (!cfg) {
        std::fprintf(stderr, "compare_bench: %s\n", cfg.error().message.c_str());
        return 1;
    }
    text::FontRequest request;
    request.family = cfg->fonts.family;
    request.regular_path = cfg->fonts.regular_path;
    request.bold_path = cfg->fonts.bold_path;
    auto fonts = text::FontSet::open(request);
    if (!fonts) {
        std::fprintf(stderr, "compare_bench: %s\n", fonts.error().message.c_str());
        return 1;
    }
    if (!json_dir.empty()) fs::create_directories(json_dir);

    std::printf("新旧对照 on the kiosk (config %s; compare: median of %d runs, layout: median of %d runs)\n",
                config_path.c_str(), std::max(1, runs / 4), runs);
    std::printf("%-10s %-9s %5s %5s %5s %5s %5s %5s %6s %6s %9s %9s %9s\n", "text", "size", "pages", "pairs",
                "misal", "stubs", "stran", "lost", "frag/a", "fragmx", "compareMs", "shapeMs", "layoutMs");
    int bad = 0;
    std::vector<std::string> details;
    nlohmann::json sizes_json = nlohmann::json::array();
    for (const auto& t : texts) {
        std::string old_bytes, new_bytes;
        if (!read_file(t.old_path, old_bytes) || !read_file(t.new_path, new_bytes)) {
            std::fprintf(stderr, "compare_bench: cannot read %s or %s\n", t.old_path.c_str(), t.new_path.c_str());
            return 1;
        }
        const content::Document old_doc = content::import_plain_text(content::decode_text(old_bytes).utf8);
        const content::Document new_doc = content::import_plain_text(content::decode_text(new_bytes).utf8);

        std::vector<double> compare_times;
        Result<content::Document> comparison = content::compare_documents(old_doc, new_doc);
        for (int r = 0; r < std::max(1, runs / 4) && comparison; ++r) {
            auto t0 = Clock::now();
            comparison = content::compare_documents(old_doc, new_doc);
            compare_times.push_back(ms_since(t0));
        }
        if (!comparison) {
            std::fprintf(stderr, "compare_bench: %s: %s\n", t.name.c_str(), comparison.error().message.c_str());
            return 1;
        }
        // Diff fragments per changed article, from the comparison itself (the marks as aligned).
        int changed = 0, frag_total = 0, frag_max = 0;
        for (const auto& b : comparison->blocks) {
            if (b.role != content::Role::compare || b.compare.heading) continue;
            if (b.compare.change != content::Change::modified) continue;
            const int f = static_cast<int>(b.compare.old_side.marks.size() + b.compare.new_side.marks.size());
            ++changed;
            frag_total += f;
            frag_max = std::max(frag_max, f);
        }
        if (!json_dir.empty()) {
            std::ofstream out(json_dir + "/" + t.name + ".json", std::ios::binary);
            out << content::compare_json(*comparison).dump(1) << "\n";
        }

        auto t0 = Clock::now();
        const text::ShapedDocument shaped = text::shape_document(**fonts, *comparison);
        const double shape_ms = ms_since(t0);

        for (auto [w, h] : sizes) {
            const auto geometry = text::resolve_geometry(cfg->margins, w, h);
            const auto style = text::resolve_style(cfg->typography, w, h);
            std::vector<double> times;
            std::vector<text::Page> pages;
            for (int r = 0; r < runs + 2; ++r) {
                t0 = Clock::now();
                pages = text::layout_document(shaped, style, geometry);
                const double ms = ms_since(t0);
                if (r >= 2) times.push_back(ms);  // the first runs warm the caches
            }
            const text::CompareStats s = text::measure_compare(*comparison, pages);
            bad += s.misaligned_starts + s.stubs + s.stranded_numbers + s.lost_characters;
            char size[16];
            std::snprintf(size, sizeof size, "%dx%d", w, h);
            for (const auto& f : find_problems(pages, w > h))
                details.push_back(t.name + " " + size + ": " + f.what + " at pair " + std::to_string(f.pair) + " (" +
                                  pair_label(*comparison, f.pair) + "), page " + std::to_string(f.page));
            std::printf("%-10s %-9s %5zu %5d %5d %5d %5d %5d %6.2f %6d %9.2f %9.2f %9.2f\n", t.name.c_str(), size,
                        pages.size(), s.pairs, s.misaligned_starts, s.stubs, s.stranded_numbers, s.lost_characters,
                        changed ? static_cast<double>(frag_total) / changed : 0.0, frag_max, median(compare_times),
                        shape_ms, median(times));
            if (&t == &texts.front()) {
                sizes_json.push_back({{"width", w},
                                      {"height", h},
                                      {"body", {geometry.body.x, geometry.body.y, geometry.body.width, geometry.body.height}},
                                      {"body_px", style.body_px},
                                      {"heading_px", style.heading_px},
                                      {"line_height", style.line_height},
                                      {"font_family", request.family}});
            }
        }
    }
    if (!json_dir.empty()) {
        std::ofstream out(json_dir + "/sizes.json", std::ios::binary);
        out << sizes_json.dump(1) << "\n";
    }
    for (const auto& d : details) std::printf("  %s\n", d.c_str());
    std::printf("%s\n", bad == 0 ? "all misaligned starts, stubs, stranded numbers and lost characters: 0"
                                 : "NOT ALL ZERO: see the rows above");
    return 0;
}
