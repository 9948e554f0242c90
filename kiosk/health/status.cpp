#include "health/status.hpp"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/log.hpp"
#include "base/utf8.hpp"
#include "health/readings.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::status {
namespace fs = std::filesystem;
using i18n::format;

namespace {
nlohmann::json health_json(const Health& h) {
    nlohmann::json disk = nullptr;
    if (h.disk)
        disk = {{"path", h.disk->path}, {"free_bytes", h.disk->free_bytes}, {"total_bytes", h.disk->total_bytes},
                {"free_percent", h.disk->free_percent}};
    const auto& d = h.display;
    const auto& f = h.frames;
    return {{"temperature_c", h.temperature_c ? nlohmann::json(*h.temperature_c) : nlohmann::json(nullptr)},
            {"thermal_zone", h.thermal_zone},
            {"disk", disk},
            {"memory", {{"available_kb", h.available_kb}, {"kiosk_rss_kb", h.kiosk_rss_kb}}},
            {"load", h.load},
            {"host_uptime_seconds", h.host_uptime_seconds},
            {"kiosk_uptime_seconds", h.kiosk_uptime_seconds},
            {"os", h.os},
            {"display", {{"driver", d.driver}, {"width", d.width}, {"height", d.height},
                         {"refresh_hz", d.refresh_hz > 0 ? nlohmann::json(d.refresh_hz) : nlohmann::json(nullptr)}}},
            {"frames", {{"last_minute", f.last_minute}, {"sampled_at", f.sampled_at}, {"uniform", f.uniform}, {"colour", f.colour}}}};
}
nlohmann::json power_json(const Power& p) {
    return {{"state", p.state},     {"reason", p.reason},   {"day_name", p.day_name}, {"since", p.since},
            {"wakes", p.wakes},     {"sleeps", p.sleeps},   {"backend", p.backend},   {"panel", p.panel},
            {"problem", p.problem}, {"calendar", p.calendar}};
}
}  // namespace

nlohmann::json to_json(const StatusReport& r) {
    nlohmann::json items = nlohmann::json::array();
    for (const ItemStatus& e : r.items) {
        nlohmann::json item = {{"id", e.id}, {"title", e.title}, {"source", e.source},
                               {"pages", e.pages}, {"loaded", e.loaded}, {"error", e.error}};
        if (!e.reason.empty()) item["reason"] = e.reason;
        if (e.fetch)
            item["fetch"] = {{"last_attempt", e.fetch->last_attempt}, {"last_success", e.fetch->last_success},
                             {"failures", e.fetch->failures},         {"last_error", e.fetch->last_error},
                             {"withdrawn", e.fetch->withdrawn},       {"next_attempt", e.fetch->next_attempt},
                             {"reason", e.fetch->reason}};
        items.push_back(std::move(item));
    }
    const auto& c = r.current;
    const auto& p = r.playlist;
    nlohmann::json j = {{"format", kFormat},
            {"version", r.version},
            {"pid", r.pid},
            {"started", r.started},
            {"uptime_seconds", r.uptime_seconds},
            {"updated", r.updated},
            {"memory_kb", r.memory_kb},
            {"pages_shown", r.pages_shown},
            {"current",
             {{"standing", c.standing}, {"item", c.item}, {"page", c.page}, {"of", c.of},
              {"interrupt", c.interrupt}, {"since", c.since}, {"until", c.until}}},
            {"playlist",
             {{"file", p.file}, {"fetch_error", p.fetch_error}, {"fetch_reason", p.fetch_reason}, {"version", p.version}, {"items", p.items},
              {"applied", p.applied}, {"refused", p.refused}, {"refused_at", p.refused_at}, {"note", p.note}}},
            {"config", {{"file", r.config_file}, {"errors", r.config_errors}}},
            {"items", items}};
    if (r.items_omitted) j["items_omitted"] = r.items_omitted;
    if (r.health) j["health"] = health_json(*r.health);
    if (r.power) j["power"] = power_json(*r.power);
    if (r.fleet.enabled) {
        j["fleet"] = {{"connected", r.fleet.connected}, {"notices", r.fleet.notices}, {"applied", r.fleet.applied},
                      {"groups", r.fleet.groups}, {"hall", r.fleet.hall},
                      {"size", {{"width", r.fleet.width}, {"height", r.fleet.height}}}};
        if (r.fleet.notices_omitted) j["fleet"]["notices_omitted"] = r.fleet.notices_omitted;
    }
    return j;
}

