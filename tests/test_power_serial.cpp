// The serial power backend against a panel on a pseudo-terminal pair made by socat
// (`socat pty,raw,echo=0,link=DIR/panel pty,raw,echo=0,link=DIR/host`): the backend opens
// DIR/panel as it would /dev/ttyUSB0; a responder thread on DIR/host answers like a panel
// speaking one of the two protocols in docs/power.md (LG's RS-232C "ka" command, Samsung's
// MDC power command 0x11), with the byte strings written there, parsing each frame as the
// manuals describe it and refusing a bad one (LG's NG, MDC's NAK on a wrong checksum).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "power/backend.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using Clock = std::chrono::steady_clock;

extern char** environ;

namespace {

enum class Protocol { lg, mdc };

// The kiosk.json settings of docs/power.md, as the config parser keeps them (bytes).
config::PowerSettings panel_settings(Protocol protocol, const fs::path& device, double timeout = 2) {
    config::PowerSettings settings;
    settings.backend = config::PowerBackendKind::serial;
    settings.serial.device = device.string();
    settings.serial.baud = 9600;
    settings.serial.timeout_seconds = timeout;
    if (protocol == Protocol::lg) {
        // "on": "ka 01 01\r", "off": "ka 01 00\r", "query": "ka 01 FF\r",
        // "on_reply": "a 01 OK01x", "off_reply": "a 01 OK00x"
        settings.serial.on = "ka 01 01\r";
        settings.serial.off = "ka 01 00\r";
        settings.serial.query = "ka 01 FF\r";
        settings.serial.on_reply = "a 01 OK01x";
        settings.serial.off_reply = "a 01 OK00x";
    } else {
        // "on": "hex:AA 11 01 01 01 14", "off": "hex:AA 11 01 01 00 13", "query": "hex:AA 11 01 00 12",
        // "on_reply": "hex:AA FF 01 03 41 11 01 56", "off_reply": "hex:AA FF 01 03 41 11 00 55"
        settings.serial.on = std::string("\xAA\x11\x01\x01\x01\x14", 6);
        settings.serial.off = std::string("\xAA\x11\x01\x01\x00\x13", 6);
        settings.serial.query = std::string("\xAA\x11\x01\x00\x12", 5);
        settings.serial.on_reply = std::string("\xAA\xFF\x01\x03\x41\x11\x01\x56", 8);
        settings.serial.off_reply = std::string("\xAA\xFF\x01\x03\x41\x11\x00\x55", 8);
    }
    return settings;
}

// socat's two pseudo-terminals, linked at DIR/panel and DIR/host; ended when it goes.
class PtyPair {
public:
    explicit PtyPair(const fs::path& dir) : panel_(dir / "panel"), host_(dir / "host") {
        std::string a = "pty,raw,echo=0,link=" + panel_.string();
        std::string b = "pty,raw,echo=0,link=" + host_.string();
        std::vector<char*> argv{const_cast<char*>(KIOSK_SOCAT), const_cast<char*>("-d"), const_cast<char*>("-d"),
                                a.data(), b.data(), nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = (dir / "socat.log").string();
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int spawned = ::posix_spawn(&pid_, KIOSK_SOCAT, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(spawned == 0);
        // socat logs "starting data transfer loop" once both ends exist.
        test::wait_until_up([&] { return fs::exists(panel_) && fs::exists(host_) &&
                                         test::read_file(log).find("starting data transfer loop") != std::string::npos; },
                            "socat's pty pair", 10);
    }
    ~PtyPair() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
    PtyPair(const PtyPair&) = delete;
    PtyPair& operator=(const PtyPair&) = delete;
    const fs::path& panel() const { return panel_; }
    const fs::path& host() const { return host_; }

private:
    fs::path panel_, host_;
    pid_t pid_ = -1;
};

// A panel on the host end: keeps its power state, answers each complete frame, records
// every byte it received. `silent` makes it read and say nothing (a panel switched off at
// the mains, a cable pulled on its side).
class PanelResponder {
public:
    PanelResponder(const fs::path& host, Protocol protocol) : protocol_(protocol) {
        fd_ = ::open(host.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        REQUIRE(fd_ >= 0);
        termios tio{};
        REQUIRE(::tcgetattr(fd_, &tio) == 0);
        ::cfmakeraw(&tio);
        ::cfsetspeed(&tio, B9600);
        REQUIRE(::tcsetattr(fd_, TCSANOW, &tio) == 0);
        thread_ = std::thread([this] { run(); });
    }
    ~PanelResponder() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    PanelResponder(const PanelResponder&) = delete;
    PanelResponder& operator=(const PanelResponder&) = delete;

    std::string received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    int frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    bool on() const {
        std::lock_guard lock(mutex_);
        return on_;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        received_.clear();
    }
    std::atomic<bool> silent{false};

private:
    void run() {
        std::string pending;
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            char buffer[256];
            ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) continue;
            pending.append(buffer, static_cast<std::size_t>(n));
            {
                std::lock_guard lock(mutex_);
                received_.append(buffer, static_cast<std::size_t>(n));
            }
            std::string answer = protocol_ == Protocol::lg ? lg_frames(pending) : mdc_frames(pending);
            if (!answer.empty() && !silent) (void)!::write(fd_, answer.data(), answer.size());
        }
    }

    // LG RS-232C: [k][a][ ][Set ID][ ][Data][Cr] → [a][ ][Set ID][ ][OK|NG][Data][x];
    // Data 00 off, 01 on, FF: the present state. Set ID and data in hex, lower case back.
    std::string lg_frames(std::string& pending) {
        std::string answer;
        for (auto cr = pending.find('\r'); cr != std::string::npos; cr = pending.find('\r')) {
            std::string frame = pending.substr(0, cr);
            pending.erase(0, cr + 1);
            std::lock_guard lock(mutex_);
            ++frames_;
            unsigned id = 0;
            char data[3] = {};
            if (frame.size() != 8 || frame.compare(0, 3, "ka ") != 0 || frame[5] != ' ' ||
                std::sscanf(frame.c_str() + 3, "%2x", &id) != 1) {
                answer += "a 00 NG01x";  // illegal code
                continue;
            }
            data[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(frame[6])));
            data[1] = static_cast<char>(std::tolower(static_cast<unsigned char>(frame[7])));
            std::string value(data);
            if (value == "00") on_ = false;
            else if (value == "01") on_ = true;
            else if (value != "ff") {
                answer += "a " + frame.substr(3, 2) + " NG01x";
                continue;
            }
            answer += "a " + frame.substr(3, 2) + " OK" + (on_ ? "01" : "00") + "x";
        }
        return answer;
    }

