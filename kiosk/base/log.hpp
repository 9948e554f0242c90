#pragma once
// Log lines go to stderr, tagged by module. Under systemd (JOURNAL_STREAM set) each
// line carries the sd-daemon priority prefix so the journal files it at the right level.
#include <string_view>

namespace kiosk::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

void write(Level level, std::string_view tag, std::string_view message);
inline void error(std::string_view tag, std::string_view m) { write(Level::error, tag, m); }
inline void warn(std::string_view tag, std::string_view m) { write(Level::warning, tag, m); }
inline void info(std::string_view tag, std::string_view m) { write(Level::info, tag, m); }

// Logs only the first time `key` is seen in this process: a missing glyph or a failing
// item is reported once, not once a frame.
void once(Level level, std::string_view tag, std::string_view key, std::string_view message);

// Messages below this level are dropped (tests and `layout` keep stderr quiet).
void set_threshold(Level level);

}  // namespace kiosk::log
