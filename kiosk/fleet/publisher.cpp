#include "fleet/publisher.hpp"

#include <sodium.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>

#include "base/zone_time.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"

namespace kiosk::fleet {

Status check_key_file(const std::filesystem::path& file, unsigned uid) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return make_error(file.string() + ": the signing key file cannot be read (" + std::strerror(errno) + ")");
    if (!S_ISREG(st.st_mode)) return make_error(file.string() + ": the signing key is not a regular file");
    if (st.st_uid != uid) {
        const passwd* pw = ::getpwuid(uid);
        const std::string name = pw ? pw->pw_name : std::to_string(uid);
        return make_error(file.string() + ": the signing key must belong to the user that publishes (" + name + ", uid " + std::to_string(uid) +
                          "), not uid " + std::to_string(st.st_uid) + "; run: chown " + name + ": " + file.string());
    }
    if ((st.st_mode & 0077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return make_error(file.string() + ": the signing key may be read by its owner only (mode 0600), not " + mode +
                          "; run: chmod 600 " + file.string());
    }
    return Ok{};
}

Result<SigningKey> load_signing_key(const config::Fleet& fleet, const std::filesystem::path& config_file, unsigned uid) {
    if (fleet.signing_key.empty() || fleet.signing_kid.empty())
        return make_error(config_file.string() + ": fleet.signing_key and fleet.signing_kid are needed to publish");
    if (auto st = check_key_file(fleet.signing_key, uid); !st) return st.error();
    auto secret = load_secret_key(fleet.signing_key);
    if (!secret) return secret.error();
    return SigningKey{fleet.signing_kid, std::move(*secret)};
}

std::string Order::key() const { return generation_key(Arrival{scope.str(), kind, notice_id}); }

std::string Publication::key() const { return generation_key(Arrival{scope.str(), kind, notice_id}); }

std::uint64_t next_generation(std::uint64_t last, std::uint64_t now_ms) { return std::max(now_ms, last + 1); }

std::string new_notice_id(std::time_t now, const std::string& zone) {
    if (sodium_init() < 0) std::abort();  // no usable random source: nothing can be signed either
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string tail;
    for (int i = 0; i < 6; ++i) tail += digits[randombytes_uniform(36)];
    std::string id = "n" + zone_time::format_iso_local(now, zone).substr(0, 16) + "-" + tail;
    for (char& c : id)
        if (c == ' ' || c == ':') c = '-';
    return id;
}

Publisher::Publisher(SigningKey key, Clock clock) : key_(std::move(key)), clock_(std::move(clock)) {}

Result<Publication> Publisher::prepare(const Order& order, std::uint64_t last_gen) const {
    if (order.kind.empty()) return make_error("a publication needs a kind");
    if ((order.kind == "notice") != !order.notice_id.empty())
        return make_error(order.kind == "notice" ? "a notice needs an id" : "only a notice has an id");
    if (!order.notice_id.empty() && !config::topic_safe_name(order.notice_id, false))
        return make_error("\"" + order.notice_id + "\" is not a notice id (letters, digits, - _ or .)");
    for (std::string_view kind : kPlainKinds)
        if (order.notice_id == kind)
            return make_error("\"" + order.notice_id + "\" is not a notice id (it is the name of a kind of document)");
    const auto now = clock_();
    Publication p;
    p.scope = order.scope;
    p.kind = order.kind;
    p.notice_id = order.notice_id;
    p.gen = next_generation(
        last_gen, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
    p.issued = std::chrono::system_clock::to_time_t(now);
    p.expires = p.issued + order.lifetime;
    p.topic = desired_topic(p.scope.str(), p.kind, p.notice_id);
    Desired d;
    d.id = p.notice_id.empty() ? p.kind : p.notice_id;
    d.target = p.scope.str();
    d.kind = p.kind;
    d.gen = p.gen;
    d.issued = p.issued;
    d.expires = p.expires;
    d.body = order.body;
    auto document = sign(d, key_.kid, key_.secret);
    if (!document) return document.error();
    if (document->size() > kMaxDocumentBytes)
        return make_error("the document is " + std::to_string(document->size() / 1024) + " KB signed (at most " +
                          std::to_string(kMaxDocumentBytes / 1024) + " KB)");
    p.document = std::move(*document);
    return p;
}

std::optional<std::uint64_t> Publisher::own_generation(std::string_view topic, std::string_view document, std::time_t now) const {
    auto arrival = parse_desired_topic(topic);
    auto public_key = public_key_of(key_.secret);
    if (!arrival || !public_key) return std::nullopt;
    auto d = verify(document, {config::TrustedKey{key_.kid, *public_key}}, *arrival, now, 0);
    if (!d) return std::nullopt;
    return d->gen;
}

Status Publisher::send(OfficeClient& client, const Publication& p, std::chrono::milliseconds timeout) {
    return client.publish(p.topic, p.document, true, timeout);
}

}  // namespace kiosk::fleet
