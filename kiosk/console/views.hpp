#pragma once
// The console's answers shaped for its page: what a screen shows, what people call an item,
// the plays. Pure functions of the store's records (no HTTP, no broker).
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
// status::from_json); notices named by `names`.
nlohmann::json screen_summary(const ScreenRecord& record, std::time_t now, const ItemNames& names);

// The 播放记录 rows: each with its item's name.
nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names);

}  // namespace kiosk::console
