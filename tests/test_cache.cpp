// The cache on real files with fsync: round trip, damage detection, pruning, a full disk,
// and a writer killed at random points 200 times.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "net/refresh_policy.hpp"
#include "store/cache.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace kiosk;
using kiosk::store::Cache;
using kiosk::store::CachedItem;

namespace {
CachedItem version(char fill, size_t size) {
    CachedItem item;
    item.meta.url = "https://www.changchun.gov.cn/report.html";
    item.meta.etag = std::string("\"") + fill + "\"";
    item.meta.fetched_at = 1700000000 + fill;
    item.payload = std::string(R"({"format":"kiosk-document/1","title":"v)") + fill + R"(","blocks":[]})";
    item.body = std::string(size, fill);
    return item;
}
}  // namespace

TEST_CASE("cache: what goes in comes back, a damaged file is detected, not shown", "[cache]") {
    test::TempDir dir;
    Cache cache(dir.path());
    REQUIRE(cache.put("report/2019 年报", version('a', 5000)).ok());
    auto got = cache.get("report/2019 年报");
    REQUIRE(got.ok());
    CHECK(got->body == std::string(5000, 'a'));
    CHECK(got->meta.etag == "\"a\"");
    CHECK(got->meta.content_hash == Cache::content_hash(got->body));
    CHECK(got->payload.find("\"va\"") != std::string::npos);
    CHECK(cache.file_for("report/2019 年报").parent_path() == dir.path() / "items");  // no path escapes

    // Flip one byte of the body: the checksum catches it.
    const fs::path file = cache.file_for("report/2019 年报");
    std::string bytes = test::read_file(file);
    bytes[bytes.size() - 10] ^= 1;
    test::write_file(file, bytes);
    auto damaged = cache.get("report/2019 年报");
    REQUIRE(!damaged.ok());
    CHECK(damaged.error().message.find("damaged cache file (checksum mismatch)") != std::string::npos);
    test::write_file(file, bytes.substr(0, bytes.size() / 2));
    CHECK(cache.get("report/2019 年报").error().message.find("wrong length") != std::string::npos);
    CHECK(!cache.get("never-written").ok());
}

TEST_CASE("cache: items leave when they leave the playlist, and the oldest go past the bound", "[cache]") {
    test::TempDir dir;
    Cache cache(dir.path(), 25'000);
    REQUIRE(cache.put("old", version('o', 10'000)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(cache.put("mid", version('m', 10'000)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(cache.put("new", version('n', 10'000)).ok());
    REQUIRE(cache.put("gone", version('g', 100)).ok());
    // A write in progress (a fresh temp file) survives pruning; a crash's leftover does not.
    test::write_file(dir.path() / "items" / "mid.cache.tmp.999", "partial");
    test::write_file(dir.path() / "items" / "old.cache.tmp.998", "left by a crash");
    fs::last_write_time(dir.path() / "items" / "old.cache.tmp.998",
                        fs::file_time_type::clock::now() - std::chrono::hours(2));
    cache.prune({"old", "mid", "new"});
    CHECK(fs::exists(dir.path() / "items" / "mid.cache.tmp.999"));
    CHECK(!fs::exists(dir.path() / "items" / "old.cache.tmp.998"));
    CHECK(!cache.get("gone").ok());   // no longer in the playlist
    CHECK(!cache.get("old").ok());    // the least recently fetched, over 25 kB
    CHECK(cache.get("mid").ok());
    CHECK(cache.get("new").ok());
}

TEST_CASE("cache: a full disk fails the write cleanly and keeps the old version", "[cache][process]") {
    test::TempDir dir;
    const fs::path root = dir.path() / "small";
    fs::create_directories(root);
    // As root (CI): a real 256 kB tmpfs gives a real ENOSPC. Otherwise a file-size limit in
    // a child process makes the same write fail (EFBIG) at the same place.
    const bool tmpfs = ::geteuid() == 0 && ::mount("tmpfs", root.c_str(), "tmpfs", 0, "size=256k") == 0;
    Cache cache(root);
    REQUIRE(cache.put("report", version('a', 100'000)).ok());
    if (tmpfs) {
        auto st = cache.put("report", version('b', 400'000));
        REQUIRE(!st.ok());
        CHECK(st.error().message.find("the disk is full; the previous version is kept") != std::string::npos);
    } else {
        const pid_t pid = fork();
        if (pid == 0) {
            signal(SIGXFSZ, SIG_IGN);
            rlimit limit{150'000, 150'000};
            setrlimit(RLIMIT_FSIZE, &limit);
            _exit(cache.put("report", version('b', 400'000)).ok() ? 1 : 0);
        }
        int raw = 0;
        waitpid(pid, &raw, 0);
        REQUIRE(WIFEXITED(raw));
        CHECK(WEXITSTATUS(raw) == 0);  // the write reported its failure
    }
    auto kept = cache.get("report");
    REQUIRE(kept.ok());
    CHECK(kept->body == std::string(100'000, 'a'));
    size_t stray = 0;
    for (const auto& e : fs::directory_iterator(root / "items")) stray += e.path().extension() != ".cache";
    CHECK(stray == 0);  // no temp file left behind
    if (tmpfs) ::umount(root.c_str());
}

TEST_CASE("cache: a writer killed at random points 200 times leaves the old or the new version, never a mixture", "[cache][crash][process]") {
    test::TempDir dir;
    Cache cache(dir.path());
    const CachedItem a = version('a', 300'000), b = version('b', 200'000);
    REQUIRE(cache.put("report", a).ok());
    std::mt19937 random(20261127);
    std::uniform_int_distribution<int> delay_us(0, 4000);
    int saw_a = 0, saw_b = 0;
    for (int round = 0; round < 200; ++round) {
        const pid_t pid = fork();
        if (pid == 0) {
            for (int i = 0;; ++i) (void)cache.put("report", i % 2 ? a : b);  // until killed
        }
        // Mostly within the first writes; every tenth round long enough for whole writes to
        // land even under ASan on a loaded disk (once, all 200 kills came before the first
        // 300 KB write and its fsyncs were done, and no round saw the new version).
        const int wait_us = round % 10 == 9 ? 200'000 : delay_us(random);
        std::this_thread::sleep_for(std::chrono::microseconds(wait_us));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        auto got = cache.get("report");
        REQUIRE(got.ok());
        const bool is_a = got->body == a.body && got->meta.etag == a.meta.etag && got->payload == a.payload;
        const bool is_b = got->body == b.body && got->meta.etag == b.meta.etag && got->payload == b.payload;
        REQUIRE((is_a || is_b));
        saw_a += is_a;
        saw_b += is_b;
    }
    CHECK(saw_a + saw_b == 200);
    CHECK(saw_b > 0);  // the kills did land part-way through the writing
}

TEST_CASE("refresh policy: keep the last good content through faults, withdraw on 410 or a lasting 404", "[cache][policy]") {
    using kiosk::net::RefreshAction;
    kiosk::net::ItemHealth h;
    h.good_chars = 4000;
    net::FetchResult ok;
    ok.outcome = net::FetchOutcome::ok;
    ok.http_status = 200;
    const std::time_t t0 = 1'800'000'000;

    auto d = kiosk::net::judge_fetch(ok, 3900, h, t0, 3600, 0.5);
    CHECK(d.action == RefreshAction::replace);
    CHECK(d.health.next_attempt == t0 + 3600);

    d = kiosk::net::judge_fetch(ok, 1000, h, t0, 3600, 0.5);  // shrank to a quarter
    CHECK(d.action == RefreshAction::keep);
    CHECK(d.health.last_error.find("much shorter") != std::string::npos);

    d = kiosk::net::judge_fetch(ok, 0, h, t0, 3600, 0.5);  // empty body or nothing extracted
    CHECK(d.action == RefreshAction::keep);
    CHECK(d.health.failures == 1);

    net::FetchResult down;
    down.outcome = net::FetchOutcome::network_error;
    down.error = "the server refused or did not answer the connection";
    kiosk::net::ItemHealth failing = h;
    std::vector<std::time_t> waits;
    for (int i = 0; i < 8; ++i) {
        d = kiosk::net::judge_fetch(down, 0, failing, t0, 3600, 0.5);
        CHECK(d.action == RefreshAction::keep);
        waits.push_back(d.health.next_attempt - t0);
        failing = d.health;
    }
    CHECK(failing.failures == 8);
    CHECK(waits == std::vector<std::time_t>{60, 120, 240, 480, 960, 1920, 3600, 3600});  // doubling, capped
    CHECK(kiosk::net::judge_fetch(down, 0, h, t0, 3600, 0.0).health.next_attempt == t0 + 48);  // jitter -20 %
    CHECK(kiosk::net::judge_fetch(down, 0, h, t0, 3600, 0.999).health.next_attempt == t0 + 71);  // … +20 %

    net::FetchResult gone;
    gone.outcome = net::FetchOutcome::http_error;
    gone.http_status = 410;
    CHECK(kiosk::net::judge_fetch(gone, 0, h, t0, 3600, 0.5).action == RefreshAction::take_down);

    net::FetchResult missing = gone;
    missing.http_status = 404;
    d = kiosk::net::judge_fetch(missing, 0, h, t0, 3600, 0.5);
    CHECK(d.action == RefreshAction::keep);  // within the grace period
    d = kiosk::net::judge_fetch(missing, 0, d.health, t0 + 23 * 3600, 3600, 0.5);
    CHECK(d.action == RefreshAction::keep);
    d = kiosk::net::judge_fetch(missing, 0, d.health, t0 + 24 * 3600, 3600, 0.5);
    CHECK(d.action == RefreshAction::take_down);
    CHECK(d.health.withdrawn);
    d = kiosk::net::judge_fetch(ok, 4000, d.health, t0 + 25 * 3600, 3600, 0.5);  // it came back
    CHECK(d.action == RefreshAction::replace);
    CHECK(!d.health.withdrawn);

    net::FetchResult same;
    same.outcome = net::FetchOutcome::not_modified;
    d = kiosk::net::judge_fetch(same, 0, failing, t0, 3600, 0.5);
    CHECK(d.action == RefreshAction::keep);
    CHECK(d.health.failures == 0);
}
