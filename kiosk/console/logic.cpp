#include "console/logic.hpp"

#include <limits>

#include "fleet/scope.hpp"

#include <algorithm>
#include <sstream>

namespace kiosk::console {

nlohmann::json to_json(const std::vector<FieldError>& errors) {
    nlohmann::json out = nlohmann::json::array();
    for (const FieldError& e : errors)
        out.push_back({{"item", e.item}, {"field", e.field}, {"index", e.index}, {"message", e.message}});
    return out;
}

std::vector<FieldError> check_playlist(const nlohmann::json& playlist, const config::KioskConfig& office, std::size_t max_bytes) {
    if (!playlist.is_object()) return {FieldError{-1, "", -1, "节目单格式不对"}};
    // Pretty-printed, as a person would write it: the checker's line:col then point at one field.
    const std::string text = playlist.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > max_bytes) return {FieldError{-1, "", -1, "节目单太大（超过 " + std::to_string(max_bytes / 1024) + " KB）"}};
    std::vector<FieldError> out;
    for (const config::Issue& i : config::check_playlist(text, "playlist", office, false).issues)
        out.push_back({i.item, i.item >= 0 ? i.field : "", i.index, i.message});
    // A 新旧对照 text left empty: on the console it can only be a web address (a published
    // playlist names no file on the screens' disks), said by the form's label.
    const nlohmann::json& items = playlist.contains("items") ? playlist["items"] : nlohmann::json();
    for (FieldError& e : out) {
        if ((e.field != "old" && e.field != "new") || !items.is_array() || e.item < 0 ||
            static_cast<std::size_t>(e.item) >= items.size())
            continue;
        const nlohmann::json& it = items[static_cast<std::size_t>(e.item)];
        if (it.is_object() && it.contains(e.field) && it[e.field].is_string() && config::trimmed(it[e.field].get<std::string>()).empty())
            e.message = std::string(e.field == "old" ? "请填写修订前的文本" : "请填写修订后的文本") +
                        "的网址，如 https://www.changchun.gov.cn/…";
    }
    return out;
}

nlohmann::json tidy_playlist(nlohmann::json playlist) {
    if (!playlist.is_object() || !playlist.contains("items") || !playlist["items"].is_array()) return playlist;
    auto trim = [](nlohmann::json& obj, const char* key) {
        if (obj.contains(key) && obj[key].is_string()) obj[key] = config::trimmed(obj[key].get<std::string>());
    };
    for (auto& item : playlist["items"]) {
        if (!item.is_object()) continue;
        for (const char* key : {"title", "source", "text", "old", "new", "effective"}) trim(item, key);
        if (!item.contains("schedule") || !item["schedule"].is_object()) continue;
        auto& s = item["schedule"];
        trim(s, "from");
        trim(s, "until");
        if (!s.contains("hours") || !s["hours"].is_array()) continue;
        for (auto& range : s["hours"]) {
            if (!range.is_string()) continue;
            const auto r = config::read_time_range(range.get<std::string>());
            if (r.problem == config::TimeRangeReading::Problem::none) range = r.normal;
            else range = config::trimmed(range.get<std::string>());
        }
    }
    return playlist;
}

namespace {
std::vector<std::string> lines_of(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_null()) return out;
    std::istringstream in(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}
}  // namespace

std::string json_diff(const nlohmann::json& before, const nlohmann::json& after) {
    const auto a = lines_of(before), b = lines_of(after);
    std::string out;
    // The LCS table is |a| x |b|: past four million cells, the whole of both instead.
    if (a.size() * b.size() > 4'000'000) {
        for (const auto& l : a) out += "- " + l + "\n";
        for (const auto& l : b) out += "+ " + l + "\n";
        return out;
    }
    const size_t n = a.size(), m = b.size();
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;) lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    struct Op {
        char kind;
        const std::string* line;
    };
    std::vector<Op> ops;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) ops.push_back({' ', &a[i++]}), ++j;
        else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push_back({'-', &a[i++]});
        else ops.push_back({'+', &b[j++]});
    }
    // Changed lines with one line of context either side.
    for (size_t k = 0; k < ops.size(); ++k) {
        const bool changed = ops[k].kind != ' ';
        const bool near = (k > 0 && ops[k - 1].kind != ' ') || (k + 1 < ops.size() && ops[k + 1].kind != ' ');
        if (changed || near) out += std::string(1, ops[k].kind) + " " + *ops[k].line + "\n";
    }
    return out;
}

std::string csv_cell(const std::string& value) {
    std::string v = value;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) v = "'" + v;
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

bool throttled(const Throttle& t, std::time_t now) { return t.locked_until > now; }

Throttle after_failure(Throttle t, std::time_t now) {
    if (t.locked_until != 0 && t.locked_until <= now) t = {};  // an old lock has run out
    if (++t.count >= kMaxLoginFailures) t.locked_until = now + kLockSeconds;
    return t;
}

bool json_within(std::string_view text, int depth, std::size_t elements) {
    int level = 0;
    std::size_t count = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++level > depth || ++count > elements) return false;
        } else if (c == ']' || c == '}') {
            --level;
        } else if (c == ',' && ++count > elements) {
            return false;
        }
    }
    return true;
}

bool json_nesting_within(std::string_view text, int depth) {
    return json_within(text, depth, std::numeric_limits<std::size_t>::max());
}

bool json_elements_within(std::string_view text, std::size_t elements) {
    return json_within(text, std::numeric_limits<int>::max(), elements);
}

std::string scope_label(const std::string& scope) {
    auto parsed = fleet::Scope::parse(scope);
    return parsed ? parsed->label() : scope;
}

}  // namespace kiosk::console
