// What becomes of one official warning under the office's rules (the lifecycle: Alert,
// Update, Cancel, duplicates, expiry), and the notice it becomes: its title, text, end,
// level and mode. Pure: the time, the office's records and the zone are passed in.
#include <algorithm>

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "config/config.hpp"
#include "warning/rules.hpp"

namespace kiosk::warning {

namespace {

std::string status_words(MsgStatus s) {
    switch (s) {
        case MsgStatus::actual: return "正式";
        case MsgStatus::exercise: return "演练";
        case MsgStatus::system: return "系统";
        case MsgStatus::test: return "测试";
        case MsgStatus::draft: return "草稿";
    }
    return "";
}

// "橙色预警", or "没有颜色等级的预警".
std::string level_phrase(Level l) { return l == Level::none ? std::string("没有颜色等级的预警") : std::string(level_words(l)) + "预警"; }

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == U'\f' || c == U'\v' || c == 0x3000 || c == 0xA0; }

// One line: whitespace runs (newlines included) become one space, dropped between two CJK
// characters (a wrapped line's break); control characters dropped; trimmed.
std::string one_line(std::string_view text) {
    const std::u32string in = utf8::decode(text);
    auto cjk = [](char32_t c) { return c >= 0x2E80; };
    std::u32string out;
    bool pending_space = false;
    for (char32_t c : in) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) continue;
        if (pending_space && !(cjk(out.back()) && cjk(c))) out += U' ';
        pending_space = false;
        out += c;
    }
    return utf8::encode(out);
}

// Paragraphs (one a line), each tidied, empty ones dropped.
std::string paragraphs(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string line = one_line(text.substr(start, end - start));
        if (!line.empty()) out += (out.empty() ? "" : "\n") + line;
        start = end + 1;
    }
    return out;
}

std::string cap_chars(const std::string& s, std::size_t most) {
    std::u32string u = utf8::decode(s);
    if (u.size() <= most) return s;
    u.resize(most - 1);
    return utf8::encode(u) + "…";
}

std::string event_of(const Message& m) {
    std::string e = one_line(m.event);
    const std::string suffix = "预警";
    if (e.size() > suffix.size() && e.compare(e.size() - suffix.size(), suffix.size(), suffix) == 0) e.resize(e.size() - suffix.size());
    return e;
}

std::string area_of(const Message& m) {
    std::vector<std::string> names;
    for (const auto& a : m.areas) {
        std::string n = one_line(a.description);
        if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
    }
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 3; ++i) out += (i ? "、" : "") + names[i];
    if (names.size() > 3) out += "等";
    return out;
}

std::string fill(const std::string& tmpl, const Message& m) {
    const std::string sender = one_line(m.sender_name.empty() ? m.sender : m.sender_name);
    const std::pair<std::string, std::string> subs[] = {
        {"{sender}", sender}, {"{event}", event_of(m)}, {"{level}", level_words(m.level)}, {"{area}", area_of(m)}};
    std::string out;
    for (std::size_t i = 0; i < tmpl.size();) {
        bool replaced = false;
        for (const auto& [key, value] : subs)
            if (tmpl.compare(i, key.size(), key) == 0) {
                out += value;
                i += key.size();
                replaced = true;
                break;
            }
        if (!replaced) out += tmpl[i++];
    }
    return out;
}

std::string codes_of(const Message& m) {
    std::vector<std::string> codes;
    for (const auto& a : m.areas)
        for (const auto& c : a.region_codes)
            if (std::find(codes.begin(), codes.end(), c) == codes.end()) codes.push_back(c);
    std::string out;
    for (std::size_t i = 0; i < codes.size() && i < 5; ++i) out += (i ? "、" : "") + utf8::truncate(codes[i], 16);
    if (codes.size() > 5) out += " 等 " + std::to_string(codes.size()) + " 个";
    return out;
}

bool is_sentence_end(char32_t c) {
    return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'!' || c == U'?' || c == U';' || c == U'\n';
}

Action status_action(const Rules& rules, MsgStatus s) {
    if (auto it = rules.statuses.find(s); it != rules.statuses.end()) return it->second;
    return default_rules().statuses.at(s);
}
Action level_action(const Rules& rules, Level l) {
    if (auto it = rules.levels.find(l); it != rules.levels.end()) return it->second;
    return default_rules().levels.at(l);
}

}  // namespace

