#pragma once
// Every local read the kiosk makes (configuration, playlist, file: sources, pictures, cache
// entries) goes through here: the path must name a regular file no larger than a cap, so a
// FIFO cannot block a thread, /dev/zero cannot fill memory, and a symlink planted in the
// kiosk's own folders cannot redirect it.
#include <cstdint>
#include <filesystem>
#include <string>

#include "base/result.hpp"

namespace kiosk::files {

enum class Symlinks {
    follow,  // an operator's own file may be a link (to a regular file, checked after it is open)
    refuse,  // the kiosk's own folders (the cache): the last component must not be a link
};

// Reads the whole file. Opens with O_NONBLOCK (a FIFO never blocks), checks with fstat that
// it is a regular file of at most `max_bytes`, then reads at most that many bytes. The error
// names the path and what was wrong ("not a regular file", "larger than 20 MB", ...).
Result<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes,
                                      Symlinks symlinks = Symlinks::follow);

// "20 MB", "512 KB": a size as an operator reads it.
std::string describe_size(std::uintmax_t bytes);

}  // namespace kiosk::files
