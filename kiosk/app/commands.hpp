#pragma once
// The subcommands. Each returns the process exit status: 0 success, 1 failure at run time,
// 2 a usage error.
#include <string>
#include <vector>

namespace kiosk::app {

int run_command(const std::string& command, const std::vector<std::string>& argv);
void print_usage();

}  // namespace kiosk::app
