#pragma once
// kiosk.json and playlist.json -> typed structs. Errors name the file, the place
// (line:col for syntax errors) and the JSON path of the offending value.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::config {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0;
};

struct Theme {
    Color background{0xFB, 0xF8, 0xF1};  // warm paper white: calmer than #FFF on a big panel
    Color text{0x1A, 0x1A, 0x1A};
    Color muted{0x6B, 0x6B, 0x6B};
    Color accent{0xB2, 0x22, 0x22};  // government red for headings and rules
    Color header_background{0xB2, 0x22, 0x22};
    Color header_text{0xFF, 0xFF, 0xFF};
};

// Sizes are fractions of the page's shorter side, so one config suits 720p, 1080p and 4K,
// landscape or portrait. Multipliers are relative to the body size.
struct Typography {
    double body = 0.037;        // 40 px on a 1080-line panel
    double min_body_px = 24.0;  // never smaller: more pages rather than smaller text
    double title = 1.4;
    double heading = 1.1;
    double meta = 0.8;
    double caption = 0.85;
    double chrome = 0.8;
    double line_height = 1.65;  // body line pitch in em
};

struct Margins {
    double side = 0.055;    // left and right
    double header = 0.085;  // band with the hall name and item title
    double footer = 0.07;   // band with page number and date
    double gap = 0.03;      // between a band and the body
};

struct Fonts {
    std::string family = "Noto Sans CJK SC";  // looked up through fontconfig
    std::string regular_path;                 // overrides the lookup when set
    std::string bold_path;
};

struct KioskConfig {
    std::filesystem::path file;  // where it was read from
    int version = 1;
    std::string hall_name;
    int width = 1920;
    int height = 1080;
    int rotation = 0;  // 0, 90, 180, 270: how the upright page is turned onto the panel
    std::string time_zone = "Asia/Shanghai";
    Fonts fonts;
    Theme theme;
    Typography typography;
    Margins margins;
    double page_seconds = 20.0;
    std::filesystem::path playlist;  // absolute, resolved against the config's folder
};

struct PlaylistItem {
    std::string id;
    std::string title;
    std::string source;  // as written: file:…, http://…, https://…
    std::string kind = "auto";
    std::optional<double> page_seconds;  // dwell per page; the config's default when absent
    bool enabled = true;
};

struct Playlist {
    std::filesystem::path file;
    int version = 1;
    std::vector<PlaylistItem> items;
};

// --config F, else $KIOSK_CONFIG, else /etc/kiosk/kiosk.json, else the bundled demo.
Result<std::filesystem::path> find_config(const std::optional<std::string>& cli_path);

Result<KioskConfig> load_kiosk_config(const std::filesystem::path& file);
Result<Playlist> load_playlist(const std::filesystem::path& file);

// A `file:` source resolved against the playlist's folder; nullopt for other schemes.
std::optional<std::filesystem::path> local_source_path(const Playlist& playlist,
                                                       const PlaylistItem& item);

}  // namespace kiosk::config
