#pragma once
// Pages to PNG files without a display: the page painter draws a band of rows at a time
// into plain memory (render/canvas.hpp) and libpng, at zlib level 1 (fast; a text page
// compresses well anyway), takes each band's rows as they are painted, so a page is never
// whole in memory.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "text/layout.hpp"
#include "text/ticker.hpp"

namespace kiosk::render {

// Writes 0xAARRGGBB pixels as an 8-bit RGB PNG, atomically (temp file, then rename).
Status write_png(const std::filesystem::path& file, int width, int height,
                 const uint32_t* argb_pixels, int pitch_bytes);

// The same PNG in memory (a screenshot for the fleet); `level` is zlib's 1 (fast) … 9 (small).
Result<std::string> encode_png(int width, int height, const uint32_t* argb_pixels, int pitch_bytes, int level);

struct PngRequest {
    std::filesystem::path out_dir;
    std::string item_id;  // files are ITEM-001.png, ITEM-002.png, …
    int max_pages = 0;    // 0: every page
    const class PictureStore* pictures = nullptr;  // borrowed; pictures not in it are drawn as placeholders
    // The ticker band beside the pages (borrowed; none: the pages fill the PNG): the strip
    // moved `ticker_moved` px, in `ticker_geometry.band`; the pages are then laid out for
    // ticker_geometry.page and go at its page_y.
    const text::TickerStrip* ticker = nullptr;
    text::TickerGeometry ticker_geometry;
    double ticker_moved = 0;
};

// Renders pages exactly as the screen shows them; returns the files written.
Result<std::vector<std::filesystem::path>> render_pages_to_png(const text::FontSet& fonts,
                                                               const config::Theme& theme,
                                                               const text::PageGeometry& geometry,
                                                               const std::vector<text::Page>& pages,
                                                               const PngRequest& request);

}  // namespace kiosk::render
