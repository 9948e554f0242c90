// The chrome: header band (hall name, running title) and footer (clock, page number,
// source, update time, QR code), shaped by the same shaper as the body.
#include <algorithm>
#include <cmath>
#include <memory>

#include <qrencode.h>

#include "base/utf8.hpp"
#include "text/break_opportunities.hpp"
#include "text/layout_internal.hpp"

namespace kiosk::text {
using content::Align;
using content::Role;

namespace {

// One line of chrome, shaped on the spot (chrome changes per page and per minute).
Line chrome_label(FontSet& fonts, std::string role, const std::string& utf8_text, float size,
                  Weight weight, Tone tone, float x, float baseline, float max_width, Align align) {
    content::Block block;
    block.role = weight == Weight::bold ? content::Role::heading : content::Role::caption;
    // No character is narrower than a quarter em: anything past max_width/size*4 characters
    // is cut anyway, so it is never shaped (a 160,000-character title on every page would be).
    std::u32string text = utf8::decode(utf8_text);
    const size_t most = static_cast<size_t>(std::max(0.0f, max_width / std::max(size, 1.0f)) * 4) + 2;
    if (text.size() > most) text.resize(most);
    ShapedBlock sb = shape_block(fonts, block, std::move(text));
    auto width_of = [&](const ShapedBlock& b) {
        float w = 0;
        for (const auto& m : b.metrics) w += m.advance * size;
        return w;
    };
    float width = width_of(sb);
    if (width > max_width && !sb.shaped.text.empty()) {
        // Too long: cut and end with an ellipsis.
        const float budget = max_width - size;
        float used = 0;
        size_t keep = 0;
        while (keep < sb.metrics.size() && used + sb.metrics[keep].advance * size <= budget)
            used += sb.metrics[keep++].advance * size;
        // At a word's end (ICU's dictionary: never 管理局201…, 年度报…), unless that would
        // give back more than half of what fits.
        const std::vector<bool> words = word_boundaries(sb.shaped.text);
        size_t at = keep;
        while (at > 0 && !words[at]) --at;
        if (at >= keep / 2 && at > 0) keep = at;
        while (keep > 0 && (sb.shaped.text[keep - 1] == U' ' || sb.shaped.text[keep - 1] == U'　')) --keep;
        sb = shape_block(fonts, block, sb.shaped.text.substr(0, keep) + U"…");
        width = width_of(sb);
    }
    if (align == Align::end) x -= width;
    if (align == Align::center) x -= width / 2;
    BlockFormat f;
    f.size = size;
    f.tone = tone;
    const LineContext ctx{sb, size, false};
    Line line = set_line(ctx, -1, LineSpan{0, sb.shaped.text.size(), false}, f, x, width + size, false, true);
    line.chrome_role = std::move(role);
    line.y = baseline;
    return line;
}

struct QrCodeFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeFree>;  // owns one encoded QR code

// The footer text needs this many of its em beside the QR code (the clock, the update time
// and the page number, with their gaps); the source line is dropped first when short of it.
constexpr float kFooterTextEm = 34;
// A QR code's module: at least this many px at 1080 lines (a 37-module code is then 15 cm
// wide on a 55" panel and scans from 2 m), scaled with the screen.
constexpr float kQrModulePxAt1080 = 4;
constexpr int kQrQuietModules = 4;  // ISO/IEC 18004's quiet zone

}  // namespace

float footer_px(const Style& style, const PageGeometry& g) {
    return std::max(style.chrome_px, std::round(0.03f * static_cast<float>(std::min(g.width, g.height))));
}

QrPlacement place_qr(const Style& style, const PageGeometry& g, const std::string& url) {
    QrPlacement place;
    if (url.empty()) return place;
    QrCodePtr code(QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) return place;
    QrBox qr;
    qr.url = url;
    qr.modules = code->width;
    qr.dark.resize(static_cast<size_t>(code->width) * static_cast<size_t>(code->width));
    for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
    qr.module = std::ceil(kQrModulePxAt1080 * static_cast<float>(std::min(g.width, g.height)) / 1080.0f - 0.01f);
    const float quiet = static_cast<float>(kQrQuietModules) * qr.module;
    const float side = static_cast<float>(qr.modules + 2 * kQrQuietModules) * qr.module;
    const float right = g.body.x + g.body.width + quiet;  // the symbol's right edge on the body's
    const float body_bottom = g.body.y + g.body.height;
    const float text = footer_px(style, g);
    place.in_footer = (right - side) - g.body.x - 0.6f * text >= kFooterTextEm * text;
    if (place.in_footer) {
        // In the footer's corner, its quiet zone down to the screen's edge; the footer rule
        // stops short of it, and the body gives up what the square reaches into.
        qr.box = Box{right - side, static_cast<float>(g.height) - side, side, side};
    } else {
        // In the body's bottom corner: the quiet zone's lower edge in the gap over the footer rule.
        qr.box = Box{right - side, body_bottom + quiet - side, side, side};
    }
    place.body_cut = std::max(0.0f, body_bottom - qr.box.y);
    place.qr = std::move(qr);
    return place;
}

void add_chrome(FontSet& fonts, std::vector<Page>& pages, const Style& style,
                const PageGeometry& g, const ChromeText& chrome) {
    const float header_size = style.chrome_px;
    const float size = footer_px(style, g);
    const float left = g.body.x, right = g.body.x + g.body.width;
    const float header_base = g.header.y + (g.header.height - header_size) / 2 + kEmBoxAscent * header_size;
    const float footer_base = g.footer.y + (g.footer.height - size) / 2 + kEmBoxAscent * size;
    const QrPlacement qr = place_qr(style, g, chrome.qr_url);
    for (Page& page : pages) {
        page.chrome.clear();
        float hall_width = 0;
        if (!chrome.hall_name.empty()) {
            page.chrome.push_back(chrome_label(fonts, "hall-name", chrome.hall_name, header_size,
                                               Weight::bold, Tone::header, left, header_base,
                                               g.body.width / 2, Align::start));
            hall_width = page.chrome.back().width + header_size * 2;
        }
        if (!chrome.item_title.empty()) {
            page.chrome.push_back(chrome_label(fonts, "running-title", chrome.item_title, header_size,
                                               Weight::regular, Tone::header, right, header_base,
                                               g.body.width - hall_width, Align::end));
        }
        // Footer, left to right: the clock; the document's date and source, when its content
        // was last updated (marked when stale); the page number; the QR code in the corner.
        float footer_right = right;
        page.qr = qr.qr;
        if (qr.qr && qr.in_footer) footer_right = qr.qr->box.x - size * 0.6f;
        std::string number = "第 " + std::to_string(page.number) + "/" + std::to_string(page.of) + " 页";
        page.chrome.push_back(chrome_label(fonts, "page-number", number, size, Weight::regular,
                                           Tone::muted, footer_right, footer_base, g.body.width / 4,
                                           Align::end));
        footer_right -= page.chrome.back().width + size * 1.2f;
        float footer_left = left;
        std::vector<std::string> fresh;
        if (chrome.stale) fresh = {"● 内容可能不是最新　" + chrome.updated, "● 内容可能不是最新", "● 未及时更新"};
        else if (!chrome.updated.empty()) fresh = {chrome.updated};
        if (!chrome.clock.empty()) {
            Line clock = chrome_label(fonts, "clock", chrome.clock, size, Weight::regular, Tone::muted, left, footer_base,
                                      g.body.width / 2, Align::start);
            // A narrow footer: the clock without its year (12月3日 星期四 10:00) rather than
            // no update time.
            const size_t year = chrome.clock.find("年");
            if (!fresh.empty() && year != std::string::npos && year <= 4) {
                const Line first = chrome_label(fonts, "updated", fresh.front(), size, Weight::regular, Tone::muted, 0,
                                                footer_base, g.body.width, Align::start);
                if (left + clock.width + size * 1.2f + first.width > footer_right)
                    clock = chrome_label(fonts, "clock", chrome.clock.substr(year + std::string("年").size()), size,
                                         Weight::regular, Tone::muted, left, footer_base, g.body.width / 2, Align::start);
            }
            footer_left += clock.width + size * 1.2f;
            page.chrome.push_back(std::move(clock));
        }
        // The freshness line: "内容更新于 …", with a marker in the accent colour when stale;
        // then the document's date and source. Each is shown whole or, on a narrow footer,
        // in its shorter form or not at all — except the stale marker, which always shows.
        const float small = size;  // the source and update time too: legible from 3 m
        auto whole = [&](const std::string& role, const std::string& text, Tone tone, float x, float room, Align align) {
            Line l = chrome_label(fonts, role, text, small, Weight::regular, tone, x, footer_base, room, align);
            return l.text == utf8::decode(text) ? std::optional<Line>(std::move(l)) : std::nullopt;
        };
        for (const std::string& text : fresh) {
            auto l = whole(chrome.stale ? "stale" : "updated", text, chrome.stale ? Tone::accent : Tone::muted, footer_right,
                           footer_right - footer_left, Align::end);
            if (!l && chrome.stale && &text == &fresh.back())  // no room at all: over the clock, it matters more
                l = whole("stale", text, Tone::accent, footer_right, footer_right - left, Align::end);
            if (l) {
                footer_right -= l->width + size;
                page.chrome.push_back(std::move(*l));
                break;
            }
        }
        // The source line whole, else its first part (发布日期：… without 来源：…).
        if (!chrome.source.empty()) {
            std::vector<std::string> forms{chrome.source};
            if (const size_t cut = chrome.source.find("　"); cut != std::string::npos && cut > 0)
                forms.push_back(chrome.source.substr(0, cut));
            for (const std::string& text : forms)
                if (auto l = whole("source", text, Tone::muted, footer_left, footer_right - footer_left, Align::start)) {
                    page.chrome.push_back(std::move(*l));
                    break;
                }
        }
        for (const PlacedImage& im : page.images)
            if (im.placeholder)
                page.chrome.push_back(chrome_label(fonts, "image-placeholder", "图片暂不可用", header_size, Weight::regular,
                                                   Tone::muted, im.box.x + im.box.width / 2,
                                                   im.box.y + im.box.height / 2 + (kEmBoxAscent - 0.5f) * header_size,
                                                   im.box.width, Align::center));
    }
}

std::vector<std::string> warning_band_words(warning::Level level, const std::string& title) {
    const std::string words = warning::level_words(level);
    const std::string plain = words + "预警";  // 橙色预警
    std::vector<std::string> out;
    const auto add = [&](const std::string& w) {
        if (!w.empty() && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    };
    if (!title.empty() && title.find(words) != std::string::npos) {
        add(title);  // 长春市气象台发布暴雪橙色预警
        if (const size_t at = title.rfind("发布"); at != std::string::npos) {
            const std::string hazard = title.substr(at + std::string("发布").size());  // 暴雪橙色预警
            if (hazard.find(words) != std::string::npos) add(hazard);
        }
    } else if (!title.empty()) {
        add(plain + "　" + title);  // a title without the level's words: the level first
    }
    add(plain);
    return out;
}

void add_urgent_chrome(FontSet& fonts, std::vector<Page>& pages, const Style& style, const PageGeometry& g,
                       const std::string& clock, warning::Level level, const std::string& title) {
    const UrgentGeometry u = urgent_geometry(g);
    const float size = footer_px(style, g);
    const float footer_base = g.footer.y + (g.footer.height - size) / 2 + kEmBoxAscent * size;
    const float band_size = std::round(u.band.height * 0.5f);
    const auto band_label = [&](const std::string& words, float px, float most_width) {
        const float base = u.band.y + (u.band.height - px) / 2 + kEmBoxAscent * px;
        return chrome_label(fonts, "alert", words, px, Weight::bold, Tone::header, u.band.x + u.band.width / 2, base,
                            most_width, Align::center);
    };
    Line band = band_label("紧急通知", band_size, u.band.width);
    if (level != warning::Level::none) {
        // The longest words that fit one line with the body's margins at no less than
        // kWarningBandLeast of the band's size; the shortest (橙色预警) always does.
        constexpr float kWarningBandLeast = 0.6f;
        const float room = u.band.width - 2 * std::max(g.body.x, size);
        const auto words = warning_band_words(level, title);
        for (const std::string& w : words) {
            // Measured whole at the full size (a title is at most 100 characters), then set
            // smaller if it is wider than the room.
            Line l = band_label(w, band_size, band_size * 200);
            if (l.text != utf8::decode(w)) continue;
            if (l.width > room) {
                const float px = std::floor(band_size * room / l.width);
                if (px < band_size * kWarningBandLeast && &w != &words.back()) continue;
                l = band_label(w, std::max(px, 1.0f), room + 1);
            }
            band = std::move(l);
            break;
        }
    }
    for (Page& page : pages) {
        page.chrome.clear();
        page.qr.reset();
        page.alert_band = u.band;
        page.alert_level = level;
        page.chrome.push_back(band);
        if (!clock.empty())
            page.chrome.push_back(chrome_label(fonts, "clock", clock, size, Weight::regular, Tone::muted, g.body.x,
                                               footer_base, g.body.width / 2, Align::start));
        if (page.of > 1)
            page.chrome.push_back(chrome_label(fonts, "page-number",
                                               "第 " + std::to_string(page.number) + "/" + std::to_string(page.of) + " 页",
                                               size, Weight::regular, Tone::muted, g.body.x + g.body.width, footer_base,
                                               g.body.width / 4, Align::end));
    }
}

Page standing_page(FontSet& fonts, const Style& style, const PageGeometry& geometry,
                   const std::vector<content::Block>& lines) {
    content::Document doc;
    doc.blocks = lines;
    auto pages = layout_document(shape_document(fonts, doc), style, geometry);
    Page page = std::move(pages.front());
    if (!page.lines.empty()) {
        const auto& first = page.lines.front();
        const auto& last = page.lines.back();
        const float top = first.y - first.font_size;
        const float bottom = last.y + last.font_size * kStandingFootEm;
        const float shift = (static_cast<float>(geometry.height) - (bottom - top)) / 2 - top;
        for (auto& line : page.lines) line.y += shift;
    }
    page.number = page.of = 1;
    return page;
}

}  // namespace kiosk::text