    // Samsung MDC: AA, command, ID, data length, data…, checksum (the sum of all but the
    // header, mod 256) → ACK AA FF ID 03 'A' r-CMD value checksum, or NAK with 'N'.
    std::string mdc_frames(std::string& pending) {
        std::string answer;
        for (;;) {
            auto header = pending.find('\xAA');
            if (header == std::string::npos) {
                pending.clear();
                break;
            }
            pending.erase(0, header);
            if (pending.size() < 4) break;
            auto length = static_cast<unsigned char>(pending[3]);
            if (pending.size() < 5u + length) break;
            std::string frame = pending.substr(0, 5 + length);
            pending.erase(0, 5 + length);
            unsigned sum = 0;
            for (std::size_t i = 1; i + 1 < frame.size(); ++i) sum += static_cast<unsigned char>(frame[i]);
            std::lock_guard lock(mutex_);
            ++frames_;
            const char id = frame[2];
            auto reply = [&](char ack, char command, char value) {
                std::string r{'\xAA', '\xFF', id, '\x03', ack, command, value};
                unsigned s = 0;
                for (std::size_t i = 1; i < r.size(); ++i) s += static_cast<unsigned char>(r[i]);
                r += static_cast<char>(s & 0xFF);
                return r;
            };
            if ((sum & 0xFF) != static_cast<unsigned char>(frame.back()) || frame[1] != '\x11' || length > 1) {
                answer += reply('N', frame[1], '\x01');
                continue;
            }
            if (length == 1) on_ = frame[4] != '\x00';
            answer += reply('A', '\x11', on_ ? '\x01' : '\x00');
        }
        return answer;
    }

