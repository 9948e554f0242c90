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
// status::from_json); notices named by `names`.
nlohmann::json screen_summary(const ScreenRecord& record, std::time_t now, const ItemNames& names);

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