namespace {
void cut(std::string& s) {
    if (s.size() > kMaxStatusChars) s = utf8::sanitize(s.substr(0, kMaxStatusChars));
}
template <typename T>
std::size_t halve(std::vector<T>& list) {
    const std::size_t drop = (list.size() + 1) / 2;
    list.resize(list.size() - drop);
    return drop;
}
}  // namespace

StatusReport bounded(StatusReport r, std::size_t max_bytes) {
    auto size = [&] { return to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size(); };
    for (ItemStatus& i : r.items) {
        for (std::string* s : {&i.id, &i.title, &i.source, &i.loaded, &i.error, &i.reason}) cut(*s);
        if (i.fetch) {
            cut(i.fetch->last_error);
            cut(i.fetch->reason);
        }
    }
    if (r.health)
        for (std::string* s : {&r.health->thermal_zone, &r.health->os, &r.health->display.driver}) cut(*s);
    if (r.health && r.health->disk) cut(r.health->disk->path);
    if (auto& p = r.power)
        for (std::string* s : {&p->state, &p->reason, &p->day_name, &p->since, &p->wakes, &p->sleeps, &p->backend, &p->panel,
                               &p->problem, &p->calendar})
            cut(*s);
    for (std::string* s : {&r.current.item, &r.playlist.file, &r.playlist.fetch_error, &r.playlist.fetch_reason, &r.playlist.note, &r.config_file}) cut(*s);
    for (auto* list : {&r.fleet.notices, &r.playlist.refused, &r.config_errors}) {
        for (std::string& s : *list) cut(s);
        if (list->size() > kMaxStatusEntries) {
            if (list == &r.fleet.notices) r.fleet.notices_omitted += list->size() - kMaxStatusEntries;
            list->resize(kMaxStatusEntries);
        }
    }
    if (r.items.size() > kMaxStatusEntries) {
        r.items_omitted += r.items.size() - kMaxStatusEntries;
        r.items.resize(kMaxStatusEntries);
    }
    while (size() > max_bytes) {
        if (r.items.empty() && r.fleet.notices.empty() && r.playlist.refused.empty() && r.config_errors.empty()) break;
        // The longest list goes first: a playlist of many items, or many notices in force.
        if (r.items.size() >= r.fleet.notices.size() && !r.items.empty()) r.items_omitted += halve(r.items);
        else if (!r.fleet.notices.empty()) r.fleet.notices_omitted += halve(r.fleet.notices);
        if (!r.playlist.refused.empty()) halve(r.playlist.refused);
        if (!r.config_errors.empty()) halve(r.config_errors);
    }
    return r;
}

Status write_status(const fs::path& file, const StatusReport& report) {
    // Outside text (ids, titles, errors quoting a file) may hold anything: never a throw here.
    return store::write_file_atomically(file, to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

Result<nlohmann::json> read_status(const fs::path& file) {
    auto bytes = files::read_regular_file(file, 4u << 20);
    if (!bytes) return bytes.error();
    nlohmann::json status = nlohmann::json::parse(*bytes, nullptr, false);
    if (status.is_discarded() || !status.is_object() || status.value("format", "") != kFormat)
        return make_error(file.string() + ": unreadable (not " + kFormat + ")");
    return status;
}

long resident_memory_kb() {
    std::ifstream in("/proc/self/statm");
    long size = 0, resident = 0;
    in >> size >> resident;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

void ProofOfPlay::append(const nlohmann::json& entry) {
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    if (fs::exists(file_, ec) && fs::file_size(file_, ec) >= max_bytes_) {
        fs::path older = file_;
        older += ".1";
        fs::rename(file_, older, ec);
    }
    std::ofstream out(file_, std::ios::app);
    out << entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out) log::once(log::Level::warning, "status", file_.string(), file_.string() + ": proof-of-play log cannot be written");
}

namespace {

// Field readers that never throw and never take more than the budget.
std::string text_of(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
    const auto& s = j[key].get_ref<const std::string&>();
    return s.size() <= kMaxStatusChars ? s : s.substr(0, kMaxStatusChars);
}
// An integer field within T's range, else `fallback` (a screen's 1e300 or -1 for a count).
template <typename T>
T number_of(const nlohmann::json& j, const char* key, T fallback = T{}) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) return fallback;
    const auto& v = j[key];
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return std::in_range<T>(u) ? static_cast<T>(u) : fallback;
    }
    const auto i = v.get<std::int64_t>();
    return std::in_range<T>(i) ? static_cast<T>(i) : fallback;
}
bool flag_of(const nlohmann::json& j, const char* key, bool fallback = false) {
    return j.is_object() && j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : fallback;
}
const nlohmann::json& object_of(const nlohmann::json& j, const char* key) {
    static const nlohmann::json none = nlohmann::json::object();
    return j.is_object() && j.contains(key) && j[key].is_object() ? j[key] : none;
}
// A finite number within [lo, hi], else none.
std::optional<double> real_of(const nlohmann::json& j, const char* key, double lo, double hi) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
    const double v = j[key].get<double>();
    return std::isfinite(v) && v >= lo && v <= hi ? std::optional<double>(v) : std::nullopt;
}
std::vector<std::string> texts_of(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    if (!j.is_object() || !j.contains(key) || !j[key].is_array()) return out;
    for (const auto& e : j[key]) {
        if (out.size() >= kMaxStatusEntries) break;
        if (e.is_string()) out.push_back(e.get<std::string>().substr(0, kMaxStatusChars));
    }
    return out;
}

