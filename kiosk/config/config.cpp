#include "config/config.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kiosk::config {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string line_col(const std::string& text, size_t byte_offset) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < text.size() && i < byte_offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++col;  // count characters, not bytes
        }
    }
    return std::to_string(line) + ":" + std::to_string(col);
}

Result<json> read_json(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(file.string() + ": cannot be read");
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // nlohmann reports the byte just past the problem; point at the byte itself.
        size_t at = e.byte > 0 ? e.byte - 1 : 0;
        std::string what = e.what();
        auto colon = what.find("syntax error");
        return make_error(file.string() + ":" + line_col(text, at) + ": " +
                          (colon == std::string::npos ? what : what.substr(colon)));
    }
}

// Reads typed values out of one JSON object, naming the JSON path in every error.
class Reader {
public:
    Reader(std::string file, const json& obj, std::string path)
        : file_(std::move(file)), obj_(obj), path_(std::move(path)) {}

    const std::optional<Error>& error() const { return error_; }

    template <typename T>
    void read(const char* key, T& out) {
        if (error_ || !obj_.contains(key)) return;
        const json& v = obj_.at(key);
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.is_boolean()) return fail(key, v, "true or false");
            out = v.get<bool>();
        } else if constexpr (std::is_same_v<T, int>) {
            if (!v.is_number_integer()) return fail(key, v, "a whole number");
            out = v.get<int>();
        } else if constexpr (std::is_same_v<T, double>) {
            if (!v.is_number()) return fail(key, v, "a number");
            out = v.get<double>();
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (!v.is_string()) return fail(key, v, "a string");
            out = v.get<std::string>();
        } else if constexpr (std::is_same_v<T, Color>) {
            std::string s = v.is_string() ? v.get<std::string>() : "";
            if (s.size() != 7 || s[0] != '#' ||
                s.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos)
                return fail(key, v, "a colour like \"#1A1A1A\"");
            auto hex = [&](size_t i) {
                return static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16));
            };
            out = Color{hex(1), hex(3), hex(5)};
        }
    }

    void require_positive(const char* key, double value) {
        if (!error_ && obj_.contains(key) && !(value > 0))
            fail(key, obj_.at(key), "a number greater than 0");
    }
    void require_one_of(const char* key, int value, std::initializer_list<int> allowed) {
        if (error_ || !obj_.contains(key)) return;
        for (int a : allowed)
            if (a == value) return;
        fail(key, obj_.at(key), "one of 0, 90, 180, 270");
    }

    Reader child(const char* key) {
        static const json empty = json::object();
        if (error_ || !obj_.contains(key)) return Reader(file_, empty, path_ + key + ".");
        const json& v = obj_.at(key);
        if (!v.is_object()) {
            fail(key, v, "an object");
            return Reader(file_, empty, path_ + key + ".");
        }
        return Reader(file_, v, path_ + key + ".");
    }

    void adopt(const Reader& other) {
        if (!error_ && other.error_) error_ = other.error_;
    }
    void fail(const std::string& key, const json& found, const std::string& expected) {
        std::string shown = found.dump();
        if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
        error_ = Error{file_ + ": " + path_ + key + ": " + shown + " is not " + expected};
    }

private:
    std::string file_;
    const json& obj_;
    std::string path_;
    std::optional<Error> error_;
};

}  // namespace

Result<fs::path> find_config(const std::optional<std::string>& cli_path) {
    if (cli_path) {
        if (!fs::exists(*cli_path)) return make_error(*cli_path + ": no such config file (--config)");
        return fs::absolute(*cli_path);
    }
    if (const char* env = std::getenv("KIOSK_CONFIG"); env && *env) {
        if (!fs::exists(env))
            return make_error(std::string(env) + ": no such config file ($KIOSK_CONFIG)");
        return fs::absolute(env);
    }
    for (const char* candidate : {"/etc/kiosk/kiosk.json", KIOSK_SOURCE_DEMO, KIOSK_INSTALLED_DEMO}) {
        if (fs::exists(candidate)) return fs::path(candidate);
    }
    return make_error(
        "no configuration found: pass --config FILE, set KIOSK_CONFIG, or create "
        "/etc/kiosk/kiosk.json");
}

