#include <catch2/catch.hpp>
#include <fstream>

#include "health/status.hpp"
#include "store/atomic_file.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

TEST_CASE("the proof-of-play log is bounded to two files", "[status]") {
    test::TempDir dir;
    kiosk::status::ProofOfPlay log(dir.path() / "state" / "proof-of-play.log", 1000);
    for (int i = 0; i < 200; ++i) log.append({{"item", "report"}, {"page", i}, {"seconds", 20.0}});
    const auto current = fs::file_size(dir.path() / "state" / "proof-of-play.log");
    const auto older = fs::file_size(dir.path() / "state" / "proof-of-play.log.1");
    CHECK(current <= 1000 + 64);
    CHECK(older <= 1000 + 64);
    CHECK(!fs::exists(dir.path() / "state" / "proof-of-play.log.2"));
    // The newest entry is the last line of the current file.
    std::ifstream in(dir.path() / "state" / "proof-of-play.log");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    CHECK(nlohmann::json::parse(last)["page"] == 199);
}

// The temp files a write leaves behind, if any (status.json.tmp.<pid> while writing).
std::vector<std::string> temp_files_beside(const fs::path& file) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(file.parent_path()))
        if (e.path().filename() != file.filename() && e.path().filename().string().rfind(file.filename().string(), 0) == 0)
            out.push_back(e.path().filename().string());
    return out;
}

TEST_CASE("status is written atomically and read back in words", "[status]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "run" / "status.json";
    REQUIRE(kiosk::store::write_file_atomically(file, "{\"old\": true}").ok());
    CHECK(!kiosk::status::read_status(file).ok());  // not kiosk-status/1
    kiosk::status::StatusReport r;
    r.version = "0.1.0";
    r.started = "2026-11-27 09:00:00";
    r.pid = 42;
    r.memory_kb = 40960;
    r.updated = "2026-11-27 09:30:00";
    r.current = {false, false, "report", "2026-11-27 09:30:00", "2026-11-27 09:30:25", 3, 9};
    r.playlist.file = "/etc/kiosk/playlist.json";
    r.playlist.version = 1;
    r.playlist.items = 2;
    r.playlist.applied = "2026-11-27 09:00:00";
    r.playlist.refused = {"playlist.json:3:5: items[0]: \"source\" is missing"};
    r.playlist.refused_at = "2026-11-27 09:20:00";
    r.items = {{"report", "", "file:report.txt", "2026-11-27 09:00:00", "", 9, std::nullopt, ""},
               {"news", "", "https://www.changchun.gov.cn/news", "", "503 from the portal", 0,
                kiosk::status::FetchHealth{"2026-11-27 09:29:00", "", "2026-11-27 09:31:00", "503 from the portal", 2, false, "服务器出错（503）"},
                "服务器出错（503）"}};
    REQUIRE(kiosk::status::write_status(file, r).ok());
    CHECK(temp_files_beside(file).empty());  // the temp file (status.json.tmp.<pid>) was renamed
    auto read = kiosk::status::read_status(file);
    REQUIRE(read.ok());
    CHECK((*read)["format"] == "kiosk-status/1");
    CHECK(*read == kiosk::status::to_json(r));
    // Read back field by field: what was written comes back whole.
    auto back = kiosk::status::from_json(*read);
    REQUIRE(back);
    CHECK(kiosk::status::to_json(*back) == kiosk::status::to_json(r));
    const std::string text = kiosk::status::describe_status(*back);
    CHECK(text.find("now showing: report page 3/9, until 2026-11-27 09:30:25") != std::string::npos);
    CHECK(text.find("REFUSED at 2026-11-27 09:20:00") != std::string::npos);
    CHECK(text.find("playlist.json:3:5: items[0]") != std::string::npos);
    CHECK(text.find("news  0 pages") != std::string::npos);
    CHECK(text.find("ERROR: 503 from the portal") != std::string::npos);
    CHECK(text.find("fetching FAILS (2 times in a row") != std::string::npos);
    CHECK(text.find("memory 40 MB") != std::string::npos);
}

