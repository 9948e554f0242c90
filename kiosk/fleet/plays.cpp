#include "fleet/plays.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "base/file_read.hpp"
#include "base/unique_fd.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

PlaysSpool::PlaysSpool(fs::path file) : file_(std::move(file)) {
    auto text = files::read_regular_file(file_, (kMaxSpooledPlays + 1) * 512, files::Symlinks::refuse);
    if (!text) return;  // none yet (or unreadable: starts afresh, the local proof-of-play log has them)
    size_t at = 0;
    while (at < text->size()) {
        size_t end = text->find('\n', at);
        if (end == std::string::npos) end = text->size();  // a line cut by a crash: checked below
        std::string line = text->substr(at, end - at);
        at = end + 1;
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object()) lines_.push_back(std::move(line));
    }
    while (lines_.size() > kMaxSpooledPlays) lines_.pop_front();
}

Status PlaysSpool::add(const nlohmann::json& record) {
    std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (lines_.size() >= kMaxSpooledPlays) {
        // Full after months offline: the oldest go (the local proof-of-play log keeps them).
        lines_.pop_front();
        lines_.push_back(line);
        std::string all;
        for (const auto& l : lines_) all += l + "\n";
        return store::write_file_atomically(file_, all);
    }
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return make_error(file_.string() + ": cannot be written");
    const std::string bytes = line + "\n";
    if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) || ::fsync(fd.get()) != 0)
        return make_error(file_.string() + ": writing failed (disk full?)");
    lines_.push_back(std::move(line));
    return Ok{};
}

std::optional<PlaysSpool::Batch> PlaysSpool::next_batch(const std::string& screen_id) const {
    if (lines_.empty()) return std::nullopt;
    Batch b;
    b.records = std::min(lines_.size(), kPlaysPerBatch);
    b.payload = "{\"screen\":" + nlohmann::json(screen_id).dump() + ",\"plays\":[";
    for (size_t i = 0; i < b.records; ++i) b.payload += (i ? "," : "") + lines_[i];
    b.payload += "]}";
    return b;
}

Status PlaysSpool::drop_first(std::size_t records) {
    records = std::min(records, lines_.size());
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(records));
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return store::write_file_atomically(file_, all);
}

}  // namespace kiosk::fleet
