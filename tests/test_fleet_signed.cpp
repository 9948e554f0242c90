// The fleet's trust rules, without a broker: a document is obeyed only when signed by a
// trusted key, meant for the scope of its topic, current, and newer than the last applied.
// Each refusal names its reason (the ack carries it).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/config.hpp"
#include "fleet/generations.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

constexpr std::time_t kNow = 1'800'000'000;

struct Office {
    fleet::KeyPair key = fleet::generate_key_pair();
    std::vector<config::TrustedKey> trusted() const { return {{"office-2026", key.public_key}}; }
    std::string signed_doc(const fleet::Desired& d, const std::string& kid = "office-2026") const {
        auto doc = fleet::sign(d, kid, key.secret_key);
        REQUIRE(doc.ok());
        return *doc;
    }
};

fleet::Desired refresh(const std::string& target, std::uint64_t gen) {
    fleet::Desired d;
    d.id = "refresh";
    d.target = target;
    d.kind = "refresh";
    d.gen = gen;
    d.issued = kNow - 10;
    d.expires = kNow + 3600;
    return d;
}

fleet::Arrival arrival(const std::string& scope, const std::string& kind, const std::string& notice = "") {
    return fleet::Arrival{scope, kind, notice};
}

std::string refusal(const Result<fleet::Desired>& r) { return r ? std::string("(accepted)") : r.error().message; }

}  // namespace

TEST_CASE("fleet: a signed document for this scope, current and new, is accepted", "[fleet]") {
    Office office;
    fleet::Desired d = refresh("group/floor/1", 7);
    d.body = {{"item", "report"}};
    auto got = fleet::verify(office.signed_doc(d), office.trusted(), arrival("group/floor/1", "refresh"), kNow, 6);
    REQUIRE(got.ok());
    CHECK(got->gen == 7);
    CHECK(got->body["item"] == "report");
}

TEST_CASE("fleet: forged, unknown, replayed, moved, stale, early, oversized and malformed documents are refused", "[fleet]") {
    Office office, stranger;
    const auto here = arrival("screen/zwzx-1f-01", "refresh");
    const std::string good = office.signed_doc(refresh("screen/zwzx-1f-01", 5));
    REQUIRE(fleet::verify(good, office.trusted(), here, kNow, 4).ok());

    // A signature by a key the screen does not trust, under a trusted key's id.
    CHECK(refusal(fleet::verify(stranger.signed_doc(refresh("screen/zwzx-1f-01", 5)), office.trusted(), here, kNow, 4))
              .find("bad signature") == 0);
    // An unknown key id.
    CHECK(refusal(fleet::verify(office.signed_doc(refresh("screen/zwzx-1f-01", 5), "someone"), office.trusted(), here, kNow, 4))
              .find("unknown key") != std::string::npos);
    // A payload changed after signing (one generation bumped).
    {
        nlohmann::json env = nlohmann::json::parse(good);
        nlohmann::json other = nlohmann::json::parse(office.signed_doc(refresh("screen/zwzx-1f-01", 6)));
        env["payload"] = other["payload"];
        CHECK(refusal(fleet::verify(env.dump(), office.trusted(), here, kNow, 4)).find("bad signature") == 0);
    }
    // Replayed: the generation applied already.
    CHECK(refusal(fleet::verify(good, office.trusted(), here, kNow, 5)).find("replayed") != std::string::npos);
    // Moved: signed for one screen, retained under another's topic, or under all.
    CHECK(refusal(fleet::verify(good, office.trusted(), arrival("screen/zwzx-2f-09", "refresh"), kNow, 0)).find("re-scoped") !=
          std::string::npos);
    CHECK(refusal(fleet::verify(good, office.trusted(), arrival("all", "refresh"), kNow, 0)).find("re-scoped") != std::string::npos);
    // A refresh document on the playlist topic.
    CHECK(refusal(fleet::verify(good, office.trusted(), arrival("screen/zwzx-1f-01", "playlist"), kNow, 0)).find("topic") !=
          std::string::npos);
    // Expired, and issued in the future beyond the skew.
    fleet::Desired old = refresh("screen/zwzx-1f-01", 9);
    old.expires = kNow - 1;
    CHECK(refusal(fleet::verify(office.signed_doc(old), office.trusted(), here, kNow, 0)).find("expired") == 0);
    fleet::Desired early = refresh("screen/zwzx-1f-01", 9);
    early.issued = kNow + fleet::kClockSkewSeconds + 60;
    CHECK(refusal(fleet::verify(office.signed_doc(early), office.trusted(), here, kNow, 0)).find("future") != std::string::npos);
    early.issued = kNow + 30;  // within the skew: a clock a little behind is fine
    CHECK(fleet::verify(office.signed_doc(early), office.trusted(), here, kNow, 0).ok());
    // Oversized: refused before anything is parsed.
    fleet::Desired big = refresh("screen/zwzx-1f-01", 9);
    big.body = {{"text", std::string(300 * 1024, 'x')}};
    CHECK(refusal(fleet::verify(office.signed_doc(big), office.trusted(), here, kNow, 0)).find("too large") == 0);
    // Malformed: not JSON, not an envelope, a payload of the wrong shape.
    CHECK(refusal(fleet::verify("{\"payload\": ", office.trusted(), here, kNow, 0)).find("not valid JSON") != std::string::npos);
    CHECK(refusal(fleet::verify(R"({"hello": 1})", office.trusted(), here, kNow, 0)).find("not a signed document") == 0);
    CHECK(refusal(fleet::verify(std::string(20000, '['), office.trusted(), here, kNow, 0)).find("not valid JSON") != std::string::npos);
}

