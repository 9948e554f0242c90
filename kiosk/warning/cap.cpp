// One CAP 1.2 / GB/T 35965.1 message: <alert> and its chosen <info> as a warning::Message.
// The XML budgets are in cap_xml.cpp; here the text budgets, the required elements, times,
// references, the level and the region codes.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "warning/cap.hpp"
#include "warning/cap_xml.hpp"

namespace kiosk::warning {

const char* status_name(MsgStatus s) {
    switch (s) {
        case MsgStatus::actual: return "Actual";
        case MsgStatus::exercise: return "Exercise";
        case MsgStatus::system: return "System";
        case MsgStatus::test: return "Test";
        case MsgStatus::draft: return "Draft";
    }
    return "";
}

const char* type_name(MsgType t) {
    switch (t) {
        case MsgType::alert: return "Alert";
        case MsgType::update: return "Update";
        case MsgType::cancel: return "Cancel";
        case MsgType::ack: return "Ack";
        case MsgType::error: return "Error";
    }
    return "";
}

const char* severity_name(Severity s) {
    switch (s) {
        case Severity::extreme: return "Extreme";
        case Severity::severe: return "Severe";
        case Severity::moderate: return "Moderate";
        case Severity::minor: return "Minor";
        case Severity::unknown: return "Unknown";
    }
    return "";
}

std::vector<std::string> Message::region_codes() const {
    std::vector<std::string> out;
    for (const Area& a : areas)
        for (const std::string& c : a.region_codes)
            if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    return out;
}

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<int> number(std::string_view s, std::size_t at, std::size_t len) {
    if (at + len > s.size() || !all_digits(s.substr(at, len))) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

}  // namespace

std::optional<std::time_t> parse_cap_time(std::string_view t) {
    // YYYY-MM-DD[T ]hh:mm:ss[.fff](Z|±hh:mm|±hhmm)
    const auto y = number(t, 0, 4), mo = number(t, 5, 2), d = number(t, 8, 2);
    const auto h = number(t, 11, 2), mi = number(t, 14, 2), s = number(t, 17, 2);
    if (!y || !mo || !d || !h || !mi || !s || t.size() < 20) return std::nullopt;
    if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':') return std::nullopt;
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > kDays[static_cast<std::size_t>(*mo - 1)] + (*mo == 2 && leap(*y) ? 1 : 0))
        return std::nullopt;
    if (*h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    std::size_t i = 19;
    if (i < t.size() && t[i] == '.') {
        ++i;
        const std::size_t digits_from = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        if (i == digits_from) return std::nullopt;
    }
    long long offset = 0;
    const std::string_view zone = t.substr(i);
    if (zone == "Z") {
        offset = 0;
    } else if (zone.size() == 6 || zone.size() == 5) {
        if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
        const auto zh = number(zone, 1, 2);
        const auto zm = zone.size() == 6 ? (zone[3] == ':' ? number(zone, 4, 2) : std::nullopt) : number(zone, 3, 2);
        if (!zh || !zm || *zh > 14 || *zm > 59) return std::nullopt;
        offset = (*zh * 3600LL + *zm * 60LL) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;  // no zone (or junk after the time): refused, never guessed
    }
    const long long secs = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400LL +
                           *h * 3600LL + *mi * 60LL + std::min(*s, 59) - offset;
    return static_cast<std::time_t>(secs);
}

bool gbt_identifier(std::string_view id) {
    // ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N: 14 digits, the time sent, a serial (one digit in the
    // standard; a few more are accepted).
    if (id.size() < 31 || id.size() > 33 || id[14] != '_' || id[29] != '_') return false;
    if (!all_digits(id.substr(0, 14)) || !all_digits(id.substr(15, 14)) || !all_digits(id.substr(30))) return false;
    const auto mo = number(id, 19, 2), d = number(id, 21, 2);
    return mo && d && *mo >= 1 && *mo <= 12 && *d >= 1 && *d <= 31;
}

std::string gbt_issuer_region(std::string_view id) { return gbt_identifier(id) ? std::string(id.substr(0, 6)) : ""; }

