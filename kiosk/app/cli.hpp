#pragma once
// Command-line parsing: `kiosk COMMAND [options]`. Usage errors name the option and say
// what was expected; they exit with status 2.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::app {

struct OptionSpec {
    const char* name;    // without the leading dashes
    bool takes_value;    // --name VALUE or --name=VALUE
    bool value_optional; // --windowed or --windowed=1280x720
};

struct Args {
    std::string command;
    std::map<std::string, std::string> options;  // name -> value ("" for flags)
    std::vector<std::string> positional;
    bool has(const std::string& name) const { return options.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
};

Result<Args> parse_args(const std::string& command, const std::vector<std::string>& argv,
                        const std::vector<OptionSpec>& specs, size_t max_positional);

struct Size {
    int width = 0, height = 0;
};
// "1920x1080" -> {1920, 1080}; each side 64..16384.
Result<Size> parse_size(const std::string& option, const std::string& text);
Result<int> parse_positive(const std::string& option, const std::string& text);

}  // namespace kiosk::app