std::string warning_title(const Message& m, const Rules& rules) {
    std::string title;
    if (rules.title == "headline" || rules.title.empty()) {
        title = one_line(m.headline);
        if (title.empty()) {
            const bool has_sender = !one_line(m.sender_name.empty() ? m.sender : m.sender_name).empty();
            title = fill(has_sender ? "{sender}发布{event}{level}预警" : "{event}{level}预警", m);
        }
    } else {
        title = one_line(fill(rules.title, m));
        if (title.empty()) title = fill("{event}{level}预警", m);
    }
    return cap_chars(title, kMaxWarningTitleChars);
}

std::string warning_text(const Message& m) {
    std::string text = paragraphs(m.description);
    std::string instruction = paragraphs(m.instruction);
    if (!instruction.empty()) {
        if (instruction.rfind("防御指南", 0) != 0) instruction = "防御指南：" + instruction;
        text += (text.empty() ? "" : "\n") + instruction;
    }
    if (text.empty()) return warning_title(m, default_rules());
    std::u32string u = utf8::decode(text);
    const std::size_t most = config::kMaxInlineTextChars;
    if (u.size() <= most) return text;
    // Cut after the last sentence end that leaves room for the mark, if one is in the
    // second half; else at the limit.
    std::size_t cut = most - 1;
    for (std::size_t i = most - 1; i > most / 2; --i)
        if (is_sentence_end(u[i - 1])) {
            cut = i;
            break;
        }
    u.resize(cut);
    while (!u.empty() && (u.back() == U'\n' || u.back() == U' ')) u.pop_back();
    return utf8::encode(u) + "…";
}

