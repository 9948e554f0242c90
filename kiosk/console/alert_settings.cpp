#include "console/alert_settings.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "base/file_read.hpp"
#include "base/utf8.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxChannels = 32;

bool plain_id(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '-' || c == '_';
    });
}

// local@domain, nothing a header or an SMTP command could be bent with.
bool plain_address(const std::string& a) {
    const auto at = a.find('@');
    if (a.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return false;
    return std::all_of(a.begin(), a.end(), [](unsigned char c) {
        return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != ',' && c != ';' && c != '"' && c != '(' && c != ')' && c != '\\';
    });
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool has_control(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::string octal_mode(fs::perms p) {
    char out[8];
    std::snprintf(out, sizeof out, "%04o", static_cast<unsigned>(p) & 07777u);
    return out;
}

fs::path beside(const fs::path& file, const std::string& p) {
    const fs::path path(p);
    return path.is_absolute() ? path : fs::absolute(file).parent_path() / path;
}

}  // namespace

Result<std::vector<AlertChannel>> parse_alert_channels(const nlohmann::json& alerts, const fs::path& file) {
    const std::string where = file.string() + ": ";
    if (!alerts.is_object()) return make_error(where + "alerts: an object, like {\"channels\": [...]}");
    for (const auto& [key, value] : alerts.items())
        if (key != "channels") return make_error(where + "alerts: unknown key \"" + key + "\" (alerts has \"channels\")");
    std::vector<AlertChannel> channels;
    if (!alerts.contains("channels")) return channels;
    const auto& list = alerts["channels"];
    if (!list.is_array()) return make_error(where + "alerts.channels: a list of channels, like [{\"id\": \"it-wecom\", ...}]");
    if (list.size() > kMaxChannels) return make_error(where + "alerts.channels: at most " + std::to_string(kMaxChannels) + " channels");
    std::set<std::string> ids;
    static const char* const kKeys[] = {"id", "name", "kind", "url", "secret", "smtp", "starttls", "username",
                                        "password_file", "from", "to", "ca_file"};
    for (size_t i = 0; i < list.size(); ++i) {
        const auto& j = list[i];
        std::string at = where + "alerts.channels[" + std::to_string(i) + "]";
        if (!j.is_object()) return make_error(at + ": a channel is an object with id, name, kind …");
        // Every value a string, except starttls (true/false) and to (a list of addresses).
        for (const auto& [key, value] : j.items()) {
            if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return key == k; }))
                return make_error(at + ": unknown key \"" + key + "\"");
            if (key == "starttls" ? !value.is_boolean() : key == "to" ? !value.is_array() : !value.is_string())
                return make_error(at + ": \"" + key + "\" must be " +
                                  (key == "starttls" ? "true or false" : key == "to" ? "a list of addresses" : "a string"));
        }
        AlertChannel c;
        c.id = j.value("id", "");
        if (!plain_id(c.id)) return make_error(at + ": \"id\" is missing or not a plain id (a-z, 0-9, - and _, like \"it-wecom\")");
        at += " \"" + c.id + "\"";
        if (!ids.insert(c.id).second) return make_error(at + ": the id is used by an earlier channel too; each channel needs its own");
        c.name = j.value("name", "");
        if (c.name.empty() || c.name.size() > 120 || has_control(c.name) || !utf8::is_valid(c.name))
            return make_error(at + ": \"name\" is missing (what people read on the 告警 page, like \"信息科企业微信群\"; at most 120 bytes)");
        c.kind = j.value("kind", "");
        const bool webhook = c.kind == "wecom" || c.kind == "dingtalk" || c.kind == "webhook";
        if (!webhook && c.kind != "email")
            return make_error(at + ": \"kind\" \"" + c.kind + "\" is not known; use wecom, dingtalk, webhook or email");
        auto forbid = [&](std::initializer_list<const char*> keys) -> Status {
            for (const char* k : keys)
                if (j.contains(k)) return make_error(at + ": \"" + k + "\" does not belong to a " + c.kind + " channel");
            return Ok{};
        };
        if (webhook) {
            if (auto s = forbid({"smtp", "starttls", "username", "password_file", "from", "to"}); !s) return s.error();
            if (c.kind != "dingtalk" && j.contains("secret")) return make_error(at + ": \"secret\" is for dingtalk channels (钉钉's 加签) only");
            c.url = j.value("url", "");
            if (!(starts_with(c.url, "https://") || starts_with(c.url, "http://")) || has_control(c.url) || c.url.size() > 2048)
                return make_error(at + ": \"url\" is missing or not an http(s):// address (the robot's webhook address)");
            if (c.kind == "wecom" && c.url.find("key=") == std::string::npos)
                return make_error(at + ": \"url\" has no key=…: copy the whole webhook address the 企业微信 group robot shows");
            if (c.kind == "dingtalk" && c.url.find("access_token=") == std::string::npos)
                return make_error(at + ": \"url\" has no access_token=…: copy the whole webhook address the 钉钉 robot shows");
            c.secret = j.value("secret", "");
            if (j.contains("secret") && (c.secret.empty() || has_control(c.secret)))
                return make_error(at + ": \"secret\" is empty; give the SEC… secret shown under 加签, or leave the key out");
            if (j.contains("ca_file")) c.ca_file = j["ca_file"].get<std::string>();
        } else {
            if (auto s = forbid({"url", "secret"}); !s) return s.error();
            c.smtp = j.value("smtp", "");
            if (!(starts_with(c.smtp, "smtp://") || starts_with(c.smtp, "smtps://")) || has_control(c.smtp))
                return make_error(at + ": \"smtp\" is missing or not an smtp:// or smtps:// address, like \"smtp://mail.example.gov.cn:587\"");
            c.starttls = j.value("starttls", true);
            c.from = j.value("from", "");
            if (!plain_address(c.from)) return make_error(at + ": \"from\" is missing or not an address like kiosk@example.gov.cn");
            for (const auto& to : j.value("to", nlohmann::json::array())) {
                if (!to.is_string() || !plain_address(to.get<std::string>()))
                    return make_error(at + ": \"to\": " + (to.is_string() ? "\"" + to.get<std::string>() + "\"" : to.dump()) +
                                      " is not an address like it@example.gov.cn");
                c.to.push_back(to.get<std::string>());
            }
            if (c.to.empty()) return make_error(at + ": \"to\" is missing or empty: list who gets the mail, like [\"it@example.gov.cn\"]");
            if (c.to.size() > 50) return make_error(at + ": \"to\": at most 50 addresses (use a mailing list)");
            c.username = j.value("username", "");
            if (has_control(c.username)) return make_error(at + ": \"username\" has control characters");
            const std::string password_file = j.value("password_file", "");
            if (c.username.empty() != password_file.empty())
                return make_error(at + ": give both \"username\" and \"password_file\" (the server's login), or neither");
            if (!c.username.empty() && starts_with(c.smtp, "smtp://") && !c.starttls)
                return make_error(at + ": a login over smtp:// without starttls would send the password in clear; set \"starttls\": true or use smtps://");
            if (!password_file.empty()) {
                const fs::path p = beside(file, password_file);
                std::error_code ec;
                const auto st = fs::status(p, ec);
                if (ec || !fs::exists(st)) return make_error(at + ": password_file " + p.string() + " does not exist");
                const fs::perms loose = st.permissions() & (fs::perms::group_all | fs::perms::others_all);
                if (loose != fs::perms::none)
                    return make_error(at + ": password_file " + p.string() + " can be read by others (mode " + octal_mode(st.permissions()) +
                                      "); run chmod 600 " + p.string() + " (owned by the console's user)");
                auto text = files::read_regular_file(p, 4096);
                if (!text) return make_error(at + ": password_file " + p.string() + " cannot be read: " + text.error().message);
                std::string password = *text;
                while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
                if (password.empty()) return make_error(at + ": password_file " + p.string() + " is empty");
                if (has_control(password)) return make_error(at + ": password_file " + p.string() + " holds more than one line");
                c.password = std::move(password);
            }
            if (j.contains("ca_file")) c.ca_file = j["ca_file"].get<std::string>();
        }
        if (!c.ca_file.empty()) {
            const fs::path p = beside(file, c.ca_file);
            std::error_code ec;
            if (!fs::is_regular_file(p, ec)) return make_error(at + ": ca_file " + p.string() + " does not exist or is not a file");
            c.ca_file = p.string();
        }
        channels.push_back(std::move(c));
    }
    return channels;
}

}  // namespace kiosk::console
