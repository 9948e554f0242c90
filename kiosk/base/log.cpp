#include "base/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>

namespace kiosk::log {
namespace {
std::mutex g_mutex;
// KIOSK_LOG_LEVEL=debug shows page flips and other chatter; the default keeps the journal quiet.
Level initial_threshold() {
    const char* v = std::getenv("KIOSK_LOG_LEVEL");
    if (!v) return Level::info;
    std::string s = v;
    if (s == "debug") return Level::debug;
    if (s == "warning") return Level::warning;
    if (s == "error") return Level::error;
    return Level::info;
}
Level g_threshold = initial_threshold();
std::set<std::string>& seen_keys() {
    static std::set<std::string> keys;
    return keys;
}
bool under_journal() {
    static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    return journal;
}
}  // namespace

void set_threshold(Level level) {
    std::lock_guard lock(g_mutex);
    g_threshold = level;
}

void write(Level level, std::string_view tag, std::string_view message) {
    std::lock_guard lock(g_mutex);
    if (static_cast<int>(level) > static_cast<int>(g_threshold)) return;
    if (under_journal()) {
        std::fprintf(stderr, "<%d>%.*s: %.*s\n", static_cast<int>(level),
                     static_cast<int>(tag.size()), tag.data(), static_cast<int>(message.size()),
                     message.data());
    } else {
        const char* name = level == Level::error     ? "error"
                           : level == Level::warning ? "warning"
                           : level == Level::info    ? "info"
                                                     : "debug";
        std::fprintf(stderr, "kiosk %s [%.*s] %.*s\n", name, static_cast<int>(tag.size()),
                     tag.data(), static_cast<int>(message.size()), message.data());
    }
}

void once(Level level, std::string_view tag, std::string_view key, std::string_view message) {
    {
        std::lock_guard lock(g_mutex);
        if (!seen_keys().insert(std::string(tag) + '\x1f' + std::string(key)).second) return;
    }
    write(level, tag, message);
}

}  // namespace kiosk::log
