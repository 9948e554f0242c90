#pragma once
// One program run with a deadline, for the `command` power backend: no shell (the program
// and its arguments go to posix_spawn as they are), stdin /dev/null, stdout and stderr read
// through pipes up to a budget each (the rest is read and dropped, so a chatty program never
// blocks on a full pipe), and at the deadline the program's whole process group is killed.
// The child is always waited for: no zombie is left, whatever happens.
#include <cstddef>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kiosk::power {

struct ChildOutcome {
    bool timed_out = false;  // killed at the deadline (exit_status and signal then say how it ended)
    int exit_status = -1;    // the exit status when it exited, else -1
    int signal = 0;          // the signal that ended it, else 0
    std::string out, err;    // the first `budget` bytes of each
    std::size_t out_dropped = 0, err_dropped = 0;  // bytes read past the budget
};

// Runs `program` (an absolute path) with `args`; an error only when it could not be started
// (the message names the program and why: not found, not executable…).
Result<ChildOutcome> run_child(const std::string& program, const std::vector<std::string>& args,
                               double timeout_seconds, std::size_t budget);

// The first line of `text` (without its end of line), at most `limit` bytes: for messages.
std::string first_line(const std::string& text, std::size_t limit = 200);

}  // namespace kiosk::power
