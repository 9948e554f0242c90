// `kiosk-console init` and the state folder without a terminal or a server: what init
// writes is what the kiosk's own config reader takes, the key is 0600 and kept on --force,
// an existing office.json is refused, and each refusal names the file and the fix
// (tests/console/test_install_steps.py runs the same through the documented steps).
#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "console/install.hpp"
#include "fleet/signed.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;

namespace {

fs::path console_json_in(const fs::path& dir) {
    test::write_file(dir / "console.json", R"({"listen": "127.0.0.1:8080", "database": "state/console.db", "office_config": "office.json"})");
    for (const char* f : {"ca.pem", "office.pem", "office.key.pem"}) test::write_file(dir / f, "-----BEGIN CERTIFICATE-----\n");
    return dir / "console.json";
}

console::InitAnswers answers() {
    console::InitAnswers a;
    a.broker_host = "mqtt.hall.lan";
    a.broker_port = 8883;
    a.hall_name = "长春市政务服务中心";
    a.allowed_hosts = {"www.changchun.gov.cn", ".jl.gov.cn"};
    a.user = ::getpwuid(::geteuid())->pw_name;
    return a;
}

}  // namespace

TEST_CASE("init writes an office.json the kiosk's reader takes, and a 0600 key", "[install]") {
    test::TempDir dir;
    const fs::path console_json = console_json_in(dir.path());
    auto out = console::run_init(console_json, answers());
    REQUIRE(out.ok());
    CHECK(out->key_made);
    auto cfg = config::load_kiosk_config(dir.path() / "office.json");
    REQUIRE(cfg.ok());
    CHECK(cfg->hall_name == "长春市政务服务中心");
    CHECK(cfg->network.allowed_hosts == std::vector<std::string>{"www.changchun.gov.cn", ".jl.gov.cn"});
    CHECK(cfg->fleet.host == "mqtt.hall.lan");
    CHECK(cfg->fleet.port == 8883);
    CHECK(cfg->fleet.ca_file == (dir.path() / "ca.pem").string());
    CHECK(cfg->fleet.key_file == (dir.path() / "office.key.pem").string());
    CHECK(cfg->fleet.signing_key == (dir.path() / "office.key").string());
    REQUIRE(cfg->fleet.trusted_keys.size() == 1);
    const auto secret = fleet::load_secret_key(dir.path() / "office.key");
    REQUIRE(secret.ok());
    CHECK(*fleet::public_key_of(*secret) == cfg->fleet.trusted_keys[0].public_key);
    CHECK(out->trusted_keys_line == "\"" + cfg->fleet.signing_kid + "\": \"" + cfg->fleet.trusted_keys[0].public_key + "\"");
    struct stat st {};
    REQUIRE(::stat((dir.path() / "office.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_uid == ::geteuid());
}

TEST_CASE("init refuses an existing office.json without --force and never replaces the key", "[install]") {
    test::TempDir dir;
    const fs::path console_json = console_json_in(dir.path());
    auto first = console::run_init(console_json, answers());
    REQUIRE(first.ok());
    const std::string before = test::read_file(dir.path() / "office.json");

    auto again = console::run_init(console_json, answers());
    REQUIRE_FALSE(again.ok());
    CHECK_THAT(again.error().message, Catch::Contains((dir.path() / "office.json").string() + " exists") && Catch::Contains("--force"));
    CHECK(test::read_file(dir.path() / "office.json") == before);

    auto a = answers();
    a.force = true;
    a.hall_name = "吉林市政务服务中心";
    auto forced = console::run_init(console_json, a);
    REQUIRE(forced.ok());
    CHECK_FALSE(forced->key_made);
    CHECK(forced->trusted_keys_line == first->trusted_keys_line);
    CHECK_THAT(test::read_file(dir.path() / "office.json"), Catch::Contains("吉林市政务服务中心"));

    ::chmod((dir.path() / "office.key").c_str(), 0644);
    auto loose = console::run_init(console_json, a);
    REQUIRE_FALSE(loose.ok());
    CHECK_THAT(loose.error().message, Catch::Contains("chmod 600 " + (dir.path() / "office.key").string()));
}

TEST_CASE("init's answers are checked before anything is written", "[install]") {
    test::TempDir dir;
    const fs::path console_json = console_json_in(dir.path());
    auto a = answers();
    a.broker_host = "mqtts://mqtt.hall.lan:8883";
    auto bad = console::run_init(console_json, a);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().message, Catch::Contains("--broker"));
    a = answers();
    a.allowed_hosts = {"https://www.changchun.gov.cn/"};
    REQUIRE_FALSE(console::run_init(console_json, a).ok());
    a = answers();
    a.time_zone = "Asia/Changchun-Nowhere";
    REQUIRE_FALSE(console::run_init(console_json, a).ok());
    a = answers();
    a.hall_name.clear();
    REQUIRE_FALSE(console::run_init(console_json, a).ok());
    CHECK_FALSE(fs::exists(dir.path() / "office.json"));
    CHECK_FALSE(fs::exists(dir.path() / "office.key"));

    auto missing = console::run_init(dir.path() / "nowhere.json", answers());
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, Catch::Contains("nowhere.json") && Catch::Contains("--config"));
}

TEST_CASE("the state folder is made when it can be, else named with its fix", "[install]") {
    test::TempDir dir;
    const fs::path db = dir.path() / "var/lib/kiosk-console/console.db";
    REQUIRE(console::check_state_folder(db, "adduser wang --role admin", true).ok());
    struct stat st {};
    REQUIRE(::stat(db.parent_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    // A folder that cannot be made (its parent is a file, which stops root too).
    test::write_file(dir.path() / "blocked", "");
    const fs::path blocked = dir.path() / "blocked/kiosk-console/console.db";
    auto st2 = console::check_state_folder(blocked, "adduser wang --role admin", true);
    REQUIRE_FALSE(st2.ok());
    CHECK_THAT(st2.error().message, Catch::Contains(blocked.parent_path().string()) &&
                                        Catch::Contains("systemd-tmpfiles --create kiosk-console.conf") &&
                                        Catch::Contains("sudo -u kiosk-console kiosk-console adduser wang --role admin"));
}
