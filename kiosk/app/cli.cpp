#include "app/cli.hpp"

#include <charconv>

namespace kiosk::app {

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

Result<Args> parse_args(const std::string& command, const std::vector<std::string>& argv,
                        const std::vector<OptionSpec>& specs, size_t max_positional) {
    Args args;
    args.command = command;
    const std::string hint = " (see `kiosk " + command + " --help`)";
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            if (args.positional.size() >= max_positional)
                return make_error("kiosk " + command + ": unexpected argument \"" + a + "\"" + hint);
            args.positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        bool inline_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inline_value = true;
        }
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (name == s.name) spec = &s;
        if (!spec) return make_error("kiosk " + command + ": unknown option --" + name + hint);
        if (args.options.count(name))
            return make_error("kiosk " + command + ": --" + name + " given twice");
        if (!spec->takes_value && inline_value)
            return make_error("kiosk " + command + ": --" + name + " takes no value");
        if (spec->takes_value && !inline_value && !spec->value_optional) {
            if (i + 1 >= argv.size() || argv[i + 1].rfind("--", 0) == 0)
                return make_error("kiosk " + command + ": --" + name + " needs a value" + hint);
            value = argv[++i];
        }
        if (spec->takes_value && !spec->value_optional && value.empty())
            return make_error("kiosk " + command + ": --" + name + " needs a value" + hint);
        args.options[name] = value;
    }
    return args;
}

static bool to_int(const std::string& s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

Result<Size> parse_size(const std::string& option, const std::string& text) {
    auto x = text.find('x');
    Size size;
    if (x == std::string::npos || !to_int(text.substr(0, x), size.width) ||
        !to_int(text.substr(x + 1), size.height))
        return make_error(option + ": \"" + text + "\" is not a size like 1920x1080");
    if (size.width < 64 || size.height < 64 || size.width > 16384 || size.height > 16384)
        return make_error(option + ": \"" + text + "\": each side must be 64 to 16384 pixels");
    return size;
}

Result<int> parse_positive(const std::string& option, const std::string& text) {
    int n = 0;
    if (!to_int(text, n) || n <= 0)
        return make_error(option + ": \"" + text + "\" is not a whole number of 1 or more");
    return n;
}

}  // namespace kiosk::app
