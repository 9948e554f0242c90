#include "fleet/plays.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "base/file_read.hpp"
#include "base/unique_fd.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

namespace {

struct Mark {
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;
};

Mark read_mark(const fs::path& file) {
    Mark m;
    auto text = files::read_regular_file(file, 64, files::Symlinks::refuse);
    if (!text) return m;
    unsigned long long inode = 0, offset = 0;
    if (std::sscanf(text->c_str(), "%llu %llu", &inode, &offset) == 2) m = Mark{inode, offset};
    return m;
}

std::uint64_t inode_of(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

}  // namespace

bool ShowingCounter::shown(const std::string& item, int page, int of) {
    if (item.empty() || of <= 0 || page < 0 || page >= of) return false;
    auto it = next_.find(item);
    const bool continues = page == 0 || (it != next_.end() && it->second == page);
    if (!continues) {
        next_.erase(item);  // a showing entered midway (or a page skipped) is not complete
        return false;
    }
    if (page + 1 == of) {
        next_.erase(item);
        return true;
    }
    if (next_.size() > 4096 && it == next_.end()) next_.clear();  // bounded: items come and go
    next_[item] = page + 1;
    return false;
}

PlaysSpool::PlaysSpool(fs::path file, std::size_t most)
    : file_(std::move(file)), most_(std::max<std::size_t>(most, 10)) {
    mark_file_ = file_;
    mark_file_.replace_extension(".acked");
    // Pending records (≤ 512 bytes each) and an acknowledged part that settle() keeps under
    // eight times kPlaysCompactBytes (and a batch).
    const std::uintmax_t limit = (most_ + 1) * 512 + 9 * kPlaysCompactBytes;
    UniqueFd fd(::open(file_.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return;  // none yet
    auto text = files::read_regular_file(file_, limit, files::Symlinks::refuse);
    // Unreadable: starts afresh (the local proof-of-play log has them); the first add()
    // marks everything in the file as gone.
    if (!text) return;
    inode_ = inode_of(fd.get());
    size_ = text->size();
    const Mark mark = read_mark(mark_file_);
    // A mark about another file (the tail was copied, then the power went) or past the end:
    // everything is pending again, and sent again (the office counts each id once).
    acknowledged_ = mark.inode == inode_ && mark.offset <= size_ ? mark.offset : 0;
    std::uint64_t at = acknowledged_;
    while (at < size_) {
        const size_t end = text->find('\n', at);
        if (end == std::string::npos) {
            // A line cut by a crash: cut off, so the next record does not join it.
            if (::ftruncate(fd.get(), static_cast<off_t>(at)) == 0 && ::fsync(fd.get()) == 0) size_ = at;
            break;
        }
        std::string line = text->substr(at, end - at);
        at = end + 1;
        if (nlohmann::json::parse(line, nullptr, false).is_object()) lines_.push_back(Line{std::move(line), at});
    }
    if (lines_.size() > most_) {
        lines_.erase(lines_.begin(), lines_.end() - static_cast<std::ptrdiff_t>(most_));
        acknowledged_ = lines_.empty() ? size_ : lines_.front().end - lines_.front().json.size() - 1;
    }
}

Status PlaysSpool::add(const nlohmann::json& record) {
    std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return make_error(file_.string() + ": cannot be written");
    if (const std::uint64_t inode = inode_of(fd.get()); inode != inode_) {
        // A new file (the first record, or the old one removed by hand): no mark applies.
        inode_ = inode;
        lines_.clear();
        acknowledged_ = size_ = 0;
        struct stat st {};
        if (::fstat(fd.get(), &st) == 0) acknowledged_ = size_ = static_cast<std::uint64_t>(st.st_size);
        if (auto st2 = write_mark(acknowledged_); !st2) return st2;
    }
    const std::string bytes = line + "\n";
    if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) || ::fsync(fd.get()) != 0)
        return make_error(file_.string() + ": writing failed (disk full?)");
    size_ += bytes.size();
    lines_.push_back(Line{std::move(line), size_});
    if (lines_.size() > most_) {
        // Full after months offline: the oldest tenth go at once (the local proof-of-play
        // log keeps them) — the mark moves past them; nothing is rewritten.
        const size_t drop = std::max<size_t>(1, most_ / 10);
        return drop_first(drop);
    }
    return Ok{};
}

std::optional<PlaysSpool::Batch> PlaysSpool::next_batch(const std::string& screen_id) const {
    if (lines_.empty()) return std::nullopt;
    Batch b;
    b.records = std::min(lines_.size(), kPlaysPerBatch);
    b.payload = "{\"screen\":" + nlohmann::json(screen_id).dump() + ",\"plays\":[";
    for (size_t i = 0; i < b.records; ++i) b.payload += (i ? "," : "") + lines_[i].json;
    b.payload += "]}";
    return b;
}

Status PlaysSpool::drop_first(std::size_t records) {
    records = std::min(records, lines_.size());
    if (records == 0) return Ok{};
    acknowledged_ = lines_[records - 1].end;
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(records));
    if (auto st = write_mark(acknowledged_); !st) return st;
    return settle();
}

Status PlaysSpool::write_mark(std::uint64_t offset) const {
    char text[48];
    std::snprintf(text, sizeof text, "%" PRIu64 " %" PRIu64 "\n", inode_, offset);
    return store::write_file_atomically(mark_file_, text);
}

Status PlaysSpool::settle() {
    if (lines_.empty() && size_ > 0) {
        // All acknowledged: the file is emptied. The mark says 0 first, so a crash between
        // the two sends the old records again rather than skipping new ones.
        if (auto st = write_mark(0); !st) return st;
        UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd.valid() || ::ftruncate(fd.get(), 0) != 0 || ::fsync(fd.get()) != 0)
            return make_error(file_.string() + ": cannot be emptied");
        acknowledged_ = size_ = 0;
        return Ok{};
    }
    const std::uint64_t pending = size_ - acknowledged_;
    // A backlog being drained empties the file at its end: copying its tail half way
    // through would only write it twice. So the tail is copied only when it is a fifth of
    // the file or less (or the acknowledged part is past eight times the threshold).
    if (acknowledged_ < kPlaysCompactBytes || (acknowledged_ < 4 * pending && acknowledged_ < 8 * kPlaysCompactBytes))
        return Ok{};
    // Never all acknowledged for a long while (plays arrive as fast as batches leave): the
    // pending tail alone goes to a new file. Its inode is new, so the old mark cannot skip
    // anything in it if the power goes before the new mark is written.
    std::string tail;
    tail.reserve(pending);
    for (const Line& l : lines_) (tail += l.json) += '\n';
    if (auto st = store::write_file_atomically(file_, tail); !st) return st;
    UniqueFd fd(::open(file_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return make_error(file_.string() + ": cannot be read back");
    inode_ = inode_of(fd.get());
    acknowledged_ = 0;
    size_ = tail.size();
    std::uint64_t end = 0;
    for (Line& l : lines_) l.end = end += l.json.size() + 1;
    return write_mark(0);
}

}  // namespace kiosk::fleet
