#include "console/install.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "base/file_read.hpp"
#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "console/settings.hpp"
#include "fleet/publisher.hpp"
#include "fleet/signed.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;

namespace {

std::string user_name(uid_t uid) {
    if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
    return "uid " + std::to_string(uid);
}

// The package's tmpfiles.d entry makes the state folder with the right owner and mode.
constexpr const char* kTmpfilesFix = "sudo systemd-tmpfiles --create kiosk-console.conf";

struct Owner {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
};

// Who will own the signing key: the console's user when root runs init, else this user.
Result<Owner> key_owner(std::string user) {
    const uid_t self = ::geteuid();
    if (user.empty()) user = self == 0 ? "kiosk-console" : user_name(self);
    const passwd* pw = ::getpwnam(user.c_str());
    if (!pw)
        return make_error("there is no user \"" + user + "\" on this machine to own the signing key. The kiosk-console package adds it; "
                          "to add it by hand, as root: systemd-sysusers kiosk-console.conf (or give another with --user NAME)");
    if (self != 0 && pw->pw_uid != self)
        return make_error("only root can give the signing key to " + user + ": run it as root (sudo kiosk-console init …)");
    return Owner{pw->pw_uid, pw->pw_gid, user};
}

bool readable_by(const fs::path& file, const Owner& owner) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return false;
    if (owner.uid == 0) return true;
    if (st.st_uid == owner.uid) return (st.st_mode & S_IRUSR) != 0;
    if (st.st_gid == owner.gid) return (st.st_mode & S_IRGRP) != 0;
    return (st.st_mode & S_IROTH) != 0;
}

fs::path beside(const fs::path& office_json, const std::string& given, const char* fallback) {
    return given.empty() ? office_json.parent_path() / fallback : fs::path(given);
}

bool host_name(const std::string& h) {
    if (h.empty() || h.size() > 253) return false;
    for (unsigned char c : h)
        if (!(std::isalnum(c) || c == '-' || c == '.')) return false;
    return true;
}

// The signing kid office.json had, so that `--force` keeps the key's name.
std::string previous_kid(const fs::path& office_json) {
    auto text = files::read_regular_file(office_json, 1024 * 1024);
    if (!text) return {};
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("fleet") || !j["fleet"].is_object()) return {};
    const auto& kid = j["fleet"].value("signing_kid", nlohmann::json());
    return kid.is_string() ? kid.get<std::string>() : std::string();
}

// A new key, as `kiosk fleet keygen` makes it (0600 from creation, never over an existing
// file), then given to its owner.
Result<std::string> make_key(const fs::path& file, const Owner& owner) {
    const fleet::KeyPair pair = fleet::generate_key_pair();
    if (auto st = fleet::save_secret_key(file, pair); !st) return st.error();
    if (::geteuid() == 0 && owner.uid != 0) {
        const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        const bool given = fd >= 0 && ::fchown(fd, owner.uid, owner.gid) == 0;
        const int err = errno;
        if (fd >= 0) ::close(fd);
        if (!given) {
            ::unlink(file.c_str());
            return make_error(file.string() + ": cannot give the new signing key to " + owner.name + " (" + std::strerror(err) + "); nothing was written");
        }
    }
    return pair.public_key;
}

}  // namespace

