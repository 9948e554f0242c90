#include "text/fonts.hpp"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>

#include "base/log.hpp"
#include "base/unique_fd.hpp"

namespace kiosk::text {
namespace {

struct PatternDeleter {
    void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
using PatternPtr = std::unique_ptr<FcPattern, PatternDeleter>;  // owns one fontconfig pattern

struct CharSetDeleter {
    void operator()(FcCharSet* c) const { FcCharSetDestroy(c); }
};
using CharSetPtr = std::unique_ptr<FcCharSet, CharSetDeleter>;

struct FontChoice {
    std::string path;
    int index = 0;
    std::string family;
};

// Asks fontconfig for the best match of `pattern` (after its substitutions).
std::optional<FontChoice> match(FcPattern* pattern) {
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    PatternPtr found(FcFontMatch(nullptr, pattern, &result));
    if (!found || result != FcResultMatch) return std::nullopt;
    FcChar8* file = nullptr;
    FcChar8* family = nullptr;
    int index = 0;
    if (FcPatternGetString(found.get(), FC_FILE, 0, &file) != FcResultMatch) return std::nullopt;
    FcPatternGetInteger(found.get(), FC_INDEX, 0, &index);
    FcPatternGetString(found.get(), FC_FAMILY, 0, &family);
    return FontChoice{reinterpret_cast<const char*>(file), index,
                      family ? reinterpret_cast<const char*>(family) : ""};
}

std::optional<FontChoice> match_family(const std::string& family, Weight weight) {
    PatternPtr pattern(FcPatternCreate());
    FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
    FcPatternAddInteger(pattern.get(), FC_WEIGHT,
                        weight == Weight::bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddString(pattern.get(), FC_LANG, reinterpret_cast<const FcChar8*>("zh-cn"));
    return match(pattern.get());
}

std::string hex(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

// FreeType reads the font through pread, not a mapping of the file. A page of Chinese draws
// a few hundred glyphs scattered across a 20 MB font, and every first touch of a mapping
// faults in 64 KB around it: ~10 MB of resident font for ~1 MB of outlines actually read
// (docs/measurements.md, "Beside pango-view"). Read, each glyph's bytes are copied into a
// frame FreeType frees once the glyph is loaded.
unsigned long read_font_bytes(FT_Stream stream, unsigned long offset, unsigned char* buffer,
                              unsigned long count) {
    if (count == 0) return offset <= stream->size ? 0 : 1;  // a seek: nonzero means out of range
    const int fd = static_cast<int>(stream->descriptor.value);
    unsigned long done = 0;
    while (done < count) {
        const ssize_t n = ::pread(fd, buffer + done, count - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<unsigned long>(n);
    }
    return done;
}

void close_font_file(FT_Stream stream) {
    ::close(static_cast<int>(stream->descriptor.value));
    delete stream;
}

bool read_at(int fd, uint64_t offset, unsigned char* buffer, size_t count) {
    size_t done = 0;
    while (done < count) {
        const ssize_t n = ::pread(fd, buffer + done, count - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

uint32_t be32(const unsigned char* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// HarfBuzz's tables, read from the font file when it first asks for each (pread, the whole
// table into a blob of its own), not from a mapping of the file: shaping reads cmap, hmtx,
// GSUB and GPOS lookups scattered over ~700 KB of a face, and each first touch of a mapping
// faults in 64 KB around it (docs/measurements.md, "Beside pango-view"). A table too large
// to read whole (the outlines: 'CFF ' is 15 MB in Noto Sans CJK, and shaping reads it only
// for a combining mark's extents) is served from a mapping of the file after all.
// Thread-safe: shaping runs on the fetch worker and the frame loop alike.
class TableReader {
public:
    static std::unique_ptr<TableReader> open(const std::string& path, int index) {
        std::unique_ptr<TableReader> r(new TableReader());
        r->path_ = path;
        r->fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat info {};
        if (!r->fd_.valid() || ::fstat(r->fd_.get(), &info) != 0) return nullptr;
        const auto size = static_cast<uint64_t>(info.st_size);
        // A collection ('ttcf') lists where each face's table directory starts.
        unsigned char head[12];
        if (!read_at(r->fd_.get(), 0, head, sizeof head)) return nullptr;
        uint64_t directory = 0;
        if (be32(head) == HB_TAG('t', 't', 'c', 'f')) {
            if (index < 0 || static_cast<uint32_t>(index) >= be32(head + 8)) return nullptr;
            unsigned char at[4];
            if (!read_at(r->fd_.get(), 12 + 4 * static_cast<uint64_t>(index), at, 4)) return nullptr;
            directory = be32(at);
            if (!read_at(r->fd_.get(), directory, head, sizeof head)) return nullptr;
        } else if (index != 0) {
            return nullptr;
        }
        const unsigned tables = (unsigned{head[4]} << 8) | head[5];
        std::vector<unsigned char> records(16 * static_cast<size_t>(tables));
        if (!read_at(r->fd_.get(), directory + 12, records.data(), records.size())) return nullptr;
        for (unsigned i = 0; i < tables; ++i) {
            const unsigned char* rec = records.data() + 16 * static_cast<size_t>(i);
            const uint32_t offset = be32(rec + 8), length = be32(rec + 12);
            if (uint64_t{offset} + length <= size) r->tables_[be32(rec)] = {offset, length};
        }
        return r;
    }
    ~TableReader() { hb_blob_destroy(mapped_); }
    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

    // HarfBuzz's reference_table_func: a new reference to the table `tag`, or null (an
    // empty table) when the face has none.
    static hb_blob_t* reference(hb_face_t*, hb_tag_t tag, void* self) {
        return static_cast<TableReader*>(self)->table(tag);
    }
    static void destroy(void* self) { delete static_cast<TableReader*>(self); }

private:
    TableReader() = default;

    hb_blob_t* table(hb_tag_t tag) {
        const auto it = tables_.find(tag);
        if (it == tables_.end()) return nullptr;
        const auto [offset, length] = it->second;
        if (length > kReadLimit) {
            std::call_once(mapping_, [&] { mapped_ = hb_blob_create_from_file_or_fail(path_.c_str()); });
            return mapped_ ? hb_blob_create_sub_blob(mapped_, offset, length) : nullptr;
        }
        auto* data = static_cast<unsigned char*>(std::malloc(std::max<size_t>(1, length)));
        if (!data) return nullptr;
        if (!read_at(fd_.get(), offset, data, length)) {
            std::free(data);
            return nullptr;
        }
        // The blob owns `data` from here and frees it with its last reference.
        return hb_blob_create(reinterpret_cast<const char*>(data), length, HB_MEMORY_MODE_WRITABLE, data, std::free);
    }

    static constexpr uint32_t kReadLimit = 2u << 20;
    std::string path_;
    UniqueFd fd_;  // owned: the face's file, read with pread only (no shared offset)
    std::map<hb_tag_t, std::pair<uint32_t, uint32_t>> tables_;  // tag -> offset, length in the file
    std::once_flag mapping_;
    hb_blob_t* mapped_ = nullptr;  // owned: the whole file mapped, for tables over kReadLimit only
};

}  // namespace

Result<std::unique_ptr<Face>> Face::open(FT_Library library, const std::string& path, int index) {
    std::unique_ptr<Face> face(new Face());
    face->path_ = path;
    face->index_ = index;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        if (fd >= 0) ::close(fd);
        return make_error(path + ": the font file cannot be read");
    }
    // Owned by FreeType once FT_Open_Face is called: it calls close_font_file (which frees
    // the record) when the face goes, or at once when the open fails.
    auto* stream = new FT_StreamRec{};
    stream->size = static_cast<unsigned long>(info.st_size);
    stream->descriptor.value = fd;
    stream->read = read_font_bytes;
    stream->close = close_font_file;
    FT_Open_Args args{};
    args.flags = FT_OPEN_STREAM;
    args.stream = stream;
    if (FT_Open_Face(library, &args, index, &face->ft_face_) != 0) {
        face->ft_face_ = nullptr;
        return make_error(path + ": FreeType cannot open this font (face " + std::to_string(index) + ")");
    }
    auto tables = TableReader::open(path, index);
    if (!tables) return make_error(path + ": HarfBuzz cannot read this font (face " + std::to_string(index) + ")");
    // The HarfBuzz face owns the reader from here (TableReader::destroy).
    hb_face_t* hb_face = hb_face_create_for_tables(TableReader::reference, tables.release(), TableReader::destroy);
    face->hb_font_ = hb_font_create(hb_face);
    face->upem_ = static_cast<int>(hb_face_get_upem(hb_face));
    hb_face_destroy(hb_face);
    // Shape in font units: advances scale to any pixel size without reshaping.
    hb_font_set_scale(face->hb_font_, face->upem_, face->upem_);
    hb_ot_font_set_funcs(face->hb_font_);
    return face;
}

Face::~Face() {
    if (hb_font_) hb_font_destroy(hb_font_);
    if (ft_face_) FT_Done_Face(ft_face_);
}

std::string Face::family() const { return ft_face_->family_name ? ft_face_->family_name : ""; }

Result<std::unique_ptr<FontSet>> FontSet::open(const FontRequest& request) {
    std::unique_ptr<FontSet> set(new FontSet());
    if (FT_Init_FreeType(&set->library_) != 0) return make_error("FreeType cannot start");
    if (!FcInit()) return make_error("fontconfig cannot start");

    for (Weight weight : {Weight::regular, Weight::bold}) {
        const std::string& path = weight == Weight::bold ? request.bold_path : request.regular_path;
        FontChoice choice;
        if (!path.empty()) {
            choice = FontChoice{path, 0, ""};
        } else {
            auto found = match_family(request.family, weight);
            if (!found) {
                return make_error("fontconfig finds no font at all for \"" + request.family +
                                  "\"; install fonts-noto-cjk or set fonts.regular_path");
            }
            choice = *found;
            if (choice.family != request.family && weight == Weight::regular) {
                log::warn("text", "font family \"" + request.family +
                                      "\" is not installed; using \"" + choice.family + "\" (" +
                                      choice.path + ")");
            }
        }
        auto face = Face::open(set->library_, choice.path, choice.index);
        if (!face) {
            if (weight == Weight::bold && !set->faces_.empty()) {
                log::warn("text", face.error().message + "; bold text uses the regular face");
                face = Face::open(set->library_, set->faces_[0]->path(), set->faces_[0]->index());
                if (!face) return face.error();
            } else {
                return face.error();
            }
        }
        set->faces_.push_back(std::move(*face));
    }
    return set;
}

FontSet::~FontSet() {
    faces_.clear();  // every FT_Face goes before its library
    if (library_) FT_Done_FreeType(library_);
}

uint16_t FontSet::face_for(char32_t c, Weight weight) {
    uint16_t primary_id = primary(weight);
    if (faces_[primary_id]->covers(c) || c < 0x20) return primary_id;
    if (weight == Weight::bold && faces_[0]->covers(c)) return 0;
    auto it = fallback_cache_.find(c);
    if (it != fallback_cache_.end()) return it->second == 0 ? primary_id : it->second;
    uint16_t id = find_fallback(c);
    fallback_cache_.emplace(c, id);
    return id == 0 ? primary_id : id;
}

uint16_t FontSet::find_fallback(char32_t c) {
    for (uint16_t id = 2; id < faces_.size(); ++id)
        if (faces_[id]->covers(c)) return id;

    PatternPtr pattern(FcPatternCreate());
    CharSetPtr charset(FcCharSetCreate());
    FcCharSetAddChar(charset.get(), c);
    FcPatternAddCharSet(pattern.get(), FC_CHARSET, charset.get());
    FcPatternAddString(pattern.get(), FC_LANG, reinterpret_cast<const FcChar8*>("zh-cn"));
    auto choice = match(pattern.get());
    if (choice) {
        for (uint16_t id = 0; id < faces_.size(); ++id)
            if (faces_[id]->path() == choice->path && faces_[id]->index() == choice->index)
                return 0;  // the best match is a face we have, and it lacks c
        auto face = Face::open(library_, choice->path, choice->index);
        if (face && (*face)->covers(c)) {
            log::info("text", "fallback font " + (*face)->family() + " (" + choice->path +
                                  ") draws " + hex(c) + " and others the main font lacks");
            faces_.push_back(std::move(*face));
            return static_cast<uint16_t>(faces_.size() - 1);
        }
    }
    log::once(log::Level::warning, "text", hex(c),
              "no installed font has " + hex(c) + "; it is drawn as a box");
    return 0;
}

}  // namespace kiosk::text
