#pragma once
// Whole-file replacement that survives a crash or power cut at any point: temp file, write,
// fsync, rename over the old file, fsync of the folder. A reader sees the old file or the
// new one, never a mixture; a failed write (a full disk) leaves the old file in place.
#include <filesystem>
#include <string_view>

#include "base/result.hpp"

namespace kiosk::store {

Status write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

}  // namespace kiosk::store
