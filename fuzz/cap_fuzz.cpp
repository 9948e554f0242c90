// What an upstream warning platform (or whoever sits between it and the office) could send:
// any bytes as one CAP / GB/T 35965.1 message and as a feed. Nothing may crash, hang, leak
// or expand an entity, and what is accepted must keep the budgets of warning/cap.hpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "warning/cap.hpp"

namespace {
void check(const kiosk::warning::Message& m) {
    using namespace kiosk::warning;
    if (m.identifier.empty() || m.sender.empty()) std::abort();
    if (m.areas.size() > kMaxAreas || m.region_codes().size() > kMaxAreas) std::abort();
    if (m.description.size() + m.instruction.size() > kMaxTextChars * 4) std::abort();  // UTF-8: ≤ 4 bytes a character
    for (const auto& code : m.region_codes())
        if (code.size() != 6 && code.size() != 9 && code.size() != 12) std::abort();
    if (m.profile == Profile::gbt35965 && gbt_issuer_region(m.identifier).size() != 6) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto m = kiosk::warning::parse_message(bytes)) check(*m);
    if (auto feed = kiosk::warning::parse_feed(bytes)) {
        if (feed->size() > kiosk::warning::kMaxFeedMessages + 1) std::abort();
        for (const auto& entry : *feed)
            if (entry.message) check(*entry.message);
    }
    kiosk::warning::parse_cap_time(bytes.substr(0, 64));
    return 0;
}