namespace detail {
namespace {

// The colour a word names: Red/Orange/Yellow/Blue (any case), 红色…蓝色, 红…蓝, Ⅰ级…Ⅳ级 / I级…IV级, 一级…四级.
std::optional<Level> colour_word(std::string_view word) {
    const std::string w = lower(word);
    struct Word {
        const char* text;
        Level level;
    };
    // Roman numerals as GB/T 35965.1's 预警级别 writes them: Ⅰ级 (U+2160…) or I级.
    static constexpr std::array<Word, 24> kWords = {{
        {"red", Level::red},       {"红色", Level::red},       {"红", Level::red},       {"i级", Level::red},
        {"Ⅰ级", Level::red},      {"一级", Level::red},       {"orange", Level::orange}, {"橙色", Level::orange},
        {"橙", Level::orange},     {"ii级", Level::orange},    {"Ⅱ级", Level::orange},  {"二级", Level::orange},
        {"yellow", Level::yellow}, {"黄色", Level::yellow},    {"黄", Level::yellow},    {"iii级", Level::yellow},
        {"Ⅲ级", Level::yellow},   {"三级", Level::yellow},    {"blue", Level::blue},    {"蓝色", Level::blue},
        {"蓝", Level::blue},       {"iv级", Level::blue},      {"Ⅳ级", Level::blue},    {"四级", Level::blue},
    }};
    for (const Word& k : kWords)
        if (w == k.text) return k.level;
    return std::nullopt;
}

// The last "X色预警" in a text (a headline that upgrades names the new colour last).
std::optional<Level> colour_in_text(std::string_view text) {
    std::optional<Level> found;
    std::size_t best = 0;
    for (Level l : {Level::blue, Level::yellow, Level::orange, Level::red}) {
        const std::string needle = std::string(level_words(l)) + "预警";
        const std::size_t p = text.rfind(needle);
        if (p != std::string_view::npos && (!found || p >= best)) {
            found = l;
            best = p;
        }
    }
    return found;
}

Level level_of(Severity s) {
    switch (s) {
        case Severity::extreme: return Level::red;
        case Severity::severe: return Level::orange;
        case Severity::moderate: return Level::yellow;
        case Severity::minor: return Level::blue;
        case Severity::unknown: break;
    }
    return Level::none;
}

Severity severity_of(Level l) {
    switch (l) {
        case Level::red: return Severity::extreme;
        case Level::orange: return Severity::severe;
        case Level::yellow: return Severity::moderate;
        case Level::blue: return Severity::minor;
        case Level::none: break;
    }
    return Severity::unknown;
}

// A valueName that says GB/T 2260 行政区划代码, in the spellings platforms use.
bool region_value_name(std::string_view name) {
    std::string n;
    for (char c : lower(name))
        if (c != ' ' && c != '/' && c != '_' && c != '-' && c != '.') n += c;
    for (const char* k : {"2260", "行政区划", "区划代码", "区域代码", "地区代码"})
        if (n.find(k) != std::string::npos) return true;
    for (const char* k : {"areacode", "regioncode", "adcode", "admincode", "xzqh", "xzqhdm", "division"})
        if (n == k) return true;
    return false;
}

struct Reader {
    const char* what;

    std::string at(const xmlNode* n) const { return where(what, n); }

    // The element's text, at most `max_chars` characters.
    Result<std::string> text(const xmlNode* n, const char* label, std::size_t max_chars = kMaxFieldChars) const {
        std::string s = text_of(n);
        if (const std::size_t chars = char_count(s); chars > max_chars)
            return make_error(at(n) + label + "有 " + std::to_string(chars) + " 字，超过 " + std::to_string(max_chars) +
                              " 字的上限，没有处理");
        return s;
    }

    Result<std::time_t> time(const xmlNode* n, const char* label) const {
        auto s = text(n, label, 64);
        if (!s) return s.error();
        if (auto t = parse_cap_time(*s)) return *t;
        if (parse_cap_time(*s + "+08:00"))
            return make_error(at(n) + label + "“" + *s + "”没有时区，为免把时间猜错没有处理；应写成 2026-12-07T06:10:00+08:00");
        return make_error(at(n) + label + "“" + *s + "”不是 CAP 的时间写法，应写成 2026-12-07T06:10:00+08:00");
    }