TEST_CASE("fleet: a notice's id must match its topic", "[fleet]") {
    Office office;
    fleet::Desired n;
    n.id = "fire-drill";
    n.target = "all";
    n.kind = "notice";
    n.gen = 1;
    n.issued = kNow;
    n.expires = kNow + 600;
    n.body = {{"text", "消防演练"}};
    CHECK(fleet::verify(office.signed_doc(n), office.trusted(), arrival("all", "notice", "fire-drill"), kNow, 0).ok());
    CHECK(refusal(fleet::verify(office.signed_doc(n), office.trusted(), arrival("all", "notice", "closing"), kNow, 0))
              .find("arrived on the topic of notice") != std::string::npos);
}

TEST_CASE("fleet: topics name their scope and kind, nothing else is a desired topic", "[fleet]") {
    auto a = fleet::parse_desired_topic("kiosk/v1/desired/group/hall/zwzx/notice/fire-drill");
    REQUIRE(a);
    CHECK(a->scope == "group/hall/zwzx");
    CHECK(a->kind == "notice");
    CHECK(a->notice_id == "fire-drill");
    a = fleet::parse_desired_topic("kiosk/v1/desired/screen/zwzx-1f-01/playlist");
    REQUIRE(a);
    CHECK(a->scope == "screen/zwzx-1f-01");
    CHECK(a->kind == "playlist");
    CHECK(fleet::parse_desired_topic("kiosk/v1/desired/all/refresh")->scope == "all");
    for (const char* bad : {"kiosk/v1/desired/all", "kiosk/v1/desired/everyone/refresh", "kiosk/v1/desired/screen/a/b/refresh",
                            "kiosk/v1/screen/x/state", "kiosk/v1/desired/group//refresh", "kiosk/v1/desired/all/notice/",
                            "kiosk/v1/desired/all/reboot"})
        CHECK_FALSE(fleet::parse_desired_topic(bad));
    config::Fleet f;
    f.screen_id = "zwzx-1f-01";
    f.groups = {"hall/zwzx", "floor/1"};
    CHECK(fleet::desired_subscriptions(f) ==
          std::vector<std::string>{"kiosk/v1/desired/all/#", "kiosk/v1/desired/group/hall/zwzx/#",
                                   "kiosk/v1/desired/group/floor/1/#", "kiosk/v1/desired/screen/zwzx-1f-01/#"});
    CHECK(fleet::specificity("screen/x") > fleet::specificity("group/floor/1"));
    CHECK(fleet::specificity("group/floor/1") > fleet::specificity("all"));
    CHECK(fleet::screen_topic("zwzx-1f-01", "state") == "kiosk/v1/screen/zwzx-1f-01/state");
}

TEST_CASE("fleet: generations persist across a restart, a damaged file is an error", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "state" / "fleet" / "generations.json";
    {
        auto g = fleet::Generations::open(file);
        REQUIRE(g.ok());
        CHECK(g->last("all|refresh") == 0);
        REQUIRE(g->record("all|refresh", 3).ok());
        REQUIRE(g->record("group/floor/1|notice|drill", 1).ok());
    }
    auto again = fleet::Generations::open(file);
    REQUIRE(again.ok());
    CHECK(again->last("all|refresh") == 3);
    CHECK(again->last("group/floor/1|notice|drill") == 1);
    test::write_file(file, "{\"applied\": [1, 2]}");
    CHECK_FALSE(fleet::Generations::open(file).ok());
}