// What the running kiosk writes, read back by the same reader `kiosk status` uses.
TEST_CASE("the running kiosk's own status.json reads back: what is on screen, every item", "[status][process]") {
    test::TempDir dir;
    const fs::path runtime = dir.path() / "run";
    test::write_file(dir.path() / "a.txt", "甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n");
    test::write_file(dir.path() / "kiosk.json",
                     nlohmann::json{{"page_seconds", 30},
                                    {"paths", {{"runtime", runtime.string()}, {"state", (dir.path() / "state").string()},
                                               {"cache", (dir.path() / "cache").string()}}}}
                         .dump());
    test::write_file(dir.path() / "playlist.json",
                     R"({"items": [{"id": "a", "source": "file:a.txt"}, {"id": "gone", "source": "file:missing.txt"}]})");
    test::BackgroundKiosk kiosk({"run", "--config", (dir.path() / "kiosk.json").string()}, {}, dir.path());
    REQUIRE(test::wait_for([&] { return kiosk::status::read_status(runtime / "status.json").ok(); }, 20));
    auto read = kiosk::status::read_status(runtime / "status.json");
    REQUIRE(read.ok());
    const nlohmann::json& s = *read;
    CHECK(s["pid"] == kiosk.pid());
    CHECK(s["current"]["item"] == "a");
    CHECK(s["current"]["page"] == 1);
    REQUIRE(s["items"].size() == 2);
    CHECK(s["items"][0]["pages"].get<int>() == s["current"]["of"].get<int>());
    CHECK(s["items"][1]["error"].get<std::string>().find("missing.txt") != std::string::npos);
    CHECK(s["config"]["file"].get<std::string>() == (dir.path() / "kiosk.json").string());
    CHECK(temp_files_beside(runtime / "status.json") == std::vector<std::string>{});
    auto shown = test::run_kiosk({"status", "--config", (dir.path() / "kiosk.json").string()});
    CHECK(shown.status == 0);
    CHECK(shown.out.find("now showing: a page 1/") != std::string::npos);
    CHECK(shown.out.find("gone  0 pages") != std::string::npos);
    CHECK(kiosk.stop() == 0);
}

TEST_CASE("a write into a folder that cannot be made fails cleanly", "[status]") {
    auto st = kiosk::store::write_file_atomically("/proc/kiosk-cannot/status.json", "{}");
    REQUIRE(!st.ok());
    CHECK(st.error().message.find("/proc/kiosk-cannot/status.json") != std::string::npos);
}

TEST_CASE("status: what a screen sends is read field by field, never trusted", "[status]") {
    using kiosk::status::from_json;
    CHECK_FALSE(from_json(nlohmann::json::array()));
    CHECK_FALSE(from_json({{"format", "kiosk-status/2"}}));
    // Wrong types stay at their defaults; nothing throws.
    nlohmann::json odd = {{"format", "kiosk-status/1"},
                          {"pid", "12"},
                          {"current", {{"standing", "no"}, {"item", 7}, {"page", -1.5}, {"of", "nine"}}},
                          {"playlist", {{"refused", {1, "items[0]: \"source\" is missing", nullptr}}}},
                          {"fleet", {{"notices", "notice/x@all"}, {"applied", {{"all|playlist", -3}, {"all|refresh", 5}}},
                                     {"size", {{"width", "wide"}}}}},
                          {"items", {42, {{"id", "a"}, {"fetch", {{"failures", "many"}}}}}}};
    auto r = from_json(odd);
    REQUIRE(r);
    CHECK(r->pid == 0);
    CHECK(r->current.standing);
    CHECK(r->current.item.empty());
    CHECK(r->current.of == 1);
    CHECK(r->playlist.refused == std::vector<std::string>{"items[0]: \"source\" is missing"});
    CHECK(r->fleet.enabled);
    CHECK(r->fleet.notices.empty());
    CHECK(r->fleet.applied == std::map<std::string, std::uint64_t>{{"all|refresh", 5}});
    CHECK(r->fleet.width == 0);
    REQUIRE(r->items.size() == 1);
    CHECK(r->items[0].id == "a");
    REQUIRE(r->items[0].fetch);
    CHECK(r->items[0].fetch->failures == 0);
    // Lists and strings are cut at their budgets.
    nlohmann::json big = {{"format", "kiosk-status/1"}, {"updated", std::string(100000, 'x')},
                          {"items", nlohmann::json::array()}};
    for (int i = 0; i < 5000; ++i) big["items"].push_back({{"id", std::to_string(i)}});
    auto cut = from_json(big);
    REQUIRE(cut);
    CHECK(cut->items.size() == kiosk::status::kMaxStatusEntries);
    CHECK(cut->updated.size() == kiosk::status::kMaxStatusChars);
}

