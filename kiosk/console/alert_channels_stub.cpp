// TEMPORARY (branch alerts): deliver() and next_attempt() until the `channels` branch brings
// console/alert_channels.cpp; removed by that merge. Delivers nothing.
#include "console/alert_channels.hpp"

#include <algorithm>

namespace kiosk::console {

DeliveryOutcome deliver(const AlertChannel&, const AlertMessage&) { return {false, "发送渠道还没有实现"}; }

std::time_t next_attempt(int attempts, std::time_t failed_at) {
    const int shift = std::clamp(attempts - 1, 0, 6);
    return failed_at + std::min<std::time_t>(60 << shift, 3600);
}

}  // namespace kiosk::console
