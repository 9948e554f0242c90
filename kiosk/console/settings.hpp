#pragma once
// console.json: where the console listens, its database, the office's kiosk.json (the
// broker, the office's certificate, the signing key, the time zone and the page style used
// for previews) and its policies. Read once at start: one immutable snapshot.
//   { "listen": "127.0.0.1:8080", "tls": {"cert_file": "…", "key_file": "…"},
//     "database": "/var/lib/kiosk-console/console.db", "office_config": "/etc/kiosk-console/office.json",
//     "require_approval": false, "urgent_needs_approval": false, "session_minutes": 240,
//     "session_max_hours": 12, "kiosk": "/usr/bin/kiosk",
//     "assets": "/usr/share/kiosk-console/assets", "hosts": ["console.hall.lan"],
//     "alerts": {"channels": [...]},   (console/alert_settings.hpp)
//     "warnings": {"feeds": [...], "drop_folder": "…"} }   (console/warning_desk.hpp)
// Relative paths are relative to console.json's folder.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "console/alert_channels.hpp"
#include "console/warning_desk.hpp"

namespace kiosk::console {

struct ConsoleSettings {
    std::filesystem::path file;
    std::string address = "127.0.0.1";
    int port = 8080;
    std::filesystem::path tls_cert, tls_key;  // both set: HTTPS (cookies then carry Secure)
    std::filesystem::path database;
    std::filesystem::path office_config;
    std::filesystem::path assets;        // the web page: assets/console
    std::filesystem::path kiosk_binary;  // renders previews (`kiosk render`)
    bool require_approval = false;       // the starting value; an admin changes it on 用户
    bool urgent_needs_approval = false;  // the starting value: editors' 紧急 notices wait for approval too
    int session_minutes = 240;           // a login ends this long after its last use…
    int session_max_hours = 12;          // …and this long after it began (the starting value; an admin changes it on 用户)
    std::vector<std::pair<int, int>> preview_sizes = {{1920, 1080}, {1080, 1920}, {1280, 720}};
    // The names clerks type to reach the console, besides any IP address, localhost and the
    // machine's own name (console/front_door's HostList): a request naming another is refused.
    std::vector<std::string> hosts;
    // Where alerts go (console.json's alerts.channels), secrets included: never stored or sent to a browser.
    std::vector<AlertChannel> alert_channels;
    // Official warnings taken in (console.json's "warnings"; none when absent).
    WarningSettings warnings;
    bool tls() const { return !tls_cert.empty(); }
};

Result<ConsoleSettings> load_settings(const std::filesystem::path& file);

}  // namespace kiosk::console
