#pragma once
// The console's answers shaped for its page: what a screen shows, what people call an item,
// the plays. Pure functions of the store's records (no HTTP, no broker).
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "console/names.hpp"
#include "console/store.hpp"

namespace kiosk::console {

// What people call each item a screen reports: published items by their titles, notices by
// their title or first words, a notice the console no longer knows by its id, the standing
// page as 待机画面. Never an internal id when a name exists.
class ItemNames {
public:
    explicit ItemNames(Store& store);
    std::string name(const std::string& item_id) const;

private:
    std::map<std::string, std::string> names_;
};

// What the 屏幕 page shows of one screen, from its state and last status (read with
// status::from_json); notices named by `names`, the screen and its floor by `display`.
// Its state in plain words: online 在线, disconnected 已关机（正常关闭） (the screen said it
// was stopping), offline 离线（连接中断） (the broker's last will), silent 无响应 (online but
// quiet for three status intervals), unknown 还没有消息. Its problems in Chinese (the
// screen's own Chinese reason; never its English), what it shows or last showed, whether
// 截屏 / 立即刷新 can reach it (and why not), the screenshot's state (waiting, late after
// kScreenshotWait seconds, old when what the screen shows changed after it), and `rank`:
// the order of the page (0 the worst: offline first, then silent, error, stale, shut down,
// fine).
inline constexpr std::time_t kScreenshotWait = 30;
nlohmann::json screen_summary(const ScreenRecord& record, std::time_t now, const ItemNames& names, const DisplayNames& display);

// The whole 屏幕 page in one answer: every screen (problems first, then by name), the
// summary line of problems (3 块离线，1 块出错，2 块内容过期 — each screen counted once, by its
// worst), and the halls, floors and groups for the filters and the group name editor.
nlohmann::json screens_page(const std::vector<ScreenRecord>& records, std::time_t now, const ItemNames& names,
                            const DisplayNames& display);

// What of a status changes what a screen shows (its notices, playlist and items; not the
// page turns): two statuses with the same fingerprint show the same content.
std::string content_fingerprint(const nlohmann::json& status);

// The 播放记录 rows: each with its item's name.
nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names);

}  // namespace kiosk::console
