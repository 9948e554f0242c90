#include "health/status.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/file_read.hpp"
#include "base/i18n.hpp"
#include "base/log.hpp"
#include "store/atomic_file.hpp"

namespace kiosk::status {
namespace fs = std::filesystem;
using i18n::format;

nlohmann::json to_json(const StatusReport& r) {
    nlohmann::json items = nlohmann::json::array();
    for (const ItemStatus& e : r.items) {
        nlohmann::json item = {{"id", e.id}, {"title", e.title}, {"source", e.source},
                               {"pages", e.pages}, {"loaded", e.loaded}, {"error", e.error}};
        if (e.fetch)
            item["fetch"] = {{"last_attempt", e.fetch->last_attempt}, {"last_success", e.fetch->last_success},
                             {"failures", e.fetch->failures},         {"last_error", e.fetch->last_error},
                             {"withdrawn", e.fetch->withdrawn},       {"next_attempt", e.fetch->next_attempt}};
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
             {{"file", p.file}, {"fetch_error", p.fetch_error}, {"version", p.version}, {"items", p.items},
              {"applied", p.applied}, {"refused", p.refused}, {"refused_at", p.refused_at}, {"note", p.note}}},
            {"config", {{"file", r.config_file}, {"errors", r.config_errors}}},
            {"items", items}};
    if (r.fleet.enabled)
        j["fleet"] = {{"connected", r.fleet.connected}, {"notices", r.fleet.notices}, {"applied", r.fleet.applied},
                      {"groups", r.fleet.groups}, {"hall", r.fleet.hall},
                      {"size", {{"width", r.fleet.width}, {"height", r.fleet.height}}}};
    return j;
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

std::string describe_status(const nlohmann::json& s) {
    std::ostringstream out;
    auto str = [](const nlohmann::json& j, const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    out << format(KIOSK_TR("kiosk {}, running since {} (pid {}), memory {} MB"),
                  {str(s, "version"), str(s, "started"), std::to_string(s.value("pid", 0)),
                   std::to_string(s.value("memory_kb", 0L) / 1024)})
        << "\n";
    out << format(KIOSK_TR("status written {}"), {str(s, "updated")}) << "\n";
    if (s.contains("current")) {
        const auto& c = s["current"];
        if (c.value("standing", false))
            out << format(KIOSK_TR("now showing: the standing page (nothing scheduled), until {}"), {str(c, "until")});
        else
            out << format(KIOSK_TR("now showing: {} page {}/{}, until {}"),
                          {str(c, "item"), std::to_string(c.value("page", 0)), std::to_string(c.value("of", 0)),
                           str(c, "until")});
        if (c.value("interrupt", false)) out << " " << KIOSK_TR("(a notice, out of turn)");
        out << "\n";
    }
    if (s.contains("playlist")) {
        const auto& p = s["playlist"];
        out << format(KIOSK_TR("playlist: {} (version {}, {} items, applied {})"),
                      {str(p, "file"), std::to_string(p.value("version", 0)), std::to_string(p.value("items", 0)),
                       str(p, "applied")})
            << "\n";
        if (!str(p, "fetch_error").empty() && (!p.contains("refused") || p["refused"].empty()))
            out << format(KIOSK_TR("the playlist could not be fetched: {}; the last good one plays on"),
                          {str(p, "fetch_error")})
                << "\n";
        if (p.contains("refused") && !p["refused"].empty()) {
            out << format(KIOSK_TR("the last edit was REFUSED at {}; the previous playlist plays on:"), {str(p, "refused_at")})
                << "\n";
            for (const auto& e : p["refused"]) out << "  " << e.get<std::string>() << "\n";
        }
    }
    if (s.contains("playlist") && !str(s["playlist"], "note").empty())
        out << format(KIOSK_TR("NOTE: {}"), {str(s["playlist"], "note")}) << "\n";
    if (s.contains("config") && s["config"].contains("errors") && s["config"]["errors"].is_array() &&
        !s["config"]["errors"].empty()) {
        out << format(KIOSK_TR("the configuration {} could NOT be used:"), {str(s["config"], "file")}) << "\n";
        for (const auto& e : s["config"]["errors"])
            if (e.is_string()) out << "  " << e.get<std::string>() << "\n";
    }
    if (s.contains("fleet") && s["fleet"].is_object()) {
        const auto& f = s["fleet"];
        out << (f.value("connected", false) ? KIOSK_TR("fleet: connected to the broker") : KIOSK_TR("fleet: NOT connected to the broker (retrying)"));
        out << "\n";
        if (f.contains("notices") && f["notices"].is_array())
            for (const auto& n : f["notices"])
                if (n.is_string()) out << "  " << format(KIOSK_TR("notice in force: {}"), {n.get<std::string>()}) << "\n";
    }
    if (s.contains("items")) {
        out << KIOSK_TR("items:") << "\n";
        for (const auto& it : s["items"]) {
            out << "  " << str(it, "id") << "  " << format(KIOSK_TR("{} pages"), {std::to_string(it.value("pages", 0))})
                << "  " << format(KIOSK_TR("loaded {}"), {str(it, "loaded")});
            if (!str(it, "error").empty()) out << "  " << format(KIOSK_TR("ERROR: {}"), {str(it, "error")});
            out << "\n";
            if (it.contains("fetch")) {
                const auto& f = it["fetch"];
                out << "      " << format(KIOSK_TR("from {}"), {str(it, "source")}) << "\n";
                if (f.value("withdrawn", false))
                    out << "      " << format(KIOSK_TR("WITHDRAWN from the screen: {}"), {str(f, "last_error")}) << "\n";
                else if (f.value("failures", 0) > 0)
                    out << "      "
                        << format(KIOSK_TR("fetching FAILS ({} times in a row, last at {}): {}; the last good version "
                                           "({}) stays on screen; next try {}"),
                                  {std::to_string(f.value("failures", 0)), str(f, "last_attempt"), str(f, "last_error"),
                                   str(f, "last_success").empty() ? KIOSK_TR("none yet") : str(f, "last_success"),
                                   str(f, "next_attempt")})
                        << "\n";
                else if (!str(f, "last_success").empty())
                    out << "      " << format(KIOSK_TR("fetched fine at {}; next check {}"),
                                              {str(f, "last_success"), str(f, "next_attempt")})
                        << "\n";
            }
        }
    }
    return out.str();
}

}  // namespace kiosk::status
