// What a broker in the wrong hands could send a screen: any bytes as a desired-state
// document on any of its topics. Nothing may crash, hang or leak, and nothing unsigned may
// pass: with no trusted key that signed it, verify must refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fleet/signed.hpp"
#include "fleet/topics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // A fixed trusted key nobody holds the secret of: every document must be refused.
    static const std::vector<kiosk::config::TrustedKey> keys = {{"office-2026", "J8l8BFFuQyRNTYPPH/U3peopwUiLxDUD0L1jmoUsK28="}};
    for (const auto& arrival : {kiosk::fleet::Arrival{"all", "refresh", ""}, kiosk::fleet::Arrival{"group/floor/1", "notice", "drill"}})
        if (kiosk::fleet::verify(bytes, keys, arrival, 1'800'000'000, 0).ok()) std::abort();
    // The same bytes as a topic name.
    if (auto a = kiosk::fleet::parse_desired_topic(bytes))
        if (!kiosk::fleet::valid_scope(a->scope) || a->kind.empty()) std::abort();
    return 0;
}
