// kiosk-console: the operators' console (docs/console.md). Arguments -> command -> exit code.
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "base/i18n.hpp"
#include "console/auth.hpp"
#include "console/console.hpp"
#include "console/init_command.hpp"
#include "console/install.hpp"
#include "console/service.hpp"
#include "console/store.hpp"

namespace fs = std::filesystem;
using namespace kiosk;

namespace {

const char* const kHelp = R"(usage: kiosk-console [serve] [--config FILE]
       kiosk-console init [--broker HOST --hall NAME …] [--yes] [--force]
       kiosk-console adduser NAME --role editor|approver|admin [--config FILE]
       kiosk-console passwd NAME [--config FILE]

The operators' console: a web page where hall clerks run the screens (docs/console.md).
--config names console.json (else $KIOSK_CONSOLE_CONFIG, else /etc/kiosk-console/console.json).

  serve           listen as console.json says, until stopped (SIGTERM)
  init            write office.json and make the office's signing key, once after
                  installing (kiosk-console init --help)
  adduser NAME    make an account (the first admin, say); the password is read from
                  standard input (asked twice on a terminal)
  passwd NAME     set an account's password, read the same way
)";

int fail(const std::string& message, int status = 1) {
    std::fprintf(stderr, "kiosk-console: %s\n", message.c_str());
    return status;
}

fs::path config_path(const std::string& given) {
    if (!given.empty()) return given;
    if (const char* env = std::getenv("KIOSK_CONSOLE_CONFIG"); env && *env) return env;
    return "/etc/kiosk-console/console.json";
}

// The password from a terminal (without echo, twice) or one line of standard input.
std::optional<std::string> read_password() {
    auto line = [](const char* prompt) -> std::optional<std::string> {
        const bool tty = ::isatty(0);
        termios old{};
        if (tty) {
            std::fprintf(stderr, "%s", prompt);
            ::tcgetattr(0, &old);
            termios quiet = old;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(0, TCSANOW, &quiet);
        }
        std::string s;
        const bool ok = static_cast<bool>(std::getline(std::cin, s));
        if (tty) {
            ::tcsetattr(0, TCSANOW, &old);
            std::fprintf(stderr, "\n");
        }
        if (!ok) return std::nullopt;
        return s;
    };
    auto first = line("密码 (password): ");
    if (!first) return std::nullopt;
    if (::isatty(0)) {
        auto again = line("再输一次 (again): ");
        if (!again || *again != *first) {
            std::fprintf(stderr, "kiosk-console: the two passwords differ\n");
            return std::nullopt;
        }
    }
    return first;
}

// The settings, with the web page and the kiosk program found beside this program when
// console.json does not name them: the build tree's, or the installed ones.
Result<console::ConsoleSettings> settings_for(const fs::path& file) {
    auto s = console::load_settings(file);
    if (!s) return s;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (s->kiosk_binary.empty()) s->kiosk_binary = self.parent_path() / "kiosk";
    if (s->assets.empty()) {
        s->assets = KIOSK_CONSOLE_INSTALLED_ASSETS;
        if (self.parent_path() == fs::path(KIOSK_CONSOLE_BUILD_DIR)) s->assets = KIOSK_CONSOLE_SOURCE_ASSETS;
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    // Two malloc arenas for all threads: glibc gives each busy thread its own (up to 8 a
    // core), and each keeps the high-water mark of the requests it served. With the door's
    // 16 workers the 屏幕 page's 270 KB answers (500 screens) left 161 MiB resident; with two,
    // 47 MiB (bench/console_bench). Called before any thread starts.
    ::mallopt(M_ARENA_MAX, 2);
    // The checker's messages are shown to clerks: in Chinese, whatever the service's locale.
    ::setenv("LANGUAGE", "zh_CN", 1);
    i18n::init();
    if (sodium_init() < 0) return fail("libsodium could not start");
    if (argc > 1 && std::string(argv[1]) == "init")
        return console::init_command(std::vector<std::string>(argv + 2, argv + argc), config_path(""));
    std::vector<std::string> positional;
    std::string config, role;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::printf("%s", kHelp);
            return 0;
        }
        if ((a == "--config" || a == "--role") && i + 1 < argc) {
            (a == "--config" ? config : role) = argv[++i];
        } else if (a.rfind("--config=", 0) == 0) {
            config = a.substr(9);
        } else if (a.rfind("--role=", 0) == 0) {
            role = a.substr(7);
        } else if (a.rfind("--", 0) == 0) {
            return fail("unknown option " + a + " (see kiosk-console --help)", 2);
        } else {
            positional.push_back(a);
        }
    }
    const std::string command = positional.empty() ? "serve" : positional[0];
    auto settings = settings_for(config_path(config));
    if (!settings) return fail(settings.error().message);

    if (command == "adduser" || command == "passwd") {
        if (positional.size() != 2) return fail(command + ": give the account's name (see kiosk-console --help)", 2);
        if (command == "adduser" && role.empty()) return fail("adduser: --role editor|approver|admin is required", 2);
        std::string again = command + " " + positional[1] + (role.empty() ? "" : " --role " + role);
        if (!config.empty()) again += " --config " + config;
        if (auto st = console::check_state_folder(settings->database, again, true); !st) return fail(st.error().message);
        auto store = console::Store::open(settings->database);
        if (!store) return fail(store.error().message);
        auto password = read_password();
        if (!password) return fail("no password given", 2);
        if (command == "adduser") {
            if ((*store)->user(positional[1])) return fail("user " + positional[1] + " exists (use passwd to change its password)");
            if (auto st = console::add_user(**store, positional[1], role, *password); !st) return fail(st.error().message);
            (*store)->audit({0, std::time(nullptr), "(command line)", "local", "add_user", positional[1], role});
            std::printf("added %s (%s)\n", positional[1].c_str(), role.c_str());
        } else {
            auto user = (*store)->user(positional[1]);
            if (!user) return fail("no user " + positional[1]);
            auto hash = console::hash_password(*password);
            if (!hash) return fail(hash.error().message);
            (*store)->update_user(positional[1], std::nullopt, *hash, std::nullopt);
            (*store)->drop_sessions_of(positional[1]);
            (*store)->audit({0, std::time(nullptr), "(command line)", "local", "update_user", positional[1], "password"});
            std::printf("password of %s changed\n", positional[1].c_str());
        }
        return 0;
    }
    if (command != "serve") return fail("unknown command \"" + command + "\" (see kiosk-console --help)", 2);

    // SIGTERM and SIGINT stop the server from a thread of their own (not a signal handler:
    // stopping httplib is not async-signal-safe).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    auto console = console::Console::open(*settings);
    if (!console) return fail(console.error().message);
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        (*console)->stop();
    });
    auto served = (*console)->serve();
    if (!served) {
        ::kill(::getpid(), SIGTERM);  // ends the waiter
        waiter.join();
        return fail(served.error().message);
    }
    waiter.join();
    return 0;
}
