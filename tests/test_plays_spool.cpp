// Proof of play spooled on disk until the broker has it (fleet/plays): in batches, across
// restarts and crashes, within its size, and drained without rewriting itself.
#include <catch2/catch.hpp>

#include <fstream>

#include "fleet/plays.hpp"
#include "support.hpp"

using namespace kiosk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
// Bytes this process has handed to write(2) so far (/proc/self/io "wchar").
std::uint64_t bytes_written() {
    std::ifstream io("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value)
        if (key == "wchar:") return value;
    return 0;
}
}  // namespace

TEST_CASE("fleet plays: spooled on disk until the broker has them, in batches, across a restart", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "fleet" / "plays.jsonl";
    {
        fleet::PlaysSpool spool(file);
        CHECK(spool.size() == 0);
        CHECK_FALSE(spool.next_batch("s1"));
        for (int i = 0; i < 250; ++i) REQUIRE(spool.add({{"id", "s1-" + std::to_string(i)}, {"item", "a"}}).ok());
    }
    fleet::PlaysSpool spool(file);  // after a restart
    REQUIRE(spool.size() == 250);
    auto batch = spool.next_batch("s1");
    REQUIRE(batch);
    CHECK(batch->records == fleet::kPlaysPerBatch);
    const json j = json::parse(batch->payload);
    CHECK(j["screen"] == "s1");
    CHECK(j["plays"].size() == fleet::kPlaysPerBatch);
    CHECK(j["plays"][0]["id"] == "s1-0");
    REQUIRE(spool.drop_first(batch->records).ok());
    batch = spool.next_batch("s1");
    REQUIRE(batch);
    CHECK(batch->records == 50);
    CHECK(json::parse(batch->payload)["plays"][0]["id"] == "s1-200");
    // A line cut short by a crash is dropped; the rest stays.
    {
        std::ofstream out(file, std::ios::app);
        out << "{\"id\": \"s1-cut";
    }
    fleet::PlaysSpool reopened(file);
    CHECK(reopened.size() == 50);
    REQUIRE(reopened.drop_first(50).ok());
    CHECK(fleet::PlaysSpool(file).size() == 0);
}

TEST_CASE("fleet plays: a full spool gives up its oldest tenth, never grows past its size", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "plays.jsonl";
    fleet::PlaysSpool spool(file, 20);
    for (int i = 0; i < 25; ++i) REQUIRE(spool.add({{"id", "s1-" + std::to_string(i)}}).ok());
    CHECK(spool.size() <= 20);
    CHECK(json::parse(spool.next_batch("s1")->payload)["plays"].back()["id"] == "s1-24");  // the newest kept
    CHECK(json::parse(spool.next_batch("s1")->payload)["plays"][0]["id"] != "s1-0");     // the oldest gone
    CHECK(fleet::PlaysSpool(file, 20).size() == spool.size());                            // as on disk
}

TEST_CASE("fleet plays: draining months of records moves a mark, it does not rewrite the file per batch", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "fleet" / "plays.jsonl";
    fs::create_directories(file.parent_path());
    constexpr int kRecords = 20000;  // 100 batches
    std::uint64_t record_bytes = 0;
    {
        std::ofstream out(file);
        for (int i = 0; i < kRecords; ++i) {
            const std::string line = json{{"id", "s1-" + std::to_string(i)}, {"item", "report"}, {"page", i % 7}}.dump() + "\n";
            record_bytes += line.size();
            out << line;
        }
    }
    fleet::PlaysSpool spool(file);
    REQUIRE(spool.size() == kRecords);
    const std::uint64_t before = bytes_written();
    int batches = 0;
    while (auto batch = spool.next_batch("s1")) {
        REQUIRE(spool.drop_first(batch->records).ok());
        ++batches;
        if (batches == 37) {  // a restart half way: the mark holds, nothing is sent twice
            fleet::PlaysSpool reopened(file);
            CHECK(reopened.size() == kRecords - 37 * fleet::kPlaysPerBatch);
            CHECK(json::parse(reopened.next_batch("s1")->payload)["plays"][0]["id"] == "s1-7400");
        }
    }
    const std::uint64_t written = bytes_written() - before;
    CHECK(batches == 100);
    // The old spool wrote the whole remaining file per batch: ~50 x the records' size here.
    // Now each batch writes its mark (a few bytes); the bound asked is twice the records.
    CHECK(written <= 2 * record_bytes);
    CHECK(written <= 100 * 64);
    CHECK(fs::file_size(file) == 0);  // all acknowledged: emptied
    CHECK(fleet::PlaysSpool(file).size() == 0);
}

TEST_CASE("fleet plays: a crash at any step sends some records again, never loses one", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "plays.jsonl";
    const fs::path mark = dir.path() / "plays.acked";
    {
        fleet::PlaysSpool spool(file);
        for (int i = 0; i < 300; ++i) REQUIRE(spool.add({{"id", "s1-" + std::to_string(i)}}).ok());
        REQUIRE(spool.drop_first(200).ok());
    }
    CHECK(fleet::PlaysSpool(file).size() == 100);
    // The tail was copied to a new file but the power went before its mark was written: the
    // mark names the old file, so all of the new one is pending.
    {
        std::ofstream(mark) << "1 999999\n";
        fleet::PlaysSpool spool(file);
        CHECK(spool.size() == 300);
        CHECK(json::parse(spool.next_batch("s1")->payload)["plays"][0]["id"] == "s1-0");
    }
    // A damaged or missing mark: everything again (the office counts each id once).
    fs::remove(mark);
    CHECK(fleet::PlaysSpool(file).size() == 300);
    // A mark past the end of the file (it was emptied, then the mark lost): from the start.
    {
        fleet::PlaysSpool spool(file);
        REQUIRE(spool.drop_first(300).ok());
        REQUIRE(fs::file_size(file) == 0);
        REQUIRE(spool.add({{"id", "s1-new"}}).ok());
    }
    fleet::PlaysSpool after(file);
    REQUIRE(after.size() == 1);
    CHECK(json::parse(after.next_batch("s1")->payload)["plays"][0]["id"] == "s1-new");
}

TEST_CASE("fleet plays: plays arriving as fast as batches leave still keep the file small", "[fleet]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "plays.jsonl";
    fleet::PlaysSpool spool(file);
    const std::string filler(400, 'x');
    // Never all acknowledged: one record stays pending behind each batch.
    for (int round = 0; round < 120; ++round) {
        for (int i = 0; i < 200; ++i)
            REQUIRE(spool.add({{"id", "s1-" + std::to_string(round * 200 + i)}, {"pad", filler}}).ok());
        REQUIRE(spool.drop_first(spool.size() - 1).ok());
    }
    CHECK(spool.size() == 1);
    // ~10 MB went through; the file holds the pending record and at most the compaction
    // threshold of acknowledged ones.
    CHECK(fs::file_size(file) <= fleet::kPlaysCompactBytes + 200 * 512);
    fleet::PlaysSpool reopened(file);
    REQUIRE(reopened.size() == 1);
    CHECK(json::parse(reopened.next_batch("s1")->payload)["plays"][0]["id"] == "s1-23999");
}
