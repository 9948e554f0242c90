#include "app/status.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/i18n.hpp"
#include "health/log.hpp"

namespace kiosk::app {
namespace fs = std::filesystem;
using i18n::format;

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

}  // namespace kiosk::app
