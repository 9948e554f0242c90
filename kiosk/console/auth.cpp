#include "console/auth.hpp"

#include <sodium.h>

namespace kiosk::console {

Result<std::string> hash_password(const std::string& password) {
    if (password.size() < kMinPasswordChars) return make_error("密码至少 8 个字符");
    if (password.size() > kMaxPasswordBytes) return make_error("密码太长");
    char out[crypto_pwhash_STRBYTES];
    // Interactive limits: ~0.1 s and 64 MiB per login on a small office PC.
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return make_error("out of memory while hashing the password");
    return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& password) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
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
