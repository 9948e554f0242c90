#pragma once
// Document + style + page size -> pages of positioned lines and glyphs. Pure: no SDL, no
// clock. Shaping is done once per document (ShapedDocument) and reused for every size.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "warning/level.hpp"
#include "content/document.hpp"
#include "text/fonts.hpp"
#include "text/break_opportunities.hpp"
#include "text/shaping.hpp"

namespace kiosk::text {

struct Box {
    float x = 0, y = 0, width = 0, height = 0;
};

// Sizes in pixels, resolved from the config for one page size.
struct Style {
    float body_px = 40;
    float title_px = 56;
    float heading_px = 44;
    float meta_px = 32;
    float caption_px = 34;
    float chrome_px = 32;
    float table_px = 32;         // table cells: smaller than body, never below the legible minimum
    float line_height = 1.65f;   // body line pitch, em
    float indent_em = 2.0f;      // S5
};

// Per-character widths in em, decided once per block (size-independent): S2 compression of
// adjacent marks already applied; what S1, S3 and J2 may take off depending on the line.
struct CharMetrics {
    float advance = 0;        // after S2
    float shift = 0;          // ink moved left by S2 (an opening mark losing its left blank)
    float end_trim = 0;       // S1: given up when the character ends a line
    float end_shift = 0;      //     and the ink moves left by this much
    float start_trim = 0;     // S3: given up when it starts a line (ink moves left as much)
    float squeeze = 0;        // J2: what it may give mid-line when a line is compressed
    float squeeze_shift = 0;  //     share of that taken from its left side (0, ½ or 1)
    float space_after = 0;    // S4: space between this and the next character (Han | Latin or digit),
                              //     not part of the glyph's advance and dropped at a line's end
};

struct PageGeometry {
    int width = 1920;
    int height = 1080;
    Box body;    // where document lines go
    Box header;  // band with hall name and running title
    Box footer;  // band with page number and clock
};

// Pixel sizes and boxes for a page of width x height, from the config's relative sizes.
Style resolve_style(const config::Typography& type, int width, int height);
PageGeometry resolve_geometry(const config::Margins& margins, int width, int height);

struct GlyphBox {
    int c = 0;      // code-point index in Line::text
    float x = 0;    // left edge, page px
    float w = 0;    // the character's own advance (after punctuation compression)
};

// 新旧对照 (issue 30): a span of a line that differs between the old and new text. Deleted
// text is drawn in the muted colour and struck through; inserted text in the accent colour
// and underlined. The stroke is placed by the layout (so tests and the JSON see it) and is
// at least kMarkStrokeEm of the text's size and 2 px thick: legible at 3 m.
enum class Mark : uint8_t { none, deleted, inserted };
inline constexpr float kMarkStrokeEm = 0.06f;
struct MarkSpan {
    int begin = 0, end = 0;  // code points [begin, end) of Line::text
    Mark mark = Mark::deleted;
    Box stroke;              // the strike-through or underline, page px
};
// Which side of a comparison a line belongs to (none: not a comparison's line).
enum class Column : uint8_t { none, old_text, new_text, both };

struct Ink {  // one glyph to draw
    uint32_t id = 0;
    uint16_t face = 0;
    float x = 0;   // pen x, page px
    float dy = 0;  // px, downwards from the baseline
    Mark mark = Mark::none;  // drawn in the mark's colour instead of the line's tone (issue 30)
};

enum class Tone { text, muted, accent, header };  // which theme colour draws the line


// A table cell's box on a page; row and col are the cell's first slot in the table grid.
struct CellBox {
    int row = 0, col = 0;
    Box box;
};

struct Line {
    int block = 0;
    content::Role role = content::Role::paragraph;
    std::string chrome_role;  // set on chrome lines ("page-number", …), and on a comparison's lines that are
                              // not its text: "compare-head", "compare-label", "compare-note", "compare-summary"
    std::u32string text;
    float x = 0, y = 0;  // pen origin: left edge and baseline
    float width = 0;     // set width
    float measure = 0;   // available width after indent
    float font_size = 0;
    bool last_of_block = false;
    bool emergency = false;
    bool justified = false;
    bool repeat = false;  // a table header row or spanning label carried onto another page or column group
    std::optional<CellBox> cell;  // table text only
    Tone tone = Tone::text;
    std::vector<GlyphBox> glyphs;
    std::vector<Ink> ink;
    // A comparison's line (issue 30): its side, the pair it belongs to (index among the
    // document's compare blocks, from 0) and its marked spans.
    Column column = Column::none;
    int pair = -1;
    std::vector<MarkSpan> marks;
};

// Table rules and header shading, drawn under the text.
struct Rule {
    Box box;
    bool header = false;  // shaded
};

// A picture's place on the page; `placeholder` when the picture is missing or broken (a
// framed box with a label in the chrome, and the caption under it as usual).
struct PlacedImage {
    int block = 0;
    Box box;
    std::string url;
    bool placeholder = false;
};

// A QR code: `box` is the square with its quiet zone of four modules (drawn light), the
// symbol whole pixels a module inside it. Encoded here (libqrencode, medium error
// correction), so that its size is known before the body is laid out around it.
struct QrBox {
    Box box;
    std::string url;
    int modules = 0;              // the symbol's side, in modules
    float module = 0;             // px a module
    std::vector<uint8_t> dark;    // modules × modules, row by row
};

// Where an item's QR code goes. In the footer's corner (its top may reach into the gap and
// the body's foot) when the footer keeps room for its text beside it; else in the body's
// bottom corner, above the footer rule. `body_cut` is the height the body gives up at its
// foot on every page so that no line comes into the code's quiet zone.
struct QrPlacement {
    std::optional<QrBox> qr;
    float body_cut = 0;
    bool in_footer = false;
};
// At least 4 px a module at 1080 lines, scaled with the short side; none when `url` is
// empty or cannot be encoded.
QrPlacement place_qr(const Style& style, const PageGeometry& geometry, const std::string& url);
// The footer's text size: the chrome size, and never under 0.03 of the short side (32 px at
// 1080: the least for Han characters read at 3 m).
float footer_px(const Style& style, const PageGeometry& geometry);

struct Page {
    int number = 1;
    int of = 1;
    Box box;
    std::vector<Line> lines;
    std::vector<Line> chrome;
    std::vector<Rule> rules;
    std::vector<PlacedImage> images;
    std::optional<QrBox> qr;  // chrome
    // An urgent notice's page: this full-width band in the accent colour replaces the header
    // band (and the footer's rule is left out).
    std::optional<Box> alert_band;
    // An official warning's page (issue 29): the band takes the level's colour and its words
    // the level's text colour (warning::level_colors); none: the accent band of 紧急通知.
    warning::Level alert_level = warning::Level::none;
};

struct ShapedBlock {
    content::Block block;
    ShapedText shaped;              // of the displayed text (after S6)
    std::vector<Break> breaks;      // size text.size() + 1
    std::vector<CharMetrics> metrics;
    std::vector<ShapedBlock> cells;  // a table's cells, row by row, in the Document's order;
                                     // a compare pair's: the old side's paragraphs, then the new side's,
                                     // then its note (always present, "" when none)
};

// The shaping of a whole document: do it once, lay it out at any size.
struct ShapedDocument {
    std::string title;
    std::vector<ShapedBlock> blocks;
    // A 新旧对照 (issue 30): its summary, and the words layout_compare sets besides the pairs
    // (修订前, 修订后, 新增, 删除, the opening page's lines), shaped here because laying out
    // needs no fonts; their order is text/compare_layout.cpp's business.
    std::optional<content::CompareSummary> compare_summary;
    std::vector<ShapedBlock> compare_words;
};
struct ShapeOptions {
    bool fullwidth_punctuation = true;  // S6
    bool table_empty_zero = false;      // empty table cells read 0
};
ShapedDocument shape_document(FontSet& fonts, const content::Document& doc, const ShapeOptions& options = {});

// Shapes one block's text: S6, HarfBuzz, break opportunities and character metrics.
ShapedBlock shape_block(FontSet& fonts, const content::Block& block, std::u32string text,
                        const ShapeOptions& options = {});

struct ChromeText {
    std::string hall_name;
    std::string item_title;
    std::string clock;    // already formatted, e.g. "2026年11月27日 星期五 09:30"
    std::string source;   // the document's date and source line, e.g. "发布日期：2024-04-07　来源：…"
    std::string updated;  // "内容更新于 11月27日 09:30"
    bool stale = false;   // older than the configured age, or its last fetch failed: marked
    std::string qr_url;   // the article's address on the portal: a QR code in the footer corner
};

// Lays out and paginates; every character of every block lands on exactly one page.
std::vector<Page> layout_document(const ShapedDocument& doc, const Style& style,
                                  const PageGeometry& geometry);

// layout_document, but at most `max_pages` pages (past the document budget a small panel
// could still make thousands): the blocks that start within them, then the line
// `notice(pages shown)` at the end of the last one — giving up a block at a time until it
// fits there. `cut` says whether anything was left out.
std::vector<Page> layout_document_capped(FontSet& fonts, const ShapedDocument& doc, const Style& style,
                                         const PageGeometry& geometry, size_t max_pages,
                                         const std::function<std::string(size_t pages)>& notice,
                                         const ShapeOptions& options, bool* cut = nullptr);

// Adds header and footer labels to every page (needs the FontSet to shape them).
void add_chrome(FontSet& fonts, std::vector<Page>& pages, const Style& style,
                const PageGeometry& geometry, const ChromeText& chrome);

// The standing page (nothing scheduled, or no playlist): its lines — the hall, the clock,
// a caption — centred on the whole screen, not hung from the top of the body box.
Page standing_page(FontSet& fonts, const Style& style, const PageGeometry& geometry,
                   const std::vector<content::Block>& lines);

// 新旧对照 (issue 30). A document with `compare_summary` (content/compare.hpp) is laid out by
// layout_document as: the opening page (the title, 新增 N 条，删除 M 条，修改 K 条，未改 L 条 and
// the effective date), then the pairs. Landscape (width > height): two columns with a thin rule
// between them and the header band 修订前 | 修订后 on every page (its lines role "compare-head",
// Column old_text/new_text, repeat true after the first page; its shading a Rule with header
// true); each pair starts on the same line in both columns; 新增 / 删除 stands in the empty
// column. Portrait: the pair stacked, old (labelled 修订前) above new (修订后). A pair too long
// for the rest of a page breaks line-synchronised (both columns at the same line, continued
// at the same place on the next page), never leaving one line of it alone on either page, and
// never with an article's number as a column's last line.
std::vector<Page> layout_compare(const ShapedDocument& doc, const Style& style, const PageGeometry& geometry);

// What the bench and the tests count on a comparison's pages (each should be 0):
struct CompareStats {
    int pairs = 0;             // compare pairs laid out
    int misaligned_starts = 0; // a pair whose first lines in the two columns are not on one baseline (landscape)
    int stubs = 0;             // a piece of a broken pair that is a single line (in its longer column)
    int stranded_numbers = 0;  // a column's last line on a page holding an article's number whose text goes on overleaf
    int lost_characters = 0;   // characters of the pairs' text not on any page (P5)
    int fragments = 0;         // marked spans, counted once per span however many lines it takes
    int changed_pairs = 0;     // pairs with any mark
};
CompareStats measure_compare(const content::Document& comparison, const std::vector<Page>& pages);

// The urgent notice's look (紧急通知): `band` across the top in the accent colour, and the
// page geometry with the body under it.
struct UrgentGeometry {
    Box band;
    PageGeometry page;
};
UrgentGeometry urgent_geometry(const PageGeometry& geometry);
// An urgent notice's document before shaping: a notice of one sentence is set as a sign
// (centred, no indent, bold); longer ones as paragraphs.
content::Document urgent_document(content::Document doc);
// The notice's text as large as fits one page (never below the body size, at most four
// times it), centred under the band; a text too long for one page at the body size is set
// at the body size on as many pages as it needs. Every page carries the band.
std::vector<Page> layout_urgent(const ShapedDocument& doc, const Style& style, const PageGeometry& geometry);
// 紧急通知 in the band and the clock in the footer: no other chrome (the page number too when
// the notice takes more than one page). An official warning (`level` not none, issue 29):
// the band says its title (长春市气象台发布暴雪橙色预警) as large as fits one line, else the
// part after 发布 (暴雪橙色预警), else 橙色预警 — always with the level's words — and takes
// the level's colour.
void add_urgent_chrome(FontSet& fonts, std::vector<Page>& pages, const Style& style,
                       const PageGeometry& geometry, const std::string& clock,
                       warning::Level level = warning::Level::none, const std::string& title = "");
// The words of a warning's band, longest first (each with the level's words): what
// add_urgent_chrome tries in turn.
std::vector<std::string> warning_band_words(warning::Level level, const std::string& title);

}  // namespace kiosk::text