TEST_CASE("status: whatever a screen holds, what it reports stays under the broker's limit and says what it left out", "[status]") {
    kiosk::status::StatusReport r;
    r.fleet.enabled = true;
    for (int i = 0; i < 5000; ++i) {
        kiosk::status::ItemStatus item;
        item.id = "item-" + std::to_string(i);
        item.title = std::string(6000, 'x');  // longer than any string a status keeps
        item.error = "抓取失败：" + std::to_string(i);
        r.items.push_back(item);
        r.fleet.notices.push_back("notice/n" + std::to_string(i) + "@all");
    }
    const auto b = kiosk::status::bounded(r);
    const std::string text = kiosk::status::to_json(b).dump();
    CHECK(text.size() <= kiosk::status::kMaxStatusBytes);
    CHECK(b.items.size() + b.items_omitted == 5000);
    CHECK(b.items_omitted > 0);
    CHECK(b.items.front().title.size() <= kiosk::status::kMaxStatusChars);
    CHECK(b.fleet.notices.size() + b.fleet.notices_omitted == 5000);
    // The office reads the counts back, and `kiosk status` says them.
    auto read = kiosk::status::from_json(nlohmann::json::parse(text));
    REQUIRE(read);
    CHECK(read->items_omitted == b.items_omitted);
    CHECK(read->fleet.notices_omitted == b.fleet.notices_omitted);
    // A report that fits is left as it is.
    kiosk::status::StatusReport small;
    small.items.push_back(kiosk::status::ItemStatus{"a", "大厅", "file:a.txt", "", "", 1, std::nullopt, ""});
    CHECK(kiosk::status::bounded(small).items.size() == 1);
    CHECK(kiosk::status::bounded(small).items_omitted == 0);
}

TEST_CASE("status: health round-trips, an older screen's status has none, a screen's odd health is read within budgets", "[status][health]") {
    using kiosk::status::from_json;
    using kiosk::status::to_json;
    kiosk::status::StatusReport r;
    r.version = "0.9.0";
    kiosk::status::Health h;
    h.temperature_c = 61.5;
    h.thermal_zone = "x86_pkg_temp";
    h.disk = kiosk::status::Health::Disk{"/var/lib/kiosk", 123, 456, 27.0};
    h.available_kb = 123;
    h.kiosk_rss_kb = 45;
    h.load = {0.5, 0.4, 0.3};
    h.host_uptime_seconds = 1234;
    h.kiosk_uptime_seconds = 56;
    h.os = "Debian GNU/Linux 12 (bookworm)";
    h.display = {"x11", 1920, 1080, 60};
    h.frames = {3600, "2026-12-07 09:30:00", true, "#000000"};
    r.health = h;
    const nlohmann::json j = to_json(r);
    // Exactly the contract's shape (docs/architecture.md, "kiosk-status/1").
    CHECK(j["health"] == nlohmann::json::parse(R"J({
        "temperature_c": 61.5, "thermal_zone": "x86_pkg_temp",
        "disk": {"path": "/var/lib/kiosk", "free_bytes": 123, "total_bytes": 456, "free_percent": 27.0},
        "memory": {"available_kb": 123, "kiosk_rss_kb": 45},
        "load": [0.5, 0.4, 0.3],
        "host_uptime_seconds": 1234, "kiosk_uptime_seconds": 56,
        "os": "Debian GNU/Linux 12 (bookworm)",
        "display": {"driver": "x11", "width": 1920, "height": 1080, "refresh_hz": 60},
        "frames": {"last_minute": 3600, "sampled_at": "2026-12-07 09:30:00", "uniform": true, "colour": "#000000"}})J"));
    auto back = from_json(j);
    REQUIRE(back);
    REQUIRE(back->health);
    CHECK(to_json(*back) == j);
    const std::string text = kiosk::status::describe_status(*back);
    CHECK(text.find("temperature: 61.5 °C (hottest zone: x86_pkg_temp)") != std::string::npos);
    CHECK(text.find("FRAME UNIFORM: the frame sampled at 2026-12-07 09:30:00 is all #000000") != std::string::npos);
    CHECK(text.find("display: x11 1920x1080, refresh 60 Hz; 3600 frames presented in the last minute") != std::string::npos);

    // No thermal zone, no disk reading, no refresh: null, never 0.
    r.health->temperature_c.reset();
    r.health->thermal_zone.clear();
    r.health->disk.reset();
    r.health->display.refresh_hz = 0;
    const nlohmann::json unknown = to_json(r);
    CHECK(unknown["health"]["temperature_c"].is_null());
    CHECK(unknown["health"]["disk"].is_null());
    CHECK(unknown["health"]["display"]["refresh_hz"].is_null());
    back = from_json(unknown);
    REQUIRE(back);
    CHECK_FALSE(back->health->temperature_c);
    CHECK_FALSE(back->health->disk);
    CHECK(kiosk::status::describe_status(*back).find("temperature: unknown (no thermal zone)") != std::string::npos);

    // An older screen: no "health" at all, and none read back.
    nlohmann::json old = j;
    old.erase("health");
    back = from_json(old);
    REQUIRE(back);
    CHECK_FALSE(back->health);
    CHECK(kiosk::status::describe_status(*back).find("temperature") == std::string::npos);

    // Odd values: wrong types at their defaults, numbers out of range unknown, strings cut.
    nlohmann::json odd = j;
    odd["health"]["temperature_c"] = "hot";
    odd["health"]["disk"] = {{"free_bytes", -5}, {"total_bytes", "many"}, {"free_percent", 1e300}};
    odd["health"]["load"] = {1, "x", -2, 4, 5};
    odd["health"]["os"] = std::string(100000, 'x');
    odd["health"]["frames"] = {{"uniform", "yes"}, {"last_minute", 1e300}};
    back = from_json(odd);
    REQUIRE(back);
    REQUIRE(back->health);
    CHECK_FALSE(back->health->temperature_c);
    REQUIRE(back->health->disk);
    CHECK(back->health->disk->free_bytes == 0);
    CHECK(back->health->disk->total_bytes == 0);
    CHECK(back->health->disk->free_percent == 0);
    CHECK(back->health->load == std::vector<double>{1, 0, 0});
    CHECK(back->health->os.size() == kiosk::status::kMaxStatusChars);
    CHECK_FALSE(back->health->frames.uniform);
    CHECK(back->health->frames.last_minute == 0);
}

