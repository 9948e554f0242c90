#include "store/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/unique_fd.hpp"

namespace kiosk::store {
namespace fs = std::filesystem;

Status write_file_atomically(const fs::path& file, std::string_view bytes) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    fs::path temp = file;
    temp += ".tmp." + std::to_string(::getpid());
    auto fail = [&](const std::string& why) -> Status {
        fs::remove(temp, ec);
        return make_error(file.string() + ": " + why + "; the previous version is kept");
    };
    {
        const UniqueFd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (out.get() < 0) return make_error(temp.string() + ": " + std::strerror(errno));
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(out.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return fail(errno == ENOSPC ? "the disk is full" : std::strerror(errno));
            done += static_cast<size_t>(n);
        }
        if (::fsync(out.get()) != 0) return fail(errno == ENOSPC ? "the disk is full" : std::strerror(errno));
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) return fail(std::strerror(errno));
    const UniqueFd dir(::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());  // the rename itself reaches the disk
    return Ok{};
}

}  // namespace kiosk::store
