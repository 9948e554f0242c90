#include "power/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/unique_fd.hpp"

extern char** environ;

namespace kiosk::power {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int e) { return std::strerror(e); }

// Reads what is there from `fd` into `into` (up to `budget`, the rest counted in `dropped`);
// false at end of file or on an error other than "try again".
bool drain(int fd, std::string& into, std::size_t budget, std::size_t& dropped) {
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            auto got = static_cast<std::size_t>(n);
            std::size_t keep = into.size() < budget ? std::min(got, budget - into.size()) : 0;
            into.append(buffer, keep);
            dropped += got - keep;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        return false;  // 0: end of file; other errors end the stream too
    }
}

struct SpawnActions {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnActions() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnActions() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};

}  // namespace

std::string first_line(const std::string& text, std::size_t limit) {
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return {};
    std::size_t end = text.find_first_of("\r\n", start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.size() > limit) line = line.substr(0, limit) + "…";
    return line;
}

Result<ChildOutcome> run_child(const std::string& program, const std::vector<std::string>& args,
                               double timeout_seconds, std::size_t budget) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return make_error("cannot run " + program + ": pipe: " + errno_text(errno));
    UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return make_error("cannot run " + program + ": pipe: " + errno_text(errno));
    UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

    // The child: its own process group (so the deadline kills what it started too), every
    // signal at its default and none blocked (the kiosk blocks some for its own loop), stdin
    // from /dev/null, the write ends of the pipes as stdout and stderr. The pipes are
    // O_NONBLOCK on both ends; dup2 gives the child fresh descriptors whose flags it shares,
    // so clear O_NONBLOCK on the write ends first (the child's writes should block).
    ::fcntl(out_write.get(), F_SETFL, 0);
    ::fcntl(err_write.get(), F_SETFL, 0);
    SpawnActions spawn;
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&spawn.actions, out_write.get(), 1);
    posix_spawn_file_actions_adddup2(&spawn.actions, err_write.get(), 2);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&spawn.attributes, &all);
    posix_spawnattr_setsigmask(&spawn.attributes, &none);
    posix_spawnattr_setpgroup(&spawn.attributes, 0);
    posix_spawnattr_setflags(&spawn.attributes,
                             POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t pid = -1;
    // glibc's posix_spawn reports a failed exec (no such file, not executable) as its result.
    int spawned = ::posix_spawn(&pid, program.c_str(), &spawn.actions, &spawn.attributes, argv.data(), environ);
    if (spawned != 0) return make_error("cannot run " + program + ": " + errno_text(spawned));
    out_write.reset();
    err_write.reset();

    ChildOutcome outcome;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(timeout_seconds));
    bool out_open = true, err_open = true;
    int status = 0;
    bool reaped = false;
    // Until it exits or the deadline: read both pipes, and look at the child every 10 ms (a
    // program may leave a background process holding the pipes open after it exits).
    while (!reaped) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            reaped = true;
            break;
        }
        if (r < 0 && errno != EINTR) {  // someone else reaped it (no such code in the kiosk)
            ::kill(-pid, SIGKILL);
            return make_error("lost track of " + program + ": waitpid: " + errno_text(errno));
        }
        auto now = Clock::now();
        if (now >= deadline) {
            outcome.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            reaped = true;
            break;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        int wait_ms = static_cast<int>(std::min<long long>(10, left + 1));
        pollfd fds[2];
        nfds_t n = 0;
        if (out_open) fds[n++] = {out_read.get(), POLLIN, 0};
        if (err_open) fds[n++] = {err_read.get(), POLLIN, 0};
        if (n == 0) {
            ::poll(nullptr, 0, wait_ms);
            continue;
        }
        if (::poll(fds, n, wait_ms) > 0) {
            if (out_open) out_open = drain(out_read.get(), outcome.out, budget, outcome.out_dropped);
            if (err_open) err_open = drain(err_read.get(), outcome.err, budget, outcome.err_dropped);
        }
    }
    // What it wrote just before it ended.
    if (out_open) drain(out_read.get(), outcome.out, budget, outcome.out_dropped);
    if (err_open) drain(err_read.get(), outcome.err, budget, outcome.err_dropped);
    if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
    return outcome;
}

}  // namespace kiosk::power
