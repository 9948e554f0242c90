#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/log.hpp"

int main(int argc, char* argv[]) {
    kiosk::log::set_threshold(kiosk::log::Level::error);
    // Every test process (one ctest entry) gets default folders of its own, so kiosks started
    // by tests running in parallel never share a runtime folder (one kiosk per folder: the
    // second would be refused) and nothing is written to the user's home. Inherited by the
    // kiosk processes the tests start; a test's own KIOSK/XDG settings still win.
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("kiosk-tests-" + std::to_string(::getpid()));
    for (const char* var : {"XDG_RUNTIME_DIR", "XDG_STATE_HOME", "XDG_CACHE_HOME"}) {
        const fs::path dir = root / var;
        fs::create_directories(dir);
        ::setenv(var, dir.c_str(), 1);
    }
    for (const char* var : {"RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "KIOSK_CONFIG"}) ::unsetenv(var);
    // Real SDL rendering without a display: the dummy video driver and the software renderer.
    ::setenv("SDL_VIDEODRIVER", "dummy", 1);
    Catch::Session session;
    if (const int bad = session.applyCommandLine(argc, argv); bad != 0) return bad;
    // Always -w NoAssertions as well (Catch2 2.13 takes one -w on its command line, and
    // ctest passes -w NoTests): a test case or section that asserts nothing fails, since it
    // could not fail if the feature broke.
    auto& data = session.configData();
    data.warnings = static_cast<Catch::WarnAbout::What>(data.warnings | Catch::WarnAbout::NoAssertions);
    const int status = session.run();
    std::error_code ec;
    fs::remove_all(root, ec);
    return status;
}