TEST_CASE("status: power round-trips, an older screen has none, an odd power is read as on within budgets", "[status][power]") {
    using kiosk::status::from_json;
    using kiosk::status::to_json;
    kiosk::status::StatusReport r;
    r.version = "0.9.0";
    kiosk::status::Power p;
    p.state = "asleep";
    p.reason = "节假日";
    p.day_name = "春节";
    p.since = "2026-12-07 17:10:00";
    p.wakes = "2026-12-08 08:15:00";
    p.backend = "dpms";
    p.panel = "off";
    p.calendar = "fleet:group/floor-1";
    r.power = p;
    const nlohmann::json j = to_json(r);
    CHECK(j["power"]["state"] == "asleep");
    CHECK(j["power"]["wakes"] == "2026-12-08 08:15:00");
    auto back = from_json(j);
    REQUIRE(back);
    REQUIRE(back->power);
    CHECK(back->power->reason == "节假日");
    CHECK(back->power->day_name == "春节");
    CHECK(back->power->backend == "dpms");
    CHECK(back->power->calendar == "fleet:group/floor-1");
    CHECK(to_json(*back) == j);
    // An older screen: no power at all (the console takes it as on).
    r.power.reset();
    CHECK_FALSE(to_json(r).contains("power"));
    auto old = from_json(to_json(r));
    REQUIRE(old);
    CHECK_FALSE(old->power);
    // Odd values: an unknown state is on, wrong types stay at their defaults, long text is cut.
    nlohmann::json odd = to_json(r);
    odd["power"] = {{"state", "exploded"}, {"reason", 5}, {"wakes", std::string(10000, 'x')}, {"backend", nullptr}};
    auto o = from_json(odd);
    REQUIRE(o);
    REQUIRE(o->power);
    CHECK(o->power->state == "on");
    CHECK(o->power->reason.empty());
    CHECK(o->power->wakes.size() == kiosk::status::kMaxStatusChars);
    odd["power"] = "asleep";
    auto notobj = from_json(odd);
    REQUIRE(notobj);
    CHECK_FALSE(notobj->power);
    // bounded() keeps power within the budget too.
    r.power = p;
    r.power->problem = std::string(9000, 'y');
    CHECK(kiosk::status::bounded(r).power->problem.size() == kiosk::status::kMaxStatusChars);
}
