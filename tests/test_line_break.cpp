// Line breaking: ICU's conformance, the strict sets of web-platform-tests, S6, fonts, and the
// R1-R7 / S2 properties over the report and the hard cases at every measure from 6 to 50 em.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "base/utf8.hpp"
#include "support.hpp"
#include "text/layout.hpp"
#include "text/break_opportunities.hpp"
#include "text/punctuation.hpp"

using namespace kiosk;
using namespace kiosk::text;
namespace fs = std::filesystem;

namespace {

std::vector<std::u32string> lines_at(const ShapedDocument& doc, float measure_em,
                                     std::vector<std::vector<Line>>* by_block = nullptr) {
    Style style;
    style.body_px = 40;
    PageGeometry g;
    g.body = Box{0, 0, measure_em * 40, 1e6f};
    auto pages = layout_document(doc, style, g);
    std::vector<std::u32string> out;
    if (by_block) by_block->assign(doc.blocks.size(), {});
    for (const auto& p : pages)
        for (const auto& l : p.lines) {
            out.push_back(l.text);
            if (by_block) (*by_block)[static_cast<size_t>(l.block)].push_back(l);
        }
    return out;
}

content::Document hard_cases() { return test::paragraphs(test::read_file(fs::path(KIOSK_TEST_GOLDEN) / "clreq-cases.txt")); }

bool digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
bool letter(char32_t c) { return c < 0x80 && (c | 0x20) >= U'a' && (c | 0x20) <= U'z'; }

// Written apart from the engine's own tables, from the rules' wording (docs/typesetting.md).
const std::u32string kNoStart = U"、，。．：；！？‼⁇⁈⁉”’」』）］｝】〗〕〉》–—～〜‐·‧・,.:;!?)]}%‰℃°％…⋯";
const std::u32string kNoEnd = U"“‘「『（［｛【〖〔〈《([{￥¥$＄£";

// Every boundary inside a block, checked against R1-R7; returns "rule: context" per violation.
std::vector<std::string> violations(const std::vector<Line>& lines) {
    std::vector<std::string> out;
    std::u32string text;
    std::vector<size_t> bounds;
    std::vector<bool> emergency;
    for (size_t k = 0; k < lines.size(); ++k) {
        text += lines[k].text;
        if (k + 1 < lines.size()) {
            bounds.push_back(text.size());
            emergency.push_back(lines[k].emergency);
        }
    }
    // URL spans, found by a scan of their own.
    std::vector<std::pair<size_t, size_t>> urls;
    for (size_t i = 0; i + 4 < text.size(); ++i) {
        if (text.compare(i, 4, U"http") == 0 || text.compare(i, 4, U"www.") == 0 ||
            (text[i] == U'@' && i > 0)) {
            size_t a = i, b = i;
            if (text[i] == U'@')
                while (a > 0 && (letter(text[a - 1]) || digit(text[a - 1]) || text[a - 1] == U'.')) --a;
            while (b < text.size() && text[b] < 0x80 && text[b] > 0x20 && text[b] != U'(' && text[b] != U')' &&
                   text[b] != U',')
                ++b;
            urls.emplace_back(a, b);
            i = b;
        }
    }
    for (size_t k = 0; k < bounds.size(); ++k) {
        const size_t b = bounds[k];
        const char32_t prev = text[b - 1], next = text[b];
        auto where = [&] { return utf8::encode(text.substr(b >= 6 ? b - 6 : 0, std::min<size_t>(b, 6))) + "|" + utf8::encode(text.substr(b, 6)); };
        if (emergency[k]) continue;  // a token wider than the measure: cut where it must be
        bool in_url = false;
        for (auto [ua, ub] : urls)
            if (ua < b && b < ub) {
                in_url = true;
                if (std::u32string(U"/.-?&=").find(prev) == std::u32string::npos) out.push_back("R7 address: " + where());
            }
        if (kNoStart.find(next) != std::u32string::npos && !in_url) out.push_back("R1: " + where());
        if (kNoEnd.find(prev) != std::u32string::npos) out.push_back("R2: " + where());
        if ((prev == U'—' && next == U'—') || (prev == U'…' && next == U'…')) out.push_back("R5: " + where());
        if (in_url) continue;
        if (digit(prev) && digit(next)) out.push_back("R6 number: " + where());
        if (digit(prev) && std::u32string(U"%％‰℃°").find(next) != std::u32string::npos) out.push_back("R6 unit: " + where());
        if (b >= 2 && digit(text[b - 2]) && std::u32string(U".,:：-").find(prev) != std::u32string::npos && digit(next))
            out.push_back("R6 separator: " + where());
        if (digit(prev) && std::u32string(U".,:：-").find(next) != std::u32string::npos && b + 1 < text.size() &&
            digit(text[b + 1]))
            out.push_back("R6 separator: " + where());
        if (letter(prev) && letter(next)) out.push_back("R7 word: " + where());
        if (letter(prev) && next == U'-') out.push_back("R7 hyphenated word: " + where());
        if (prev == U'-' && letter(next) && b >= 2 && letter(text[b - 2])) out.push_back("R7 hyphenated word: " + where());
    }
    // S2: adjacent full-width marks take at most 1½ em.
    static const std::u32string kMarks = U"、，。．：；！？”’」』）］｝】〗〕〉》“‘「『（［｛【〖〔〈《";
    for (const auto& line : lines)
        for (size_t g = 0; g + 1 < line.glyphs.size(); ++g) {
            const char32_t a = line.text[static_cast<size_t>(line.glyphs[g].c)];
            const char32_t c = line.text[static_cast<size_t>(line.glyphs[g + 1].c)];
            if (kMarks.find(a) != std::u32string::npos && kMarks.find(c) != std::u32string::npos &&
                (line.glyphs[g].w + line.glyphs[g + 1].w) / line.font_size > 1.5f + 0.01f)
                out.push_back("S2: " + utf8::encode(std::u32string{a, c}));
        }
    return out;
}

}  // namespace

