// The `serial` backend: a commercial panel's RS-232 port. termios raw mode (8N1, no flow
// control) at the configured speed; `set` writes the on or off bytes; `query` drops what
// the panel said before, writes the query bytes and reads until the reply contains the on
// or the off reply, at most kReplyBudget bytes, within the timeout. After `set`, a panel that
// answers queries has its acknowledgement read away (up to 0.5 s, no error if none comes). The device is opened at
// the first use and kept open (closing a tty drops DTR, and some adapters reset); after an
// error it is closed and opened again at the next use, so a panel cable plugged back in works.
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "base/unique_fd.hpp"
#include "power/backends.hpp"

namespace kiosk::power {
namespace {

using Clock = std::chrono::steady_clock;
// How long `set` waits for the panel's acknowledgement before it lets it be.
constexpr auto kAckWait = std::chrono::milliseconds(500);

Result<speed_t> speed_of(int baud) {
    switch (baud) {
        case 1200: return speed_t{B1200};
        case 2400: return speed_t{B2400};
        case 4800: return speed_t{B4800};
        case 9600: return speed_t{B9600};
        case 19200: return speed_t{B19200};
        case 38400: return speed_t{B38400};
        case 57600: return speed_t{B57600};
        case 115200: return speed_t{B115200};
        default: return make_error("unsupported baud rate " + std::to_string(baud) +
                                   " (1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200)");
    }
}

// Bytes for a message: printable ASCII as is, the rest as \xNN.
std::string shown(const std::string& bytes) {
    std::string text;
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            text += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            text += hex;
        }
    }
    return text;
}

class SerialBackend final : public Backend {
public:
    SerialBackend(config::SerialPower settings, speed_t speed) : settings_(std::move(settings)), speed_(speed) {}
    const char* name() const override { return "serial"; }

    Status set(bool on) override {
        auto opened = open_device();
        if (!opened) return opened;
        const auto deadline = deadline_from_now();
        auto written = write_all(on ? settings_.on : settings_.off, deadline, on ? "on" : "off");
        if (!written) {
            fd_.reset();
            return written;
        }
        // A panel that answers (both protocols in docs/power.md do) acknowledges with the
        // reply of the state asked for. Read it away, up to kAckWait, so that the next query
        // does not take it for its own answer; a panel that says nothing is no error here.
        if (!settings_.query.empty()) {
            auto settle = std::min(deadline, Clock::now() + kAckWait);
            read_reply(settle);
        }
        return Ok{};
    }

    Result<Panel> query() override {
        if (settings_.query.empty()) return Panel::unknown;  // the panel cannot be asked
        auto opened = open_device();
        if (!opened) return opened.error();
        ::tcflush(fd_.get(), TCIFLUSH);  // a reply to an earlier command is not this one's
        const auto deadline = deadline_from_now();
        auto written = write_all(settings_.query, deadline, "query");
        if (!written) {
            fd_.reset();
            return written.error();
        }
        auto reply = read_reply(deadline);
        if (!reply) return reply.error();
        if (reply->panel) return *reply->panel;
        if (reply->bytes.size() >= kReplyBudget)
            return fail("the reply to the query matched neither the on nor the off reply within " +
                        std::to_string(kReplyBudget) + " bytes: " + shown(reply->bytes.substr(0, 64)));
        return fail("no reply to the query within " + seconds_text() + " s" +
                    (reply->bytes.empty() ? std::string(" (nothing received)")
                                          : " (received " + shown(reply->bytes) + ", matching neither reply)"));
    }

private:
    Error fail(const std::string& what) {
        fd_.reset();
        return make_error("serial panel " + settings_.device + ": " + what);
    }

    std::string seconds_text() const {
        char text[32];
        std::snprintf(text, sizeof text, "%g", settings_.timeout_seconds);
        return text;
    }

