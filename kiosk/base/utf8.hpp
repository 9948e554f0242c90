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

}  // namespace kiosk::utf8