Result<KioskConfig> load_kiosk_config(const fs::path& file) {
    auto parsed = read_json(file);
    if (!parsed) return parsed.error();
    const json& root = *parsed;
    std::string name = file.filename().string();
    if (!root.is_object()) return make_error(name + ": the top level must be an object {…}");

    KioskConfig cfg;
    cfg.file = fs::absolute(file);
    Reader r(name, root, "");
    r.read("version", cfg.version);
    r.read("hall_name", cfg.hall_name);
    r.read("time_zone", cfg.time_zone);
    r.read("page_seconds", cfg.page_seconds);
    r.require_positive("page_seconds", cfg.page_seconds);

    Reader screen = r.child("screen");
    screen.read("width", cfg.width);
    screen.read("height", cfg.height);
    screen.read("rotation", cfg.rotation);
    screen.require_positive("width", cfg.width);
    screen.require_positive("height", cfg.height);
    screen.require_one_of("rotation", cfg.rotation, {0, 90, 180, 270});
    r.adopt(screen);

    Reader fonts = r.child("fonts");
    fonts.read("family", cfg.fonts.family);
    fonts.read("regular_path", cfg.fonts.regular_path);
    fonts.read("bold_path", cfg.fonts.bold_path);
    r.adopt(fonts);

    Reader theme = r.child("theme");
    theme.read("background", cfg.theme.background);
    theme.read("text", cfg.theme.text);
    theme.read("muted", cfg.theme.muted);
    theme.read("accent", cfg.theme.accent);
    theme.read("header_background", cfg.theme.header_background);
    theme.read("header_text", cfg.theme.header_text);
    r.adopt(theme);

    Reader type = r.child("typography");
    auto& t = cfg.typography;
    for (auto [key, field] : {std::pair{"body", &t.body}, {"min_body_px", &t.min_body_px},
                              {"title", &t.title}, {"heading", &t.heading}, {"meta", &t.meta},
                              {"caption", &t.caption}, {"chrome", &t.chrome},
                              {"line_height", &t.line_height}}) {
        type.read(key, *field);
        type.require_positive(key, *field);
    }
    r.adopt(type);

    Reader margins = r.child("margins");
    auto& m = cfg.margins;
    for (auto [key, field] : {std::pair{"side", &m.side}, {"header", &m.header},
                              {"footer", &m.footer}, {"gap", &m.gap}}) {
        margins.read(key, *field);
        margins.require_positive(key, *field);
    }
    r.adopt(margins);

    std::string playlist = "playlist.json";
    r.read("playlist", playlist);
    if (r.error()) return *r.error();

    fs::path folder = cfg.file.parent_path();
    auto resolve = [&](const std::string& p) { return p.empty() ? p : (folder / p).string(); };
    cfg.playlist = (folder / playlist).lexically_normal();
    cfg.fonts.regular_path = resolve(cfg.fonts.regular_path);
    cfg.fonts.bold_path = resolve(cfg.fonts.bold_path);
    return cfg;
}

Result<Playlist> load_playlist(const fs::path& file) {
    auto parsed = read_json(file);
    if (!parsed) return parsed.error();
    const json& root = *parsed;
    std::string name = file.filename().string();
    if (!root.is_object()) return make_error(name + ": the top level must be an object {…}");
    Playlist pl;
    pl.file = fs::absolute(file);
    Reader r(name, root, "");
    r.read("version", pl.version);
    if (r.error()) return *r.error();
    if (!root.contains("items") || !root["items"].is_array())
        return make_error(name + ": items: missing, expected a list [ … ] of items");
    const json& items = root["items"];
    for (size_t i = 0; i < items.size(); ++i) {
        std::string path = "items[" + std::to_string(i) + "].";
        if (!items[i].is_object()) return make_error(name + ": " + path.substr(0, path.size() - 1) + ": expected an object {…}");
        Reader ir(name, items[i], path);
        PlaylistItem item;
        ir.read("id", item.id);
        ir.read("title", item.title);
        ir.read("source", item.source);
        ir.read("kind", item.kind);
        ir.read("enabled", item.enabled);
        if (items[i].contains("page_seconds")) {
            double s = 0;
            ir.read("page_seconds", s);
            ir.require_positive("page_seconds", s);
            item.page_seconds = s;
        }
        if (ir.error()) return *ir.error();
        if (item.id.empty()) return make_error(name + ": " + path + "id: missing, expected a name like \"report\"");
        if (item.source.empty()) return make_error(name + ": " + path + "source: missing, expected file:PATH or an https:// URL");
        for (const auto& other : pl.items)
            if (other.id == item.id)
                return make_error(name + ": " + path + "id: \"" + item.id + "\" is used twice");
        pl.items.push_back(std::move(item));
    }
    return pl;
}

std::optional<fs::path> local_source_path(const Playlist& playlist, const PlaylistItem& item) {
    if (item.source.rfind("file:", 0) != 0) return std::nullopt;
    fs::path p = item.source.substr(5);
    if (p.is_relative()) p = playlist.file.parent_path() / p;
    return p.lexically_normal();
}

}  // namespace kiosk::config
