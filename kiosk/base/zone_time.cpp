#include "base/zone_time.hpp"

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

std::time_t from_local(int year, int month, int day, int hour, int minute, int second, const std::string& zone) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t as_utc = timegm(&tm);  // the wall-clock fields read as UTC
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    // local = true: ICU reads the date as wall time in the zone.
    zone_named(zone).getOffset(static_cast<UDate>(as_utc) * 1000.0, true, raw, dst, status);
    return U_SUCCESS(status) ? as_utc - (raw + dst) / 1000 : as_utc;
}

}  // namespace kiosk::zone_time
