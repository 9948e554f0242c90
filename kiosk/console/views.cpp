#include "console/views.hpp"

#include <cstdio>
#include <algorithm>
#include <set>

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "schedule/hall_day.hpp"
#include "console/logic.hpp"
#include "fleet/scope.hpp"
#include "health/readings.hpp"
#include "health/status.hpp"

namespace kiosk::console {

ItemNames::ItemNames(Store& store) {
    for (const auto& scope : store.playlist_scopes()) {
        const nlohmann::json p = store.playlist(scope).playlist;
        if (p.is_object() && p.contains("items") && p["items"].is_array())
            for (const auto& item : p["items"])
                if (item.is_object() && item.contains("id") && item["id"].is_string() && item.contains("title") && item["title"].is_string())
                    names_[item["id"].get<std::string>()] = item["title"].get<std::string>();
    }
    for (const auto& n : store.notices(0, true)) {
        auto scope = fleet::Scope::parse(n.scope);
        if (scope)
            names_[fleet::NoticeRef{*scope, n.id}.item_id()] = "通知：" + (n.title.empty() ? utf8::truncate(n.text, 60) : n.title);
    }
}

std::string ItemNames::name(const std::string& item_id) const {
    if (item_id == "(standing)") return "待机画面";
    if (auto it = names_.find(item_id); it != names_.end() && !it->second.empty()) return it->second;
    if (auto notice = fleet::NoticeRef::parse_item_id(item_id)) return "通知 " + notice->id;
    return item_id;
}

namespace {
// The screen's state in plain words, and its place on the page (0 first).
struct StateWords {
    const char* state;
    const char* text;
    int rank;
};
StateWords state_of(const ScreenRecord& r, std::time_t now) {
    if (r.state == "online") {
        // A screen that has said nothing for three of its status intervals (it repeats an
        // unchanged status every 60 s) is marked silent.
        if (r.heard > 0 && now - r.heard > 180) return {"silent", "无响应", 1};
        return {"online", "在线", 5};
    }
    if (r.state == "offline") return {"offline", "离线（连接中断）", 0};
    if (r.state == "disconnected") return {"disconnected", "已关机（正常关闭）", 4};
    return {"unknown", "还没有消息", 1};
}

// Why 截屏 / 立即刷新 cannot reach the screen now ("" when they can).
std::string why_unreachable(const std::string& state) {
    if (state == "disconnected") return "这块屏幕已关机，开机连上后才能截屏和立即刷新";
    if (state == "offline") return "这块屏幕离线（连接中断），恢复连接后才能截屏和立即刷新";
    if (state == "unknown") return "这块屏幕还没有连上过消息服务器";
    return "";
}

const char* kNoReason = "出错了（这块屏幕的软件没有报中文原因，请信息科查看屏幕的日志）";

// A panel asleep while the hall is closed, in the clerk's words (schedule::asleep_words, as
// the screens say it): 休眠（节假日，12月8日 08:15 开启）. The wake time is the status's, read in
// the office's zone.
std::string asleep_text(const status::Power& p, const std::string& zone) {
    schedule::PowerState st;
    st.on = false;
    st.reason = p.reason;
    st.day_name = p.day_name;
    if (!p.wakes.empty()) {
        std::string t = p.wakes;
        if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
        if (auto at = zone_time::parse_time("wakes", t, zone)) st.until = *at;
    }
    return schedule::asleep_words(st, zone);
}
}  // namespace

std::string content_fingerprint(const nlohmann::json& status) {
    auto report = status::from_json(status);
    if (!report) return "";
    const status::StatusReport& j = *report;
    std::string f = j.playlist.applied + "|" + std::to_string(j.playlist.version) + "|" + j.playlist.refused_at + "|";
    for (const auto& n : j.fleet.notices) f += n + ",";
    f += "|";
    for (const auto& it : j.items) f += it.id + "@" + it.loaded + (it.error.empty() ? "" : "!") + ",";
    return f;
}

nlohmann::json screen_summary(const ScreenRecord& r, std::time_t now, const ItemNames& names, const DisplayNames& display,
                              const std::string& zone) {
    const StateWords words = state_of(r, now);
    const std::string why_not = why_unreachable(words.state);
    nlohmann::json s = {{"id", r.id},
                        {"name", display.screen(r.id)},
                        {"named", display.named("screen", r.id)},
                        {"state", words.state},
                        {"state_text", words.text},
                        {"rank", words.rank},
                        {"problem", words.rank <= 1},
                        {"since", r.state_since},
                        {"heard", r.heard},
                        {"can_act", why_not.empty()},
                        {"why_not", why_not},
                        {"screenshot_at", r.screenshot_at},
                        {"screenshot_asked", r.screenshot_asked},
                        {"content_changed", r.content_changed},
                        {"hall", ""},
                        {"floor", ""},
                        {"floor_name", ""},
                        {"groups", nlohmann::json::array()},
                        {"showing", nullptr},
                        {"problems", nlohmann::json::array()},
                        {"notices", nlohmann::json::array()},
                        {"size", nullptr},
                        {"version", ""},
                        {"health", nullptr}};
    // The screenshot: none, asked and awaited, asked and not come back, current, or older
    // than the screen's last change of what it shows.
    std::string shot = r.screenshot_at ? "current" : "none";
    if (r.screenshot_asked > r.screenshot_at) shot = now - r.screenshot_asked > kScreenshotWait ? "late" : "waiting";
    else if (r.screenshot_at && r.content_changed > r.screenshot_at) shot = "old";
    s["screenshot"] = shot;
    if (shot == "late")
        s["screenshot_text"] = words.rank == 5 ? "截屏没有回来：屏幕 30 秒内没有回答，可能正忙或刚断开；可以再截一次"
                                               : "截屏没有回来：" + why_not;
    else if (shot == "old") s["screenshot_text"] = "旧截屏（之后画面已变）";
    else if (shot == "waiting") s["screenshot_text"] = "正在截屏…";
    else s["screenshot_text"] = "";
    auto report = status::from_json(r.status);
    if (!report) return s;
    const status::StatusReport& j = *report;
    if (j.fleet.enabled) {
        s["hall"] = j.fleet.hall;
        s["groups"] = j.fleet.groups;
        for (const auto& g : j.fleet.groups)
            if (g.rfind("floor/", 0) == 0) {
                s["floor"] = g.substr(6);
                s["floor_name"] = display.group(g);
            }
        for (const auto& n : j.fleet.notices) s["notices"].push_back(names.name(n));
        s["size"] = {{"width", j.fleet.width}, {"height", j.fleet.height}};
    }
    std::map<std::string, std::string> titles;
    // What a screen that is off last reported is listed, but does not move it on the page.
    const bool live = words.rank == 5 || std::string(words.state) == "silent";
    int worst = words.rank;
    for (const auto& it : j.items) {
        titles[it.id] = it.title;
        const std::string title = it.title.empty() ? names.name(it.id) : it.title;
        if (!it.error.empty()) {
            s["problems"].push_back({{"item", it.id}, {"title", title}, {"kind", "error"}, {"text", it.reason.empty() ? kNoReason : it.reason}});
            if (live) worst = std::min(worst, 2);
        } else if (it.fetch && it.fetch->failures > 0) {
            const std::string why = it.fetch->reason.empty() ? "取不到新内容（屏幕没有报中文原因）" : it.fetch->reason;
            s["problems"].push_back({{"item", it.id}, {"title", title}, {"kind", "stale"}, {"text", why + "；仍在显示上次取到的内容"}});
            if (live) worst = std::min(worst, 3);
        }
    }
    // A playlist the screen fetches from the portal and cannot get: the last good one plays on.
    if (!j.playlist.fetch_error.empty() && j.playlist.refused.empty()) {
        const std::string why = j.playlist.fetch_reason.empty() ? "取不到新节目单（屏幕没有报中文原因）" : j.playlist.fetch_reason;
        s["problems"].push_back({{"item", ""}, {"title", "节目单"}, {"kind", "stale"}, {"text", why + "；仍在播放上次取到的节目单"}});
        if (live) worst = std::min(worst, 3);
    }
    for (const auto& why : j.playlist.refused) {
        // The checker's words as the screen's language gave them: Chinese shown as said, an
        // English one (a screen not running under zh_CN) as what it means for the clerk.
        const bool chinese = std::any_of(why.begin(), why.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        s["problems"].push_back({{"item", ""}, {"title", ""}, {"kind", "refused"},
                                 {"text", chinese ? why : "屏幕检查后没有采用新节目单，仍在播放原来的（详情见屏幕日志）"}});
        if (live) worst = std::min(worst, 2);
    }
    // The hall's day (issue 28): an online screen whose panel sleeps is 休眠（…）, not a problem;
    // one woken for an urgent notice says so; a power backend that failed is a problem in the
    // screen's own Chinese words (a black page stands in for the panel).
    s["power"] = nullptr;
    if (const auto& p = j.power) {
        if (std::string(words.state) == "online" && p->state == "asleep") {
            s["state"] = "asleep";
            s["state_text"] = asleep_text(*p, zone);
        } else if (std::string(words.state) == "online" && p->state == "woken") {
            s["state"] = "woken";
            s["state_text"] = "紧急通知唤醒中";
        }
        s["power"] = {{"state", p->state}, {"problem", p->problem}};
        if (!p->problem.empty()) {
            s["problems"].push_back({{"item", ""}, {"title", ""}, {"kind", "power"}, {"text", p->problem}});
            if (live) worst = std::min(worst, 2);
        }
    }
    s["rank"] = worst;
    s["problem"] = worst <= 3;
    const auto& c = j.current;
    // A notice by its words (通知：今天下午…), an item by its title, else by what people call it.
    const std::string title = c.standing                                                 ? "待机画面"
                              : fleet::NoticeRef::parse_item_id(c.item)                  ? names.name(c.item)
                              : titles.count(c.item) && !titles[c.item].empty()          ? titles[c.item]
                                                                                         : names.name(c.item);
    s["showing"] = {{"standing", c.standing}, {"item", c.item}, {"title", title}, {"page", c.page}, {"of", c.of}, {"interrupt", c.interrupt}};
    s["updated"] = j.updated;
    s["version"] = j.version;
    // 温度 · 磁盘剩余: only what the screen said (an older screen says neither: nothing shown).
    if (j.health) {
        nlohmann::json health = {{"temperature_c", nullptr}, {"disk_free_percent", nullptr}, {"disk_free", ""}};
        if (j.health->temperature_c) health["temperature_c"] = *j.health->temperature_c;
        if (j.health->disk && j.health->disk->total_bytes > 0) {
            health["disk_free_percent"] = j.health->disk->free_percent;
            health["disk_free"] = health::human_size(j.health->disk->free_bytes);
        }
        s["health"] = std::move(health);
    }
    return s;
}

std::string play_name(const PlaysRow& row, const ItemNames& names) {
    return row.title.empty() ? names.name(row.item) : row.title;
}

nlohmann::json screens_page(const std::vector<ScreenRecord>& records, std::time_t now, const ItemNames& names,
                            const DisplayNames& display, const std::string& zone) {
    std::vector<nlohmann::json> list;
    list.reserve(records.size());
    for (const auto& r : records) list.push_back(screen_summary(r, now, names, display, zone));
    std::stable_sort(list.begin(), list.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        const int ra = a["rank"].get<int>(), rb = b["rank"].get<int>();
        if (ra != rb) return ra < rb;
        return a["name"].get<std::string>() < b["name"].get<std::string>();
    });
    // Each screen counted once, by its worst.
    int counts[6] = {0, 0, 0, 0, 0, 0};
    int unknown = 0;  // never said its state (or said one this console does not know): counted apart
    int asleep = 0;   // panels asleep while the hall is closed: told, not a problem
    std::set<std::string> halls, floors, groups;
    for (const auto& s : list) {
        const std::string& state = s["state"].get_ref<const std::string&>();
        const int rank = s["rank"].get<int>();
        if (state == "asleep") ++asleep;
        if (state == "unknown") ++unknown;
        else if (rank >= 0 && rank < 6) ++counts[rank];
        if (!s["hall"].get<std::string>().empty()) halls.insert(s["hall"].get<std::string>());
        if (!s["floor"].get<std::string>().empty()) floors.insert(s["floor"].get<std::string>());
        for (const auto& g : s["groups"]) groups.insert(g.get<std::string>());
    }
    static const char* const kWords[6] = {"离线", "无响应", "出错", "内容过期", "已关机", ""};
    std::string line;
    for (int i = 0; i < 5; ++i) {
        if (counts[i]) line += (line.empty() ? "" : "，") + std::to_string(counts[i]) + " 块" + kWords[i];
        if (i == 1 && unknown) line += (line.empty() ? "" : "，") + std::to_string(unknown) + " 块还没有消息";
    }
    const int problems = counts[0] + counts[1] + counts[2] + counts[3] + unknown;
    std::string summary = "共 " + std::to_string(list.size()) + " 块屏幕";
    if (list.empty()) summary += "。";
    else if (line.empty()) summary += asleep ? "，全部正常（其中 " + std::to_string(asleep) + " 块休眠）。" : "，全部正常。";
    else summary += "：" + line + (asleep ? "；另有 " + std::to_string(asleep) + " 块休眠" : "") + "。";
    nlohmann::json floor_list = nlohmann::json::array(), group_list = nlohmann::json::array();
    for (const auto& f : floors) floor_list.push_back({{"floor", f}, {"name", display.group("floor/" + f)}});
    for (const auto& g : groups) group_list.push_back({{"id", g}, {"name", display.group(g)}, {"named", display.named("group", g)}});
    return {{"screens", list},
            {"summary", {{"text", summary},
                         {"problems", problems},
                         {"offline", counts[0]},
                         {"silent", counts[1]},
                         {"unknown", unknown},
                         {"error", counts[2]},
                         {"stale", counts[3]},
                         {"disconnected", counts[4]},
                         {"asleep", asleep},
                         {"fine", counts[5]}}},
            {"halls", std::vector<std::string>(halls.begin(), halls.end())},
            {"floors", floor_list},
            {"groups", group_list}};
}

nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names) {
    return plays_json(rows, names, DisplayNames(std::map<std::pair<std::string, std::string>, std::string>{}));
}

