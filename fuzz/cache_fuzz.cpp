// Any bytes as a cache entry on disk (a damaged file, a foreign one): read back as an entry
// or refused as damaged. Nothing may crash, hang, throw or leak; what reads back is exactly
// what its header describes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/cache.hpp"

namespace fs = std::filesystem;
using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("kiosk-cache-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(p / "items");
        return p;
    }();
    store::Cache cache(root);
    const fs::path file = cache.file_for("item");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    auto got = cache.get("item");
    if (got) {
        // A good entry survives its own round trip.
        if (!cache.put("copy", *got)) std::abort();
        auto again = cache.get("copy");
        if (!again || again->body != got->body || again->payload != got->payload || again->meta.url != got->meta.url)
            std::abort();
    }
    return 0;
}
