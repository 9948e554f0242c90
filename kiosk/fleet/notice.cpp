#include "fleet/notice.hpp"

#include "base/utf8.hpp"

namespace kiosk::fleet {

namespace {
constexpr size_t kMaxTitleChars = 100;
}

Result<NoticeBody> parse_notice_body(const nlohmann::json& body, std::time_t now) {
    if (!body.is_object()) return make_error("a notice's body is an object");
    NoticeBody n;
    if (body.contains("cleared")) {
        if (!body["cleared"].is_boolean() || !body["cleared"].get<bool>()) return make_error("\"cleared\" is true or absent");
        n.cleared = true;
        return n;
    }
    if (!body.contains("text") || !body["text"].is_string()) return make_error("a notice needs \"text\"");
    n.text = body["text"].get<std::string>();
    if (!utf8::is_valid(n.text)) return make_error("the notice's text is not UTF-8");
    const size_t chars = utf8::decode(n.text).size();
    if (chars == 0 || n.text.find_first_not_of(" \t\r\n") == std::string::npos) return make_error("the notice's text is empty");
    if (chars > config::kMaxInlineTextChars)
        return make_error("the notice's text has " + std::to_string(chars) + " characters (at most " +
                          std::to_string(config::kMaxInlineTextChars) + ")");
    if (body.contains("title")) {
        if (!body["title"].is_string() || !utf8::is_valid(body["title"].get<std::string>()))
            return make_error("\"title\" is a UTF-8 string");
        n.title = body["title"].get<std::string>();
        if (utf8::decode(n.title).size() > kMaxTitleChars)
            return make_error("the title is longer than " + std::to_string(kMaxTitleChars) + " characters");
    }
    if (!body.contains("until") || !body["until"].is_number_integer()) return make_error("a notice needs \"until\" (seconds since 1970)");
    n.until = body["until"].get<std::time_t>();
    if (n.until <= now) return make_error("the notice ended " + std::to_string(now - n.until) + " s ago");
    if (body.contains("interrupt")) {
        if (!body["interrupt"].is_boolean()) return make_error("\"interrupt\" is true or false");
        n.interrupt = body["interrupt"].get<bool>();
    }
    if (body.contains("style")) {
        const auto& s = body["style"];
        if (!s.is_string() || (s != "urgent" && s != "normal")) return make_error("\"style\" is \"urgent\" or \"normal\"");
        n.urgent = s == "urgent";
    }
    if (body.contains("mode")) {
        const auto& m = body["mode"];
        auto mode = m.is_string() ? parse_mode(m.get<std::string>()) : std::nullopt;
        if (!mode) return make_error("\"mode\" is \"hold\", \"interrupt\", \"turn\" or \"ticker\"");
        n.mode = *mode;
    }
    if (body.contains("level")) {
        const auto& l = body["level"];
        auto level = l.is_string() ? warning::parse_level(l.get<std::string>()) : std::nullopt;
        if (!level || *level == warning::Level::none) return make_error("\"level\" is \"blue\", \"yellow\", \"orange\" or \"red\"");
        n.level = *level;
    }
    if (n.holds()) n.urgent = true;
    for (const auto& [key, value] : body.items())
        if (key != "text" && key != "title" && key != "until" && key != "mode" && key != "interrupt" && key != "style" &&
            key != "level")
            return make_error("unknown key \"" + utf8::printable(key.substr(0, 40)) + "\" in a notice");
    return n;
}

nlohmann::json notice_body_json(const NoticeBody& n) {
    if (n.cleared) return {{"cleared", true}};
    const bool urgent = n.urgent || n.holds();
    nlohmann::json j = {{"text", n.text}, {"until", n.until}, {"interrupt", n.interrupts()}, {"style", urgent ? "urgent" : "normal"}};
    // "mode" only where the older keys alone would say something else (a hold; an urgent
    // notice in turn): a screen from before modes refuses those (unknown key "mode") rather
    // than show them otherwise, and plays the rest as it always did.
    if (n.how() != legacy_mode(n.interrupts(), urgent)) j["mode"] = mode_name(n.how());
    if (!n.title.empty()) j["title"] = n.title;
    if (n.level != warning::Level::none) j["level"] = warning::level_name(n.level);
    return j;
}

const char* mode_name(NoticeMode mode) {
    switch (mode) {
        case NoticeMode::hold: return "hold";
        case NoticeMode::interrupt: return "interrupt";
        case NoticeMode::turn: return "turn";
        case NoticeMode::ticker: return "ticker";
    }
    return "turn";
}

std::optional<NoticeMode> parse_mode(const std::string& name) {
    for (NoticeMode m : {NoticeMode::hold, NoticeMode::interrupt, NoticeMode::turn, NoticeMode::ticker})
        if (name == mode_name(m)) return m;
    return std::nullopt;
}

NoticeMode legacy_mode(bool interrupt, bool urgent) { return interrupt || urgent ? NoticeMode::interrupt : NoticeMode::turn; }

std::string notice_item_id(const std::string& scope, const std::string& id) {
    auto s = Scope::parse(scope);
    return NoticeRef{s ? *s : Scope::all(), id}.item_id();
}

config::PlaylistItem notice_item(const FleetNotice& n) {
    config::PlaylistItem item;
    item.id = notice_item_id(n.scope, n.id);
    item.kind = "notice";
    // Untitled: a warning's band says its level (橙色预警), an urgent notice's 紧急通知.
    item.title = !n.body.title.empty()                ? n.body.title
                 : n.body.level != warning::Level::none ? std::string(warning::level_words(n.body.level)) + "预警"
                 : n.body.urgent || n.body.holds()      ? "紧急通知"
                                                        : "通知";
    item.text = n.body.text;
    config::NoticeTiming t;
    t.start = n.received;
    t.expires = n.body.until;
    t.interrupt = n.body.holds()        ? config::Interrupt::hold
                  : n.body.ticker()     ? config::Interrupt::ticker
                  : n.body.interrupts() ? config::Interrupt::at_once
                                        : config::Interrupt::none;
    t.urgent = n.body.urgent || n.body.holds();
    t.level = n.body.level;
    item.notice = t;
    return item;
}

std::string too_many_notices(const std::string& scope_label, std::size_t most, bool urgent) {
    return "「" + scope_label + "」已有 " + std::to_string(most) + " 条" + (urgent ? "紧急通知" : "通知") +
           "在显示，最多 " + std::to_string(most) + " 条，这条没有发出：请先撤下不再需要的" + (urgent ? "紧急通知" : "通知") + "，再发这一条";
}

}  // namespace kiosk::fleet