Health health_of(const nlohmann::json& h) {
    Health out;
    out.temperature_c = real_of(h, "temperature_c", -273, 1000);
    out.thermal_zone = text_of(h, "thermal_zone");
    if (h.contains("disk") && h["disk"].is_object()) {
        const auto& d = h["disk"];
        out.disk = Health::Disk{text_of(d, "path"), number_of<std::uint64_t>(d, "free_bytes"),
                                number_of<std::uint64_t>(d, "total_bytes"), real_of(d, "free_percent", 0, 100).value_or(0)};
    }
    const auto& m = object_of(h, "memory");
    out.available_kb = number_of<long>(m, "available_kb");
    out.kiosk_rss_kb = number_of<long>(m, "kiosk_rss_kb");
    if (h.contains("load") && h["load"].is_array())
        for (const auto& l : h["load"]) {
            if (out.load.size() >= 3) break;
            out.load.push_back(l.is_number() && std::isfinite(l.get<double>()) && l.get<double>() >= 0 ? l.get<double>() : 0.0);
        }
    out.host_uptime_seconds = number_of<long>(h, "host_uptime_seconds");
    out.kiosk_uptime_seconds = number_of<long>(h, "kiosk_uptime_seconds");
    out.os = text_of(h, "os");
    const auto& d = object_of(h, "display");
    out.display = {text_of(d, "driver"), number_of<int>(d, "width"), number_of<int>(d, "height"), number_of<int>(d, "refresh_hz")};
    const auto& f = object_of(h, "frames");
    out.frames = {number_of<long>(f, "last_minute"), text_of(f, "sampled_at"), flag_of(f, "uniform"), text_of(f, "colour")};
    return out;
}

// "power": an unknown state is read as "on" (the console then shows the screen as it would
// an older one), never as asleep.
Power power_of(const nlohmann::json& j) {
    Power p;
    const std::string state = text_of(j, "state");
    p.state = state == "asleep" || state == "woken" ? state : "on";
    p.reason = text_of(j, "reason");
    p.day_name = text_of(j, "day_name");
    p.since = text_of(j, "since");
    p.wakes = text_of(j, "wakes");
    p.sleeps = text_of(j, "sleeps");
    if (j.contains("backend")) p.backend = text_of(j, "backend");
    if (j.contains("panel")) p.panel = text_of(j, "panel");
    p.problem = text_of(j, "problem");
    p.calendar = text_of(j, "calendar");
    return p;
}

}  // namespace

