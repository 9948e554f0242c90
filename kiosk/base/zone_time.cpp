#include "base/zone_time.hpp"
#include <cstring>
#include <cstdlib>
#include <cstdio>

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>

namespace kiosk::zone_time {
namespace {

// One TimeZone per zone name and thread (ICU objects are not shared across threads here:
// each thread keeps its own, so no lock is needed). Owned by the thread's cache.
const icu::TimeZone& zone_named(const std::string& zone) {
    thread_local std::map<std::string, std::unique_ptr<icu::TimeZone>> cache;
    auto it = cache.find(zone);
    if (it == cache.end()) {
        if (cache.size() > 16) cache.clear();  // a handful of zones at most; never unbounded
        std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
        it = cache.emplace(zone, std::move(tz)).first;  // an unknown name gives ICU's GMT "Etc/Unknown"
    }
    return *it->second;
}

}  // namespace

long offset_at(std::time_t t, const std::string& zone) {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone_named(zone).getOffset(static_cast<UDate>(t) * 1000.0, false, raw, dst, status);
    return U_SUCCESS(status) ? static_cast<long>(raw + dst) / 1000 : 0;
}

std::tm local_fields(std::time_t t, const std::string& zone) {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone_named(zone).getOffset(static_cast<UDate>(t) * 1000.0, false, raw, dst, status);
    if (U_FAILURE(status)) raw = dst = 0;
    const std::time_t shifted = t + (raw + dst) / 1000;
    std::tm tm{};
    gmtime_r(&shifted, &tm);
    tm.tm_gmtoff = (raw + dst) / 1000;
    tm.tm_isdst = dst != 0;
    return tm;
}

namespace {
// The wall-clock fields read as UTC (month 1-12).
std::time_t fields_as_utc(int year, int month, int day, int hour, int minute, int second) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return timegm(&tm);
}
}  // namespace

std::time_t from_local(int year, int month, int day, int hour, int minute, int second, const std::string& zone) {
    const std::time_t as_utc = fields_as_utc(year, month, day, hour, minute, second);
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    // local = true: ICU reads the date as wall time in the zone.
    zone_named(zone).getOffset(static_cast<UDate>(as_utc) * 1000.0, true, raw, dst, status);
    return U_SUCCESS(status) ? as_utc - (raw + dst) / 1000 : as_utc;
}

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
    return fields_as_utc(y, mo, d, h, mi, s) - static_cast<std::time_t>(offset_minutes) * 60;
}


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


std::string format_short_time(std::time_t when, const std::string& zone) {
    const std::tm tm = zone_time::local_fields(when, zone);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf;
}

}  // namespace kiosk::zone_time
