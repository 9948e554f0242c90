#include "fleet/signed.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

#include "base/file_read.hpp"
#include "base/unique_fd.hpp"
#include "config/json_lint.hpp"

namespace kiosk::fleet {
namespace {

void init_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) std::abort();  // no usable random source: nothing can be verified
    });
}

std::optional<std::string> from_base64(std::string_view text, std::size_t max_bytes) {
    std::string bin(text.size() * 3 / 4 + 3, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size() || len > max_bytes)
        return std::nullopt;
    bin.resize(len);
    return bin;
}

std::string to_base64(std::string_view bin) {
    std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

// JSON within the budget (depth, values, key length) before nlohmann sees it.
Result<nlohmann::json> parse_object(std::string_view text, const char* what) {
    if (auto mistake = config::lint_json(text))
        return make_error(std::string(what) + " is not valid JSON (line " + std::to_string(mistake->at.line) + ": " +
                          mistake->message + ")");
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return make_error(std::string(what) + " is not a JSON object");
    return j;
}

std::optional<std::string> text_field(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    return j[key].get<std::string>();
}

}  // namespace

std::string generation_key(const Arrival& arrival) {
    return arrival.scope + "|" + arrival.kind + (arrival.notice_id.empty() ? "" : "|" + arrival.notice_id);
}

Result<Desired> verify(std::string_view document, const std::vector<config::TrustedKey>& keys, const Arrival& arrival,
                       std::time_t now, LastApplied last_applied) {
    init_sodium();
    if (document.size() > kMaxDocumentBytes)
        return make_error("too large: " + std::to_string(document.size()) + " bytes (at most " + std::to_string(kMaxDocumentBytes) + ")");
    auto envelope = parse_object(document, "the document");
    if (!envelope) return envelope.error();
    const auto payload64 = text_field(*envelope, "payload"), kid = text_field(*envelope, "kid"), sig64 = text_field(*envelope, "sig");
    if (!payload64 || !kid || !sig64) return make_error("not a signed document (payload, kid and sig are required)");
    const config::TrustedKey* key = nullptr;
    for (const auto& k : keys)
        if (k.kid == *kid) key = &k;
    if (!key) return make_error("signed by an unknown key \"" + kid->substr(0, 64) + "\"");
    const auto public_key = from_base64(key->public_key, crypto_sign_PUBLICKEYBYTES);
    const auto signature = from_base64(*sig64, crypto_sign_BYTES);
    const auto payload = from_base64(*payload64, kMaxDocumentBytes);
    if (!public_key || public_key->size() != crypto_sign_PUBLICKEYBYTES) return make_error("key \"" + *kid + "\" in kiosk.json is not an Ed25519 public key");
    if (!signature || signature->size() != crypto_sign_BYTES || !payload) return make_error("bad signature (not base64 of the right length)");
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                    reinterpret_cast<const unsigned char*>(payload->data()), payload->size(),
                                    reinterpret_cast<const unsigned char*>(public_key->data())) != 0)
        return make_error("bad signature: not signed by key \"" + *kid + "\"");
    // Signed by the office: now its content is read, still within the budget.
    auto p = parse_object(*payload, "the payload");
    if (!p) return p.error();
    const nlohmann::json& j = *p;
    if (!j.contains("v") || !j["v"].is_number_integer() || j["v"].get<long long>() != 1)
        return make_error("payload version is not 1");
    Desired d;
    const auto id = text_field(j, "id"), target = text_field(j, "target"), kind = text_field(j, "kind");
    auto seconds = [&](const char* k) -> std::optional<std::time_t> {
        if (!j.contains(k) || !j[k].is_number_integer()) return std::nullopt;
        return static_cast<std::time_t>(j[k].get<long long>());
    };
    const auto issued = seconds("issued"), expires = seconds("expires");
    if (!id || !target || !kind || !issued || !expires || !j.contains("gen") || !j["gen"].is_number_unsigned() ||
        (j.contains("body") && !j["body"].is_object()))
        return make_error("payload lacks a field or has one of the wrong type (v, id, target, kind, gen, issued, expires, body)");
    d.id = *id;
    d.target = *target;
    d.kind = *kind;
    d.gen = j["gen"].get<std::uint64_t>();
    d.issued = *issued;
    d.expires = *expires;
    if (j.contains("body")) d.body = j["body"];
    if (d.target != arrival.scope)
        return make_error("meant for \"" + d.target.substr(0, 80) + "\", arrived for \"" + arrival.scope + "\" (re-scoped)");
    if (d.kind != arrival.kind) return make_error("a \"" + d.kind.substr(0, 40) + "\" document on a \"" + arrival.kind + "\" topic");
    if (!arrival.notice_id.empty() && d.id != arrival.notice_id)
        return make_error("notice \"" + d.id.substr(0, 80) + "\" arrived on the topic of notice \"" + arrival.notice_id + "\"");
    if (d.issued > now + kClockSkewSeconds) return make_error("issued in the future (" + std::to_string(d.issued - now) + " s ahead of this screen's clock)");
    if (d.expires <= now) return make_error("expired " + std::to_string(now - d.expires) + " s ago");
    if (d.gen <= last_applied)
        return make_error("generation " + std::to_string(d.gen) + " is not newer than the applied " + std::to_string(last_applied) + " (replayed)");
    return d;
}