Status check_state_folder(const fs::path& database, const std::string& command, bool as_owner) {
    const fs::path dir = database.parent_path().empty() ? fs::path(".") : database.parent_path();
    const std::string self = user_name(::geteuid());
    // The service is started again by systemd; a command is run again by hand.
    const bool service = command == "serve";
    const std::string again = service ? "systemctl restart kiosk-console" : "sudo -u kiosk-console kiosk-console " + command;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) return make_error(dir.string() + ": the console's state folder cannot be read (" + std::strerror(errno) + ")");
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            return make_error(dir.string() + ": the console's state folder is missing and " + self + " cannot make it (" + ec.message() +
                              "). Make it as root with the package's tmpfiles.d entry: " + kTmpfilesFix +
                              " — then: " + again);
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        if (::stat(dir.c_str(), &st) != 0) return make_error(dir.string() + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return make_error(dir.string() + ": the console's state folder is not a folder; move that file away, then: " + kTmpfilesFix);
    const std::string owner = user_name(st.st_uid);
    if (as_owner && ::geteuid() == 0 && st.st_uid != 0)
        return make_error(dir.string() + " belongs to " + owner + ": run this as that user, so the database stays the console's: sudo -u " +
                          owner + " kiosk-console " + command);
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return make_error(dir.string() + ": the console's state folder cannot be written by " + self + " (it belongs to " + owner +
                          "). " + (service ? std::string() : "Run this as its owner: sudo -u " + owner + " kiosk-console " + command + " — or, as root, ") +
                          "give it to the console's user: chown -R kiosk-console: " + dir.string());
    return Ok{};
}

Result<InitPlan> init_plan(const fs::path& console_json) {
    auto settings = load_settings(console_json);
    if (!settings)
        return make_error(settings.error().message +
                          " (console.json comes with the kiosk-console package; give another with --config FILE)");
    return InitPlan{settings->office_config, settings->office_config.parent_path() / "office.key"};
}

Status check_answers(const InitAnswers& a) {
    if (a.broker_host.empty()) return make_error("the broker's host name is needed: --broker HOST (as in its certificate, like mqtt.hall.lan)");
    if (!host_name(a.broker_host)) return make_error("--broker " + a.broker_host + ": a host name or address only, like mqtt.hall.lan (no scheme, port or path; the port is --port)");
    if (a.broker_port < 1 || a.broker_port > 65535) return make_error("--port: 1 to 65535 (the fleet's broker listens on 8883)");
    if (a.hall_name.empty()) return make_error("the hall's name is needed: --hall NAME (like 长春市政务服务中心)");
    if (a.hall_name.size() > 200) return make_error("--hall: at most 200 bytes");
    for (const auto& h : a.allowed_hosts) {
        const std::string bare = !h.empty() && h[0] == '.' ? h.substr(1) : h;
        if (!host_name(bare)) return make_error("--allowed-hosts: \"" + h + "\" is not a host name (like www.changchun.gov.cn or .changchun.gov.cn: no scheme, port or path)");
    }
    if (!config::is_known_time_zone(a.time_zone)) return make_error("--time-zone " + a.time_zone + ": not a time zone of this system (like Asia/Shanghai; apt install tzdata)");
    if (!a.kid.empty() && !config::topic_safe_name(a.kid, false)) return make_error("--kid " + a.kid + ": letters, digits, - _ or . only");
    for (const auto& f : {a.ca_file, a.cert_file, a.key_file})
        if (f.find('\n') != std::string::npos) return make_error("a file name with a line break");
    return Ok{};
}

std::string office_json_text(const InitAnswers& a, const InitPlan& plan, const std::string& public_key) {
    using ordered = nlohmann::ordered_json;
    const std::string playlist = (fs::path(KIOSK_INSTALLED_DEMO).parent_path() / "playlist.json").string();
    ordered fleet = {{"screen_id", "office"},
                     {"host", a.broker_host},
                     {"port", a.broker_port},
                     {"ca_file", beside(plan.office_json, a.ca_file, "ca.pem").string()},
                     {"cert_file", beside(plan.office_json, a.cert_file, "office.pem").string()},
                     {"key_file", beside(plan.office_json, a.key_file, "office.key.pem").string()},
                     {"signing_key", plan.signing_key.string()},
                     {"signing_kid", a.kid},
                     {"trusted_keys", ordered{{a.kid, public_key}}}};
    const ordered j = {{"version", 1},
                       {"hall_name", a.hall_name},
                       {"time_zone", a.time_zone},
                       {"network", {{"allowed_hosts", a.allowed_hosts}}},
                       {"playlist", playlist},
                       {"fleet", fleet}};
    return j.dump(2, ' ', false) + "\n";
}

