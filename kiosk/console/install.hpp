#pragma once
// What IT does once, after installing the packages (docs/console.md, "Install"): the
// console's state folder checked (or made) before a command opens the database, and
// `kiosk-console init`, which writes the office's kiosk.json (office.json) from a few
// answers and makes the office's signing key as `kiosk fleet keygen` does. Every error
// names the file and the command that fixes it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::console {

// The folder that holds `database`: made (0700) when it is missing and this user may make
// it; otherwise an error naming the folder and the fix (the package's tmpfiles.d entry, or
// running as the folder's owner). `command` is the kiosk-console command for the message
// ("adduser wang --role admin"). When `as_owner` is set and this is root, a folder
// belonging to another user is refused too: a database root makes, the console (its own
// user) could not open.
Status check_state_folder(const std::filesystem::path& database, const std::string& command, bool as_owner);

// The answers `kiosk-console init` writes office.json from (flags, or asked on a terminal).
struct InitAnswers {
    std::string broker_host;
    int broker_port = 8883;
    std::string ca_file, cert_file, key_file;  // empty: ca.pem, office.pem, office.key.pem beside office.json
    std::string hall_name;
    std::vector<std::string> allowed_hosts;
    std::string time_zone = "Asia/Shanghai";
    std::string kid;       // empty: office-YEAR
    std::string user;      // who owns the signing key (root: kiosk-console; else this user)
    bool force = false;    // replace an existing office.json (the signing key is never replaced)
};

struct InitPlan {
    std::filesystem::path office_json, signing_key;
};

// Where init writes, from console.json (its office_config, and office.key beside it).
Result<InitPlan> init_plan(const std::filesystem::path& console_json);

// The answers' own mistakes (a host with a scheme, a port out of range…), before anything is written.
Status check_answers(const InitAnswers& answers);

// office.json's text for these answers, the signing key file and its public key. Pure:
// `kiosk-console init` writes it, the template (config/console/office.json.example) is
// the same shape, and the tests read it back with the kiosk's own config reader.
std::string office_json_text(const InitAnswers& answers, const InitPlan& plan, const std::string& public_key);

struct InitOutcome {
    std::string trusted_keys_line;  // "KID": "BASE64", for every screen's fleet.trusted_keys
    bool key_made = false;          // false: an existing key was kept
    std::vector<std::string> notes; // what IT still has to do (certificate files not there yet…)
};

// Writes office.json and (unless one exists) the signing key, 0600 and owned by
// answers.user; refuses an existing office.json without `force`.
Result<InitOutcome> run_init(const std::filesystem::path& console_json, InitAnswers answers);

}  // namespace kiosk::console
