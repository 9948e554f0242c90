// The fleet under load, side by side in one run: a real Mosquitto (TLS, client certificates,
// the shipped ACL), N real headless kiosks and M simulated screens (the kiosk's own
// FleetClient, many connections in one process: each verifies, records its generation and
// acks as a kiosk does), then R rounds of a signed refresh to every screen. Prints delivery,
// publish->ack latency (p50/p99/max), the broker's CPU, and a kiosk's memory with and
// without the fleet module (kiosks with and without a fleet section, started together).
// Each round also measures the physical limit: a bare MQTT echo through the same broker
// with as many clients (one per screen, its certificate, the same ACL, TLS, QoS and
// message size; each answers from its network thread at once — no signature, no
// generation, no run loop), so the signed p99 is printed as a ratio to the echo's p99.
//
//   build/bench/fleet_bench [--kiosks 50] [--clients 1000] [--rounds 20]
// Targets (issue 15): 100 % delivered, p99 <= 100 ms, max <= 250 ms on loopback; the fleet
// module adds <= 4 MiB to a kiosk.
#include <mosquitto.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "fleet/client.hpp"
#include "fleet/office.hpp"
#include "fleet/signed.hpp"
#include "fleet/topics.hpp"
#include "base/log.hpp"
#include "fleet_support.hpp"
#include "support.hpp"

using namespace kiosk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds(int pid) {  // utime + stime of a process, from /proc
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(all.substr(close + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; fields >> f; ++i)
        if (i == 14 || i == 15) ticks += std::stod(f);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long median(std::vector<long> v) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The simulated screens' run loop: a few threads take what each client queued and ack it,
// as the kiosk's frame loop does between pages.
class Simulated {
public:
    void add(std::unique_ptr<fleet::FleetClient> c) { clients_.push_back(std::move(c)); }
    std::function<void()> waker(size_t index) {
        return [this, index] {
            std::lock_guard lock(mutex_);
            ready_.push_back(index);
            cv_.notify_one();
        };
    }
    void start(int threads) {
        for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }
    ~Simulated() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        cv_.notify_all();
        for (auto& t : workers_) t.join();
        clients_.clear();
    }
    size_t connected() const {
        size_t n = 0;
        for (const auto& c : clients_) n += c && c->connected();
        return n;
    }
    std::vector<std::unique_ptr<fleet::FleetClient>> clients_;

private:
    void work() {
        for (;;) {
            size_t index = 0;
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [&] { return stop_ || !ready_.empty(); });
                if (stop_) return;
                index = ready_.front();
                ready_.pop_front();
            }
            if (index >= clients_.size() || !clients_[index]) continue;
            for (const auto& in : clients_[index]->take())
                clients_[index]->acknowledge(in, in.document.ok(), in.document.ok() ? "" : in.document.error().message);
        }
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<size_t> ready_;
    bool stop_ = false;
    std::vector<std::thread> workers_;
};

// The bare echo's clients: libmosquitto alone, answering a ping on kiosk/v1/desired/echo
// (no screen subscribes to it) with the same bytes on kiosk/v1/screen/{name}/echo from the
// callback. Run in a worker process until `fd` closes.
constexpr const char* kEchoTopic = "kiosk/v1/desired/echo";

struct EchoClient {
    mosquitto* mosq = nullptr;
    std::string reply;  // kiosk/v1/screen/{name}/echo
};

