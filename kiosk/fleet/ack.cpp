#include "fleet/ack.hpp"

#include <array>
#include <utility>

namespace kiosk::fleet {

namespace {
bool has_cjk(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}
}  // namespace

bool replayed_reason(std::string_view reason) { return reason.find("(replayed)") != std::string_view::npos; }

std::string outcome_of(bool applied, std::string_view reason) {
    if (applied) return std::string(reason.rfind("kept;", 0) == 0 ? kAckKept : kAckShown);
    return std::string(replayed_reason(reason) ? kAckReplayed : kAckRefused);
}

std::string refusal_words(std::string_view reason) {
    if (reason.empty()) return "屏幕没有说明原因，请看这块屏幕的日志";
    if (has_cjk(reason)) return std::string(reason);
    // The refusals verify() and the screen's run loop state (fleet/signed.cpp, app/fleet_sync.cpp).
    static const std::array<std::pair<std::string_view, std::string_view>, 12> known = {{
        {"expired", "发布的内容已经过期，屏幕没有采用；请重新发布"},
        {"issued in the future", "屏幕的时钟比控制台慢，屏幕没有采用；请校准这块屏幕的时间"},
        {"signed by an unknown key", "屏幕不认识控制台的签名密钥，没有采用；请管理员把控制台的公钥加到这块屏幕的 kiosk.json"},
        {"bad signature", "签名核对不上，屏幕没有采用；请管理员检查这块屏幕 kiosk.json 里的控制台公钥"},
        {"too large", "内容太大，屏幕没有采用；请减少内容后重新发布"},
        {"meant for", "内容发到了不对的范围，屏幕没有采用；请重新发布"},
        {"cannot be kept", "屏幕存不下（磁盘满或没有写权限），没有采用；请管理员检查这块屏幕的磁盘"},
        {"no item", "这块屏幕的节目单里没有这一项"},
        {"is not supported", "这块屏幕的软件版本太旧，不支持这项操作；请升级屏幕的软件"},
        {"not a signed document", "内容格式不对，屏幕没有采用；请重新发布"},
        {"payload", "内容格式不对，屏幕没有采用；请重新发布"},
        {"a \"", "内容格式不对，屏幕没有采用；请重新发布"},
    }};
    for (const auto& [start, words] : known)
        if (reason.find(start) != std::string_view::npos) return std::string(words);
    return "屏幕没有采用（" + std::string(reason.substr(0, 200)) + "）；请看这块屏幕的日志";
}

}  // namespace kiosk::fleet
