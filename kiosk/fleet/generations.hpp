#pragma once
// The last generation applied for each scope and kind, kept in the state folder
// (fleet/generations.json, written atomically): a document is applied once, and never
// again after a restart, a replay or a broker that serves an older retained copy.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "base/result.hpp"

namespace kiosk::fleet {

class Generations {
public:
    // Reads what was recorded; a damaged file is an error and counts as none (logged by the caller).
    static Result<Generations> open(std::filesystem::path file);
    // None applied yet, kept in `file` from the first record on (after a damaged file).
    static Generations fresh(std::filesystem::path file);
    std::uint64_t last(const std::string& key) const;
    const std::map<std::string, std::uint64_t>& all() const { return applied_; }
    // Recorded on disk before it returns: the document counts as applied only then.
    Status record(const std::string& key, std::uint64_t gen);

private:
    std::filesystem::path file_;
    std::map<std::string, std::uint64_t> applied_;
};

}  // namespace kiosk::fleet