void run_echo_worker(test::Broker& broker, const std::vector<std::string>& names, int fd) {
    // Connected only once the screens are online (a byte on the pipe): a thousand TLS
    // handshakes more at the same time kept the broker from answering the office's SUBACK.
    char go;
    if (::read(fd, &go, 1) <= 0) return;
    mosquitto_lib_init();
    std::vector<std::unique_ptr<EchoClient>> clients;
    for (const std::string& name : names) {
        auto e = std::make_unique<EchoClient>();
        e->reply = fleet::screen_topic(name, "echo");
        const config::Fleet f = broker.client(name, 30);
        e->mosq = mosquitto_new(("echo-" + name).c_str(), true, e.get());
        if (!e->mosq) ::_exit(1);
        mosquitto_int_option(e->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);  // as FleetClient
        mosquitto_int_option(e->mosq, MOSQ_OPT_TCP_NODELAY, 1);
        mosquitto_tls_set(e->mosq, f.ca_file.c_str(), nullptr, f.cert_file.c_str(), f.key_file.c_str(), nullptr);
        mosquitto_tls_opts_set(e->mosq, 1, "tlsv1.2", nullptr);
        mosquitto_connect_callback_set(e->mosq, [](mosquitto* m, void* self, int rc) {
            if (rc != 0) return;
            mosquitto_subscribe(m, nullptr, kEchoTopic, 1);
            const std::string& reply = static_cast<EchoClient*>(self)->reply;
            mosquitto_publish(m, nullptr, reply.c_str(), 5, "ready", 1, false);
        });
        mosquitto_message_callback_set(e->mosq, [](mosquitto* m, void* self, const mosquitto_message* msg) {
            if (msg->retain) return;  // a ping from before this client subscribed
            mosquitto_publish(m, nullptr, static_cast<EchoClient*>(self)->reply.c_str(), msg->payloadlen, msg->payload, 1, false);
        });
        mosquitto_connect_async(e->mosq, f.host.c_str(), f.port, 30);
        mosquitto_loop_start(e->mosq);
        clients.push_back(std::move(e));
        std::this_thread::sleep_for(20ms);  // a ramp, as for the simulated screens
    }
    char byte;
    while (::read(fd, &byte, 1) > 0) {
    }
    for (auto& e : clients) {
        mosquitto_disconnect(e->mosq);
        mosquitto_loop_stop(e->mosq, false);
        mosquitto_destroy(e->mosq);
    }
    mosquitto_lib_cleanup();
}

}  // namespace