Result<StatusReport> from_json(const nlohmann::json& j) {
    if (!j.is_object() || text_of(j, "format") != kFormat) return make_error(std::string("not ") + kFormat);
    StatusReport r;
    r.version = text_of(j, "version");
    r.pid = number_of<long>(j, "pid");
    r.started = text_of(j, "started");
    r.updated = text_of(j, "updated");
    r.uptime_seconds = number_of<long>(j, "uptime_seconds");
    r.memory_kb = number_of<long>(j, "memory_kb");
    r.pages_shown = number_of<long>(j, "pages_shown");
    const auto& c = object_of(j, "current");
    r.current.standing = flag_of(c, "standing", true);
    r.current.interrupt = flag_of(c, "interrupt");
    r.current.item = text_of(c, "item");
    r.current.since = text_of(c, "since");
    r.current.until = text_of(c, "until");
    r.current.page = number_of<int>(c, "page", 1);
    r.current.of = number_of<std::size_t>(c, "of", 1);
    const auto& p = object_of(j, "playlist");
    r.playlist.file = text_of(p, "file");
    r.playlist.fetch_error = text_of(p, "fetch_error");
    r.playlist.fetch_reason = text_of(p, "fetch_reason");
    r.playlist.applied = text_of(p, "applied");
    r.playlist.refused_at = text_of(p, "refused_at");
    r.playlist.note = text_of(p, "note");
    r.playlist.version = number_of<int>(p, "version");
    r.playlist.items = number_of<std::size_t>(p, "items");
    r.playlist.refused = texts_of(p, "refused");
    const auto& cfg = object_of(j, "config");
    r.config_file = text_of(cfg, "file");
    r.config_errors = texts_of(cfg, "errors");
    if (j.contains("fleet") && j["fleet"].is_object()) {
        const auto& f = j["fleet"];
        r.fleet.enabled = true;
        r.fleet.connected = flag_of(f, "connected");
        r.fleet.notices = texts_of(f, "notices");
        r.fleet.notices_omitted = number_of<std::size_t>(f, "notices_omitted");
        r.fleet.groups = texts_of(f, "groups");
        r.fleet.hall = text_of(f, "hall");
        const auto& size = object_of(f, "size");
        r.fleet.width = number_of<int>(size, "width");
        r.fleet.height = number_of<int>(size, "height");
        for (const auto& [key, gen] : object_of(f, "applied").items()) {
            if (r.fleet.applied.size() >= kMaxStatusEntries) break;
            if (gen.is_number_integer() && gen.get<std::int64_t>() >= 0 && key.size() <= kMaxStatusChars)
                r.fleet.applied[key] = gen.get<std::uint64_t>();
        }
    }
    r.items_omitted = number_of<std::size_t>(j, "items_omitted");
    if (j.contains("health") && j["health"].is_object()) r.health = health_of(j["health"]);
    if (j.contains("power") && j["power"].is_object()) r.power = power_of(j["power"]);
    if (j.contains("items") && j["items"].is_array())
        for (const auto& it : j["items"]) {
            if (r.items.size() >= kMaxStatusEntries) break;
            if (!it.is_object()) continue;
            ItemStatus e;
            e.id = text_of(it, "id");
            e.title = text_of(it, "title");
            e.source = text_of(it, "source");
            e.loaded = text_of(it, "loaded");
            e.error = text_of(it, "error");
            e.reason = text_of(it, "reason");
            e.pages = number_of<std::size_t>(it, "pages");
            if (it.contains("fetch") && it["fetch"].is_object()) {
                const auto& f = it["fetch"];
                e.fetch = FetchHealth{text_of(f, "last_attempt"), text_of(f, "last_success"), text_of(f, "next_attempt"),
                                      text_of(f, "last_error"), number_of<int>(f, "failures"), flag_of(f, "withdrawn"),
                                      text_of(f, "reason")};
            }
            r.items.push_back(std::move(e));
        }
    return r;
}

namespace {
std::string decimal(double v, int places = 1) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(places);
    o << v;
    return o.str();
}
std::string duration(long seconds) {
    if (seconds >= 86400) return std::to_string(seconds / 86400) + "d " + std::to_string(seconds % 86400 / 3600) + "h";
    if (seconds >= 3600) return std::to_string(seconds / 3600) + "h " + std::to_string(seconds % 3600 / 60) + "m";
    return std::to_string(seconds / 60) + "m " + std::to_string(seconds % 60) + "s";
}

std::string describe_health(const Health& h) {
    std::ostringstream out;
    if (h.temperature_c)
        out << format(KIOSK_TR("temperature: {} °C (hottest zone: {})"), {decimal(*h.temperature_c), h.thermal_zone}) << "\n";
    else
        out << KIOSK_TR("temperature: unknown (no thermal zone)") << "\n";
    if (h.disk)
        out << format(KIOSK_TR("disk: {} free of {} ({}%) where the state lives ({})"),
                      {health::human_size(h.disk->free_bytes), health::human_size(h.disk->total_bytes),
                       decimal(h.disk->free_percent), h.disk->path})
            << "\n";
    std::string load;
    for (double l : h.load) load += (load.empty() ? "" : " ") + decimal(l, 2);
    out << format(KIOSK_TR("memory: {} MB available, the kiosk uses {} MB; load {}"),
                  {std::to_string(h.available_kb / 1024), std::to_string(h.kiosk_rss_kb / 1024), load})
        << "\n";
    out << format(KIOSK_TR("host up {}, kiosk up {}; {}"), {duration(h.host_uptime_seconds), duration(h.kiosk_uptime_seconds), h.os})
        << "\n";
    const auto& d = h.display;
    out << format(KIOSK_TR("display: {} {}x{}, refresh {}; {} frames presented in the last minute"),
                  {d.driver, std::to_string(d.width), std::to_string(d.height),
                   d.refresh_hz > 0 ? std::to_string(d.refresh_hz) + " Hz" : KIOSK_TR("unknown"), std::to_string(h.frames.last_minute)})
        << "\n";
    if (h.frames.sampled_at.empty()) out << KIOSK_TR("the presented frame has not been sampled yet") << "\n";
    else if (h.frames.uniform)
        out << format(KIOSK_TR("FRAME UNIFORM: the frame sampled at {} is all {}, yet the page is not meant to be blank"),
                      {h.frames.sampled_at, h.frames.colour})
            << "\n";
    else out << format(KIOSK_TR("the frame sampled at {} shows a drawn page"), {h.frames.sampled_at}) << "\n";
    return out.str();
}
}  // namespace