TEST_CASE("R1-R7 and S2 hold for the report and 45 hard cases at every measure from 6 to 50 em", "[break]") {
    const ShapedDocument corpus = shape_document(test::fonts(), test::corpus_document());
    const ShapedDocument cases = shape_document(test::fonts(), hard_cases());
    size_t boundaries = 0;
    for (const ShapedDocument* doc : {&corpus, &cases}) {
        for (int measure = 6; measure <= 50; ++measure) {
            std::vector<std::vector<Line>> blocks;
            lines_at(*doc, static_cast<float>(measure), &blocks);
            for (const auto& lines : blocks) {
                boundaries += lines.size() - 1;
                for (const auto& v : violations(lines)) FAIL_CHECK(measure << " em: " << v);
                for (const auto& line : lines) CHECK(line.width <= line.measure + 0.5f);
            }
        }
    }
    CHECK(boundaries > 5000);
}

TEST_CASE("the checker itself catches a bad break", "[break]") {
    // A hand-made break before "，" and inside a number must be reported.
    Line a, b;
    a.text = U"办结率达到99.";
    b.text = U"97%，合计";
    CHECK(violations({a, b}).size() >= 1);
    a.text = U"受理申请";
    b.text = U"，合计";
    CHECK(violations({a, b}) == std::vector<std::string>{"R1: 受理申请|，合计"});
}

TEST_CASE("web-platform-tests css-text-line-break-zh-*-strict: these may not start a line", "[break][wpt]") {
    // hyphens, in(separable), po, cpm (centred marks), iteration: restated from wpt's
    // css/css-text/i18n/zh/css-text-line-break-zh-{hyphens,in,po,cpm,iteration}-strict.html
    const std::u32string chars =
        U"\u2010\u2013\u301C\u30A0"
        U"\u2024\u2025\u2026\u22EF\uFE19\U00010AF6"
        U"\u00B0\u2030\u2032\u2033\u2035\u2103\u2109\uFE6A\uFF05\uFFE0"
        U"\u30FB\uFF1A\uFF1B\uFF65\u203C\u2047\u2048\u2049\uFF01\uFF1F"
        U"\u3005\u303B\u309D\u309E\u30FD\u30FE";
    for (char32_t c : chars) {
        // The wpt shape: 文文文文文文X字字 in a box six characters wide; X may not start the
        // second line, so 文 goes down with it.
        const std::u32string text = std::u32string(U"文文文文文文") + c + U"字字";
        INFO("U+" << std::hex << static_cast<unsigned>(c));
        CHECK(break_opportunities(text)[6] == Break::never);
        content::Document doc;
        doc.blocks.push_back(content::text_block(content::Role::caption, utf8::encode(text)));
        auto lines = lines_at(shape_document(test::fonts(), doc), 6.2f);
        REQUIRE(lines.size() >= 2);
        CHECK(lines[1].find(c) != 0);
    }
}

