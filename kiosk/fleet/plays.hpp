#pragma once
// Proof of play for the office (kiosk/v1/screen/{id}/plays): every page shown is a record,
// kept in the state folder (fleet/plays.jsonl, each line appended and fsynced) until the
// broker has acknowledged (PUBACK) the batch that carried it — so plays made while the
// broker was down or the screen was restarting are sent when it is back, and none is lost.
// Each record has an `id` (screen and start in milliseconds): a batch the broker got but
// whose PUBACK was lost is sent again, and the office counts each id once.
//
// An acknowledged batch does not rewrite the file: the spool moves a mark past it
// (fleet/plays.acked: "INODE OFFSET", a few bytes replaced atomically). The file is
// emptied when everything in it is acknowledged, and the pending tail copied to a new file
// only when the acknowledged part is both large and four fifths of the file — so draining
// months of records writes about half their size (marks, one copy of the last fifth), not
// the whole file per batch (flash wear). A crash between two steps sends some records again (counted once), never loses one:
// a mark whose inode is not the file's is taken as "nothing acknowledged".
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
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
// The pending tail is copied to a fresh file once the acknowledged part reaches this and
// is four times the tail (or eight times this, whatever the tail).
inline constexpr std::uint64_t kPlaysCompactBytes = 8u << 20;

// A showing: one pass through all of an item's pages, in order, from its first (notices and
// other items may come between two of its pages — the rotation resumes where it was). The
// page record that ends one says `"complete": true`, so the office counts showings, not
// pages, without knowing the pages before it. Pure; one per screen.
class ShowingCounter {
public:
    // Page `page` (0-based) of `of` of the item shown: true when it completes a showing.
    bool shown(const std::string& item, int page, int of);

private:
    std::map<std::string, int> next_;  // item -> the page that continues its showing
};

class PlaysSpool {
public:
    // Reads what is spooled past the acknowledged mark (a damaged line is dropped; the rest
    // stays; a line cut by a crash is cut off the file, so the next record starts a line).
    explicit PlaysSpool(std::filesystem::path file, std::size_t most = kMaxSpooledPlays);
    // Appended to the file and fsynced before it returns.
    Status add(const nlohmann::json& record);
    // The oldest records not yet acknowledged, up to kPlaysPerBatch, as one message.
    struct Batch {
        std::string payload;  // {"screen": ID, "plays": [ … ]}
        std::size_t records = 0;
    };
    std::optional<Batch> next_batch(const std::string& screen_id) const;
    // The broker has the first `records`: the mark moves past them.
    Status drop_first(std::size_t records);
    std::size_t size() const { return lines_.size(); }

private:
    struct Line {
        std::string json;     // one record
        std::uint64_t end;    // the file offset just past its newline
    };
    Status write_mark(std::uint64_t offset) const;
    Status settle();  // empties or compacts the file when the mark allows it
    std::filesystem::path file_;
    std::filesystem::path mark_file_;
    std::size_t most_;
    std::deque<Line> lines_;  // pending, oldest first
    std::uint64_t acknowledged_ = 0;  // offset of the first pending byte
    std::uint64_t size_ = 0;          // the file's length
    std::uint64_t inode_ = 0;         // the file the mark is about
};

}  // namespace kiosk::fleet
