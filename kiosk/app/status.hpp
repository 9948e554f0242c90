#pragma once
// What the running kiosk tells operators: status.json in its runtime folder (written
// atomically, read by `kiosk status`), and the proof-of-play log in its state folder (what
// was shown, when, for how long; bounded to two files of 1 MiB).
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"

namespace kiosk::app {

long resident_memory_kb();

class ProofOfPlay {
public:
    explicit ProofOfPlay(std::filesystem::path file, std::uintmax_t max_bytes = 1u << 20)
        : file_(std::move(file)), max_bytes_(max_bytes) {}
    // One JSON line; when the log passes max_bytes it becomes FILE.1 (the older .1 goes).
    void append(const nlohmann::json& entry);
    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path file_;
    std::uintmax_t max_bytes_;
};

// `kiosk status`: status.json as an operator reads it.
std::string describe_status(const nlohmann::json& status);

}  // namespace kiosk::app
