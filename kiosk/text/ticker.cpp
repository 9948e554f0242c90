#include "text/ticker.hpp"

#include <algorithm>
#include <cmath>

#include "base/utf8.hpp"
#include "text/layout_internal.hpp"
#include "text/shaping.hpp"

namespace kiosk::text {

TickerGeometry ticker_geometry(const PageGeometry& full, const config::TickerSettings& ticker) {
    TickerGeometry t;
    const float short_side = static_cast<float>(std::min(full.width, full.height));
    t.band_height = std::clamp(static_cast<int>(std::lround(ticker.height * short_side)), 1, std::max(1, full.height / 2));
    const bool top = ticker.position == config::TickerPosition::top;
    t.band = Box{0, top ? 0.0f : static_cast<float>(full.height - t.band_height), static_cast<float>(full.width),
                 static_cast<float>(t.band_height)};
    t.page_y = top ? t.band_height : 0;
    t.page = full;
    const float h = static_cast<float>(t.band_height);
    t.page.height = full.height - t.band_height;
    t.page.footer.y -= h;
    t.page.body.height = std::max(1.0f, full.body.height - h);
    return t;
}

std::string ticker_line(const TickerText& item) {
    auto one_line = [](const std::string& s) {
        std::u32string out;
        bool space = false;
        for (char32_t c : utf8::decode(s)) {
            const bool blank = c == U'\n' || c == U'\r' || c == U'\t' || c == U' ' || c == U'\u3000' || c == U'\u2028' ||
                               c == U'\u2029' || c == U'\v' || c == U'\f';
            if (blank) {
                space = !out.empty();
                continue;
            }
            if (space) out.push_back(U' ');
            space = false;
            out.push_back(c);
        }
        return out;
    };
    std::u32string line = one_line(item.title);
    const std::u32string text = one_line(item.text);
    if (!line.empty() && !text.empty()) line += U'：';
    line += text;
    if (line.size() > kTickerItemChars) {
        line.resize(kTickerItemChars - 1);
        line.push_back(U'…');
    }
    return utf8::encode(line);
}

TickerStrip ticker_strip(FontSet& fonts, const std::vector<TickerText>& items, int band_height, double chars_per_second) {
    TickerStrip s;
    s.height = band_height;
    s.font_px = std::max(8.0f, std::round(static_cast<float>(band_height) * 0.55f));
    s.speed = static_cast<float>(chars_per_second) * s.font_px;
    const float px = s.font_px;
    const float baseline = (static_cast<float>(band_height) - px) / 2 + kEmBoxAscent * px;
    const float marker = std::round(px * 0.6f);
    float x = 0;
    for (size_t n = 0; n < items.size() && n < kTickerMaxItems; ++n) {
        const std::string text = ticker_line(items[n]);
        if (text.empty()) continue;
        s.markers.push_back({Box{x, std::round((static_cast<float>(band_height) - marker) / 2), marker, marker}, items[n].level});
        x += marker + px * 0.5f;
        const ShapedText t = shape(fonts, utf8::decode(text), Weight::regular);
        Line line;
        line.block = static_cast<int>(n);
        line.role = content::Role::paragraph;
        line.chrome_role = "ticker";
        line.text = t.text;
        line.x = x;
        line.y = baseline;
        line.font_size = px;
        float pen = x;
        for (size_t i = 0; i < t.text.size(); ++i) {
            for (uint32_t g = t.glyph_start[i]; g < t.glyph_start[i + 1]; ++g) {
                const ShapedGlyph& sg = t.glyphs[g];
                line.ink.push_back(Ink{sg.id, sg.face, pen + sg.x_offset * px, -sg.y_offset * px});
            }
            const float w = t.advance[i] * px;
            line.glyphs.push_back(GlyphBox{static_cast<int>(i), pen, w});
            pen += w;
        }
        line.width = pen - x;
        line.measure = line.width;
        s.lines.push_back(std::move(line));
        x = pen + 3 * px;  // wide spacing: the next item (or the loop's start) after three ems
    }
    s.width = s.lines.empty() ? 0 : static_cast<int>(std::ceil(x));
    return s;
}

std::vector<float> ticker_copies(const TickerStrip& strip, float band_width, double moved) {
    std::vector<float> at;
    if (strip.width <= 0) return at;
    const double w = strip.width;
    double origin = static_cast<double>(band_width) - moved;  // the first copy's start
    if (origin <= 0) origin = std::fmod(origin, w);             // looping: a copy starts in (-w, 0]
    for (double o = origin; o < band_width; o += w) at.push_back(static_cast<float>(o));
    return at;
}

}  // namespace kiosk::text
