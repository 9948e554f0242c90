#include "render/png_writer.hpp"

#include <png.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <functional>
#include <memory>
#include <system_error>

#include "render/canvas.hpp"
#include "render/page_painter.hpp"
#include "render/ticker_painter.hpp"

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

// One PNG being written row by row: libpng's write and info structs, owned together.
// libpng reports errors by longjmp, so each step sets its own jump target and no frame it
// may jump over holds anything with a destructor.
class PngStream {
public:
    PngStream(Sink& sink, int level, int width, int height) {
        png_ = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
        if (png_) info_ = png_create_info_struct(png_);
        if (!png_ || !info_) return;
        if (setjmp(png_jmpbuf(png_))) return;
        png_set_write_fn(png_, &sink, write_to_sink, flush_sink);
        png_set_compression_level(png_, level);
        png_set_filter(png_, 0, PNG_FILTER_SUB);
        png_set_IHDR(png_, info_, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png_, info_);
        // The rows are 0xAARRGGBB pixels (B, G, R, A in memory on little-endian machines):
        // libpng reorders and drops the alpha byte as it writes, so no row is converted.
        static_assert(std::endian::native == std::endian::little, "ARGB8888 is read as B, G, R, A bytes");
        png_set_bgr(png_);
        png_set_filler(png_, 0, PNG_FILLER_AFTER);
        ok_ = true;
    }
    ~PngStream() { png_destroy_write_struct(&png_, &info_); }
    PngStream(const PngStream&) = delete;
    PngStream& operator=(const PngStream&) = delete;

    bool ok() const { return ok_; }

    bool write_rows(const uint32_t* argb, int rows, int pitch_bytes) {
        if (!ok_) return false;
        if (setjmp(png_jmpbuf(png_))) return ok_ = false;
        for (int y = 0; y < rows; ++y)
            png_write_row(png_, reinterpret_cast<png_const_bytep>(argb) + static_cast<std::ptrdiff_t>(y) * pitch_bytes);
        return true;
    }

    bool finish() {
        if (!ok_) return false;
        if (setjmp(png_jmpbuf(png_))) return ok_ = false;
        png_write_end(png_, nullptr);
        return true;
    }

private:
    png_structp png_ = nullptr;  // owned, with info_: png_destroy_write_struct
    png_infop info_ = nullptr;
    bool ok_ = false;
};

bool write_image(Sink& sink, int level, int width, int height, const uint32_t* argb, int pitch_bytes) {
    PngStream png(sink, level, width, height);
    return png.write_rows(argb, height, pitch_bytes) && png.finish();
}

// Writes `file` atomically: `write` fills a temp file beside it, renamed over it when whole.
Status write_atomically(const fs::path& file, const std::function<bool(Sink&)>& write) {
    fs::path temp = file;
    temp += ".tmp";
    {
        FilePtr out(std::fopen(temp.c_str(), "wb"));
        if (!out) return make_error(temp.string() + ": cannot be written");
        Sink sink{out.get(), nullptr};
        if (!write(sink) || std::fflush(out.get()) != 0) {
            out.reset();
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

}  // namespace

Result<std::string> encode_png(int width, int height, const uint32_t* argb, int pitch_bytes, int level) {
    std::string bytes;
    Sink sink{nullptr, &bytes};
    if (!write_image(sink, level, width, height, argb, pitch_bytes)) return make_error("encoding the PNG failed");
    return bytes;
}

Status write_png(const fs::path& file, int width, int height, const uint32_t* argb, int pitch_bytes) {
    return write_atomically(file, [&](Sink& sink) { return write_image(sink, 1, width, height, argb, pitch_bytes); });
}

Result<std::vector<fs::path>> render_pages_to_png(const text::FontSet& fonts,
                                                  const config::Theme& theme,
                                                  const text::PageGeometry& geometry,
                                                  const std::vector<text::Page>& pages,
                                                  const PngRequest& request) {
    std::error_code ec;
    fs::create_directories(request.out_dir, ec);
    if (ec) return make_error(request.out_dir.string() + ": cannot create folder: " + ec.message());

    // One band of rows, painted and handed to libpng, then painted again further down: the
    // page is never whole in memory (8 MB at 1080p; the band is 480 KB). Left unset:
    // paint() writes every pixel of it.
    const int width = geometry.width;
    const bool ticker = request.ticker && !request.ticker->empty();
    const text::TickerGeometry& tg = request.ticker_geometry;
    const int page_y = ticker ? tg.page_y : 0;
    const int height = geometry.height + (ticker ? tg.band_height : 0);
    const int band_rows = std::max(std::min(kBandRows, height), ticker ? tg.band_height : 0);
    const auto band = std::make_unique_for_overwrite<uint32_t[]>(static_cast<size_t>(width) * static_cast<size_t>(band_rows));
    PagePainter painter(fonts, theme);
    painter.set_pictures(request.pictures);
    TickerPainter ticker_painter(fonts, theme);

    std::vector<fs::path> written;
    const size_t count = request.max_pages > 0
                             ? std::min(pages.size(), static_cast<size_t>(request.max_pages))
                             : pages.size();
    for (size_t i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "-%03zu.png", i + 1);
        fs::path file = request.out_dir / (request.item_id + name);
        auto st = write_atomically(file, [&](Sink& sink) {
            PngStream png(sink, 1, width, height);
            auto ticker_band = [&] {
                ticker_painter.paint_band(*request.ticker, request.ticker_moved, Canvas(band.get(), width, 0, tg.band_height, width),
                                          tg.page_y == 0);
                png.write_rows(band.get(), tg.band_height, width * 4);
            };
            if (ticker && page_y > 0) ticker_band();
            for (int top = 0; top < geometry.height && png.ok(); top += kBandRows) {
                const int rows = std::min(kBandRows, geometry.height - top);
                painter.paint(pages[i], geometry, Canvas(band.get(), width, top, rows, width));
                png.write_rows(band.get(), rows, width * 4);
            }
            if (ticker && page_y == 0 && png.ok()) ticker_band();
            return png.finish();
        });
        if (!st) return st.error();
        written.push_back(file);
    }
    return written;
}

}  // namespace kiosk::render
