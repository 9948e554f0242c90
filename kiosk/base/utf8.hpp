#pragma once
#include <string>
#include <string_view>

namespace kiosk::utf8 {

// Decodes UTF-8; an invalid sequence becomes U+FFFD (callers validate first where it matters).
std::u32string decode(std::string_view bytes);
std::string encode(std::u32string_view text);
std::string encode(char32_t c);
// True when the bytes are strictly valid UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid(std::string_view bytes);

// Text that leaves the process (logs, status.json, messages, the terminal) goes through these.
// The bytes with every invalid sequence replaced by U+FFFD: always valid UTF-8.
std::string sanitize(std::string_view bytes);
// At most `max_bytes` bytes of valid UTF-8, never a character cut in half; "…" marks a cut
// when `mark` is set (it counts within max_bytes).
std::string truncate(std::string_view bytes, size_t max_bytes, bool mark = true);
// For a terminal: control characters (C0, DEL, C1) shown as \xNN, the rest sanitized, so
// nothing a playlist or a page holds can drive the operator's terminal.
std::string printable(std::string_view bytes);

}  // namespace kiosk::utf8
