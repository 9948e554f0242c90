// The `command` backend: PROGRAM ARGS… on|off|query, run without a shell (power/child.hpp).
// Exit status 0 means done; for `query` the program prints "on" or "off" (or "unknown").
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "power/backends.hpp"
#include "power/child.hpp"

namespace kiosk::power {
namespace {

std::string seconds_text(double s) {
    std::string text = std::to_string(s);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

class CommandBackend final : public Backend {
public:
    explicit CommandBackend(config::CommandPower settings) : settings_(std::move(settings)) {}
    const char* name() const override { return "command"; }

    Status set(bool on) override {
        auto run = run_word(on ? "on" : "off");
        if (!run) return run.error();
        return Ok{};
    }

    Result<Panel> query() override {
        auto run = run_word("query");
        if (!run) return run.error();
        std::string said = first_line(run->out);
        if (said == "on") return Panel::on;
        if (said == "off") return Panel::off;
        if (said == "unknown") return Panel::unknown;
        return make_error(what("query") + " printed \"" + said +
                          "\" instead of on, off or unknown on its first line");
    }

private:
    std::string what(const char* word) const {
        std::string text = "power command " + settings_.program;
        for (const auto& a : settings_.args) text += " " + a;
        return text + " " + word;
    }

    // Runs the program with `word`; an error unless it exited with status 0 in time.
    Result<ChildOutcome> run_word(const char* word) {
        auto args = settings_.args;
        args.emplace_back(word);
        auto run = run_child(settings_.program, args, settings_.timeout_seconds, kCommandOutputBudget);
        if (!run) return make_error("power command: " + run.error().message);
        std::string stderr_line = first_line(run->err);
        std::string said = stderr_line.empty() ? "" : ": " + stderr_line;
        if (run->timed_out)
            return make_error(what(word) + " did not finish within " + seconds_text(settings_.timeout_seconds) +
                              " s and was killed" + said);
        if (run->signal != 0)
            return make_error(what(word) + " was ended by signal " + std::to_string(run->signal) + said);
        if (run->exit_status != 0)
            return make_error(what(word) + " exited with status " + std::to_string(run->exit_status) + said);
        return run;
    }

    config::CommandPower settings_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_command(const config::CommandPower& settings) {
    if (settings.program.empty()) return make_error("power command: no program configured (power.command.program)");
    if (!std::filesystem::path(settings.program).is_absolute())
        return make_error("power command: the program must be an absolute path: " + settings.program);
    if (!(settings.timeout_seconds > 0) || settings.timeout_seconds > 600)
        return make_error("power command: the timeout must be between 0 and 600 s");
    if (::access(settings.program.c_str(), X_OK) != 0)
        return make_error("power command: cannot run " + settings.program + ": " + std::strerror(errno));
    return std::unique_ptr<Backend>(std::make_unique<CommandBackend>(settings));
}

}  // namespace kiosk::power
