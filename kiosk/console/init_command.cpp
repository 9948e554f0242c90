// `kiosk-console init`: the answers from flags (scripts) or asked on a terminal, then
// console/install's run_init. Prompts and explanations go to standard error; standard
// output is the trusted_keys line alone, so a script can take it.
#include "console/init_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "console/install.hpp"

namespace kiosk::console {
namespace fs = std::filesystem;

namespace {

int fail(const std::string& message, int status = 1) {
    std::fprintf(stderr, "kiosk-console init: %s\n", message.c_str());
    return status;
}

std::vector<std::string> split_hosts(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s + " ") {
        if (c == ' ' || c == ',' || c == '\t') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

// One line from the terminal; the default when the answer is empty.
std::optional<std::string> ask(const std::string& question, const std::string& fallback) {
    std::fprintf(stderr, "%s%s: ", question.c_str(), fallback.empty() ? "" : (" [" + fallback + "]").c_str());
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    return line.empty() ? fallback : line;
}

}  // namespace

const char* const kInitHelp = R"(usage: kiosk-console init [--broker HOST] [--port 8883] [--hall NAME]
                          [--allowed-hosts "HOST HOST…"] [--ca FILE] [--cert FILE] [--key FILE]
                          [--time-zone Asia/Shanghai] [--kid ID] [--user kiosk-console]
                          [--config FILE] [--yes] [--force]

Writes the office's kiosk.json (console.json's office_config, /etc/kiosk-console/office.json)
and makes the office's signing key beside it (office.key: mode 0600, owned by the console's
user), then prints the line every screen's kiosk.json needs in fleet.trusted_keys.
On a terminal it asks for what the flags do not give; with --yes it asks nothing and takes
the defaults (--broker and --hall have none). Run it as root.

  --broker HOST       the fleet's MQTT broker, as named in its certificate (mqtt.hall.lan)
  --port N            its TLS port (8883)
  --hall NAME         the hall's name, as previews show it (长春市政务服务中心)
  --allowed-hosts L   the portal sites clerks may add, separated by spaces or commas
  --ca, --cert, --key the fleet CA's certificate, the office's certificate and its key
                      (ca.pem, office.pem, office.key.pem beside office.json)
  --kid ID            the signing key's name in trusted_keys (office-YEAR)
  --user NAME         who owns the key (as root: kiosk-console; otherwise this user)
  --force             write office.json again when it exists (an existing key is always kept)
)";

int init_command(const std::vector<std::string>& args, const fs::path& default_config) {
    // office.json must be readable by the console's user whatever root's umask (the key is
    // made 0600 by itself).
    ::umask(022);
    InitAnswers a;
    fs::path config = default_config;
    bool yes = false, given_port = false, given_hosts = false, given_zone = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i], value;
        const bool has_inline = flag.rfind("--", 0) == 0 && flag.find('=') != std::string::npos;
        if (has_inline) {
            value = flag.substr(flag.find('=') + 1);
            flag = flag.substr(0, flag.find('='));
        }
        if (flag == "--help" || flag == "-h") {
            std::printf("%s", kInitHelp);
            return 0;
        }
        if (flag == "--yes" || flag == "-y") {
            yes = true;
            continue;
        }
        if (flag == "--force") {
            a.force = true;
            continue;
        }
        static const char* const kValued[] = {"--broker", "--port", "--hall", "--allowed-hosts", "--ca", "--cert", "--key",
                                              "--time-zone", "--kid", "--user", "--config"};
        bool valued = false;
        for (const char* v : kValued) valued = valued || flag == v;
        if (!valued) return fail("unknown argument " + flag + " (see kiosk-console init --help)", 2);
        if (!has_inline) {
            if (i + 1 >= args.size()) return fail(flag + " needs a value (see kiosk-console init --help)", 2);
            value = args[++i];
        }
        if (flag == "--broker") a.broker_host = value;
        else if (flag == "--hall") a.hall_name = value;
        else if (flag == "--allowed-hosts") a.allowed_hosts = split_hosts(value), given_hosts = true;
        else if (flag == "--ca") a.ca_file = value;
        else if (flag == "--cert") a.cert_file = value;
        else if (flag == "--key") a.key_file = value;
        else if (flag == "--time-zone") a.time_zone = value, given_zone = true;
        else if (flag == "--kid") a.kid = value;
        else if (flag == "--user") a.user = value;
        else if (flag == "--config") config = value;
        else if (flag == "--port") {
            try {
                a.broker_port = std::stoi(value);
            } catch (const std::exception&) {
                return fail("--port " + value + ": a number, like 8883", 2);
            }
            given_port = true;
        }
    }
    auto plan = init_plan(config);
    if (!plan) return fail(plan.error().message);
    std::error_code ec;
    if (fs::exists(plan->office_json, ec) && !a.force)  // said before any question is asked
        return fail(plan->office_json.string() + " exists; nothing was changed. To write it again, add --force (the signing key " +
                    plan->signing_key.string() + " is kept either way)");

    if (!yes && ::isatty(0)) {
        const fs::path dir = plan->office_json.parent_path();
        std::fprintf(stderr, "Writing %s and the signing key %s. Enter keeps the [default].\n", plan->office_json.c_str(), plan->signing_key.c_str());
        struct Question {
            bool needed;
            const char* text;
            std::string* answer;
            std::string fallback;
        };
        std::string port = std::to_string(a.broker_port), hosts;
        const Question questions[] = {
            {a.broker_host.empty(), "The fleet's MQTT broker, as its certificate names it (like mqtt.hall.lan)", &a.broker_host, ""},
            {!given_port, "Its TLS port", &port, port},
            {a.ca_file.empty(), "The fleet CA's certificate", &a.ca_file, (dir / "ca.pem").string()},
            {a.cert_file.empty(), "The office's certificate", &a.cert_file, (dir / "office.pem").string()},
            {a.key_file.empty(), "The office certificate's key", &a.key_file, (dir / "office.key.pem").string()},
            {a.hall_name.empty(), "The hall's name, as previews show it (like 长春市政务服务中心)", &a.hall_name, ""},
            {!given_hosts, "Portal sites clerks may add, separated by spaces (like www.changchun.gov.cn)", &hosts, ""},
            {!given_zone, "Time zone", &a.time_zone, a.time_zone},
        };
        for (const auto& q : questions) {
            if (!q.needed) continue;
            auto answer = ask(q.text, q.fallback);
            if (!answer) return fail("no answer (standard input ended); nothing was written", 2);
            *q.answer = *answer;
        }
        if (!given_port) {
            try {
                a.broker_port = std::stoi(port);
            } catch (const std::exception&) {
                return fail("port " + port + ": a number, like 8883; nothing was written", 2);
            }
        }
        if (!given_hosts) a.allowed_hosts = split_hosts(hosts);
    } else if (a.broker_host.empty() || a.hall_name.empty()) {
        return fail("give at least --broker HOST and --hall NAME (with --yes the rest takes its defaults), or run it on a terminal to be asked", 2);
    }

    auto outcome = run_init(config, a);
    if (!outcome) return fail(outcome.error().message);
    std::fprintf(stderr, "wrote %s\n", plan->office_json.c_str());
    if (outcome->key_made) std::fprintf(stderr, "made the signing key %s (keep a copy offline: anyone holding it controls the screens)\n", plan->signing_key.c_str());
    for (const auto& note : outcome->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    std::fprintf(stderr, "Put this line in \"fleet\": {\"trusted_keys\": {…}} of every screen's /etc/kiosk/kiosk.json:\n");
    std::printf("%s\n", outcome->trusted_keys_line.c_str());
    return 0;
}

}  // namespace kiosk::console