nlohmann::json plays_json(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : rows)
        out.push_back({{"screen", p.screen}, {"screen_name", screens.screen(p.screen)}, {"item", p.item}, {"name", play_name(p, names)},
                       {"day", p.day}, {"plays", p.plays}, {"pages", p.plays}, {"showings", p.showings >= 0 ? nlohmann::json(p.showings) : nlohmann::json(nullptr)},
                       {"seconds", p.seconds}});
    return out;
}

std::string plays_csv(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens) {
    std::string csv = "\xEF\xBB\xBF" "日期,屏幕,内容,完整播放次数,显示页数,播放时长（秒）\r\n";  // the BOM: Excel reads UTF-8
    for (const auto& p : rows) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", p.seconds);
        csv += csv_cell(p.day) + "," + csv_cell(screens.screen(p.screen)) + "," + csv_cell(play_name(p, names)) + "," +
               (p.showings >= 0 ? std::to_string(p.showings) : std::string("不详")) + "," + std::to_string(p.plays) + "," +
               seconds + "\r\n";
    }
    return csv;
}

void name_plays(nlohmann::json& records, const ItemNames& names) {
    if (!records.is_array()) return;
    for (auto& r : records) {
        if (!r.is_object() || !r.contains("item") || !r["item"].is_string()) continue;
        const std::string item = r["item"].get<std::string>();
        std::string title = r.contains("title") && r["title"].is_string() ? utf8::truncate(utf8::sanitize(r["title"].get<std::string>()), 200) : "";
        if (r.value("standing", false)) {
            title = "";
        } else if (fleet::NoticeRef::parse_item_id(item)) {
            // A screen names a notice without a title 通知 / 紧急通知: the console's words say more.
            if (names.known(item) || title.empty() || title == "通知" || title == "紧急通知") title = names.name(item);
            else title = "通知：" + title;
        } else if (title.empty() && names.known(item)) {
            title = names.name(item);
        }
        r["title"] = title;
    }
}

