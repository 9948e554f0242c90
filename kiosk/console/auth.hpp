#pragma once
// Passwords (argon2id through libsodium's crypto_pwhash_str_alg, 19 MiB and two passes) and the random tokens of
// sessions and CSRF. Call sodium_init() once (the console's main does) before these.
#include <optional>
#include <string>

#include "base/result.hpp"

namespace kiosk::console {

// At least 8 characters: what a clerk can remember and a guesser cannot try through the
// throttle (5 tries per 15 minutes).
inline constexpr std::size_t kMinPasswordChars = 8;
inline constexpr std::size_t kMaxPasswordBytes = 512;

// The hash in libsodium's text format ($argon2id$…), or an error (too short, too long, out
// of memory).
Result<std::string> hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);
// 32 random bytes as 64 hex digits.
std::string random_token();
// Constant-time comparison of two tokens.
bool same_token(const std::string& a, const std::string& b);

}  // namespace kiosk::console