Result<std::string> public_key_of(const std::string& secret_key) {
    init_sodium();
    const auto sk = from_base64(secret_key, crypto_sign_SECRETKEYBYTES);
    if (!sk || sk->size() != crypto_sign_SECRETKEYBYTES) return make_error("not an Ed25519 secret key (as `kiosk fleet keygen` writes it)");
    // libsodium's secret key is the seed followed by the public key.
    return to_base64(std::string_view(*sk).substr(crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES));
}

KeyPair generate_key_pair() {
    init_sodium();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    KeyPair pair{to_base64({reinterpret_cast<const char*>(pk), sizeof pk}), to_base64({reinterpret_cast<const char*>(sk), sizeof sk})};
    sodium_memzero(sk, sizeof sk);
    return pair;
}

Status save_secret_key(const std::filesystem::path& file, const KeyPair& pair) {
    const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return make_error(file.string() + ": " + std::strerror(errno) + (errno == EEXIST ? " (a key is never overwritten)" : ""));
    const std::string text = "kiosk-fleet-secret-key/1\n" + pair.secret_key + "\n";
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd.get()) != 0)
        return make_error(file.string() + ": " + std::strerror(errno));
    return Ok{};
}

Result<std::string> load_secret_key(const std::filesystem::path& file) {
    auto text = files::read_regular_file(file, 4096);
    if (!text) return text.error();
    const std::string header = "kiosk-fleet-secret-key/1\n";
    if (text->rfind(header, 0) != 0) return make_error(file.string() + ": not a key written by `kiosk fleet keygen`");
    std::string key = text->substr(header.size());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    return key;
}

Result<std::string> sign(const Desired& d, const std::string& kid, const std::string& secret_key) {
    init_sodium();
    auto sk = from_base64(secret_key, crypto_sign_SECRETKEYBYTES);
    if (!sk || sk->size() != crypto_sign_SECRETKEYBYTES) return make_error("not an Ed25519 secret key (as `kiosk fleet keygen` writes it)");
    const nlohmann::json payload = {{"v", 1},           {"id", d.id},         {"target", d.target}, {"kind", d.kind},
                                    {"gen", d.gen},     {"issued", d.issued}, {"expires", d.expires}, {"body", d.body}};
    const std::string bytes = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                         reinterpret_cast<const unsigned char*>(sk->data()));
    sodium_memzero(sk->data(), sk->size());
    return nlohmann::json{{"payload", to_base64(bytes)}, {"kid", kid}, {"sig", to_base64({reinterpret_cast<const char*>(sig), sizeof sig})}}.dump();
}

}  // namespace kiosk::fleet
