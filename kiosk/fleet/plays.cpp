#include "fleet/plays.hpp"

#include <fcntl.h>

#include <algorithm>
#include <unistd.h>

#include "base/file_read.hpp"
#include "base/unique_fd.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::fleet {
namespace fs = std::filesystem;

PlaysSpool::PlaysSpool(fs::path file, std::size_t most) : file_(std::move(file)), most_(std::max<std::size_t>(most, 10)) {
    auto text = files::read_regular_file(file_, (most_ + 1) * 512, files::Symlinks::refuse);
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
    while (lines_.size() > most_) lines_.pop_front();
}

Status PlaysSpool::add(const nlohmann::json& record) {
    std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (lines_.size() >= most_) {
        // Full after months offline: the oldest tenth go at once (the local proof-of-play
        // log keeps them), so the file is rewritten once per 20,000 pages, not every page.
        lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(most_ / 10));
        lines_.push_back(std::move(line));
        return rewrite();
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
    return rewrite();
}

Status PlaysSpool::rewrite() const {
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return store::write_file_atomically(file_, all);
}

}  // namespace kiosk::fleet
