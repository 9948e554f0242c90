#pragma once
// The ticker band (滚动字幕, issue 29): where it goes on the page, the smaller page the
// pages are laid out for while it runs, and its text — every item on one line, title "："
// text, a marker in the item's warning colour before each and wide spacing between them —
// shaped once into a strip that loops seamlessly (its width includes the gap after the last
// item). Pure: no SDL, no clock; render/ paints the strip and moves it.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "text/layout.hpp"
#include "warning/level.hpp"

namespace kiosk::text {

struct TickerGeometry {
    Box band;          // in the upright screen's coordinates, full width
    int band_height = 0;
    int page_y = 0;    // where the shorter page goes: under a top band, else at 0
    PageGeometry page; // the page the pages are laid out for: the band's height given up
};
// `full` is the page without a band (resolve_geometry). The band is `ticker.height` of the
// short side (whole pixels), at the bottom or the top; the page keeps its header and its
// footer, and its body gives up the band's height (never overdrawn by the band).
TickerGeometry ticker_geometry(const PageGeometry& full, const config::TickerSettings& ticker);

struct TickerText {
    std::string title;
    std::string text;
    warning::Level level = warning::Level::none;
    bool operator==(const TickerText&) const = default;
};
// The line the band runs for one item: title "：" text on one line (line breaks and runs of
// white space become one space), at most kTickerItemChars characters (then "…").
std::string ticker_line(const TickerText& item);
inline constexpr size_t kTickerItemChars = 300;
inline constexpr size_t kTickerMaxItems = 12;  // the rest wait (the most severe come first)

struct TickerMarker {
    Box box;  // the ◆'s square, strip coordinates
    warning::Level level = warning::Level::none;
};
struct TickerStrip {
    int width = 0;     // one loop, px: the items and the gap after each; the strip repeats after it
    int height = 0;    // the band's
    float font_px = 0;
    float speed = 0;   // px a second: chars_per_second × the em
    std::vector<Line> lines;  // one per item, strip coordinates (x from 0, baseline y)
    std::vector<TickerMarker> markers;
    bool empty() const { return lines.empty(); }
};
// Shapes the items (at most kTickerMaxItems) for a band `band_height` px high. The text is
// 0.55 of the band, centred on it; each item is ◆, half an em, its line, then three ems.
TickerStrip ticker_strip(FontSet& fonts, const std::vector<TickerText>& items, int band_height, double chars_per_second);

// Where copies of the strip start in the band (band coordinates, left to right) after it has
// moved `moved` px: it enters from the right edge and, once its start has passed the left
// edge, loops (a copy follows each at `width`). Empty when the strip is empty.
std::vector<float> ticker_copies(const TickerStrip& strip, float band_width, double moved);

}  // namespace kiosk::text
