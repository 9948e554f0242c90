#pragma once
// Checks shared by the tests that assert with Catch2, so they live apart from support.*,
// which fleet_bench and console_bench compile without Catch2.
#include <filesystem>
#include <string>

namespace test {

// tests/golden/NAME.expected.
std::filesystem::path golden_file(const std::string& name);

// `got` is byte for byte the committed golden file `expected`. With KIOSK_UPDATE_GOLDEN set,
// `got` is written there first (read the diff before committing it). A difference names the
// file, its first differing line and how to accept a deliberate change.
void check_golden(const std::filesystem::path& expected, const std::string& got);

}  // namespace test
