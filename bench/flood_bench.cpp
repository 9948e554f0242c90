// A screen under flood, two kiosk binaries side by side in one run (an older build, and this
// one): a real Mosquitto (TLS, client certificates, the shipped ACL), a runaway office that
// publishes N notices as fast as the broker takes them, then an urgent one, then N/5 more to
// one floor with a SIGTERM while they are being applied, then a restart; and, apart, a spool
// of months of plays drained once the broker is back.
//
//   build/bench/flood_bench [--before OLD_KIOSK] [--after NEW_KIOSK] [--notices 10000] [--plays 200000]
//
// Printed for each binary: how long pages stood still while the flood was applied, the
// largest status it sent (the broker drops one over 2 MB), generations.json's size, when
// the warning was on screen, how long SIGTERM took while the second flood was applied, how
// many notices a restarted screen plays, and the bytes written (/proc/PID/io) to drain the plays spool.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "fleet/notice.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

json status_of(const fs::path& screen) {
    try {
        return json::parse(test::read_file(screen / "run" / "status.json"));
    } catch (...) {
        return nullptr;
    }
}

long pages_shown(const fs::path& screen) {
    const json st = status_of(screen);
    return st.is_object() ? st.value("pages_shown", 0L) : -1;
}

std::uint64_t write_bytes(int pid) {  // what the process had written to storage (/proc/PID/io)
    std::ifstream io("/proc/" + std::to_string(pid) + "/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value)
        if (key == "write_bytes:") return value;
    return 0;
}

struct Office {
    test::Broker& broker;
    fleet::KeyPair key = fleet::generate_key_pair();
    std::unique_ptr<fleet::OfficeClient> client;
    explicit Office(test::Broker& b) : broker(b) {
        auto c = fleet::OfficeClient::connect(broker.client("office"), "office-bench", 10s);
        if (!c) throw std::runtime_error(c.error().message);
        client = std::move(*c);
        if (!client->watch_screens()) throw std::runtime_error("cannot watch the screens");
    }
    void notice(const std::string& scope, const std::string& id, std::uint64_t gen, bool urgent, const std::string& text) {
        fleet::NoticeBody n;
        n.text = text;
        n.until = std::time(nullptr) + 3600;
        n.urgent = urgent;
        fleet::Desired d;
        d.id = id;
        d.target = scope;
        d.kind = "notice";
        d.gen = gen;
        d.issued = std::time(nullptr);
        d.expires = n.until + 60;
        d.body = fleet::notice_body_json(n);
        auto doc = fleet::sign(d, "office-test", key.secret_key);
        if (!doc || !client->publish(fleet::desired_topic(scope, "notice", id), *doc, true))
            throw std::runtime_error("cannot publish notice " + id);
    }
};

struct FloodFigures {
    double applied_seconds = -1;  // until every notice was answered (-1: not within the limit)
    int applied = 0, refused = 0;
    double longest_still = 0;
    std::size_t largest_status = 0;
    int offline = 0;
    std::uintmax_t generations_bytes = 0;
    double warning_seconds = -1;
    double sigterm_seconds = -1;
    long notices_after_restart = -1;
    std::string note;
};

FloodFigures notice_flood(const std::string& binary, int count) {
    FloodFigures f;
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker", false);
    Office office(broker);
    const fs::path screen = dir.path() / "s1";
    test::write_screen(screen, broker, "s1", {"floor/1"}, office.key.public_key, {}, 1);
    auto start = [&] {
        fs::remove(screen / "run" / "status.json");
        return std::make_unique<test::BackgroundKiosk>(std::vector<std::string>{"run", "--config", (screen / "kiosk.json").string()},
                                                       std::vector<std::string>{}, screen, binary);
    };
    auto kiosk = start();
    if (!test::wait_for([&] { return pages_shown(screen) >= 1; }, 30)) throw std::runtime_error(binary + ": the screen did not start");

    std::map<std::string, int> results;
    auto collect = [&] {
        for (auto& m : office.client->take()) {
            if (m.screen_id != "s1") continue;
            if (m.leaf == "ack") ++results[json::parse(m.payload).value("result", "")];
            else if (m.leaf == "status") f.largest_status = std::max(f.largest_status, m.payload.size());
            else if (m.leaf == "state" && m.payload != "online") ++f.offline;
        }
    };
    const std::uint64_t first_gen = now_ms();
    const auto flood_start = Clock::now();
    for (int i = 0; i < count; ++i)
        office.notice("all", "f" + std::to_string(i), first_gen + static_cast<std::uint64_t>(i), false,
                      "例行通知第" + std::to_string(i) + "号：请按号排队。");
    long last_pages = pages_shown(screen);
    auto last_turn = Clock::now();
    const bool done = test::wait_for([&] {
        collect();
        const long pages = pages_shown(screen);
        if (pages != last_pages) {
            last_pages = pages;
            last_turn = Clock::now();
        }
        f.longest_still = std::max(f.longest_still, since(last_turn));
        return results["applied"] + results["refused"] >= count;
    }, 180);
    f.applied = results["applied"];
    f.refused = results["refused"];
    if (done) f.applied_seconds = since(flood_start);
    else f.note += "not all answered within 180 s; ";

    const auto sent = Clock::now();
    office.notice("all", "warning", now_ms() + 1, true, "暴雨红色预警：请勿外出。");
    if (test::wait_for([&] {
            collect();
            const json st = status_of(screen);
            return st.is_object() && st["current"]["item"] == "notice/warning@all";
        }, 60))
        f.warning_seconds = since(sent);
    collect();
    std::error_code ec;
    f.generations_bytes = fs::file_size(screen / "state" / "fleet" / "generations.json", ec);

    // A second flood, to one floor, and SIGTERM as soon as the screen is applying it.
    office.client->take();
    for (int i = 0; i < count / 5; ++i)
        office.notice("group/floor/1", "g" + std::to_string(i), now_ms(), false, "楼层通知第" + std::to_string(i) + "号。");
    test::wait_for([&] {
        for (auto& m : office.client->take())
            if (m.screen_id == "s1" && m.leaf == "ack" && json::parse(m.payload).value("topic", "").find("/group/floor/1/") != std::string::npos)
                return true;
        return false;
    }, 60);
    const int pid = kiosk->pid();
    const auto term = Clock::now();
    ::kill(pid, SIGTERM);
    auto exited = [pid] {  // a zombie (or gone): it has exited, not yet reaped
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close = all.rfind(')');
        return close == std::string::npos || all.compare(close + 2, 1, "Z") == 0;
    };
    if (test::wait_for(exited, 30)) {
        f.sigterm_seconds = since(term);
        kiosk->stop();  // reaps it
    } else {
        f.note += "SIGTERM not honoured within 30 s (killed); ";
        kiosk.reset();  // SIGKILL
    }

    kiosk = start();
    long last = -1;
    test::wait_for([&] {
        const json st = status_of(screen);
        if (!st.is_object() || !st.contains("fleet")) return false;
        const long n = static_cast<long>(st["fleet"].value("notices", json::array()).size());
        const bool settled = n == last && st["fleet"].value("connected", false);
        last = n;
        return settled && n > 0;
    }, 60);
    f.notices_after_restart = last;
    kiosk->stop();
    return f;
}

struct SpoolFigures {
    std::uint64_t record_bytes = 0, written = 0;
    double seconds = -1;
    long delivered = 0;
};

SpoolFigures spool_drain(const std::string& binary, int plays) {
    SpoolFigures f;
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker", false);
    Office office(broker);
    const fs::path screen = dir.path() / "s1";
    // Long pages: the drain, not new plays, is what is measured.
    test::write_screen(screen, broker, "s1", {"floor/1"}, office.key.public_key, {}, 600);
    fs::create_directories(screen / "state" / "fleet");
    {
        std::ofstream out(screen / "state" / "fleet" / "plays.jsonl");
        for (int i = 0; i < plays; ++i) {
            const std::string line = json{{"start", "2026-09-01T08:00:00"}, {"seconds", 15.0}, {"item", "report"}, {"page", 1 + i % 9},
                                          {"standing", false}, {"interrupt", false}, {"id", "s1-" + std::to_string(1'700'000'000'000LL + i)}}
                                         .dump() + "\n";
            f.record_bytes += line.size();
            out << line;
        }
    }
    const auto started = Clock::now();
    test::BackgroundKiosk kiosk({"run", "--config", (screen / "kiosk.json").string()}, {}, screen, binary);
    std::uint64_t written = 0;
    test::wait_for([&] {
        written = std::max(written, write_bytes(kiosk.pid()));
        for (auto& m : office.client->take())
            if (m.screen_id == "s1" && m.leaf == "plays") f.delivered += static_cast<long>(json::parse(m.payload)["plays"].size());
        return f.delivered >= plays;
    }, 300);
    // The last acknowledgement's bookkeeping, once the office has every record.
    test::wait_for([&] {
        std::error_code ec;
        return fs::file_size(screen / "state" / "fleet" / "plays.jsonl", ec) < 4096;
    }, 30);
    written = std::max(written, write_bytes(kiosk.pid()));
    if (f.delivered >= plays) f.seconds = since(started);
    else std::fprintf(stderr, "only %ld of %d plays delivered; the kiosk said:\n%s\n", f.delivered, plays, kiosk.err().substr(0, 3000).c_str());
    f.written = written;
    kiosk.stop();
    return f;
}

std::string seconds_or(double s, const char* otherwise) {
    if (s < 0) return otherwise;
    char b[32];
    std::snprintf(b, sizeof b, "%.2f s", s);
    return b;
}

std::string mib(std::uint64_t bytes) {
    char b[32];
    if (bytes >= (1u << 20)) std::snprintf(b, sizeof b, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    else std::snprintf(b, sizeof b, "%.1f KiB", static_cast<double>(bytes) / 1024);
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    std::string before, after = KIOSK_BINARY;
    int notices = 10000, plays = 200000;
    std::string only;  // "flood" or "spool": one half
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--before") before = argv[i + 1];
        else if (a == "--after") after = argv[i + 1];
        else if (a == "--notices") notices = std::stoi(argv[i + 1]);
        else if (a == "--plays") plays = std::stoi(argv[i + 1]);
        else if (a == "--only") only = argv[i + 1];
    }
    log::set_threshold(log::Level::error);
    std::vector<std::pair<std::string, std::string>> binaries;
    if (!before.empty()) binaries.emplace_back("before", before);
    binaries.emplace_back("after", after);

    std::vector<FloodFigures> floods;
    std::vector<SpoolFigures> spools;
    for (const auto& [name, binary] : binaries) {
        std::fprintf(stderr, "%s (%s): %d notices...\n", name.c_str(), binary.c_str(), notices);
        floods.push_back(only == "spool" ? FloodFigures{} : notice_flood(binary, notices));
        std::fprintf(stderr, "%s: draining %d plays...\n", name.c_str(), plays);
        spools.push_back(only == "flood" ? SpoolFigures{} : spool_drain(binary, plays));
    }

    std::printf("Flood of %d notices to every screen (1 s pages), an urgent one, %d more to one floor, a restart:\n", notices,
                notices / 5);
    std::printf("%-44s", "");
    for (const auto& b : binaries) std::printf("%22s", b.first.c_str());
    std::printf("\n");
    auto row = [&](const char* what, auto cell) {
        std::printf("%-44s", what);
        for (size_t i = 0; i < binaries.size(); ++i) std::printf("%22s", cell(i).c_str());
        std::printf("\n");
    };
    row("all answered after", [&](size_t i) { return seconds_or(floods[i].applied_seconds, "> 180 s"); });
    row("applied / refused", [&](size_t i) { return std::to_string(floods[i].applied) + " / " + std::to_string(floods[i].refused); });
    row("longest time pages stood still", [&](size_t i) { return seconds_or(floods[i].longest_still, "-"); });
    row("largest status sent", [&](size_t i) { return mib(floods[i].largest_status); });
    row("screen seen offline (times)", [&](size_t i) { return std::to_string(floods[i].offline); });
    row("generations.json", [&](size_t i) { return mib(floods[i].generations_bytes); });
    row("urgent notice on screen after", [&](size_t i) { return seconds_or(floods[i].warning_seconds, "> 60 s"); });
    row("SIGTERM while a second flood is applied: exit", [&](size_t i) { return seconds_or(floods[i].sigterm_seconds, "> 30 s"); });
    row("notices in force after a restart (2 scopes)", [&](size_t i) { return std::to_string(floods[i].notices_after_restart); });
    std::printf("\nA spool of %d plays (%s) drained once the broker is there:\n", plays, mib(spools.back().record_bytes).c_str());
    row("delivered to the office after", [&](size_t i) { return seconds_or(spools[i].seconds, "> 300 s"); });
    row("bytes written to storage", [&](size_t i) { return mib(spools[i].written); });
    row("written / records' size", [&](size_t i) {
        char b[32];
        std::snprintf(b, sizeof b, "%.2f x", static_cast<double>(spools[i].written) / static_cast<double>(std::max<std::uint64_t>(1, spools[i].record_bytes)));
        return std::string(b);
    });
    for (size_t i = 0; i < binaries.size(); ++i)
        if (!floods[i].note.empty()) std::printf("note (%s): %s\n", binaries[i].first.c_str(), floods[i].note.c_str());
    return 0;
}