TEST_CASE("fleet: generations are pruned once their documents expired, bounded, and fail closed", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "generations.json";
    constexpr std::time_t now = 1'800'000'000;
    constexpr std::size_t most = 200;  // kMaxGenerations (4096) in the product
    auto g = fleet::Generations::open(file, most);
    REQUIRE(g.ok());
    // A notice applied in two versions: the older one lives longer, so its key stays until
    // the later expiry.
    REQUIRE(g->record("all|notice|a", 10, now + 100, now).ok());
    REQUIRE(g->record("all|notice|a", 11, now + 50, now).ok());
    REQUIRE(g->record("all|playlist", 12, 0, now).ok());  // 0: kept for good
    REQUIRE(g->record("all|refresh", 13, now + 10, now + 60 + fleet::kClockSkewSeconds + 1).ok());
    CHECK(g->last("all|notice|a") == 11);  // 50 s gone, but the first version still valid
    REQUIRE(g->record("all|refresh", 14, now + 1000, now + 100 + fleet::kClockSkewSeconds + 1).ok());
    CHECK(g->last("all|notice|a") == 0);  // every document under it has expired: verify refuses them anyway
    CHECK(g->last("all|playlist") == 12);
    CHECK(fleet::Generations::open(file, most)->size() == 2);

    // A flood of live documents: never more than kMaxGenerations entries, the floor rises
    // past those let go, so none of them can be replayed.
    for (std::uint64_t i = 0; i < most + 10; ++i)
        REQUIRE(g->record("all|notice|f" + std::to_string(i), 100 + i, now + 5000 + static_cast<std::time_t>(i), now).ok());
    CHECK(g->size() == most);
    CHECK(g->floor() >= 100);
    CHECK(g->last("all|notice|f0") >= 100);  // let go, still refused
    CHECK(g->last("all|notice|never-seen") == g->floor());
    auto reopened = fleet::Generations::open(file, most);
    REQUIRE(reopened.ok());
    CHECK(reopened->floor() == g->floor());
    CHECK(reopened->size() == most);

    // A damaged file: after_damage's floor refuses everything at or below it.
    const auto damaged = fleet::Generations::after_damage(file, 5000);
    CHECK(damaged.last("all|playlist") == 5000);
}

TEST_CASE("fleet: keys are made, kept 0600, never overwritten, and read back", "[fleet]") {
    test::TempDir dir;
    const fleet::KeyPair pair = fleet::generate_key_pair();
    CHECK(pair.public_key.size() == 44);
    const fs::path file = dir.path() / "office.key";
    REQUIRE(fleet::save_secret_key(file, pair).ok());
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(fleet::save_secret_key(file, fleet::generate_key_pair()).ok());
    auto back = fleet::load_secret_key(file);
    REQUIRE(back.ok());
    CHECK(*back == pair.secret_key);
}

TEST_CASE("fleet: kiosk.json's fleet section is checked with places named", "[fleet][config]") {
    test::TempDir dir;
    const std::string key = fleet::generate_key_pair().public_key;
    for (const char* f : {"ca.pem", "screen.pem", "screen.key"}) test::write_file(dir.path() / f, "x");
    const nlohmann::json good = {{"screen_id", "zwzx-1f-01"}, {"groups", {"hall/zwzx", "floor/1"}},
                                 {"host", "broker.zwzx.local"}, {"port", 8883},
                                 {"ca_file", "ca.pem"}, {"cert_file", "screen.pem"}, {"key_file", "screen.key"},
                                 {"trusted_keys", {{"office-2026", key}}}};
    auto cfg = config::parse_kiosk_config(nlohmann::json{{"fleet", good}}.dump(), dir.path() / "kiosk.json");
    REQUIRE(cfg.ok());
    CHECK(cfg->fleet.enabled);
    CHECK(cfg->fleet.groups.size() == 2);
    CHECK(cfg->fleet.trusted_keys.at(0).public_key == key);
    CHECK(cfg->fleet.ca_file == (dir.path() / "ca.pem").string());
    struct Bad {
        const char* key;
        nlohmann::json value;
        const char* says;
    };
    for (const Bad& b : {Bad{"screen_id", "floor/1", "fleet.screen_id"}, Bad{"groups", {"floor/+"}, "fleet.groups[0]"},
                         Bad{"trusted_keys", {{"office", "short"}}, "fleet.trusted_keys.office"},
                         Bad{"port", 0, "fleet.port"}}) {
        INFO(b.key);
        nlohmann::json f = good;
        f[b.key] = b.value;
        auto bad = config::parse_kiosk_config(nlohmann::json{{"fleet", f}}.dump(), dir.path() / "kiosk.json");
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().message.find(b.says) != std::string::npos);
    }
    nlohmann::json no_tls = good;
    no_tls.erase("cert_file");
    auto missing = config::parse_kiosk_config(nlohmann::json{{"fleet", no_tls}}.dump(), dir.path() / "kiosk.json");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("cert_file") != std::string::npos);
    CHECK_FALSE(config::parse_kiosk_config("{}", dir.path() / "kiosk.json")->fleet.enabled);
}
