// The power backends at their boundaries (power/backend.hpp): `none`; `command` with real
// programs from tests/fixtures/power (what it was asked, a failure's words, a hung program
// killed at its timeout with nothing left behind, a flood of output); `cec` at its seam
// (power/cec.hpp) with libCEC's own types, and the real libCEC finding no adapter here.
// The serial backend against a pseudo-terminal: test_power_serial.cpp.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>

#include "power/backend.hpp"
#include "power/cec.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using Clock = std::chrono::steady_clock;

namespace {

const fs::path kPowerFixtures = fs::path(KIOSK_TEST_FIXTURES) / "power";

config::PowerSettings command_settings(const std::string& script, std::vector<std::string> args,
                                       double timeout = 10) {
    config::PowerSettings settings;
    settings.backend = config::PowerBackendKind::command;
    settings.command.program = (kPowerFixtures / script).string();
    settings.command.args = std::move(args);
    settings.command.timeout_seconds = timeout;
    return settings;
}

std::unique_ptr<power::Backend> opened(const config::PowerSettings& settings) {
    auto backend = power::open_backend(settings);
    INFO((backend ? std::string() : backend.error().message));
    REQUIRE(backend);
    return std::move(*backend);
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A process's state letter from /proc (R, S, Z…), or nothing once it is gone.
std::optional<char> process_state(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return std::nullopt;
    auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size()) return std::nullopt;
    return line[close + 2];
}

}  // namespace

TEST_CASE("power none switches nothing and says the panel's state is unknown", "[power]") {
    auto backend = opened(config::PowerSettings{});
    CHECK(std::string(backend->name()) == "none");
    CHECK(backend->set(false));
    CHECK(backend->set(true));
    auto state = backend->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::unknown);
    CHECK(std::string(power::panel_word(power::Panel::on)) == "on");
    CHECK(std::string(power::panel_word(power::Panel::off)) == "off");
    CHECK(std::string(power::panel_word(power::Panel::unknown)) == "unknown");
}

TEST_CASE("power dpms is not opened here but by the screen", "[power]") {
    config::PowerSettings settings;
    settings.backend = config::PowerBackendKind::dpms;
    auto backend = power::open_backend(settings);
    REQUIRE_FALSE(backend);
    CHECK_THAT(backend.error().message, Catch::Contains("dpms") && Catch::Contains("Screen"));
}

TEST_CASE("power command runs the program with on and off and reads query's answer", "[power]") {
    test::TempDir dir;
    const auto state_file = dir.path() / "asked";
    auto backend = opened(command_settings("panel-command.sh", {state_file.string()}));
    CHECK(std::string(backend->name()) == "command");

    auto before = backend->query();
    REQUIRE(before);
    CHECK(*before == power::Panel::unknown);  // the script printed "unknown"

    auto off = backend->set(false);
    INFO((off ? std::string() : off.error().message));
    REQUIRE(off);
    CHECK(test::read_file(state_file) == "off\n");
    auto state = backend->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::off);

    REQUIRE(backend->set(true));
    CHECK(test::read_file(state_file) == "off\non\n");
    state = backend->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::on);
}

TEST_CASE("power command's arguments reach the program as they are, without a shell", "[power]") {
    test::TempDir dir;
    // A space, a quote and a $ in the state file's name: a shell would split or expand it.
    const auto state_file = dir.path() / "it's $HOME here";
    auto backend = opened(command_settings("panel-command.sh", {state_file.string()}));
    REQUIRE(backend->set(false));
    CHECK(test::read_file(state_file) == "off\n");
}

TEST_CASE("power command's failure names the program, its exit status and its first stderr line", "[power]") {
    auto backend = opened(command_settings("failing-command.sh", {"--panel", "1"}));
    auto off = backend->set(false);
    REQUIRE_FALSE(off);
    const auto& message = off.error().message;
    CHECK_THAT(message, Catch::Contains((kPowerFixtures / "failing-command.sh").string() + " --panel 1 off"));
    CHECK_THAT(message, Catch::Contains("exited with status 3"));
    CHECK_THAT(message, Catch::Contains("cannot open /dev/ttyUSB0: No such file or directory"));
    CHECK_THAT(message, !Catch::Contains("second line"));
    auto state = backend->query();
    REQUIRE_FALSE(state);
    CHECK_THAT(state.error().message, Catch::Contains("query exited with status 3"));
}

TEST_CASE("power command that is not there or not absolute is refused when the backend opens", "[power]") {
    auto missing = power::open_backend(command_settings("no-such-command.sh", {}));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message,
               Catch::Contains("no-such-command.sh") && Catch::Contains("No such file or directory"));
    config::PowerSettings relative = command_settings("x", {});
    relative.command.program = "panel-command.sh";
    auto refused = power::open_backend(relative);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("absolute path"));
}