    Clock::time_point deadline_from_now() const {
        return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(settings_.timeout_seconds));
    }

    static int millis_until(Clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        return left < 0 ? 0 : static_cast<int>(left + 1);
    }

    struct Reply {
        std::string bytes;
        std::optional<Panel> panel;  // when the bytes contain the on or the off reply
    };

    // Reads until the bytes contain the on or the off reply, kReplyBudget bytes came, or
    // the deadline; an error only when the device fails.
    Result<Reply> read_reply(Clock::time_point deadline) {
        Reply reply;
        for (;;) {
            auto on_at = settings_.on_reply.empty() ? std::string::npos : reply.bytes.find(settings_.on_reply);
            auto off_at = settings_.off_reply.empty() ? std::string::npos : reply.bytes.find(settings_.off_reply);
            if (on_at != std::string::npos || off_at != std::string::npos) {
                reply.panel = on_at < off_at ? Panel::on : Panel::off;  // npos is the largest: the one found
                return reply;
            }
            if (reply.bytes.size() >= kReplyBudget || Clock::now() >= deadline) return reply;
            pollfd p{fd_.get(), POLLIN, 0};
            int ready = ::poll(&p, 1, millis_until(deadline));
            if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
            if (ready <= 0) continue;
            if ((p.revents & (POLLERR | POLLNVAL)) != 0 ||
                ((p.revents & POLLHUP) != 0 && (p.revents & POLLIN) == 0))
                return fail("the device hung up");
            char buffer[kReplyBudget];
            ssize_t n = ::read(fd_.get(), buffer, kReplyBudget - reply.bytes.size());
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n < 0) return fail(std::string("read: ") + std::strerror(errno));
            if (n == 0) continue;
            reply.bytes.append(buffer, static_cast<std::size_t>(n));
        }
    }

    Status open_device() {
        if (fd_.valid()) return Ok{};
        // O_NONBLOCK: opening never waits for a carrier; reads and writes are bounded by poll.
        UniqueFd fd(::open(settings_.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
        if (!fd.valid()) return fail(std::string("cannot open: ") + std::strerror(errno));
        termios tio{};
        if (::tcgetattr(fd.get(), &tio) != 0)
            return fail(std::string("not a serial port (tcgetattr: ") + std::strerror(errno) + ")");
        ::cfmakeraw(&tio);
        tio.c_cflag |= CLOCAL | CREAD;
        tio.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | CRTSCTS | PARENB);
        tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
        tio.c_cc[VMIN] = 0;
        tio.c_cc[VTIME] = 0;
        if (::cfsetispeed(&tio, speed_) != 0 || ::cfsetospeed(&tio, speed_) != 0 ||
            ::tcsetattr(fd.get(), TCSANOW, &tio) != 0)
            return fail(std::string("cannot set ") + std::to_string(settings_.baud) + " baud raw mode: " +
                        std::strerror(errno));
        ::tcflush(fd.get(), TCIOFLUSH);
        fd_ = std::move(fd);
        return Ok{};
    }

    Status write_all(const std::string& bytes, Clock::time_point deadline, const char* what) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN) return fail(std::string("write of the ") + what + " bytes: " + std::strerror(errno));
            if (Clock::now() >= deadline)
                return fail(std::string("the ") + what + " bytes could not be written within " + seconds_text() + " s");
            pollfd p{fd_.get(), POLLOUT, 0};
            ::poll(&p, 1, millis_until(deadline));
        }
        return Ok{};
    }

    config::SerialPower settings_;
    speed_t speed_;
    UniqueFd fd_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_serial(const config::SerialPower& settings) {
    if (settings.device.empty()) return make_error("serial panel: no device configured (power.serial.device)");
    auto speed = speed_of(settings.baud);
    if (!speed) return make_error("serial panel " + settings.device + ": " + speed.error().message);
    if (settings.on.empty() || settings.off.empty())
        return make_error("serial panel " + settings.device + ": the on and off bytes must both be configured");
    if (!settings.query.empty() && settings.on_reply.empty() && settings.off_reply.empty())
        return make_error("serial panel " + settings.device +
                          ": a query needs the on reply or the off reply to recognise the answer");
    if (settings.on_reply.size() > kReplyBudget || settings.off_reply.size() > kReplyBudget)
        return make_error("serial panel " + settings.device + ": a reply longer than " +
                          std::to_string(kReplyBudget) + " bytes can never be read");
    if (!(settings.timeout_seconds > 0) || settings.timeout_seconds > 60)
        return make_error("serial panel " + settings.device + ": the timeout must be between 0 and 60 s");
    return std::unique_ptr<Backend>(std::make_unique<SerialBackend>(settings, *speed));
}

}  // namespace kiosk::power