Decision decide(const Message& m, const Rules& rules, std::time_t now,
                const std::function<std::optional<Known>(const std::string& identifier)>& known, const std::string& zone) {
    Decision d;
    auto ignore = [&d](std::string reason) {
        d.kind = Decision::Kind::ignore;
        d.reason = std::move(reason);
        d.scopes.clear();
        return d;
    };
    if (m.type == MsgType::ack) return ignore("这是一条确认消息（Ack），不在屏幕上显示");
    if (m.type == MsgType::error) return ignore("这是一条出错通知（Error），不在屏幕上显示");
    if (m.identifier.empty()) return ignore("消息没有标识（identifier），无法判断是否收到过，没有处理");
    if (known(m.identifier)) return ignore("同一条消息已收到过");
    const Action by_status = status_action(rules, m.status);
    if (by_status == Action::ignore) return ignore(status_words(m.status) + "消息按规则不发布");

    // The messages this one refers to, and the one that matters: the last published, else
    // the last waiting, else the last the office knows.
    std::vector<std::string> referenced;
    std::optional<Known> primary;
    for (const auto& ref : m.references) {
        if (ref.identifier.empty() || std::find(referenced.begin(), referenced.end(), ref.identifier) != referenced.end()) continue;
        referenced.push_back(ref.identifier);
        if (auto k = known(ref.identifier)) {
            const int rank = k->published ? 3 : k->waiting ? 2 : 1;
            const int best = !primary ? 0 : primary->published ? 3 : primary->waiting ? 2 : 1;
            if (rank >= best) primary = std::move(k);
        }
    }
    auto id_of = [](const Known& k) { return k.notice_id.empty() ? notice_id_for(k.identifier) : k.notice_id; };

    if (m.type == MsgType::cancel) {
        if (referenced.empty()) return ignore("撤销消息没有注明要撤销哪条预警，无法处理");
        d.replaces = referenced;
        if (primary && (primary->published || primary->waiting)) {
            d.kind = Decision::Kind::cancel;
            d.notice_id = id_of(*primary);
            if (primary->published) {
                d.scopes = primary->scopes;
                d.reason = "发布单位撤销了这条预警，从屏幕上撤下";
            } else {
                d.reason = "发布单位撤销了这条预警，等待审批的那条不再发布";
            }
            return d;
        }
        d.replaces.clear();
        if (primary) return ignore("要撤销的预警已不在屏幕上（已撤下、已过期或没有发布），无需处理");
        return ignore("要撤销的预警本单位没有收到过，无需处理");
    }

    // The notice it becomes.
    const std::time_t start = m.effective ? m.effective : m.sent;
    std::time_t until = m.expires ? m.expires : start + kDefaultWarningSeconds;
    std::string until_note;
    if (!m.expires) until_note = "；消息没有注明有效期，按发布后 24 小时显示到 " + zone_time::format_short_time(until, zone);
    if (until > now + kMaxWarningSeconds) {
        until = now + kMaxWarningSeconds;
        until_note = "；有效期超过 7 天，屏幕上只显示到 " + zone_time::format_short_time(until, zone);
    }
    std::string expired;
    if (m.expires && m.expires <= now)
        expired = "已过期（有效期到 " + zone_time::format_short_time(m.expires, zone) + "）";
    else if (!m.expires && until <= now)
        expired = "已过期（消息没有注明有效期，按发布后 24 小时算，到 " + zone_time::format_short_time(until, zone) + " 已结束）";
    const bool urgent = urgent_level(m.level) || m.severity == Severity::extreme || m.severity == Severity::severe;
    d.notice.title = warning_title(m, rules);
    d.notice.text = warning_text(m);
    d.notice.until = until;
    d.notice.level = m.level;
    d.notice.mode = urgent ? fleet::NoticeMode::interrupt : fleet::NoticeMode::ticker;
    d.notice.interrupt = urgent;
    d.notice.urgent = urgent;
    const std::string how = urgent ? "插播，红色紧急样式" : "滚动字幕";

    std::vector<std::string> scopes = mapped_scopes(m, rules);
    const bool has_codes = std::any_of(m.areas.begin(), m.areas.end(), [](const Area& a) { return !a.region_codes.empty(); });
    const std::string outside = has_codes ? "不在本单位的地区范围（地区代码 " + codes_of(m) + "）" : "预警消息没有地区代码，对应不到本单位的屏幕";
    const Action by_level = level_action(rules, m.level);

    if (m.type == MsgType::update && primary && primary->published) {
        // A newer version of what is on screens: the same notice, or off if it no longer applies.
        d.notice_id = id_of(*primary);
        d.replaces = referenced;
        auto take_off = [&](const std::string& why) {
            d.kind = Decision::Kind::cancel;
            d.scopes = primary->scopes;
            d.reason = "预警更新后" + why + "，撤下原来的预警";
            return d;
        };
        if (!expired.empty()) return take_off(expired);
        if (scopes.empty()) return take_off(outside);
        if (by_status == Action::test) {
            if (rules.test_scopes.empty()) return take_off("是" + status_words(m.status) + "消息，但规则里没有设测试屏幕");
            scopes = rules.test_scopes;
        } else if (by_level == Action::ignore) {
            return take_off("是" + level_phrase(m.level) + "，按规则不发布");
        }
        d.kind = Decision::Kind::publish;
        d.scopes = scopes;
        for (const auto& s : primary->scopes)
            if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) d.withdraw_scopes.push_back(s);
        d.reason = "更新已发布的预警：" + level_phrase(m.level) + "，" + how + "，换下原来的内容" + until_note;
        return d;
    }

    // An Alert, or an Update of a message not on screens (waiting, or unknown: as an Alert).
    d.notice_id = primary ? id_of(*primary) : notice_id_for(m.identifier);
    if (m.type == MsgType::update) d.replaces = referenced;
    const bool replaces_waiting = primary && primary->waiting;
    auto not_published = [&](const std::string& why) {
        if (!replaces_waiting) return ignore(why);
        // The version waiting for approval is out of date: it leaves the queue.
        d.kind = Decision::Kind::cancel;
        d.scopes.clear();
        d.reason = "预警更新后" + why + "，等待审批的那条不再发布";
        return d;
    };
    if (!expired.empty()) return not_published(expired);
    if (scopes.empty()) return not_published(outside);
    if (by_status == Action::test) {
        if (rules.test_scopes.empty())
            return not_published(status_words(m.status) + "消息只发到测试屏幕，但规则里还没有设测试屏幕");
        d.kind = Decision::Kind::publish;
        d.scopes = rules.test_scopes;
        d.reason = status_words(m.status) + "消息，只发到测试屏幕（" + how + "）" + until_note;
        return d;
    }
    if (by_level == Action::ignore) return not_published(level_phrase(m.level) + "按规则不发布");
    d.scopes = scopes;
    if (by_level == Action::approve || by_status == Action::approve) {
        d.kind = Decision::Kind::approve;
        d.reason = (by_status == Action::approve ? status_words(m.status) + "消息" : level_phrase(m.level)) + "按规则要等审批，批准后" + how + until_note;
        return d;
    }
    d.kind = Decision::Kind::publish;
    d.reason = level_phrase(m.level) + "，按规则立即发布（" + how + "）" + until_note;
    return d;
}

}  // namespace kiosk::warning
