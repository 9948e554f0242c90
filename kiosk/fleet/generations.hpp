#pragma once
// The last generation applied for each scope and kind, kept in the state folder
// (fleet/generations.json, written atomically): a document is applied once, and never
// again after a restart, a replay or a broker that serves an older retained copy.
//
// Bounded by construction: an entry goes once every document applied under its key has
// expired (no copy of them can be accepted any more), and past kMaxGenerations entries the
// ones closest to expiry go first, raising a floor that refuses every document at or below
// their generation. A damaged file fails closed the same way: opened with after_damage(),
// the floor is the file's own time in ms (generations are the office's clock in ms), so
// documents older than the screen's last application stay refused.
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>

#include "base/result.hpp"

namespace kiosk::fleet {

inline constexpr std::size_t kMaxGenerations = 4096;  // ~400 KB on disk at most

class Generations {
public:
    // Reads what was recorded; a damaged file is an error (the caller decides: the office's
    // CLI refuses to publish, a screen uses after_damage()).
    // `most`: the bound on entries (kMaxGenerations; smaller in tests).
    static Result<Generations> open(std::filesystem::path file, std::size_t most = kMaxGenerations);
    // None applied yet, kept in `file` from the first record on.
    static Generations fresh(std::filesystem::path file);
    // After a damaged or oversized file: nothing at or below `floor` is accepted.
    static Generations after_damage(std::filesystem::path file, std::uint64_t floor);
    // The generation a document for `key` must exceed.
    std::uint64_t last(const std::string& key) const;
    // Every key's generation (for the status report and the office's CLI).
    std::map<std::string, std::uint64_t> all() const;
    std::uint64_t floor() const { return floor_; }
    std::size_t size() const { return entries_.size(); }
    // Recorded on disk before it returns: the document counts as applied only then.
    // `expires`: when the document stops being valid (0: never pruned, the office's own
    // ledger); entries whose documents all expired before `now` go at the same time.
    Status record(const std::string& key, std::uint64_t gen, std::time_t expires = 0,
                  std::time_t now = std::time(nullptr));

private:
    struct Entry {
        std::uint64_t gen = 0;
        std::time_t expires = 0;  // the latest expiry of a document applied under the key
    };
    std::filesystem::path file_;
    std::map<std::string, Entry> entries_;
    std::uint64_t floor_ = 0;
    std::size_t most_ = kMaxGenerations;
};

}  // namespace kiosk::fleet
