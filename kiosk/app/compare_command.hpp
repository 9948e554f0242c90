#pragma once
// `kiosk compare OLD NEW`: a regulation's old and new text aligned article by article
// (content/compare.hpp), for an operator to try two sources before a compare item plays them.
#include "app/cli.hpp"

namespace kiosk::app {

extern const char* const kCompareHelp;
int cmd_compare(const Args& args);

}  // namespace kiosk::app