    Result<std::vector<Reference>> references(const xmlNode* n) const {
        const std::string all = text_of(n);
        std::vector<Reference> out;
        std::size_t i = 0;
        while (i < all.size()) {
            if (std::isspace(static_cast<unsigned char>(all[i]))) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < all.size() && !std::isspace(static_cast<unsigned char>(all[end]))) ++end;
            const std::string triple = all.substr(i, end - i);
            i = end;
            if (out.size() == kMaxAreas)
                return make_error(at(n) + "引用（references）超过 " + std::to_string(kMaxAreas) + " 条，没有处理");
            const std::size_t c1 = triple.find(','), c2 = c1 == std::string::npos ? c1 : triple.find(',', c1 + 1);
            const auto sent = c2 == std::string::npos ? std::nullopt : parse_cap_time(triple.substr(c2 + 1));
            if (c2 == std::string::npos || c1 == 0 || c2 == c1 + 1 || !sent) {
                std::string shown = triple.size() > 120 ? triple.substr(0, 120) + "…" : triple;
                return make_error(at(n) + "引用（references）“" + shown +
                                  "”不是“发布者,标识,发布时间”的写法（例如 a@b.cn,ID123,2026-12-07T06:10:00+08:00）");
            }
            out.push_back(Reference{triple.substr(0, c1), triple.substr(c1 + 1, c2 - c1 - 1), *sent});
        }
        return out;
    }

