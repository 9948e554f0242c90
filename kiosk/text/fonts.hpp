#pragma once
// Fonts found through fontconfig, opened once with FreeType (for rasterising, in render/)
// and HarfBuzz (for shaping, in text/). A character the chosen family lacks is drawn by the
// next installed font that covers it; one no font covers is logged once and drawn with the
// primary font's .notdef box, so it is never an invisible gap.
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"

namespace kiosk::text {

enum class Weight { regular, bold };

struct FontRequest {
    std::string family = "Noto Sans CJK SC";
    std::string regular_path;  // a file overrides the fontconfig lookup
    std::string bold_path;
};

// One font file (and collection index) open in FreeType and HarfBuzz. Owns both handles.
class Face {
public:
    static Result<std::unique_ptr<Face>> open(FT_Library library, const std::string& path, int index);
    ~Face();
    Face(const Face&) = delete;
    Face& operator=(const Face&) = delete;

    FT_Face ft() const { return ft_face_; }        // owned: FT_Done_Face in ~Face
    hb_font_t* hb() const { return hb_font_; }     // owned: hb_font_destroy in ~Face
    int units_per_em() const { return upem_; }
    bool covers(char32_t c) const { return FT_Get_Char_Index(ft_face_, c) != 0; }
    const std::string& path() const { return path_; }
    int index() const { return index_; }
    std::string family() const;

private:
    Face() = default;
    FT_Face ft_face_ = nullptr;
    hb_font_t* hb_font_ = nullptr;
    int upem_ = 1000;
    std::string path_;
    int index_ = 0;
};

class FontSet {
public:
    static Result<std::unique_ptr<FontSet>> open(const FontRequest& request);
    ~FontSet();
    FontSet(const FontSet&) = delete;
    FontSet& operator=(const FontSet&) = delete;

    // The face that draws `c` in this weight: the primary face when it covers c, else the
    // first fallback that does, else the primary face (its .notdef box), logged once.
    uint16_t face_for(char32_t c, Weight weight);
    uint16_t primary(Weight weight) const { return weight == Weight::bold ? 1 : 0; }
    const Face& face(uint16_t id) const { return *faces_[id]; }
    size_t face_count() const { return faces_.size(); }

private:
    FontSet() = default;
    uint16_t find_fallback(char32_t c);

    FT_Library library_ = nullptr;  // owned: FT_Done_FreeType in ~FontSet, after the faces
    std::vector<std::unique_ptr<Face>> faces_;  // 0 regular, 1 bold, then fallbacks
    std::unordered_map<char32_t, uint16_t> fallback_cache_;  // includes misses (primary id)
};

}  // namespace kiosk::text
