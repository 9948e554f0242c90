// Any bytes as kiosk.json, playlist.json (local and published) or the hall's calendar: the JSON lint, nlohmann,
// the position scanner and the checker. Nothing may crash, hang, throw or leak; every
// message is valid UTF-8 and starts with the file's name and a position.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/utf8.hpp"
#include "config/calendar.hpp"
#include "config/config.hpp"
#include "config/json_lint.hpp"

using namespace kiosk;

namespace {
void check_message(const std::string& m, const std::string& name) {
    if (!utf8::is_valid(m)) std::abort();
    if (m.rfind(name, 0) != 0) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)config::lint_json(text);
    config::KioskConfig cfg;
    cfg.file = "/etc/kiosk/kiosk.json";
    cfg.network.allowed_hosts = {"www.changchun.gov.cn", ".jl.gov.cn"};
    for (bool local : {true, false}) {
        auto pl = config::parse_playlist(text, "playlist.json", cfg, local);
        if (!pl) check_message(pl.error().message, "playlist.json");
        else
            for (const auto& item : pl->items)
                if (item.id.empty() || !utf8::is_valid(item.id)) std::abort();  // ids are checked
    }
    auto k = config::parse_kiosk_config(text, "/etc/kiosk/kiosk.json");
    if (!k) check_message(k.error().message, "kiosk.json");
    auto cal = config::parse_calendar(text, "calendar.json");
    if (!cal) check_message(cal.error().message, "calendar.json");
    else
        for (size_t i = 1; i < cal->days.size(); ++i)  // sorted, no overlaps, at most 60 days each
            if (cal->days[i].first_day <= cal->days[i - 1].last_day || cal->days[i].last_day - cal->days[i].first_day > 60)
                std::abort();
    return 0;
}