std::string describe_status(const StatusReport& s) {
    std::ostringstream out;
    out << format(KIOSK_TR("kiosk {}, running since {} (pid {}), memory {} MB"),
                  {s.version, s.started, std::to_string(s.pid), std::to_string(s.memory_kb / 1024)})
        << "\n";
    out << format(KIOSK_TR("status written {}"), {s.updated}) << "\n";
    const auto& c = s.current;
    if (c.standing)
        out << format(KIOSK_TR("now showing: the standing page (nothing scheduled), until {}"), {c.until});
    else
        out << format(KIOSK_TR("now showing: {} page {}/{}, until {}"),
                      {c.item, std::to_string(c.page), std::to_string(c.of), c.until});
    if (c.interrupt) out << " " << KIOSK_TR("(a notice, out of turn)");
    out << "\n";
    const auto& p = s.playlist;
    out << format(KIOSK_TR("playlist: {} (version {}, {} items, applied {})"),
                  {p.file, std::to_string(p.version), std::to_string(p.items), p.applied})
        << "\n";
    if (!p.fetch_error.empty() && p.refused.empty())
        out << format(KIOSK_TR("the playlist could not be fetched: {}; the last good one plays on"), {p.fetch_error}) << "\n";
    if (!p.refused.empty()) {
        out << format(KIOSK_TR("the last edit was REFUSED at {}; the previous playlist plays on:"), {p.refused_at}) << "\n";
        for (const auto& e : p.refused) out << "  " << e << "\n";
    }
    if (!p.note.empty()) out << format(KIOSK_TR("NOTE: {}"), {p.note}) << "\n";
    if (!s.config_errors.empty()) {
        out << format(KIOSK_TR("the configuration {} could NOT be used:"), {s.config_file}) << "\n";
        for (const auto& e : s.config_errors) out << "  " << e << "\n";
    }
    if (s.fleet.enabled) {
        out << (s.fleet.connected ? KIOSK_TR("fleet: connected to the broker") : KIOSK_TR("fleet: NOT connected to the broker (retrying)"));
        out << "\n";
        for (const auto& n : s.fleet.notices) out << "  " << format(KIOSK_TR("notice in force: {}"), {n}) << "\n";
        if (s.fleet.notices_omitted)
            out << "  " << format(KIOSK_TR("and {} more notices in force"), {std::to_string(s.fleet.notices_omitted)}) << "\n";
    }
    if (s.health) out << describe_health(*s.health);
    out << KIOSK_TR("items:") << "\n";
    for (const auto& it : s.items) {
        out << "  " << it.id << "  " << format(KIOSK_TR("{} pages"), {std::to_string(it.pages)}) << "  "
            << format(KIOSK_TR("loaded {}"), {it.loaded});
        if (!it.error.empty()) out << "  " << format(KIOSK_TR("ERROR: {}"), {it.error});
        out << "\n";
        if (it.fetch) {
            const auto& f = *it.fetch;
            out << "      " << format(KIOSK_TR("from {}"), {it.source}) << "\n";
            if (f.withdrawn)
                out << "      " << format(KIOSK_TR("WITHDRAWN from the screen: {}"), {f.last_error}) << "\n";
            else if (f.failures > 0)
                out << "      "
                    << format(KIOSK_TR("fetching FAILS ({} times in a row, last at {}): {}; the last good version "
                                       "({}) stays on screen; next try {}"),
                              {std::to_string(f.failures), f.last_attempt, f.last_error,
                               f.last_success.empty() ? KIOSK_TR("none yet") : f.last_success, f.next_attempt})
                    << "\n";
            else if (!f.last_success.empty())
                out << "      " << format(KIOSK_TR("fetched fine at {}; next check {}"), {f.last_success, f.next_attempt}) << "\n";
        }
    }
    return out.str();
}

}  // namespace kiosk::status
