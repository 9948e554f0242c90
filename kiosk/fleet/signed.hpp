#pragma once
// Desired state as the office signs it and a screen verifies it. A document on the wire is
//   {"payload": BASE64, "kid": KEY-ID, "sig": BASE64(Ed25519 over the payload's bytes)}
// and its payload is
//   {"v": 1, "id": …, "target": SCOPE, "kind": KIND, "gen": N, "issued": UNIX-SECONDS,
//    "expires": UNIX-SECONDS, "body": {…}}
// A screen obeys a document only when the signature is by a key in its kiosk.json, the
// target is the scope of the topic it came on (no re-scoping), it was not issued in the
// future (beyond a small skew) nor has expired, and its generation is newer than the last
// one applied for that scope and kind: a broker or network in the wrong hands can neither
// forge, replay, move nor resurrect a command. Uses libsodium; pure otherwise.
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"

namespace kiosk::fleet {

// The most a document may be on the wire; checked before anything is parsed.
inline constexpr std::size_t kMaxDocumentBytes = 256 * 1024;
// The most a screen's screenshot may be (the broker's max_packet_size is 2 MB).
inline constexpr std::size_t kMaxScreenshotBytes = 1024 * 1024;
// How far ahead of this screen's clock a document's `issued` may be.
inline constexpr std::time_t kClockSkewSeconds = 120;

struct Desired {
    std::string id;      // the document's own id (a notice's id)
    std::string target;  // its scope: "all", "group/floor/1", "screen/zwzx-1f-01"
    std::string kind;    // "playlist", "calendar", "notice", "refresh", "screenshot", "restart"
    std::uint64_t gen = 0;
    std::time_t issued = 0, expires = 0;
    nlohmann::json body = nlohmann::json::object();
};

// Where a document came from: the scope and kind its topic names.
struct Arrival {
    std::string scope;  // "all", "group/G", "screen/ID"
    std::string kind;   // "playlist", "calendar", "notice", "refresh", "screenshot", "restart"
    std::string notice_id;  // notice/{id}: the id the payload must carry
};

// The last generation applied for a scope and kind (0: none yet).
using LastApplied = std::uint64_t;

// The document verified and parsed, or why it is refused (an ack's reason).
Result<Desired> verify(std::string_view document, const std::vector<config::TrustedKey>& keys, const Arrival& arrival,
                       std::time_t now, LastApplied last_applied);

struct KeyPair {
    std::string public_key;  // base64, as kiosk.json's fleet.trusted_keys holds it
    std::string secret_key;  // base64 (64 bytes: libsodium's seed and public key)
};
KeyPair generate_key_pair();
// Writes a secret key to a new file only its owner may read (0600 from creation; an
// existing file is never overwritten), and reads one back.
Status save_secret_key(const std::filesystem::path& file, const KeyPair& pair);
Result<std::string> load_secret_key(const std::filesystem::path& file);

// The public half of a secret key (base64, both): the office checks its own documents.
Result<std::string> public_key_of(const std::string& secret_key);

// The office's side: a document signed with `secret_key` (base64) under `kid`.
Result<std::string> sign(const Desired& desired, const std::string& kid, const std::string& secret_key);

// The key in which a generation is kept: scope and kind (and a notice's id).
std::string generation_key(const Arrival& arrival);

}  // namespace kiosk::fleet
