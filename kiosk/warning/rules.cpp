#include "warning/rules.hpp"

// Implemented by the rules helper (issue 29).
