#include "config/opening_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/i18n.hpp"
#include "base/utf8.hpp"
#include "config/json_positions.hpp"

// kiosk.json "opening" (the hall's week, lunch, margins, the calendar file) and "power" (how
// the panel is switched off), and the week reader a calendar shares.
namespace kiosk::config::detail {

const char* const kWeekdayNames[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int weekday_index(const std::string& name) {
    for (int i = 0; i < 7; ++i)
        if (name == kWeekdayNames[i]) return i;
    return -1;
}

bool read_ranges(Checker& c, const json& v, const std::string& path, bool allow_empty, std::vector<TimeRange>& out) {
    if (!v.is_array() || (!allow_empty && v.empty())) {
        c.expected(path, v,
                   allow_empty ? KIOSK_N("a list of time ranges like [\"08:30-12:00\", \"13:00-17:00\"] ([] for a closed day)")
                               : KIOSK_N("a list of time ranges like [\"08:30-12:00\", \"13:00-17:00\"]"));
        return false;
    }
    if (v.size() > kMaxRangesPerDay) {
        c.error(path, format(KIOSK_TR("at most {} time ranges a day; this day has {}"),
                             {std::to_string(kMaxRangesPerDay), std::to_string(v.size())}));
        return false;
    }
    std::vector<TimeRange> ranges;
    bool good = true;
    for (size_t k = 0; k < v.size(); ++k) {
        if (auto r = time_range(c, element_path(path, k), v[k])) ranges.push_back(*r);
        else good = false;
    }
    if (!good) return false;
    // Ranges of one day that overlap say one time twice (8:30-12:00 and 11:00-17:00): most
    // likely a typing slip, and the panel's plan would not say what was meant.
    auto span = [](const TimeRange& r) { return std::pair<int, int>{r.start, r.end > r.start ? r.end : r.end + 24 * 60}; };
    auto words = [](const TimeRange& r) {
        char text[16];
        std::snprintf(text, sizeof text, "%02d:%02d-%02d:%02d", r.start / 60 % 24, r.start % 60, r.end / 60 % 24, r.end % 60);
        return std::string(text);
    };
    for (size_t k = 1; k < ranges.size(); ++k)
        for (size_t j = 0; j < k; ++j) {
            const auto [a0, a1] = span(ranges[j]);
            const auto [b0, b1] = span(ranges[k]);
            if (a0 < b1 && b0 < a1) {
                c.error(element_path(path, k), format(KIOSK_TR("the time ranges {} and {} overlap; give each time of the day once"),
                                                      {words(ranges[j]), words(ranges[k])}));
                return false;
            }
        }
    out = std::move(ranges);
    return true;
}

bool read_week(Checker& c, const json& obj, const std::string& path, const char* key, WeekHours& out) {
    if (!obj.contains(key)) return false;
    const std::string wp = child_path(path, key);
    const json& w = obj.at(key);
    if (!w.is_object()) {
        c.expected(wp, w, KIOSK_N("the week's hours, {\"mon\": [\"08:30-12:00\", \"13:00-17:00\"], …}"));
        return false;
    }
    WeekHours week;
    bool good = true;
    for (const auto& [day, value] : w.items()) {
        if (weekday_index(day) >= 0) continue;
        c.error(child_path(wp, day), format(KIOSK_TR("day \"{}\": write the days of the week as mon, tue, wed, thu, fri, sat or sun"),
                                            {utf8::printable(utf8::truncate(day, 40))}));
        good = false;
    }
    for (int d = 0; d < 7; ++d) {
        if (!w.contains(kWeekdayNames[d])) continue;  // closed
        good = read_ranges(c, w[kWeekdayNames[d]], child_path(wp, kWeekdayNames[d]), true, week.days[static_cast<size_t>(d)]) && good;
    }
    if (good) out = std::move(week);
    return good;
}

bool read_lunch(Checker& c, const json& obj, const std::string& path, bool& on_over_lunch) {
    if (!obj.contains("lunch")) return false;
    const json& v = obj["lunch"];
    if (!v.is_string() || (v.get<std::string>() != "on" && v.get<std::string>() != "off")) {
        c.expected(child_path(path, "lunch"), v, KIOSK_N("\"on\" (the panel stays on over lunch) or \"off\""));
        return false;
    }
    on_over_lunch = v.get<std::string>() == "on";
    return true;
}

void read_opening(Checker& c, const json& v, OpeningHours& out, std::string& calendar) {
    if (!c.object(v, "opening", {"hours", "lunch", "on_before_minutes", "off_after_minutes", "calendar"})) return;
    if (read_week(c, v, "opening", "hours", out.week)) out.configured = true;
    read_lunch(c, v, "opening", out.on_over_lunch);
    c.integer(v, "opening", "on_before_minutes", out.on_before_minutes, 0, 180);
    c.integer(v, "opening", "off_after_minutes", out.off_after_minutes, 0, 180);
    c.text(v, "opening", "calendar", calendar, true);
}

std::optional<std::string> panel_bytes(const std::string& written) {
    if (written.rfind("hex:", 0) != 0) return written;
    std::string digits;
    for (char ch : written.substr(4)) {
        if (ch == ' ') continue;
        if (!std::isxdigit(static_cast<unsigned char>(ch))) return std::nullopt;
        digits += ch;
    }
    if (digits.empty() || digits.size() % 2 != 0) return std::nullopt;
    std::string bytes;
    for (size_t i = 0; i < digits.size(); i += 2)
        bytes += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
    return bytes;
}

namespace {

bool read_bytes(Checker& c, const json& obj, const std::string& path, const char* key, std::string& out) {
    if (!obj.contains(key)) return false;
    const json& v = obj[key];
    std::optional<std::string> bytes = v.is_string() ? panel_bytes(v.get<std::string>()) : std::nullopt;
    if (!bytes) {
        c.expected(child_path(path, key), v, KIOSK_N("text like \"ka 01 01\\r\", or bytes like \"hex:AA 11 FE 01 01 11\""));
        return false;
    }
    if (bytes->size() > kMaxPanelBytes) {
        c.error(child_path(path, key), format(KIOSK_TR("at most {} bytes; this has {}"),
                                              {std::to_string(kMaxPanelBytes), std::to_string(bytes->size())}));
        return false;
    }
    out = std::move(*bytes);
    return true;
}

bool read_seconds(Checker& c, const json& obj, const std::string& path, const char* key, double& out, double max) {
    if (!obj.contains(key)) return false;
    const json& v = obj[key];
    if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > max) {
        c.error(child_path(path, key), format(KIOSK_TR("{} is not a number of seconds more than 0 and at most {}"),
                                              {shown(v), Checker::number_text(max)}));
        return false;
    }
    out = v.get<double>();
    return true;
}

}  // namespace

void read_power(Checker& c, const json& v, PowerSettings& out) {
    if (!c.object(v, "power", {"backend", "serial", "command", "cec"})) return;
    if (std::string backend; c.text(v, "power", "backend", backend)) {
        static const std::pair<const char*, PowerBackendKind> kKinds[] = {
            {"none", PowerBackendKind::none}, {"dpms", PowerBackendKind::dpms}, {"cec", PowerBackendKind::cec},
            {"serial", PowerBackendKind::serial}, {"command", PowerBackendKind::command}};
        auto at = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const auto& k) { return backend == k.first; });
        if (at == std::end(kKinds))
            c.expected("power.backend", v["backend"], KIOSK_N("one of \"none\", \"dpms\", \"cec\", \"serial\", \"command\""));
        else
            out.backend = at->second;
    }
    const bool serial_chosen = out.backend == PowerBackendKind::serial;
    if (v.contains("serial") &&
        c.object(v["serial"], "power.serial", {"device", "baud", "on", "off", "query", "on_reply", "off_reply", "timeout_seconds"})) {
        const json& s = v["serial"];
        SerialPower& sp = out.serial;
        if (c.text(s, "power.serial", "device", sp.device, true) && sp.device.front() != '/')
            c.expected("power.serial.device", s["device"], KIOSK_N("a device like \"/dev/ttyUSB0\""));
        if (s.contains("baud")) {
            static const int kBauds[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
            const json& b = s["baud"];
            if (!b.is_number_integer() || std::find(std::begin(kBauds), std::end(kBauds), b.get<long long>()) == std::end(kBauds))
                c.expected("power.serial.baud", b, KIOSK_N("one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200"));
            else
                sp.baud = b.get<int>();
        }
        for (auto [key, field] : {std::pair{"on", &sp.on}, {"off", &sp.off}, {"query", &sp.query}, {"on_reply", &sp.on_reply},
                                  {"off_reply", &sp.off_reply}})
            read_bytes(c, s, "power.serial", key, *field);
        for (const char* key : {"on", "off"})
            if (s.contains(key) && s[key].is_string() && s[key].get<std::string>().empty())
                c.error(child_path("power.serial", key), KIOSK_TR("the bytes to send cannot be empty"));
        if (!sp.query.empty() && sp.on_reply.empty() && sp.off_reply.empty() && !s.contains("on_reply") && !s.contains("off_reply"))
            c.error("power.serial.query", KIOSK_TR("a query needs \"on_reply\" or \"off_reply\": what the panel's answer "
                                                   "contains when it is on or off"));
        read_seconds(c, s, "power.serial", "timeout_seconds", sp.timeout_seconds, 30);
        if (serial_chosen) {
            if (!s.contains("device")) c.missing("power.serial", "device", KIOSK_N("the panel's serial port, like \"/dev/ttyUSB0\""));
            if (!s.contains("on")) c.missing("power.serial", "on", KIOSK_N("the bytes that switch the panel on"));
            if (!s.contains("off")) c.missing("power.serial", "off", KIOSK_N("the bytes that switch the panel off"));
        }
    } else if (serial_chosen && !v.contains("serial")) {
        c.missing("power", "serial", KIOSK_N("the panel's port and commands, {\"device\": …, \"on\": …, \"off\": …}"));
    }
    const bool command_chosen = out.backend == PowerBackendKind::command;
    if (v.contains("command") && c.object(v["command"], "power.command", {"program", "args", "timeout_seconds"})) {
        const json& cmd = v["command"];
        CommandPower& cp = out.command;
        if (c.text(cmd, "power.command", "program", cp.program, true) && cp.program.front() != '/')
            c.expected("power.command.program", cmd["program"], KIOSK_N("an absolute path like \"/usr/local/bin/panel-power\""));
        if (cmd.contains("args")) {
            const json& a = cmd["args"];
            if (!a.is_array() || a.size() > 16 ||
                !std::all_of(a.begin(), a.end(), [](const json& x) { return x.is_string(); }))
                c.expected("power.command.args", a, KIOSK_N("a list of up to 16 strings"));
            else
                for (const json& x : a) cp.args.push_back(x.get<std::string>());
        }
        read_seconds(c, cmd, "power.command", "timeout_seconds", cp.timeout_seconds, 120);
        if (command_chosen && !cmd.contains("program"))
            c.missing("power.command", "program", KIOSK_N("the program to run with on, off or query"));
    } else if (command_chosen && !v.contains("command")) {
        c.missing("power", "command", KIOSK_N("the program to run, {\"program\": \"/usr/local/bin/panel-power\"}"));
    }
    if (v.contains("cec") && c.object(v["cec"], "power.cec", {"port", "device"})) {
        c.text(v["cec"], "power.cec", "port", out.cec.port);
        c.integer(v["cec"], "power.cec", "device", out.cec.device, 0, 15);
    }
}

}  // namespace kiosk::config::detail
