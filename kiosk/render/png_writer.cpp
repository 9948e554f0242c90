#include "render/png_writer.hpp"

#include <png.h>

#include <bit>
#include <cstdio>
#include <memory>
#include <system_error>

#include "render/page_painter.hpp"
#include "render/sdl_handles.hpp"

namespace kiosk::render {
namespace fs = std::filesystem;

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;  // owns one stdio stream

// Where the PNG's bytes go: a stdio stream or a string in memory.
struct Sink {
    std::FILE* file = nullptr;
    std::string* bytes = nullptr;
};

void write_to_sink(png_structp png, png_bytep data, png_size_t length) {
    auto* sink = static_cast<Sink*>(png_get_io_ptr(png));
    if (sink->bytes) {
        sink->bytes->append(reinterpret_cast<const char*>(data), length);
    } else if (std::fwrite(data, 1, length, sink->file) != length) {
        png_error(png, "write failed");
    }
}
void flush_sink(png_structp) {}

std::vector<png_bytep> row_pointers(int height, const uint32_t* argb, int pitch_bytes) {
    static_assert(std::endian::native == std::endian::little, "ARGB8888 is read as B, G, R, A bytes");
    std::vector<png_bytep> rows(static_cast<size_t>(height));
    for (int y = 0; y < height; ++y)
        rows[static_cast<size_t>(y)] = const_cast<png_bytep>(reinterpret_cast<const unsigned char*>(argb) +
                                                             static_cast<ptrdiff_t>(y) * pitch_bytes);
    return rows;
}

// libpng reports errors by longjmp; keep everything with a destructor outside that frame.
bool write_rows(Sink& sink, int level, int width, int height, const std::vector<png_bytep>& rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &sink, write_to_sink, flush_sink);
    png_set_compression_level(png, level);
    png_set_filter(png, 0, PNG_FILTER_SUB);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    // The rows are the surface's own 0xAARRGGBB pixels (B, G, R, A in memory on little-endian
    // machines): libpng reorders and drops the alpha byte as it writes, so the frame is
    // never copied (6 MB less at 1080p).
    png_set_bgr(png);
    png_set_filler(png, 0, PNG_FILLER_AFTER);
    png_write_image(png, const_cast<png_bytepp>(rows.data()));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

Result<std::string> encode_png(int width, int height, const uint32_t* argb, int pitch_bytes, int level) {
    const auto rows = row_pointers(height, argb, pitch_bytes);
    std::string bytes;
    Sink sink{nullptr, &bytes};
    if (!write_rows(sink, level, width, height, rows)) return make_error("encoding the PNG failed");
    return bytes;
}

Status write_png(const fs::path& file, int width, int height, const uint32_t* argb, int pitch_bytes) {
    const auto rows = row_pointers(height, argb, pitch_bytes);
    fs::path temp = file;
    temp += ".tmp";
    {
        FilePtr out(std::fopen(temp.c_str(), "wb"));
        if (!out) return make_error(temp.string() + ": cannot be written");
        Sink sink{out.get(), nullptr};
        if (!write_rows(sink, 1, width, height, rows) || std::fflush(out.get()) != 0) {
            std::error_code ignored;
            fs::remove(temp, ignored);
            return make_error(file.string() + ": writing the PNG failed (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(temp, file, ec);
    if (ec) return make_error(file.string() + ": " + ec.message());
    return Ok{};
}

Result<std::vector<fs::path>> render_pages_to_png(const text::FontSet& fonts,
                                                  const config::Theme& theme,
                                                  const text::PageGeometry& geometry,
                                                  const std::vector<text::Page>& pages,
                                                  const PngRequest& request) {
    std::error_code ec;
    fs::create_directories(request.out_dir, ec);
    if (ec) return make_error(request.out_dir.string() + ": cannot create folder: " + ec.message());

    // The page's pixels are ours and left unset: paint() covers the whole page with its
    // background before anything else, so SDL's own surface (allocated, then cleared to
    // zero: 8 MB written and faulted in at 1080p) would have every pixel written twice.
    const size_t pixel_count = static_cast<size_t>(geometry.width) * static_cast<size_t>(geometry.height);
    const auto pixels = std::make_unique_for_overwrite<uint32_t[]>(pixel_count);
    SurfacePtr surface(SDL_CreateRGBSurfaceWithFormatFrom(pixels.get(), geometry.width, geometry.height, 32,
                                                          geometry.width * 4, SDL_PIXELFORMAT_ARGB8888));
    if (!surface) return make_error(std::string("cannot allocate the page: ") + SDL_GetError());
    // The software renderer draws straight into the surface: no display, no video driver.
    RendererPtr renderer(SDL_CreateSoftwareRenderer(surface.get()));
    if (!renderer) return make_error(std::string("SDL software renderer: ") + SDL_GetError());
    PagePainter painter(renderer.get(), fonts, theme);
    painter.set_pictures(request.pictures);

    std::vector<fs::path> written;
    const size_t count = request.max_pages > 0
                             ? std::min(pages.size(), static_cast<size_t>(request.max_pages))
                             : pages.size();
    for (size_t i = 0; i < count; ++i) {
        painter.paint(pages[i], geometry);
        SDL_RenderFlush(renderer.get());
        char name[32];
        std::snprintf(name, sizeof name, "-%03zu.png", i + 1);
        fs::path file = request.out_dir / (request.item_id + name);
        if (auto st = write_png(file, surface->w, surface->h,
                                static_cast<const uint32_t*>(surface->pixels), surface->pitch);
            !st)
            return st.error();
        written.push_back(file);
    }
    return written;
}

}  // namespace kiosk::render