TEST_CASE("power command that hangs is killed at its timeout with its children, and waited for", "[power]") {
    test::TempDir dir;
    const auto pid_file = dir.path() / "pids";
    auto backend = opened(command_settings("slow-command.sh", {pid_file.string()}, 0.5));
    const auto start = Clock::now();
    auto off = backend->set(false);
    const double took = seconds_since(start);
    REQUIRE_FALSE(off);
    CHECK_THAT(off.error().message, Catch::Contains("slow-command.sh") && Catch::Contains("off") &&
                                        Catch::Contains("did not finish within 0.5 s and was killed"));
    CHECK(took >= 0.5);
    CHECK(took < 5);  // the timeout, not the 30 s sleep (generous for a busy machine)

    int script = 0, sleeper = 0;
    std::istringstream(test::read_file(pid_file)) >> script >> sleeper;
    REQUIRE(script > 0);
    REQUIRE(sleeper > 0);
    // The script was reaped by the backend: it is no child of ours any more (no zombie)…
    CHECK(::waitpid(script, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
    CHECK_FALSE(process_state(script).has_value());
    // …and its `sleep` was killed with it (gone, or a zombie its new parent has yet to reap),
    // not left sleeping.
    CHECK(test::wait_for([&] { auto s = process_state(sleeper); return !s || *s == 'Z'; }, 5));
}

TEST_CASE("power command's output beyond 4 KiB is read away and dropped", "[power]") {
    auto backend = opened(command_settings("chatty-command.sh", {}, 20));
    const auto start = Clock::now();
    auto state = backend->query();
    INFO((state ? std::string() : state.error().message));
    REQUIRE(state);
    CHECK(*state == power::Panel::off);  // its first line, though 1 MiB followed on each stream
    CHECK(seconds_since(start) < 15);    // it never blocked on a full pipe until the timeout
}

// ---- cec, at its seam ----

namespace {

// libCEC as the backend sees it: records the calls (where the test still reads them after
// the backend, which owns the link, is gone), answers as told.
struct FakeCec final : power::CecLink {
    std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
    std::vector<std::string>& calls = *log;
    std::vector<CEC::cec_adapter_descriptor> adapters;
    bool look_fails = false;
    bool opens = true;
    bool acknowledged = true;
    CEC::cec_power_status status = CEC::CEC_POWER_STATUS_ON;

    Result<std::vector<CEC::cec_adapter_descriptor>> detect_adapters() override {
        calls.push_back("detect");
        if (look_fails) return make_error("libCEC could not look for adapters");
        return adapters;
    }
    bool open(const std::string& port, std::uint32_t timeout_ms) override {
        calls.push_back("open " + port + " " + std::to_string(timeout_ms));
        return opens;
    }
    bool power_on(CEC::cec_logical_address address) override {
        calls.push_back("power_on " + std::to_string(static_cast<int>(address)));
        return acknowledged;
    }
    bool standby(CEC::cec_logical_address address) override {
        calls.push_back("standby " + std::to_string(static_cast<int>(address)));
        return acknowledged;
    }
    CEC::cec_power_status power_status(CEC::cec_logical_address address) override {
        calls.push_back("status " + std::to_string(static_cast<int>(address)));
        return status;
    }
};

CEC::cec_adapter_descriptor adapter_named(const char* com_name) {
    CEC::cec_adapter_descriptor adapter{};
    std::snprintf(adapter.strComPath, sizeof adapter.strComPath, "/sys/devices/usb/%s", com_name);
    std::snprintf(adapter.strComName, sizeof adapter.strComName, "%s", com_name);
    adapter.adapterType = CEC::ADAPTERTYPE_P8_EXTERNAL;
    return adapter;
}

}  // namespace

TEST_CASE("power cec maps libCEC's power status, the transitions included", "[power]") {
    CHECK(power::panel_of(CEC::CEC_POWER_STATUS_ON) == power::Panel::on);
    CHECK(power::panel_of(CEC::CEC_POWER_STATUS_IN_TRANSITION_STANDBY_TO_ON) == power::Panel::on);
    CHECK(power::panel_of(CEC::CEC_POWER_STATUS_STANDBY) == power::Panel::off);
    CHECK(power::panel_of(CEC::CEC_POWER_STATUS_IN_TRANSITION_ON_TO_STANDBY) == power::Panel::off);
    CHECK(power::panel_of(CEC::CEC_POWER_STATUS_UNKNOWN) == power::Panel::unknown);
    CHECK(power::panel_of(static_cast<CEC::cec_power_status>(0x42)) == power::Panel::unknown);
}

TEST_CASE("power cec opens the first adapter found and switches the TV at logical address 0", "[power]") {
    auto fake = std::make_unique<FakeCec>();
    fake->adapters = {adapter_named("ttyACM0"), adapter_named("ttyACM1")};
    auto calls = fake->log;
    FakeCec& cec = *fake;  // while the backend lives
    auto backend = power::cec_backend(std::move(fake), config::CecPower{});
    INFO((backend ? std::string() : backend.error().message));
    REQUIRE(backend);
    CHECK(std::string((*backend)->name()) == "cec");
    CHECK(*calls == std::vector<std::string>{"detect", "open ttyACM0 10000"});

    REQUIRE((*backend)->set(false));
    REQUIRE((*backend)->set(true));
    cec.status = CEC::CEC_POWER_STATUS_IN_TRANSITION_STANDBY_TO_ON;
    auto state = (*backend)->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::on);
    CHECK(*calls == std::vector<std::string>{"detect", "open ttyACM0 10000", "standby 0", "power_on 0", "status 0"});
    CHECK(static_cast<int>(CEC::CECDEVICE_TV) == 0);
}

TEST_CASE("power cec uses the configured port and logical address as they are", "[power]") {
    auto fake = std::make_unique<FakeCec>();
    auto calls = fake->log;
    FakeCec& cec = *fake;  // while the backend lives
    config::CecPower settings;
    settings.port = "/dev/cec0";
    settings.device = static_cast<int>(CEC::CECDEVICE_AUDIOSYSTEM);  // 5: a projector behind a receiver, say
    auto backend = power::cec_backend(std::move(fake), settings);
    REQUIRE(backend);
    cec.status = CEC::CEC_POWER_STATUS_STANDBY;
    auto state = (*backend)->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::off);
    REQUIRE((*backend)->set(false));
    CHECK(*calls == std::vector<std::string>{"open /dev/cec0 10000", "status 5", "standby 5"});
}

