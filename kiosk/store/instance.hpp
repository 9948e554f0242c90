#pragma once
// One kiosk per runtime folder, and what it keeps so that it never starts dark.
//  - InstanceLock: flock() on RUNTIME/kiosk.lock, held for the process's life; a second
//    `kiosk run` with the same folder is told who holds it; `kiosk status` asks whether
//    anybody holds it (a status.json left by a dead process says so).
//  - LastGood: each configuration and local playlist the kiosk accepted, kept in the state
//    folder with the path it came from (relative paths inside resolve against that), read
//    back when the current one cannot be read or fails the check at start.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace kiosk::store {

class InstanceLock {
public:
    // Err when another process holds it (the message names its pid) or it cannot be made.
    static Result<std::unique_ptr<InstanceLock>> acquire(const std::filesystem::path& runtime);
    ~InstanceLock();  // releases and closes
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

private:
    explicit InstanceLock(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;  // flock'ed
};

// Whether a kiosk holds the lock of `runtime` now (its pid when known).
struct Liveness {
    bool running = false;
    long pid = 0;
};
Liveness kiosk_liveness(const std::filesystem::path& runtime);

struct KeptFile {
    std::string text;
    std::filesystem::path origin;  // where it was read from when it was accepted
};

class LastGood {
public:
    explicit LastGood(std::filesystem::path state) : folder_(std::move(state) / "last-good") {}
    // `name`: "kiosk.json" or "playlist.json". Written atomically; unchanged text is not rewritten.
    void keep(const std::string& name, const std::string& text, const std::filesystem::path& origin) const;
    std::optional<KeptFile> get(const std::string& name) const;

private:
    std::filesystem::path folder_;
};

}  // namespace kiosk::store