int main(int argc, char** argv) {
    int kiosks = 50, clients = 1000, rounds = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--kiosks")) kiosks = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--clients")) clients = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress as it goes, also into a file
    log::set_threshold(log::Level::warning);  // the simulated screens' "connected" lines
    const int without_fleet = 5;  // kiosks with no fleet section, for the memory comparison
    test::TempDir root;
    std::printf("fleet_bench: %d kiosks + %d simulated screens, %d rounds, in %s\n", kiosks, clients, rounds, root.path().c_str());
    test::Broker broker(root.path() / "broker", false);
    const fleet::KeyPair key = fleet::generate_key_pair();

    // Certificates first (openssl, two at a time).
    const auto enrol_started = Clock::now();
    std::vector<std::string> names;
    for (int i = 0; i < kiosks; ++i) names.push_back("k" + std::to_string(i));
    for (int i = 0; i < clients; ++i) names.push_back("sim" + std::to_string(i));
    {
        std::atomic<size_t> next{0};
        std::vector<std::thread> enrol;
        for (int t = 0; t < 2; ++t)
            enrol.emplace_back([&] {
                for (size_t i; (i = next++) < names.size();) broker.enroll(names[i]);
            });
        for (auto& t : enrol) t.join();
    }
    std::printf("certificates for %zu screens: %.1f s\n", names.size(),
                std::chrono::duration<double>(Clock::now() - enrol_started).count());

    // The simulated screens, in worker processes of at most 250 each: libmosquitto's loop
    // uses select(), which cannot watch a descriptor past FD_SETSIZE (1024), and each client
    // holds three (its socket and a wake-up pair). Forked now, while this process has no
    // other thread; each worker runs until the pipe from here closes.
    const fs::path sim_state = fs::exists("/dev/shm") ? fs::path("/dev/shm") / ("fleet_bench-" + std::to_string(::getpid()))
                                                       : root.path() / "sims";
    struct RemoveAfter {
        fs::path dir;
        ~RemoveAfter() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } remove_sim_state{sim_state};
    constexpr int kPerWorker = 250;
    std::vector<int> worker_pids, worker_pipes;
    for (int first = 0; first < clients; first += kPerWorker) {
        int fds[2];
        if (::pipe(fds) != 0) {
            std::perror("fleet_bench: pipe");
            return 1;
        }
        const int pid = ::fork();
        if (pid == 0) {
            ::close(fds[1]);
            const int last = std::min(clients, first + kPerWorker);
            {
                Simulated sims;
                sims.clients_.reserve(static_cast<size_t>(last - first));
                for (int i = first; i < last; ++i) {
                    config::Fleet f = broker.client("sim" + std::to_string(i), 30);
                    f.groups = {"floor/1"};
                    f.trusted_keys = {{"office-test", key.public_key}};
                    // On tmpfs: each real screen fsyncs its own disk; a thousand fsyncs on this
                    // machine's one disk would measure the disk, not the fleet.
                    const fs::path state = sim_state / ("sim" + std::to_string(i));
                    auto c = fleet::FleetClient::start(f, fleet::Generations::fresh(state / "generations.json"),
                                                       sims.waker(static_cast<size_t>(i - first)));
                    if (!c) {
                        std::fprintf(stderr, "fleet_bench: sim%d: %s\n", i, c.error().message.c_str());
                        ::_exit(1);
                    }
                    sims.add(std::move(*c));
                    // A ramp, as a hall's screens do not all boot in the same second: a
                    // thousand TLS handshakes at once on two cores time out and retry.
                    std::this_thread::sleep_for(20ms);
                }
                sims.start(2);
                char byte;
                while (::read(fds[0], &byte, 1) > 0) {
                }
            }
            std::fflush(nullptr);
            ::_exit(0);
        }
        ::close(fds[0]);
        worker_pids.push_back(pid);
        worker_pipes.push_back(fds[1]);
    }

    // The bare echo's clients, one per screen (kiosks and simulated), the same size of workers.
    std::vector<int> echo_pipes;
    for (int first = 0; first < static_cast<int>(names.size()); first += kPerWorker) {
        int fds[2];
        if (::pipe(fds) != 0) {
            std::perror("fleet_bench: pipe");
            return 1;
        }
        const int pid = ::fork();
        if (pid == 0) {
            ::close(fds[1]);
            const auto last = names.begin() + std::min<long>(static_cast<long>(names.size()), first + kPerWorker);
            run_echo_worker(broker, std::vector<std::string>(names.begin() + first, last), fds[0]);
            std::fflush(nullptr);
            ::_exit(0);
        }
        ::close(fds[0]);
        worker_pids.push_back(pid);
        worker_pipes.push_back(fds[1]);
        echo_pipes.push_back(fds[1]);
    }

    auto office = fleet::OfficeClient::connect(broker.client("office"), "office-bench", 10s);
    if (!office) {
        std::fprintf(stderr, "fleet_bench: %s\n", office.error().message.c_str());
        return 1;
    }
    if (auto st = (*office)->watch_screens(std::chrono::seconds(30)); !st) {  // a loaded machine: take time
        std::fprintf(stderr, "fleet_bench: %s\n", st.error().message.c_str());
        return 1;
    }

    std::set<std::string> online, echoing;
    const auto connect_started = Clock::now();
    auto await_online = [&](int want) {
        while (static_cast<int>(online.size()) < want && Clock::now() - connect_started < 300s) {
            (*office)->wait(200ms);
            for (auto& m : (*office)->take()) {
                if (m.leaf == "state" && m.payload == "online") online.insert(m.screen_id);
                if (m.leaf == "echo" && m.payload == "ready") echoing.insert(m.screen_id);
            }
        }
    };
    await_online(clients);  // the simulated screens first (they ramp up on their own)
    // Then the real kiosks (pages of 10 s: a hall's pace), and the ones without a fleet
    // section, a fifth of a second apart: fifty starting at once on two cores would time out
    // each other's TLS handshakes (they would retry, after a backoff).
    std::vector<std::unique_ptr<test::BackgroundKiosk>> running, plain;
    for (int i = 0; i < kiosks + without_fleet; ++i) {
        const bool fleet = i < kiosks;
        // On tmpfs too: fifty kiosks fsyncing their generations on this machine's one disk
        // at the same moment would measure the disk (each real screen has its own).
        const fs::path dir = sim_state / (fleet ? "k" + std::to_string(i) : "plain" + std::to_string(i));
        const fs::path cfg = test::write_screen(dir, broker, fleet ? "k" + std::to_string(i) : "", {"floor/1"}, key.public_key, {},
                                                10, nlohmann::json::object(), fleet);
        (fleet ? running : plain)
            .push_back(std::make_unique<test::BackgroundKiosk>(std::vector<std::string>{"run", "--config", cfg.string()},
                                                               std::vector<std::string>{}, dir));
        std::this_thread::sleep_for(200ms);
    }
    await_online(kiosks + clients);
    for (int fd : echo_pipes)
        if (::write(fd, "g", 1) != 1) std::perror("fleet_bench: starting the echo clients");
    const auto echo_started = Clock::now();
    while (static_cast<int>(echoing.size()) < kiosks + clients && Clock::now() - echo_started < 300s) {
        (*office)->wait(200ms);
        for (auto& m : (*office)->take())
            if (m.leaf == "echo" && m.payload == "ready") echoing.insert(m.screen_id);
    }
    std::printf("online: %zu of %d screens, %zu of %d echo clients, after %.1f s\n", online.size(), kiosks + clients,
                echoing.size(), kiosks + clients, std::chrono::duration<double>(Clock::now() - connect_started).count());
    std::this_thread::sleep_for(5s);  // every kiosk past its first pages

    std::vector<long> rss_fleet, rss_plain;
    for (const auto& k : running) rss_fleet.push_back(test::proc_status_kb(k->pid(), "VmRSS:"));
    for (const auto& k : plain) rss_plain.push_back(test::proc_status_kb(k->pid(), "VmRSS:"));

    // Rounds: a signed refresh to every screen (desired/all/refresh), acks collected.
    const int screens = kiosks + clients;
    std::vector<double> latencies_ms, kiosk_latencies_ms;  // all screens; the real kiosks alone
    long delivered = 0, duplicates = 0, refused = 0, echo_delivered = 0;
    std::vector<double> echo_ms;  // the bare echo's publish -> answer, every client
    const double broker_cpu_before = cpu_seconds(broker.pid());
    const auto rounds_started = Clock::now();
    std::uint64_t gen = static_cast<std::uint64_t>(std::time(nullptr)) * 1000;
    for (int round = 0; round < rounds; ++round) {
        fleet::Desired d;
        d.id = d.kind = "refresh";
        d.target = "all";
        d.gen = ++gen;
        d.issued = std::time(nullptr);
        d.expires = d.issued + 600;
        auto doc = fleet::sign(d, "office-test", key.secret_key);
        if (!doc) return 1;
        (*office)->take();
        const auto published = Clock::now();
        if (auto st = (*office)->publish(fleet::desired_topic("all", "refresh"), *doc, true); !st) {
            std::fprintf(stderr, "fleet_bench: %s\n", st.error().message.c_str());
            return 1;
        }
        std::map<std::string, int> acked;
        const auto deadline = published + 15s;
        while (static_cast<int>(acked.size()) < screens && Clock::now() < deadline) {
            (*office)->wait(50ms);
            for (auto& m : (*office)->take()) {
                if (m.leaf != "ack") continue;
                const auto a = nlohmann::json::parse(m.payload, nullptr, false);
                if (!a.is_object() || a.value("gen", std::uint64_t{0}) != d.gen) continue;
                if (a.value("result", "") != "applied") {
                    ++refused;
                    continue;
                }
                if (acked[m.screen_id]++ == 0) {
                    latencies_ms.push_back(std::chrono::duration<double, std::milli>(m.at - published).count());
                    if (m.screen_id.rfind("k", 0) == 0) kiosk_latencies_ms.push_back(latencies_ms.back());
                } else {
                    ++duplicates;
                }
            }
        }
        delivered += static_cast<long>(acked.size());
        std::this_thread::sleep_for(1s);  // a quiet second between rounds
        for (auto& m : (*office)->take())  // late duplicates
            if (m.leaf == "ack" && nlohmann::json::parse(m.payload, nullptr, false).value("gen", std::uint64_t{0}) == d.gen)
                ++duplicates;

        // The bare echo, as large as the signed document, published the same way.
        std::string ping = "echo-" + std::to_string(round) + "-";
        ping.resize(std::max(ping.size(), doc->size()), 'x');
        const auto pinged = Clock::now();
        if (auto st = (*office)->publish(kEchoTopic, ping, true); !st) {
            std::fprintf(stderr, "fleet_bench: %s\n", st.error().message.c_str());
            return 1;
        }
        std::set<std::string> echoed;
        while (static_cast<int>(echoed.size()) < screens && Clock::now() < pinged + 15s) {
            (*office)->wait(50ms);
            for (auto& m : (*office)->take())
                if (m.leaf == "echo" && m.payload == ping && echoed.insert(m.screen_id).second)
                    echo_ms.push_back(std::chrono::duration<double, std::milli>(m.at - pinged).count());
        }
        echo_delivered += static_cast<long>(echoed.size());
        std::this_thread::sleep_for(1s);
    }
    const double wall = std::chrono::duration<double>(Clock::now() - rounds_started).count();
    const double broker_cpu = cpu_seconds(broker.pid()) - broker_cpu_before;

    std::sort(latencies_ms.begin(), latencies_ms.end());
    std::sort(kiosk_latencies_ms.begin(), kiosk_latencies_ms.end());
    auto pct_of = [](const std::vector<double>& v, double p) {
        if (v.empty()) return -1.0;
        return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    auto pct = [&](double p) { return pct_of(latencies_ms, p); };
    const long expected = static_cast<long>(screens) * rounds;
    std::printf("delivered: %ld of %ld acks (%.2f %%), %ld refused, %ld duplicates\n", delivered, expected,
                100.0 * static_cast<double>(delivered) / static_cast<double>(expected), refused, duplicates);
    std::printf("publish -> ack latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu acks)\n", pct(0.50), pct(0.99),
                latencies_ms.empty() ? -1.0 : latencies_ms.back(), latencies_ms.size());
    std::printf("  of which the %d real kiosks: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", kiosks, pct_of(kiosk_latencies_ms, 0.5),
                pct_of(kiosk_latencies_ms, 0.99), kiosk_latencies_ms.empty() ? -1.0 : kiosk_latencies_ms.back());
    std::sort(echo_ms.begin(), echo_ms.end());
    std::printf("bare MQTT echo, same broker, %d clients (no signature, answered from the network thread): "
                "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%ld of %ld answered)\n",
                screens, pct_of(echo_ms, 0.5), pct_of(echo_ms, 0.99), echo_ms.empty() ? -1.0 : echo_ms.back(), echo_delivered, expected);
    std::printf("signed publish -> ack p99 / bare echo p99: %.2f (p50: %.2f)\n", pct(0.99) / pct_of(echo_ms, 0.99),
                pct(0.5) / pct_of(echo_ms, 0.5));
    std::printf("broker CPU: %.2f s over %.1f s of rounds, signed and echo (%.1f %% of one core)\n", broker_cpu, wall,
                100.0 * broker_cpu / wall);
    const long with = median(rss_fleet), without = median(rss_plain);
    std::printf("kiosk memory (median VmRSS): %ld KiB with the fleet module (%zu kiosks), %ld KiB without (%zu): +%.2f MiB\n",
                with, rss_fleet.size(), without, rss_plain.size(), static_cast<double>(with - without) / 1024.0);
    const bool ok = delivered == expected && duplicates == 0 && pct(0.99) <= 100 && (latencies_ms.empty() ? false : latencies_ms.back() <= 250) &&
                    with - without <= 4096;
    std::printf("targets (100 %%, p99 <= 100 ms, max <= 250 ms, <= 4 MiB): %s\n", ok ? "met" : "NOT met");
    for (auto& k : running) k->stop();
    for (auto& k : plain) k->stop();
    for (int fd : worker_pipes) ::close(fd);  // the workers disconnect and exit
    for (int pid : worker_pids) ::waitpid(pid, nullptr, 0);
    return 0;
}