TEST_CASE("ICU's line breaking passes Unicode's LineBreakTest.txt as well as ICU does", "[break][conformance]") {
    const fs::path file = "/usr/share/unicode/auxiliary/LineBreakTest.txt";
    REQUIRE(fs::exists(file));  // unicode-data, installed by scripts/install-deps.sh
    std::ifstream in(file);
    size_t cases = 0, passed = 0;
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        std::istringstream parts(line);
        std::u32string text;
        std::vector<size_t> expected;
        for (std::string tok; parts >> tok;) {
            if (tok == "÷") {
                if (!text.empty()) expected.push_back(text.size());
            } else if (tok != "×") {
                text.push_back(static_cast<char32_t>(std::stoul(tok, nullptr, 16)));
            }
        }
        const auto allowed = icu_break_opportunities(text);
        std::vector<size_t> got;
        for (size_t i = 1; i <= text.size(); ++i)
            if (allowed[i]) got.push_back(i);
        ++cases;
        passed += got == expected ? 1 : 0;
    }
    INFO(passed << " of " << cases);
    CHECK(cases >= 7600);
    CHECK(passed >= 7632);  // ICU 72's own score with zh@lb=strict: the 22 misses are its tailorings
}

TEST_CASE("S6: half-width marks between Han characters become full-width, never in numbers or addresses", "[break][s6]") {
    auto fw = [](const char* s) { return utf8::encode(fullwidth_punctuation(utf8::decode(s))); };
    CHECK(fw("本报告依据《条例》(下称“《条例》”),汇总编制。") == "本报告依据《条例》（下称“《条例》”），汇总编制。");
    CHECK(fw("咨询电话:88779127;地址:长春市") == "咨询电话：88779127；地址：长春市");
    CHECK(fw("门户网站(http://www.changchun.gov.cn)政府") == "门户网站（http://www.changchun.gov.cn）政府");
    CHECK(fw("时间9:00,地点") == "时间9:00，地点");
    CHECK(fw("共1,234件,增长12.5%") == "共1,234件，增长12.5%");
    CHECK(fw("Open Government Data, and more") == "Open Government Data, and more");
    CHECK(fw("see http://a.cn/x?a=1,b=2;c=3 now") == "see http://a.cn/x?a=1,b=2;c=3 now");
    CHECK(fw("是吗?是的!") == "是吗？是的！");
    CHECK(fw("English (parentheses) 的区别") == "English (parentheses) 的区别");
}

TEST_CASE("a rare ideograph Noto lacks is drawn by the next font that has it", "[fonts]") {
    // 𪚥 (U+2A6A5) is in HanaMinB (fonts-hanazono, installed by scripts/install-deps.sh).
    FontSet& fonts = test::fonts();
    REQUIRE_FALSE(fonts.face(0).covers(U'\U0002A6A5'));
    const uint16_t face = fonts.face_for(U'\U0002A6A5', Weight::regular);
    CHECK(face >= 2);
    CHECK(fonts.face(face).covers(U'\U0002A6A5'));
    const ShapedText t = shape(fonts, U"龘𪚥龘", Weight::regular);
    REQUIRE(t.glyphs.size() == 3);
    CHECK(t.glyphs[1].face == face);
    CHECK(t.glyphs[1].id != 0);
    CHECK(t.advance[1] > 0.9f);
}

TEST_CASE("the mark classes match where Noto Sans CJK SC puts the ink", "[break][fonts]") {
    // A closing mark's ink must sit in its left half (S1 drops the right half), an opening
    // mark's in its right half (S3 drops the left half), in the font the kiosk uses.
    FontSet& fonts = test::fonts();
    const Face& face = fonts.face(0);
    for (char32_t c : std::u32string(U"、，。：；！？）》」』”’】〕（《「『“‘【〔")) {
        INFO("U+" << std::hex << static_cast<unsigned>(c));
        const ShapedText t = shape(fonts, std::u32string(1, c), Weight::regular);
        REQUIRE(t.glyphs.size() == 1);
        REQUIRE(FT_Load_Glyph(face.ft(), t.glyphs[0].id, FT_LOAD_NO_SCALE) == 0);
        const float upem = static_cast<float>(face.units_per_em());
        const float left = static_cast<float>(face.ft()->glyph->metrics.horiBearingX) / upem;
        const float right = left + static_cast<float>(face.ft()->glyph->metrics.width) / upem;
        CHECK(t.advance[0] == Approx(1.0f));
        if (punct_side(c) == PunctSide::closing) CHECK(right <= 0.55f);
        else CHECK(left >= 0.45f);
    }
}