namespace {
std::string trimmed(const std::string& s) {
    const auto words = s.find_first_not_of(" \t\r\n");
    if (words == std::string::npos) return "";
    return s.substr(words, s.find_last_not_of(" \t\r\n") - words + 1);
}
std::string ascii_lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}
std::vector<std::string> words_of(const std::string& query) {
    std::vector<std::string> out;
    std::u32string word;
    for (char32_t c : utf8::decode(query)) {
        if (c == U' ' || c == U'\t' || c == U'\u3000' || c == U',' || c == U'\uFF0C' || c == U'\u3001') {
            if (!word.empty()) out.push_back(ascii_lower(utf8::encode(word)));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) out.push_back(ascii_lower(utf8::encode(word)));
    return out;
}
}  // namespace

bool words_match(const std::string& query, const std::string& text) {
    const auto words = words_of(query);
    if (words.empty()) return false;
    const std::string t = ascii_lower(text);
    for (const auto& w : words)
        if (t.find(w) == std::string::npos) return false;
    return true;
}

std::optional<std::vector<std::string>> matching_items(const std::string& query,
                                                       const std::vector<std::pair<std::string, std::string>>& filed,
                                                       const ItemNames& names) {
    if (words_of(query).empty()) return std::nullopt;
    std::set<std::string> ids;
    const std::string q = trimmed(query);
    for (const auto& [id, title] : filed)
        if (id == q || words_match(query, title.empty() ? names.name(id) : title)) ids.insert(id);
    for (const auto& [id, name] : names.all())
        if (words_match(query, name)) ids.insert(id);
    if (words_match(query, names.name("(standing)"))) ids.insert("(standing)");
    return std::vector<std::string>(ids.begin(), ids.end());
}

