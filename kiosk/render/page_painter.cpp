#include "render/page_painter.hpp"

#include <cmath>

#include <vector>

#include "base/log.hpp"
#include "render/pictures_internal.hpp"

namespace kiosk::render {
PagePainter::PagePainter(SDL_Renderer* renderer, const text::FontSet& fonts,
                         const config::Theme& theme)
    : renderer_(renderer), theme_(theme), atlas_(renderer, fonts) {}

SDL_Color PagePainter::colour(text::Tone tone) const {
    config::Color c = theme_.text;
    switch (tone) {
        case text::Tone::text: c = theme_.text; break;
        case text::Tone::muted: c = theme_.muted; break;
        case text::Tone::accent: c = theme_.accent; break;
        case text::Tone::header: c = theme_.header_text; break;
    }
    return SDL_Color{c.r, c.g, c.b, 255};
}

void PagePainter::fill(const text::Box& box, config::Color c) {
    SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, 255);
    SDL_Rect r{static_cast<int>(std::lround(box.x)), static_cast<int>(std::lround(box.y)),
               static_cast<int>(std::lround(box.width)), static_cast<int>(std::lround(box.height))};
    SDL_RenderFillRect(renderer_, &r);
}

config::Color PagePainter::mix(config::Color a, config::Color b, float t) {
    auto m = [t](uint8_t x, uint8_t y) { return static_cast<uint8_t>(std::lround(x + (y - x) * t)); };
    return config::Color{m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

void PagePainter::draw_line(const text::Line& line) {
    const SDL_Color c = colour(line.tone);
    for (const text::Ink& ink : line.ink)
        atlas_.draw(ink.face, ink.id, line.font_size, ink.x, line.y + ink.dy, c);
}

void PagePainter::draw_image(const text::PlacedImage& image) {
    SDL_Texture* texture = nullptr;
    if (!image.placeholder && pictures_) {
        auto it = textures_.find(image.url);
        if (it == textures_.end()) {
            if (SharedSurface surface = pictures_->impl().get(image.url)) {
                TexturePtr t(SDL_CreateTextureFromSurface(renderer_, surface.get()));
                if (t) {
                    SDL_SetTextureScaleMode(t.get(), SDL_ScaleModeLinear);
                    it = textures_.emplace(image.url, std::move(t)).first;
                }
            }
        }
        if (it != textures_.end()) texture = it->second.get();
    }
    if (texture) {
        SDL_Rect r{static_cast<int>(std::lround(image.box.x)), static_cast<int>(std::lround(image.box.y)),
                   static_cast<int>(std::lround(image.box.width)), static_cast<int>(std::lround(image.box.height))};
        SDL_RenderCopy(renderer_, texture, nullptr, &r);
        return;
    }
    // The placeholder: a tinted panel framed by a hairline (its label is in the chrome).
    const text::Box& b = image.box;
    const float hair = 2;
    fill(b, mix(theme_.background, theme_.muted, 0.12f));
    fill(text::Box{b.x, b.y, b.width, hair}, mix(theme_.background, theme_.muted, 0.5f));
    fill(text::Box{b.x, b.y + b.height - hair, b.width, hair}, mix(theme_.background, theme_.muted, 0.5f));
    fill(text::Box{b.x, b.y, hair, b.height}, mix(theme_.background, theme_.muted, 0.5f));
    fill(text::Box{b.x + b.width - hair, b.y, hair, b.height}, mix(theme_.background, theme_.muted, 0.5f));
}

void PagePainter::draw_qr(const text::QrBox& qr) {
    // The layout encoded it and sized it (whole pixels a module, a four-module quiet zone):
    // black on white, which every phone reads.
    if (qr.modules <= 0 || qr.dark.size() != static_cast<size_t>(qr.modules) * static_cast<size_t>(qr.modules)) return;
    const int module = std::max(1, static_cast<int>(std::lround(qr.module)));
    const int x0 = static_cast<int>(std::lround(qr.box.x)), y0 = static_cast<int>(std::lround(qr.box.y));
    const int side = static_cast<int>(std::lround(qr.box.width));
    const int quiet = (side - qr.modules * module) / 2;
    SDL_SetRenderDrawColor(renderer_, 255, 255, 255, 255);
    SDL_Rect back{x0, y0, side, side};
    SDL_RenderFillRect(renderer_, &back);
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    std::vector<SDL_Rect> dark;
    for (int y = 0; y < qr.modules; ++y)
        for (int x = 0; x < qr.modules; ++x)
            if (qr.dark[static_cast<size_t>(y * qr.modules + x)])
                dark.push_back(SDL_Rect{x0 + quiet + x * module, y0 + quiet + y * module, module, module});
    SDL_RenderFillRects(renderer_, dark.data(), static_cast<int>(dark.size()));
}

void PagePainter::paint(const text::Page& page, const text::PageGeometry& g) {
    SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_NONE);
    fill(text::Box{0, 0, static_cast<float>(g.width), static_cast<float>(g.height)}, theme_.background);
    if (page.alert_band) {
        // An urgent notice: the accent band is the page's only band (no header, no footer rule).
        fill(*page.alert_band, theme_.accent);
    } else {
        fill(g.header, theme_.header_background);
        // A hairline in the accent colour sets the footer apart without a heavy band.
        const float rule = std::max(1.0f, std::round(static_cast<float>(std::min(g.width, g.height)) / 540.0f));
        // It stops short of a QR code's quiet zone that comes down into the footer.
        float rule_width = g.body.width;
        if (page.qr && page.qr->box.y < g.footer.y + rule && page.qr->box.y + page.qr->box.height > g.footer.y)
            rule_width = std::max(0.0f, page.qr->box.x - g.body.x);
        fill(text::Box{g.body.x, g.footer.y, rule_width, rule}, theme_.accent);
    }
    // Table cells: header shading, then hairline borders in the muted colour.
    const float hair = std::max(1.0f, std::round(static_cast<float>(std::min(g.width, g.height)) / 1080.0f));
    for (const text::Rule& r : page.rules)
        if (r.header) fill(r.box, mix(theme_.background, theme_.accent, 0.08f));  // a tint of the accent
    for (const text::Rule& r : page.rules) {
        const text::Box& b = r.box;
        fill(text::Box{b.x, b.y, b.width + hair, hair}, theme_.muted);
        fill(text::Box{b.x, b.y + b.height, b.width + hair, hair}, theme_.muted);
        fill(text::Box{b.x, b.y, hair, b.height + hair}, theme_.muted);
        fill(text::Box{b.x + b.width, b.y, hair, b.height + hair}, theme_.muted);
    }
    for (const text::PlacedImage& image : page.images) draw_image(image);
    for (const text::Line& line : page.lines) draw_line(line);
    for (const text::Line& line : page.chrome) draw_line(line);
    if (page.qr) draw_qr(*page.qr);
}

}  // namespace kiosk::render