    // The region codes a value holds (one, or several separated by spaces, commas or ;).
    Status codes(const xmlNode* n, const std::string& value, std::vector<std::string>& out, std::size_t& total) const {
        std::string token;
        auto flush = [&]() -> Status {
            if (token.empty()) return Ok{};
            if (!all_digits(token) || (token.size() != 6 && token.size() != 9 && token.size() != 12))
                return make_error(at(n) + "地区代码“" + (token.size() > 40 ? token.substr(0, 40) + "…" : token) +
                                  "”不是 6、9 或 12 位数字（GB/T 2260 行政区划代码）");
            if (++total > kMaxAreas)
                return make_error(at(n) + "地区代码超过 " + std::to_string(kMaxAreas) + " 个，没有处理");
            if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(token);
            token.clear();
            return Ok{};
        };
        for (std::size_t i = 0; i < value.size(); ++i) {
            const char c = value[i];
            if (c == ' ' || c == ',' || c == ';' || c == '\t' || c == '\n' || c == '\r') {
                if (Status s = flush(); !s) return s;
            } else if (value.compare(i, 3, "\xEF\xBC\x8C") == 0 || value.compare(i, 3, "\xE3\x80\x81") == 0) {  // ，、
                if (Status s = flush(); !s) return s;
                i += 2;
            } else {
                token += c;
            }
        }
        return flush();
    }
};

// Which <info> to read: zh-CN, then zh / zh-*, then no language, else the first.
const xmlNode* choose_info(const std::vector<const xmlNode*>& infos) {
    const xmlNode* best = nullptr;
    int best_rank = -1;
    for (const xmlNode* info : infos) {
        std::string language;
        for (const xmlNode* c = info->children; c; c = c->next)
            if (named(c, "language")) language = lower(text_of(c));
        int rank = 0;
        if (language == "zh-cn" || language == "zh-hans-cn") rank = 3;
        else if (language == "zh" || language.rfind("zh-", 0) == 0) rank = 2;
        else if (language.empty()) rank = 1;
        if (rank > best_rank) {
            best = info;
            best_rank = rank;
        }
    }
    return best;
}

Status read_info(const xmlNode* info, const Reader& r, Message& m) {
    std::optional<Level> severity_colour, code_colour;
    std::size_t text_chars = 0, total_codes = 0;
    for (const xmlNode* c = info->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (named(c, "event")) {
            auto s = r.text(c, "事件（event）");
            if (!s) return s.error();
            m.event = *s;
        } else if (named(c, "severity")) {
            auto s = r.text(c, "严重程度（severity）", 40);
            if (!s) return s.error();
            const std::string v = lower(*s);
            if (v == "extreme") m.severity = Severity::extreme;
            else if (v == "severe") m.severity = Severity::severe;
            else if (v == "moderate") m.severity = Severity::moderate;
            else if (v == "minor") m.severity = Severity::minor;
            else if (v == "unknown" || v.empty()) m.severity = Severity::unknown;
            else if (auto colour = colour_word(*s)) {
                severity_colour = colour;
                m.severity = severity_of(*colour);
            } else {
                return make_error(r.at(c) + "严重程度（severity）“" + *s +
                                  "”不认识，应为 Extreme、Severe、Moderate、Minor、Unknown 或 红色、橙色、黄色、蓝色");
            }
        } else if (named(c, "eventCode")) {
            for (const xmlNode* v = c->children; v; v = v->next)
                if (named(v, "value")) {
                    auto s = r.text(v, "事件代码（eventCode）", 100);
                    if (!s) return s.error();
                    if (!code_colour) code_colour = colour_word(*s);
                    if (!code_colour) code_colour = colour_in_text(*s);
                }
        } else if (named(c, "effective") || named(c, "expires")) {
            const bool effective = named(c, "effective");
            auto t = r.time(c, effective ? "生效时间（effective）" : "失效时间（expires）");
            if (!t) return t.error();
            (effective ? m.effective : m.expires) = *t;
        } else if (named(c, "senderName")) {
            auto s = r.text(c, "发布单位（senderName）");
            if (!s) return s.error();
            m.sender_name = *s;
        } else if (named(c, "headline")) {
            auto s = r.text(c, "标题（headline）");
            if (!s) return s.error();
            m.headline = *s;
        } else if (named(c, "description") || named(c, "instruction")) {
            const bool description = named(c, "description");
            auto s = r.text(c, description ? "描述（description）" : "防御指南（instruction）", kMaxTextChars);
            if (!s) return s.error();
            text_chars += char_count(*s);
            if (text_chars > kMaxTextChars)
                return make_error(r.at(c) + "描述和防御指南共有 " + std::to_string(text_chars) + " 字以上，超过 " +
                                  std::to_string(kMaxTextChars) + " 字的上限，没有处理");
            (description ? m.description : m.instruction) = *s;
        } else if (named(c, "area")) {
            if (m.areas.size() == kMaxAreas)
                return make_error(r.at(c) + "地区（area）超过 " + std::to_string(kMaxAreas) + " 个，没有处理");
            Area area;
            for (const xmlNode* a = c->children; a; a = a->next) {
                if (named(a, "areaDesc")) {
                    auto s = r.text(a, "地区名称（areaDesc）");
                    if (!s) return s.error();
                    area.description = *s;
                } else if (named(a, "geocode")) {
                    std::string value_name;
                    const xmlNode* value = nullptr;
                    for (const xmlNode* g = a->children; g; g = g->next) {
                        if (named(g, "valueName")) value_name = text_of(g);
                        else if (named(g, "value")) value = g;
                    }
                    if (!value || !region_value_name(value_name)) continue;  // another code system
                    auto s = r.text(value, "地区代码（geocode）");
                    if (!s) return s.error();
                    if (Status st = r.codes(value, *s, area.region_codes, total_codes); !st) return st;
                } else if (named(a, "areaCode") || named(a, "regionCode")) {  // the profile's own spelling
                    auto s = r.text(a, "地区代码（areaCode）");
                    if (!s) return s.error();
                    if (Status st = r.codes(a, *s, area.region_codes, total_codes); !st) return st;
                }
            }
            m.areas.push_back(std::move(area));
        }
    }
    // The level: the colour the message names, else the severity.
    if (severity_colour) m.level = *severity_colour;
    else if (code_colour) m.level = *code_colour;
    else if (auto h = colour_in_text(m.headline)) m.level = *h;
    else if (auto e = colour_in_text(m.event)) m.level = *e;
    else m.level = level_of(m.severity);
    return Ok{};
}

bool bad_identifier(std::string_view s) { return s.find_first_of(" \t\r\n,<&") != std::string_view::npos; }

}  // namespace