std::optional<std::vector<std::string>> matching_screens(const std::string& query, const std::vector<std::string>& ids,
                                                         const DisplayNames& screens) {
    if (words_of(query).empty()) return std::nullopt;
    std::set<std::string> out;
    const std::string q = trimmed(query);
    for (const auto& id : ids)
        if (id == q || words_match(query, screens.screen(id)) || words_match(query, id)) out.insert(id);
    return std::vector<std::string>(out.begin(), out.end());
}

std::string day_words(const std::string& day, const std::string& today) {
    auto days_from_civil = [](const std::string& d) -> std::optional<long> {
        int y = 0, m = 0, dd = 0;
        if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &m, &dd) != 3) return std::nullopt;
        y -= m <= 2;
        const long era = (y >= 0 ? y : y - 399) / 400;
        const long yoe = y - era * 400;
        const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
        return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
    };
    const auto a = days_from_civil(day), b = days_from_civil(today);
    if (!a || !b) return day;
    if (*b - *a == 0) return "今天";
    if (*b - *a == 1) return "昨天";
    if (*b - *a == 2) return "前天";
    const int m = std::stoi(day.substr(5, 2)), d = std::stoi(day.substr(8, 2));
    const std::string md = std::to_string(m) + "月" + std::to_string(d) + "日";
    return day.substr(0, 4) == today.substr(0, 4) ? md : day.substr(0, 4) + "年" + md;
}

