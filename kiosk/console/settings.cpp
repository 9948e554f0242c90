#include "console/settings.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "base/file_read.hpp"
#include "console/alert_settings.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;

namespace {
fs::path beside(const fs::path& file, const std::string& p) {
    if (p.empty()) return {};
    const fs::path path(p);
    return path.is_absolute() ? path : file.parent_path() / path;
}
}  // namespace

Result<ConsoleSettings> load_settings(const fs::path& file) {
    auto text = files::read_regular_file(file, 64 * 1024);
    if (!text) return text.error();
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return make_error(file.string() + ": not a JSON object");
    ConsoleSettings s;
    s.file = fs::absolute(file);
    const std::string where = file.string() + ": ";
    static const char* const kKeys[] = {"listen", "tls", "database", "office_config", "require_approval",
                                        "urgent_needs_approval", "session_minutes", "session_max_hours", "kiosk", "assets", "preview_sizes", "hosts", "alerts", "warnings", "$schema"};
    for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (const char* k : kKeys) known = known || key == k;
        if (!known) return make_error(where + "unknown key \"" + key + "\"");
    }
    try {
        const std::string listen = j.value("listen", "127.0.0.1:8080");
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos) return make_error(where + "listen: give ADDRESS:PORT, like 127.0.0.1:8080");
        s.address = listen.substr(0, colon);
        s.port = std::stoi(listen.substr(colon + 1));
        if (s.port < 1 || s.port > 65535) return make_error(where + "listen: the port is 1 to 65535");
        if (j.contains("tls")) {
            s.tls_cert = beside(s.file, j["tls"].value("cert_file", ""));
            s.tls_key = beside(s.file, j["tls"].value("key_file", ""));
            if (s.tls_cert.empty() != s.tls_key.empty()) return make_error(where + "tls: give both cert_file and key_file");
        }
        s.database = beside(s.file, j.value("database", "console.db"));
        s.office_config = beside(s.file, j.value("office_config", ""));
        if (s.office_config.empty()) return make_error(where + "office_config is missing (the office's kiosk.json with its fleet section)");
        s.require_approval = j.value("require_approval", false);
        s.urgent_needs_approval = j.value("urgent_needs_approval", false);
        s.session_minutes = j.value("session_minutes", 240);
        if (s.session_minutes < 5 || s.session_minutes > 7 * 24 * 60) return make_error(where + "session_minutes: 5 to 10080");
        s.session_max_hours = j.value("session_max_hours", 12);
        if (s.session_max_hours < 1 || s.session_max_hours > 168) return make_error(where + "session_max_hours: 1 to 168");
        s.kiosk_binary = beside(s.file, j.value("kiosk", ""));
        s.assets = beside(s.file, j.value("assets", ""));
        if (j.contains("preview_sizes")) {
            s.preview_sizes.clear();
            for (const auto& size : j["preview_sizes"]) {
                const std::string t = size.get<std::string>();
                const auto x = t.find('x');
                if (x == std::string::npos) return make_error(where + "preview_sizes: like \"1920x1080\"");
                s.preview_sizes.emplace_back(std::stoi(t.substr(0, x)), std::stoi(t.substr(x + 1)));
            }
        }
        if (j.contains("hosts") && !j["hosts"].is_array()) return make_error(where + "hosts: a list of names, like [\"console.hall.lan\"]");
        for (const auto& host : j.value("hosts", nlohmann::json::array())) {
            const std::string name = host.get<std::string>();
            const bool plain = !name.empty() && name.size() <= 253 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
                return std::isalnum(c) || c == '-' || c == '.';
            });
            if (!plain) return make_error(where + "hosts: \"" + name + "\" is not a host name (like console.hall.lan: no scheme, port or path)");
            s.hosts.push_back(name);
        }
        if (j.contains("alerts")) {
            auto channels = parse_alert_channels(j["alerts"], file);
            if (!channels) return channels.error();
            s.alert_channels = std::move(*channels);
        }
        if (j.contains("warnings")) {
            auto warnings = parse_warning_settings(j["warnings"], s.file.parent_path());
            if (!warnings) return make_error(where + warnings.error().message);
            s.warnings = std::move(*warnings);
        }
    } catch (const std::exception& e) {
        return make_error(where + e.what());
    }
    return s;
}

}  // namespace kiosk::console
