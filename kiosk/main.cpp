// kiosk: arguments -> subcommand -> exit status. The logic lives in app/.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "base/i18n.hpp"

namespace {
// The very last resort: an exception that escaped a thread. The message reaches the journal
// before the process ends (systemd then restarts it; the unit never gives up).
[[noreturn]] void on_terminate() {
    const char* what = "unknown";
    try {
        if (auto e = std::current_exception()) std::rethrow_exception(e);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "<2>kiosk: fatal: unexpected error: %s\n", what);
    std::fflush(stderr);
    std::abort();
}
}  // namespace

int main(int argc, char** argv) {
    std::set_terminate(on_terminate);
    // A peer that hangs up (a control client, a server) is an error value, never a signal
    // that ends the kiosk.
    std::signal(SIGPIPE, SIG_IGN);
    kiosk::i18n::init();
    if (argc < 2) {
        kiosk::app::print_usage();
        return 2;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        kiosk::app::print_usage();
        return 0;
    }
    if (command == "--version") {
        std::puts("kiosk " KIOSK_VERSION);
        return 0;
    }
    try {
        return kiosk::app::run_command(command, std::vector<std::string>(argv + 2, argv + argc));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kiosk: unexpected error: %s\n", e.what());
        return 1;
    }
}
