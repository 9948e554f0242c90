#pragma once
// `kiosk fleet …`: the office's side of the fleet (docs/fleet.md).
#include "app/cli.hpp"

namespace kiosk::app {

extern const char* const kFleetHelp;
int cmd_fleet(const Args& args);

}  // namespace kiosk::app