nlohmann::json plays_answer(const std::vector<PlaysRow>& rows, const ItemNames& names, const DisplayNames& screens,
                            const std::string& screen_query, const std::string& item_query, const std::string& day,
                            const std::string& today) {
    const std::string when = day.empty() ? "" : day_words(day, today);
    struct Sum {
        std::int64_t showings = 0, pages = 0;
        bool uncounted = false;
    };
    std::map<std::pair<std::string, std::string>, Sum> sums;  // (item's name, screen's name)
    for (const auto& r : rows) {
        Sum& s = sums[{play_name(r, names), screens.screen(r.screen)}];
        s.pages += r.plays;
        if (r.showings < 0) s.uncounted = true;
        else s.showings += r.showings;
    }
    nlohmann::json out = {{"sentences", nlohmann::json::array()}, {"found", !sums.empty()}};
    for (const auto& [key, s] : sums) {
        std::string line = "「" + key.first + "」" + when + "在 " + key.second + " ";
        if (s.uncounted && s.showings == 0) line += "显示了 " + std::to_string(s.pages) + " 页（这段时间的记录只数了页数）";
        else line += "完整播放 " + std::to_string(s.showings) + " 次（共 " + std::to_string(s.pages) + " 页）";
        out["sentences"].push_back(line);
        out["showings"] = out.value("showings", std::int64_t{0}) + s.showings;
    }
    if (sums.empty()) {
        const std::string what = trimmed(item_query).empty() ? "任何内容" : "「" + trimmed(item_query) + "」";
        const std::string where = trimmed(screen_query).empty() ? "任何屏幕" : "「" + trimmed(screen_query) + "」";
        out["sentences"].push_back(when + "在" + where + "上没有" + what + "的播放记录。可以换个词（标题里的字、屏幕名字里的字）或换个日期再查。");
    }
    return out;
}

}  // namespace kiosk::console
