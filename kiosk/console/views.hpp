#pragma once
// The console's answers shaped for its page: what a screen shows, what people call an item,
// the plays. Pure functions of the store's records (no HTTP, no broker).
#include <ctime>
#include <map>
#include <optional>
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
    bool known(const std::string& item_id) const { return names_.count(item_id) > 0; }
    const std::map<std::string, std::string>& all() const { return names_; }

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
// `zone`: the office's, for the wake time of a screen asleep (休眠（节假日，12月8日 08:15 开启）).
nlohmann::json screen_summary(const ScreenRecord& record, std::time_t now, const ItemNames& names, const DisplayNames& display,
                              const std::string& zone = "Asia/Shanghai");

// The whole 屏幕 page in one answer: every screen (problems first, then by name), the
// summary line of problems (3 块离线，1 块出错，2 块内容过期 — each screen counted once, by its
// worst), and the halls, floors and groups for the filters and the group name editor.
nlohmann::json screens_page(const std::vector<ScreenRecord>& records, std::time_t now, const ItemNames& names,
                            const DisplayNames& display, const std::string& zone = "Asia/Shanghai");

// What of a status changes what a screen shows (its notices, playlist and items; not the
// page turns): two statuses with the same fingerprint show the same content.
std::string content_fingerprint(const nlohmann::json& status);

// The 播放记录 rows: each with its item's name (the title filed with the plays, else what
// the console calls it now) and its screen's name.
nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names);
nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens);
std::string play_name(const PlaysRow& row, const ItemNames& names);
// The same as CSV for a spreadsheet (UTF-8 with a BOM, Chinese headers, names not ids).
std::string plays_csv(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens);

// Before a batch of plays is filed: each record gets the title it is kept under — the
// screen's (a notice's as 通知：…), else what the console calls the item now.
void name_plays(nlohmann::json& records, const ItemNames& names);

// What a clerk types into 内容 / 屏幕 matched as words: every word (split at spaces,
// full-width too) appears in the text, ASCII letters in any case.
bool words_match(const std::string& query, const std::string& text);
// The items a 内容 query means: those whose filed titles or current names match, or whose
// id is the query; nullopt for an empty query (any item).
std::optional<std::vector<std::string>> matching_items(const std::string& query,
                                                       const std::vector<std::pair<std::string, std::string>>& filed,
                                                       const ItemNames& names);
// The screens a 屏幕 query means: those whose name or id matches.
std::optional<std::vector<std::string>> matching_screens(const std::string& query, const std::vector<std::string>& ids,
                                                         const DisplayNames& screens);

// The one-sentence answer to 屏幕 × 内容 × 日期: per item and screen,
// 「2019年年度报告」昨天在 1楼东侧屏 完整播放 12 次（共 96 页）. `today` as YYYY-MM-DD.
nlohmann::json plays_answer(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens,
                            const std::string& screen_query, const std::string& item_query, const std::string& day,
                            const std::string& today);
// 今天, 昨天, 前天, else 12月5日 (another year: 2025年12月5日).
std::string day_words(const std::string& day, const std::string& today);

}  // namespace kiosk::console
