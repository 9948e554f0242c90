#pragma once
// The fleet's vocabulary, each a type with its parser here and nowhere else:
//   Scope      whom a document addresses: every screen, a group, or one screen
//              ("all", "group/floor/1", "screen/zwzx-1f-01" on the wire and in topics);
//   NoticeRef  one notice as screens, the console and proof of play name it: its id and
//              scope, written "notice/ID@SCOPE" as a playlist item's id.
// Pure; used by the screens (what they subscribe to), the office (what it publishes) and
// the console (what it shows a clerk).
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::fleet {

class Scope {
public:
    enum class Kind { all, group, screen };

    static Scope all() { return Scope(Kind::all, ""); }
    // Nothing when the name is not topic-safe (a group may hold slashes: floor/1).
    static std::optional<Scope> group(std::string_view name);
    static std::optional<Scope> screen(std::string_view id);
    // "all", "group/NAME" or "screen/ID"; nothing for anything else.
    static std::optional<Scope> parse(std::string_view text);

    Kind kind() const { return kind_; }
    const std::string& name() const { return name_; }  // the group's or screen's name; "" for all
    std::string str() const;                           // the wire form parse() reads
    std::string label() const;                         // for clerks: 全部屏幕, 分组 floor/1, 屏幕 ID
    // 0 all, 1 a group, 2 one screen: the most specific playlist wins.
    int specificity() const { return static_cast<int>(kind_); }
    // Whether a screen with this id and these groups is addressed.
    bool reaches(std::string_view screen_id, const std::vector<std::string>& groups) const;

    friend bool operator==(const Scope&, const Scope&) = default;
    friend auto operator<=>(const Scope&, const Scope&) = default;

private:
    Scope(Kind kind, std::string name) : kind_(kind), name_(std::move(name)) {}
    Kind kind_;
    std::string name_;
};

// A notice as an item: "notice/ID@SCOPE" (ID topic-safe, SCOPE as Scope::str()).
struct NoticeRef {
    Scope scope = Scope::all();
    std::string id;

    std::string item_id() const;
    // Nothing when `item_id` does not name a notice this way.
    static std::optional<NoticeRef> parse_item_id(std::string_view item_id);
    friend bool operator==(const NoticeRef&, const NoticeRef&) = default;
};

}  // namespace kiosk::fleet