    Protocol protocol_;
    int fd_ = -1;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::string received_;
    int frames_ = 0;
    bool on_ = true;
};

std::unique_ptr<power::Backend> opened(const config::PowerSettings& settings) {
    auto backend = power::open_backend(settings);
    INFO((backend ? std::string() : backend.error().message));
    REQUIRE(backend);
    return std::move(*backend);
}

void protocol_round(Protocol protocol) {
    test::TempDir dir;
    PtyPair pty(dir.path());
    PanelResponder panel(pty.host(), protocol);
    const auto settings = panel_settings(protocol, pty.panel());
    auto backend = opened(settings);
    CHECK(std::string(backend->name()) == "serial");

    // Off: exactly the off bytes reach the panel, which goes off.
    auto off = backend->set(false);
    INFO((off ? std::string() : off.error().message));
    REQUIRE(off);
    REQUIRE(test::wait_for([&] { return panel.frames() == 1; }, 5));
    CHECK(panel.received() == settings.serial.off);
    CHECK_FALSE(panel.on());

    // The query reads the panel's off back.
    panel.clear();
    auto state = backend->query();
    INFO((state ? std::string() : state.error().message));
    REQUIRE(state);
    CHECK(*state == power::Panel::off);
    CHECK(panel.received() == settings.serial.query);

    // On, and read back on.
    panel.clear();
    REQUIRE(backend->set(true));
    REQUIRE(test::wait_for([&] { return panel.frames() == 3; }, 5));
    CHECK(panel.received() == settings.serial.on);
    CHECK(panel.on());
    state = backend->query();
    REQUIRE(state);
    CHECK(*state == power::Panel::on);

    // A panel that says nothing: the query times out, naming the device.
    panel.silent = true;
    // (A second backend with a short timeout, opened while the first keeps the port open:
    // closing a pty's last slave descriptor ends socat.)
    auto quick = opened(panel_settings(protocol, pty.panel(), 0.3));
    const auto start = Clock::now();
    state = quick->query();
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    REQUIRE_FALSE(state);
    CHECK_THAT(state.error().message, Catch::Contains("serial panel " + pty.panel().string()) &&
                                          Catch::Contains("no reply to the query within 0.3 s") &&
                                          Catch::Contains("nothing received"));
    CHECK(took >= 0.3);
    CHECK(took < 3);
    // The query did reach it: the silence is the panel's.
    REQUIRE(test::wait_for([&] { return panel.frames() == 5; }, 5));
}

}  // namespace

TEST_CASE("power serial speaks LG's RS-232C ka command to a panel on a pty", "[power][process]") {
    protocol_round(Protocol::lg);
}

TEST_CASE("power serial speaks Samsung MDC's power command to a panel on a pty", "[power][process]") {
    protocol_round(Protocol::mdc);
}

TEST_CASE("power serial to a missing device says which device and why", "[power]") {
    test::TempDir dir;
    const auto device = dir.path() / "ttyUSB9";
    auto backend = opened(panel_settings(Protocol::lg, device));
    auto off = backend->set(false);
    REQUIRE_FALSE(off);
    CHECK_THAT(off.error().message, Catch::Contains("serial panel " + device.string()) &&
                                        Catch::Contains("cannot open: No such file or directory"));
    auto state = backend->query();
    REQUIRE_FALSE(state);
    CHECK_THAT(state.error().message, Catch::Contains(device.string()) && Catch::Contains("cannot open"));
}

TEST_CASE("power serial refuses a file that is not a serial port and settings it cannot use", "[power]") {
    test::TempDir dir;
    const auto file = dir.path() / "plain-file";
    test::write_file(file, "");
    auto backend = opened(panel_settings(Protocol::lg, file));
    auto off = backend->set(false);
    REQUIRE_FALSE(off);
    CHECK_THAT(off.error().message, Catch::Contains(file.string()) && Catch::Contains("not a serial port"));

    auto odd_speed = panel_settings(Protocol::lg, file);
    odd_speed.serial.baud = 9601;
    auto refused = power::open_backend(odd_speed);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("unsupported baud rate 9601"));

    auto deaf = panel_settings(Protocol::lg, file);
    deaf.serial.on_reply.clear();
    deaf.serial.off_reply.clear();
    refused = power::open_backend(deaf);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("on reply or the off reply"));
}
