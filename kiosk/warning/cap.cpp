#include "warning/cap.hpp"

// Implemented by the cap helper (issue 29).
