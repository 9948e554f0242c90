#include "app/clock.hpp"

#include "base/zone_time.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kiosk::app {
namespace {

}  // namespace

Result<std::time_t> parse_time(const std::string& option, const std::string& text, const std::string& zone) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
    const char* p = text.c_str();
    auto bad = [&] {
        return make_error(option + ": \"" + text + "\" is not a time like 2026-11-27T09:30 or 2026-11-27T09:30:00+08:00");
    };
    if (std::sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return bad();
    p += consumed;
    if (*p == 'T' || *p == ' ') {
        ++p;
        if (std::sscanf(p, "%2d:%2d%n", &h, &mi, &consumed) != 2 || consumed != 5) return bad();
        p += consumed;
        if (*p == ':') {
            if (std::sscanf(p, ":%2d%n", &s, &consumed) != 1 || consumed != 3) return bad();
            p += consumed;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad();
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    if (*p == '\0') return zone_time::from_local(y, mo, d, h, mi, s, zone);
    int offset_minutes = 0;
    if (*p == 'Z' && p[1] == '\0') {
        offset_minutes = 0;
    } else if ((*p == '+' || *p == '-') && std::strlen(p) == 6 && p[3] == ':') {
        int oh = 0, om = 0;
        if (std::sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59) return bad();
        offset_minutes = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return bad();
    }
    return timegm(&tm) - static_cast<std::time_t>(offset_minutes) * 60;
}

long utc_offset(std::time_t when, const std::string& zone) { return zone_time::offset_at(when, zone); }

std::string format_iso_local(std::time_t when, const std::string& zone) {
    const std::tm tm = zone_time::local_fields(when, zone);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string format_clock(std::time_t when, const std::string& zone) {
    const std::tm tm = zone_time::local_fields(when, zone);
    static const char* const kWeekdays[] = {"日", "一", "二", "三", "四", "五", "六"};
    char buf[96];
    std::snprintf(buf, sizeof buf, "%d年%d月%d日 星期%s %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, kWeekdays[tm.tm_wday], tm.tm_hour, tm.tm_min);
    return buf;
}

}  // namespace kiosk::app

namespace kiosk::app {

std::string format_short_time(std::time_t when, const std::string& zone) {
    const std::tm tm = zone_time::local_fields(when, zone);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf;
}

}  // namespace kiosk::app
