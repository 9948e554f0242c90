#pragma once
// Proof of play for the office (kiosk/v1/screen/{id}/plays): every page shown is a record,
// kept in the state folder (fleet/plays.jsonl, each line written and fsynced) until the
// broker has acknowledged (PUBACK) the batch that carried it — so plays made while the
// broker was down or the screen was restarting are sent when it is back, and none is lost.
// Each record has an `id` (screen and start in milliseconds): a batch the broker got but
// whose PUBACK was lost is sent again, and the office counts each id once.
#include <cstddef>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace kiosk::fleet {

// A screen off the broker for months keeps at most this many plays (~20 MB); past it the
// oldest tenth goes.
inline constexpr std::size_t kMaxSpooledPlays = 200000;
// The most records in one message (~25 KB).
inline constexpr std::size_t kPlaysPerBatch = 200;

class PlaysSpool {
public:
    // Reads what is spooled (a damaged line is dropped; the rest stays).
    explicit PlaysSpool(std::filesystem::path file, std::size_t most = kMaxSpooledPlays);
    // Appended to the file and fsynced before it returns.
    Status add(const nlohmann::json& record);
    // The oldest records not yet acknowledged, up to kPlaysPerBatch, as one message.
    struct Batch {
        std::string payload;  // {"screen": ID, "plays": [ … ]}
        std::size_t records = 0;
    };
    std::optional<Batch> next_batch(const std::string& screen_id) const;
    // The broker has the first `records`: the spool keeps the rest (rewritten atomically).
    Status drop_first(std::size_t records);
    std::size_t size() const { return lines_.size(); }

private:
    Status rewrite() const;  // the file from lines_, atomically
    std::filesystem::path file_;
    std::size_t most_;
    std::deque<std::string> lines_;  // one JSON record each
};

}  // namespace kiosk::fleet
