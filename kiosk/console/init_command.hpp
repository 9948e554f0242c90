#pragma once
// `kiosk-console init` as a command: its flags, its questions on a terminal, its output
// (docs/console.md, "Install"). The work is console/install's run_init.
#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::console {

extern const char* const kInitHelp;

// `args`: what follows `init`; `default_config`: console.json unless --config names another.
int init_command(const std::vector<std::string>& args, const std::filesystem::path& default_config);

}  // namespace kiosk::console