TEST_CASE("power cec says when no adapter is found, cannot be opened or the TV does not answer", "[power]") {
    SECTION("no adapter") {
        auto fake = std::make_unique<FakeCec>();
        auto calls = fake->log;
        auto backend = power::cec_backend(std::move(fake), config::CecPower{});
        REQUIRE_FALSE(backend);
        CHECK_THAT(backend.error().message, Catch::Contains("no CEC adapter found"));
        CHECK(*calls == std::vector<std::string>{"detect"});  // nothing opened
    }
    SECTION("libCEC cannot look") {
        auto fake = std::make_unique<FakeCec>();
        fake->look_fails = true;
        auto backend = power::cec_backend(std::move(fake), config::CecPower{});
        REQUIRE_FALSE(backend);
        CHECK_THAT(backend.error().message, Catch::Contains("could not look for adapters"));
    }
    SECTION("the adapter does not open") {
        auto fake = std::make_unique<FakeCec>();
        fake->adapters = {adapter_named("ttyACM0")};
        fake->opens = false;
        auto backend = power::cec_backend(std::move(fake), config::CecPower{});
        REQUIRE_FALSE(backend);
        CHECK_THAT(backend.error().message, Catch::Contains("CEC adapter ttyACM0: cannot open"));
    }
    SECTION("standby not acknowledged") {
        auto fake = std::make_unique<FakeCec>();
        fake->adapters = {adapter_named("ttyACM0")};
        fake->acknowledged = false;
        auto backend = power::cec_backend(std::move(fake), config::CecPower{});
        REQUIRE(backend);
        auto off = (*backend)->set(false);
        REQUIRE_FALSE(off);
        CHECK_THAT(off.error().message, Catch::Contains("ttyACM0") && Catch::Contains("standby") &&
                                            Catch::Contains("logical address 0") &&
                                            Catch::Contains("not acknowledged"));
    }
    SECTION("a logical address out of range") {
        config::CecPower settings;
        settings.device = 15;  // broadcast: nobody to ask
        auto backend = power::cec_backend(std::make_unique<FakeCec>(), settings);
        REQUIRE_FALSE(backend);
        CHECK_THAT(backend.error().message, Catch::Contains("between 0 and 14"));
    }
}

TEST_CASE("power cec with the real libCEC finds no adapter on this machine", "[power]") {
    // Debian's libcec6, opened with dlopen and initialised for real; a test machine has no
    // HDMI-CEC adapter, so the backend must say so instead of failing in some other way.
    config::PowerSettings settings;
    settings.backend = config::PowerBackendKind::cec;
    const auto start = Clock::now();
    auto backend = power::open_backend(settings);
    REQUIRE_FALSE(backend);
    CHECK_THAT(backend.error().message, Catch::Contains("no CEC adapter found"));
    CHECK(seconds_since(start) < 20);
}
