#pragma once
// The backends open_backend builds (power/backend.cpp); each in its own file. The run loop
// and the tests go through open_backend; the CEC backend's logic is also reachable at its
// seam (power/cec.hpp) for the tests.
#include <memory>

#include "base/result.hpp"
#include "config/config.hpp"
#include "power/backend.hpp"

namespace kiosk::power {

inline constexpr std::size_t kReplyBudget = 256;          // bytes read for one serial reply
inline constexpr std::size_t kCommandOutputBudget = 4096; // bytes kept of a command's stdout (and stderr)

Result<std::unique_ptr<Backend>> open_command(const config::CommandPower& settings);
Result<std::unique_ptr<Backend>> open_serial(const config::SerialPower& settings);
Result<std::unique_ptr<Backend>> open_cec(const config::CecPower& settings);  // power/cec.cpp

}  // namespace kiosk::power
