#include "base/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.hpp"

namespace kiosk::files {

std::string describe_size(std::uintmax_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KB";
    return std::to_string(bytes) + " bytes";
}

Result<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes, Symlinks symlinks) {
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (symlinks == Symlinks::refuse) flags |= O_NOFOLLOW;
    const UniqueFd f(::open(path.c_str(), flags));
    if (f.get() < 0) {
        const int err = errno;
        if (err == ELOOP && symlinks == Symlinks::refuse) return make_error(path.string() + ": is a symbolic link, refused");
        if (err == ENOENT) return make_error(path.string() + ": no such file");
        return make_error(path.string() + ": cannot be read (" + std::strerror(err) + ")");
    }
    struct stat st {};
    if (::fstat(f.get(), &st) != 0) return make_error(path.string() + ": cannot be read (" + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) return make_error(path.string() + ": is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        return make_error(path.string() + ": not a regular file (a device, pipe or socket), refused");
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
        return make_error(path.string() + ": larger than " + describe_size(max_bytes) + " (" +
                          std::to_string(st.st_size) + " bytes), refused");
    // The descriptor stays non-blocking: a regular file reads whole anyway.
    std::string bytes;
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(f.get(), bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(path.string() + ": read failed (" + std::strerror(errno) + ")");
        if (n == 0) break;  // shrank while we read: what is there
        got += static_cast<size_t>(n);
    }
    bytes.resize(got);
    // A file that grew while we read is read up to the cap only (its size was checked above).
    return bytes;
}

}  // namespace kiosk::files
