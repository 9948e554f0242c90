// The office's mapping rules for official warnings: parsed and checked (errors in Chinese
// for the admin on the 预警 page), written back, and the region matching (GB/T 2260).
// The decisions built on them are in decide.cpp.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "fleet/scope.hpp"
#include "warning/rules.hpp"

namespace kiosk::warning {

namespace {

constexpr std::array<std::pair<MsgStatus, const char*>, 5> kStatuses = {{
    {MsgStatus::actual, "Actual"},
    {MsgStatus::exercise, "Exercise"},
    {MsgStatus::system, "System"},
    {MsgStatus::test, "Test"},
    {MsgStatus::draft, "Draft"},
}};
constexpr std::array<Level, 5> kLevels = {Level::red, Level::orange, Level::yellow, Level::blue, Level::none};
constexpr std::array<Action, 4> kActions = {Action::publish, Action::approve, Action::ignore, Action::test};

// The rules' own spelling of a status (CAP's), kept here so the rules do not depend on the
// parser's tables.
const char* status_key(MsgStatus s) {
    for (const auto& [status, key] : kStatuses)
        if (status == s) return key;
    return "Actual";
}
// "none" in the rules (level_name says "" for it).
std::string level_key(Level l) { return l == Level::none ? "none" : level_name(l); }
std::optional<Level> parse_level_key(const std::string& key) {
    if (key == "none") return Level::none;
    if (key.empty()) return std::nullopt;
    return parse_level(key);
}
std::optional<Action> parse_action(const std::string& name) {
    for (Action a : kActions)
        if (name == action_name(a)) return a;
    return std::nullopt;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A value quoted for an error: short, valid, one line.
std::string shown(const nlohmann::json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return "“" + utf8::truncate(s, 40) + "”";
}

constexpr const char* kActionHelp = "publish（立即发布）、approve（等审批）、ignore（不发布）或 test（只发到测试屏幕）";
constexpr const char* kLevelActionHelp = "publish（立即发布）、approve（等审批）或 ignore（不发布）";
constexpr const char* kScopeHelp = "应为 all（全部屏幕）、group/分组名 或 screen/屏幕编号，名字只用字母、数字和 - _ .";
constexpr const char* kTitleHelp = "填 headline（用预警自带的标题），或如 {sender}发布{event}{level}预警 的模板";

class Errors {
public:
    void add(std::string e) {
        ++count_;
        if (list_.size() < 5) list_.push_back(std::move(e));
    }
    bool any() const { return count_ > 0; }
    Error error() const {
        std::string s;
        for (const auto& e : list_) s += (s.empty() ? "" : "；") + e;
        if (count_ > list_.size()) s += "；……另有 " + std::to_string(count_ - list_.size()) + " 处问题";
        return make_error("预警规则没有保存：" + s);
    }

private:
    std::vector<std::string> list_;
    std::size_t count_ = 0;
};

// A scope list: each a fleet scope string, deduplicated in order. `where` names the list.
std::vector<std::string> parse_scope_list(const nlohmann::json& v, const std::string& where, std::size_t most, Errors& errors) {
    std::vector<std::string> out;
    if (!v.is_array()) {
        errors.add(where + "：屏幕范围应是一个列表，如 [\"all\"] 或 [\"group/hall\"]");
        return out;
    }
    if (v.size() > most) {
        errors.add(where + "：屏幕范围有 " + std::to_string(v.size()) + " 个，最多 " + std::to_string(most) + " 个，请合并成分组");
        return out;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto& s = v[i];
        std::optional<fleet::Scope> scope;
        if (s.is_string()) scope = fleet::Scope::parse(s.get<std::string>());
        if (!scope) {
            errors.add(where + "：第 " + std::to_string(i + 1) + " 个屏幕范围" + shown(s) + "不对，" + kScopeHelp);
            continue;
        }
        const std::string str = scope->str();
        if (std::find(out.begin(), out.end(), str) == out.end()) out.push_back(str);
    }
    return out;
}

void parse_regions(const nlohmann::json& v, Rules& r, Errors& errors) {
    if (!v.is_array()) {
        errors.add("地区规则应是一个列表，如 [{\"code\": \"2201\", \"scopes\": [\"all\"]}]");
        return;
    }
    if (v.size() > kMaxRuleRegions) {
        errors.add("地区规则有 " + std::to_string(v.size()) + " 条，最多 " + std::to_string(kMaxRuleRegions) +
                   " 条，请用上一级的代码合并（如用 2201 代替长春市下各区的代码）");
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string where = "第 " + std::to_string(i + 1) + " 条地区规则";
        const auto& rule = v[i];
        if (!rule.is_object()) {
            errors.add(where + "：应写成 {\"code\": \"2201\", \"scopes\": [\"all\"]}");
            continue;
        }
        RegionRule rr;
        for (const auto& [key, value] : rule.items())
            if (key != "code" && key != "scopes") errors.add(where + "：有不认识的项" + shown(key) + "，只能有 code 和 scopes，请删去");
        if (!rule.contains("code")) {
            errors.add(where + "：缺少地区代码（code），如 \"2201\"");
        } else if (const auto& code = rule["code"];
                   !code.is_string() || !all_digits(code.get<std::string>()) || region_prefix(code.get<std::string>()).empty()) {
            errors.add(where + "：地区代码" + shown(code) +
                       "不对，应为 2、4、6、9 或 12 位数字，写在引号里（省 2 位如 \"22\"，市 4 位如 \"2201\"，区县 6 位如 \"220102\"）");
        } else {
            rr.code = code.get<std::string>();
        }
        if (!rule.contains("scopes"))
            errors.add(where + "：缺少屏幕范围（scopes），如 [\"all\"] 或 [\"group/hall\"]");
        else
            rr.scopes = parse_scope_list(rule["scopes"], where, kMaxRuleScopes, errors);
        if (rule.contains("scopes") && rule["scopes"].is_array() && rule["scopes"].empty())
            errors.add(where + "：没有填屏幕范围，至少填一个，如 all（全部屏幕）；不需要这条规则就删去");
        r.regions.push_back(std::move(rr));
    }
}

template <typename Key>
void parse_actions(const nlohmann::json& v, const std::string& where, const std::string& example,
                   const std::function<std::optional<Key>(const std::string&)>& parse_key, const std::string& keys_help,
                   bool allow_test, std::map<Key, Action>& out, Errors& errors) {
    if (!v.is_object()) {
        errors.add(where + "应写成如 " + example);
        return;
    }
    for (const auto& [key, value] : v.items()) {
        const auto k = parse_key(key);
        if (!k) {
            errors.add(where + "：" + shown(key) + "不认识，应为 " + keys_help);
            continue;
        }
        std::optional<Action> a;
        if (value.is_string()) a = parse_action(value.template get<std::string>());
        if (!a || (!allow_test && *a == Action::test)) {
            errors.add(where + "：" + key + " 的处理方式" + shown(value) + "不对，应为 " + (allow_test ? kActionHelp : kLevelActionHelp));
            continue;
        }
        out[*k] = *a;
    }
}

// The placeholders of a title template, checked: only {sender} {event} {level} {area}.
bool check_title(const std::string& title, Errors& errors) {
    if (title.empty() || title.find_first_not_of(" \t") == std::string::npos) {
        errors.add(std::string("标题没有填，") + kTitleHelp);
        return false;
    }
    if (title.find_first_of("\r\n") != std::string::npos) {
        errors.add(std::string("标题只能有一行，") + kTitleHelp);
        return false;
    }
    if (utf8::decode(title).size() > kMaxRuleTitleChars) {
        errors.add("标题有 " + std::to_string(utf8::decode(title).size()) + " 个字，最多 " + std::to_string(kMaxRuleTitleChars) + " 个字");
        return false;
    }
    if (title == "headline") return true;
    for (std::size_t at = title.find('{'); at != std::string::npos; at = title.find('{', at + 1)) {
        const std::size_t end = title.find('}', at);
        const std::string name = end == std::string::npos ? title.substr(at) : title.substr(at, end - at + 1);
        if (name != "{sender}" && name != "{event}" && name != "{level}" && name != "{area}") {
            errors.add("标题里的" + shown(name) + "不认识，只能用 {sender}（发布单位）、{event}（预警种类）、{level}（颜色等级）、{area}（地区）");
            return false;
        }
    }
    if (title.find('}') != std::string::npos && title.find('{') == std::string::npos) {
        errors.add("标题里的“}”没有配对的“{”，" + std::string(kTitleHelp));
        return false;
    }
    return true;
}

}  // namespace

const char* action_name(Action a) {
    switch (a) {
        case Action::publish: return "publish";
        case Action::approve: return "approve";
        case Action::ignore: return "ignore";
        case Action::test: return "test";
    }
    return "ignore";
}

Rules default_rules() {
    Rules r;
    r.statuses = {{MsgStatus::actual, Action::publish},
                  {MsgStatus::exercise, Action::test},
                  {MsgStatus::test, Action::test},
                  {MsgStatus::system, Action::ignore},
                  {MsgStatus::draft, Action::ignore}};
    r.levels = {{Level::red, Action::publish},
                {Level::orange, Action::publish},
                {Level::yellow, Action::publish},
                {Level::blue, Action::approve},
                {Level::none, Action::approve}};
    return r;
}

Result<Rules> parse_rules(const nlohmann::json& j) {
    if (!j.is_object())
        return make_error("预警规则应是一个 JSON 对象，如 {\"format\": \"warning-rules/1\", \"regions\": [{\"code\": \"2201\", \"scopes\": [\"all\"]}]}");
    // Budgets before the work: the counts, then the whole size.
    if (j.contains("regions") && j["regions"].is_array() && j["regions"].size() > kMaxRuleRegions)
        return make_error("预警规则没有保存：地区规则有 " + std::to_string(j["regions"].size()) + " 条，最多 " +
                          std::to_string(kMaxRuleRegions) + " 条，请用上一级的代码合并（如用 2201 代替长春市下各区的代码）");
    if (j.contains("test_scopes") && j["test_scopes"].is_array() && j["test_scopes"].size() > kMaxTestScopes)
        return make_error("预警规则没有保存：测试屏幕有 " + std::to_string(j["test_scopes"].size()) + " 个，最多 " +
                          std::to_string(kMaxTestScopes) + " 个，请把测试屏幕放进一个分组");
    const std::size_t bytes = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
    if (bytes > kMaxRulesBytes)
        return make_error("预警规则有 " + std::to_string(bytes / 1024) + " KB，超过 64 KB 的上限，没有保存；请用上一级的地区代码或分组合并规则");

    Errors errors;
    Rules r = default_rules();
    for (const auto& [key, value] : j.items()) {
        if (key == "format") {
            if (value != "warning-rules/1") errors.add("规则格式" + shown(value) + "不认识，应为 \"warning-rules/1\"");
        } else if (key == "regions") {
            parse_regions(value, r, errors);
        } else if (key == "statuses") {
            parse_actions<MsgStatus>(
                value, "状态规则", "{\"Actual\": \"publish\", \"Exercise\": \"test\"}",
                [](const std::string& k) -> std::optional<MsgStatus> {
                    for (const auto& [status, name] : kStatuses)
                        if (k == name) return status;
                    return std::nullopt;
                },
                "Actual（正式）、Exercise（演练）、Test（测试）、System（系统）或 Draft（草稿）", true, r.statuses, errors);
        } else if (key == "levels") {
            parse_actions<Level>(value, "等级规则", "{\"red\": \"publish\", \"blue\": \"approve\"}", parse_level_key,
                                 "red（红色）、orange（橙色）、yellow（黄色）、blue（蓝色）或 none（没有等级）", false, r.levels, errors);
        } else if (key == "test_scopes") {
            r.test_scopes = parse_scope_list(value, "测试屏幕", kMaxTestScopes, errors);
        } else if (key == "title") {
            if (!value.is_string())
                errors.add(std::string("标题应写在引号里，") + kTitleHelp);
            else if (check_title(value.get<std::string>(), errors))
                r.title = value.get<std::string>();
        } else {
            errors.add("规则里有不认识的项" + shown(key) + "，只能有 format、regions、statuses、test_scopes、levels 和 title，请删去");
        }
    }
    if (errors.any()) return errors.error();
    return r;
}

Result<Rules> parse_rules_text(std::string_view text) {
    if (text.size() > kMaxRulesBytes)
        return make_error("预警规则有 " + std::to_string(text.size() / 1024) + " KB，超过 64 KB 的上限，没有保存；请用上一级的地区代码或分组合并规则");
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error("预警规则不是正确的 JSON（多了或少了逗号、引号或括号），没有保存");
    return parse_rules(j);
}

nlohmann::json rules_json(const Rules& rules) {
    nlohmann::json j;
    j["format"] = "warning-rules/1";
    j["regions"] = nlohmann::json::array();
    for (const auto& rr : rules.regions) j["regions"].push_back({{"code", rr.code}, {"scopes", rr.scopes}});
    j["statuses"] = nlohmann::json::object();
    for (const auto& [status, action] : rules.statuses) j["statuses"][status_key(status)] = action_name(action);
    j["test_scopes"] = rules.test_scopes;
    j["levels"] = nlohmann::json::object();
    for (Level l : kLevels)
        if (auto it = rules.levels.find(l); it != rules.levels.end()) j["levels"][level_key(l)] = action_name(it->second);
    j["title"] = rules.title;
    return j;
}

std::string region_prefix(std::string_view code) {
    if (!all_digits(code)) return "";
    std::string c(code);
    // Each level's zeros stand for "the whole of the level above": 12 → 9 → 6 → 4 → 2.
    auto strip = [&c](std::size_t from, std::size_t zeros) {
        if (c.size() == from && c.compare(from - zeros, zeros, std::string(zeros, '0')) == 0) c.resize(from - zeros);
    };
    if (c.size() != 2 && c.size() != 4 && c.size() != 6 && c.size() != 9 && c.size() != 12) return "";
    strip(12, 3);
    strip(9, 3);
    strip(6, 2);
    strip(4, 2);
    if (c == "00") return "";  // no area (a province code is never 00)
    return c;
}

bool region_matches(std::string_view rule_code, std::string_view message_code) {
    const std::string a = region_prefix(rule_code), b = region_prefix(message_code);
    if (a.empty() || b.empty()) return false;
    return a.size() <= b.size() ? b.compare(0, a.size(), a) == 0 : a.compare(0, b.size(), b) == 0;
}

std::vector<std::string> mapped_scopes(const Message& m, const Rules& rules) {
    std::vector<std::string> codes;
    for (const auto& area : m.areas)
        for (const auto& code : area.region_codes) codes.push_back(code);
    std::vector<std::string> out;
    for (const auto& rule : rules.regions) {
        const bool hit = std::any_of(codes.begin(), codes.end(), [&](const std::string& c) { return region_matches(rule.code, c); });
        if (!hit) continue;
        for (const auto& s : rule.scopes)
            if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    return out;
}

std::string notice_id_for(const std::string& first_identifier) {
    constexpr std::size_t kHashHex = 12, kMaxId = 64;
    const std::string prefix = "yj-";
    const bool safe = config::topic_safe_name(first_identifier, false) && prefix.size() + first_identifier.size() <= kMaxId;
    auto looks_hashed = [&](const std::string& s) {
        if (s.size() < kHashHex + 1 || s[s.size() - kHashHex - 1] != '-') return false;
        return std::all_of(s.end() - kHashHex, s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    };
    if (safe && !looks_hashed(first_identifier)) return prefix + first_identifier;
    // FNV-1a, 64 bits, of the whole identifier; 48 of them written.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : first_identifier) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    std::string body;
    for (unsigned char c : first_identifier) {
        if (body.size() >= kMaxId - prefix.size() - kHashHex - 1) break;
        body += (std::isalnum(c) && c < 0x80) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '_';
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (std::size_t i = 0; i < kHashHex; ++i) hex += kHex[(h >> (4 * (kHashHex - 1 - i))) & 0xF];
    return prefix + body + "-" + hex;
}

}  // namespace kiosk::warning
