// kiosk: arguments -> subcommand -> exit status. The logic lives in app/.
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "base/i18n.hpp"

int main(int argc, char** argv) {
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
    return kiosk::app::run_command(command, std::vector<std::string>(argv + 2, argv + argc));
}