Result<InitOutcome> run_init(const fs::path& console_json, InitAnswers a) {
    auto plan = init_plan(console_json);
    if (!plan) return plan.error();
    if (auto st = check_answers(a); !st) return st.error();
    auto owner = key_owner(a.user);
    if (!owner) return owner.error();
    std::error_code ec;
    const bool had_office = fs::exists(plan->office_json, ec);
    if (had_office && !a.force)
        return make_error(plan->office_json.string() + " exists; nothing was changed. To write it again from these answers, add --force "
                          "(the signing key " + plan->signing_key.string() + " is kept either way)");
    if (a.kid.empty() && had_office) a.kid = previous_kid(plan->office_json);
    if (a.kid.empty()) a.kid = "office-" + zone_time::format_iso_local(std::time(nullptr), a.time_zone).substr(0, 4);
    if (!fs::is_directory(plan->office_json.parent_path(), ec))
        return make_error(plan->office_json.parent_path().string() + ": no such folder (the kiosk-console package makes /etc/kiosk-console; "
                          "or point office_config in " + console_json.string() + " elsewhere)");

    if (::access(plan->office_json.parent_path().c_str(), W_OK | X_OK) != 0)
        return make_error(plan->office_json.parent_path().string() + ": " + user_name(::geteuid()) +
                          " cannot write here; nothing was written. Run it as root: sudo kiosk-console init …");

    InitOutcome out;
    std::string public_key;
    if (fs::exists(plan->signing_key, ec) || fs::is_symlink(plan->signing_key, ec)) {
        // Never replaced: the screens trust it. Kept as it is, if the console may use it.
        if (auto st = fleet::check_key_file(plan->signing_key, owner->uid); !st)
            return make_error(st.error().message + " — or move it away to make a new key (every screen then needs the new trusted_keys line)");
        auto secret = fleet::load_secret_key(plan->signing_key);
        if (!secret) return make_error(secret.error().message + " — move it away to make a new key");
        auto pub = fleet::public_key_of(*secret);
        if (!pub) return make_error(plan->signing_key.string() + ": " + pub.error().message + " — move it away to make a new key");
        public_key = *pub;
        out.notes.push_back("kept the existing signing key " + plan->signing_key.string());
    } else {
        auto made = make_key(plan->signing_key, *owner);
        if (!made) return made.error();
        public_key = *made;
        out.key_made = true;
    }
    if (auto st = store::write_file_atomically(plan->office_json, office_json_text(a, *plan, public_key)); !st)
        return make_error(st.error().message + " (run init as root: sudo kiosk-console init …)");
    out.trusted_keys_line = "\"" + a.kid + "\": \"" + public_key + "\"";

    // What the console will need before it starts: the broker's certificates in place and
    // readable by its user. Said now, with the file; the console's start says it again.
    bool all_there = true;
    const struct {
        std::string file;
        const char* what;
    } tls[] = {{beside(plan->office_json, a.ca_file, "ca.pem").string(), "the fleet CA's certificate (ca.pem)"},
               {beside(plan->office_json, a.cert_file, "office.pem").string(), "the office's certificate (fleet-ca.sh DIR client office: office.pem)"},
               {beside(plan->office_json, a.key_file, "office.key.pem").string(), "the office certificate's key (office.key)"}};
    for (const auto& t : tls) {
        if (!fs::is_regular_file(t.file, ec)) {
            all_there = false;
            out.notes.push_back(t.file + " is not there yet: copy " + t.what + " there before starting the console (docs/console.md, Install)");
        } else if (!readable_by(t.file, *owner)) {
            out.notes.push_back(t.file + " cannot be read by " + owner->name + ": chown " + owner->name + ": " + t.file);
        }
    }
    if (all_there) {
        // Read back as the console will read it: what init writes is what the console takes.
        auto loaded = config::load_kiosk_config(plan->office_json);
        if (!loaded) return make_error(plan->office_json.string() + " was written but does not read back: " + loaded.error().message);
    }
    return out;
}

}  // namespace kiosk::console
