#include "console/auth.hpp"

#include <sodium.h>

#include <mutex>

namespace kiosk::console {
namespace {
// argon2id at OWASP's recommended minimum (19 MiB, two passes): ~40 ms on an office PC.
// One hash at a time: logins from every clerk at once never take more than 19 MiB between
// them (libsodium's "interactive" 64 MiB per login would alone exceed the console's budget).
constexpr unsigned long long kOps = 2;
constexpr std::size_t kMemory = 19u << 20;
std::mutex hashing;
}  // namespace

Result<std::string> hash_password(const std::string& password) {
    if (password.size() < kMinPasswordChars) return make_error("密码至少 8 个字符");
    if (password.size() > kMaxPasswordBytes) return make_error("密码太长");
    char out[crypto_pwhash_STRBYTES];
    std::lock_guard lock(hashing);
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMemory, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return make_error("out of memory while hashing the password");
    return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& password) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
    std::lock_guard lock(hashing);
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

bool same_token(const std::string& a, const std::string& b) {
    return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kiosk::console