Result<Message> read_alert(const xmlNode* alert, const char* what) {
    const Reader r{what};
    Message m;
    const xmlNode *identifier = nullptr, *sender = nullptr, *sent = nullptr, *status = nullptr, *type = nullptr;
    std::vector<const xmlNode*> infos;
    for (const xmlNode* c = alert->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (named(c, "identifier") && !identifier) identifier = c;
        else if (named(c, "sender") && !sender) sender = c;
        else if (named(c, "sent") && !sent) sent = c;
        else if (named(c, "status") && !status) status = c;
        else if (named(c, "msgType") && !type) type = c;
        else if (named(c, "references")) {
            auto refs = r.references(c);
            if (!refs) return refs.error();
            m.references = std::move(*refs);
        } else if (named(c, "info")) {
            if (infos.size() == kMaxInfos)
                return make_error(r.at(c) + "内容（info）超过 " + std::to_string(kMaxInfos) + " 段，没有处理");
            infos.push_back(c);
        }
    }
    auto missing = [&](const char* label) { return make_error(r.at(alert) + "缺少" + label); };
    if (!identifier) return missing("标识（identifier）");
    if (!sender) return missing("发布者（sender）");
    if (!sent) return missing("发布时间（sent）");
    if (!status) return missing("状态（status）");
    if (!type) return missing("消息类型（msgType）");

    auto id = r.text(identifier, "标识（identifier）", 200);
    if (!id) return id.error();
    if (id->empty()) return make_error(r.at(identifier) + "标识（identifier）是空的");
    if (bad_identifier(*id)) return make_error(r.at(identifier) + "标识（identifier）“" + *id + "”里有空格或逗号，不是有效的标识");
    m.identifier = *id;
    m.profile = gbt_identifier(m.identifier) ? Profile::gbt35965 : Profile::cap12;

    auto from = r.text(sender, "发布者（sender）", 200);
    if (!from) return from.error();
    if (from->empty()) return make_error(r.at(sender) + "发布者（sender）是空的");
    if (bad_identifier(*from)) return make_error(r.at(sender) + "发布者（sender）“" + *from + "”里有空格或逗号，不是有效的发布者");
    m.sender = *from;

    auto when = r.time(sent, "发布时间（sent）");
    if (!when) return when.error();
    m.sent = *when;

    const std::string st = lower(text_of(status));
    if (st == "actual") m.status = MsgStatus::actual;
    else if (st == "exercise") m.status = MsgStatus::exercise;
    else if (st == "system") m.status = MsgStatus::system;
    else if (st == "test") m.status = MsgStatus::test;
    else if (st == "draft") m.status = MsgStatus::draft;
    else {
        const std::string shown = text_of(status).substr(0, 40);
        return make_error(r.at(status) + "状态（status）“" + shown + "”不认识，应为 Actual、Exercise、System、Test 或 Draft");
    }

    const std::string ty = lower(text_of(type));
    if (ty == "alert") m.type = MsgType::alert;
    else if (ty == "update") m.type = MsgType::update;
    else if (ty == "cancel") m.type = MsgType::cancel;
    else if (ty == "ack") m.type = MsgType::ack;
    else if (ty == "error") m.type = MsgType::error;
    else {
        const std::string shown = text_of(type).substr(0, 40);
        return make_error(r.at(type) + "消息类型（msgType）“" + shown + "”不认识，应为 Alert、Update、Cancel、Ack 或 Error");
    }
    if ((m.type == MsgType::update || m.type == MsgType::cancel) && m.references.empty())
        return make_error(r.at(type) + (m.type == MsgType::update ? "更新（Update）" : "撤销（Cancel）") +
                          "消息缺少引用（references），不知道它针对哪条预警");

    if (const xmlNode* info = choose_info(infos))
        if (Status s = read_info(info, r, m); !s) return s.error();
    return m;
}

}  // namespace detail

Result<Message> parse_message(std::string_view xml) {
    static constexpr const char* kWhat = "预警消息";
    auto doc = detail::read_xml(xml, kMaxMessageBytes, kWhat);
    if (!doc) return doc.error();
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    if (!detail::named(root, "alert"))
        return make_error(std::string(kWhat) + "的根元素是 <" + std::string(reinterpret_cast<const char*>(root->name)).substr(0, 40) +
                          ">，不是 CAP 预警（<alert>）");
    return detail::read_alert(root, kWhat);
}

}  // namespace kiosk::warning
