#pragma once
// The one way the office publishes, for `kiosk fleet …` and the console alike: the signing
// key checked and loaded, a generation that never goes back, notice ids, the document
// signed, and sent to the broker (retained, QoS 1) with its PUBACK awaited.
//
// Where the office keeps what it published is the caller's: the console writes each
// Publication (its exact signed bytes) into its database before sending it, in the same
// transaction as the audit entry; the CLI keeps its last generation per key in its state
// folder (fleet::Generations, STATE/office/published.json). Both hand the last generation to prepare(), which makes the next
// one max(now in ms, last + 1): an office whose clock is set back an hour still publishes
// documents every screen takes.
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"
#include "fleet/scope.hpp"

namespace kiosk::fleet {

class OfficeClient;

// The office's signing key (fleet.signing_key, fleet.signing_kid of its kiosk.json).
struct SigningKey {
    std::string kid;
    std::string secret;  // base64, as `kiosk fleet keygen` wrote it
};
// The key file may be read by its owner only: mode 0600 (or 0400), owned by `uid`; anything
// looser is refused with the command that fixes it.
Status check_key_file(const std::filesystem::path& file, unsigned uid);
// The key named by `fleet`, its file checked for `uid`; `config_file` names kiosk.json in errors.
Result<SigningKey> load_signing_key(const config::Fleet& fleet, const std::filesystem::path& config_file, unsigned uid);

// How long a `restart` request stays good: a screen that does not hear of it within the
// hour (its network down) is not restarted later by surprise. A screen that was off meets
// it as older than its own start and is not restarted at all (docs/fleet.md).
inline constexpr std::time_t kRestartLifetime = 3600;

// What is to be published.
struct Order {
    Scope scope = Scope::all();
    std::string kind;       // playlist, calendar, notice, refresh, screenshot, restart
    std::string notice_id;  // a notice's id (topic-safe); empty for every other kind
    nlohmann::json body = nlohmann::json::object();
    std::time_t lifetime = 0;  // seconds from issue until screens refuse it
    // Its generation sequence: scope|kind (|notice id), as the screens keep them.
    std::string key() const;
};

// A document signed and ready for the broker.
struct Publication {
    Scope scope = Scope::all();
    std::string kind, notice_id;
    std::uint64_t gen = 0;
    std::time_t issued = 0, expires = 0;
    std::string topic;
    std::string document;  // the exact signed bytes the broker gets (and keeps, retained)
    // One generation sequence per key: scope|kind (|notice id), as the screens keep them.
    std::string key() const;
};

// The generation after `last`: the time in ms, or last + 1 when the clock is behind it.
std::uint64_t next_generation(std::uint64_t last, std::uint64_t now_ms);
// A notice's id for people and topics: "n" and the office's local date and minute, and a
// random tail so two offices (or two clerks) in one minute differ.
std::string new_notice_id(std::time_t now, const std::string& zone);

class Publisher {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    explicit Publisher(SigningKey key, Clock clock = [] { return std::chrono::system_clock::now(); });

    // Signed, with a generation newer than `last_gen` (what the office last published for
    // this order's key). An order the screens would refuse (no such scope, a notice without
    // an id, a document over the size limit) is an error here.
    Result<Publication> prepare(const Order& order, std::uint64_t last_gen) const;
    // Publishes retained (QoS 1); the broker has it when this returns Ok.
    static Status send(OfficeClient& client, const Publication& p,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // The generation of a document found on the broker at `topic`, when it is this office's
    // own (signed with its key, for that topic, not expired at `now`); nothing otherwise. The
    // office republishes what the broker lacks or holds older (after a broker lost its data).
    std::optional<std::uint64_t> own_generation(std::string_view topic, std::string_view document, std::time_t now) const;

    const std::string& kid() const { return key_.kid; }

private:
    SigningKey key_;
    Clock clock_;
};

}  // namespace kiosk::fleet
