// The fleet's notices without a broker: a notice's body is checked as a screen checks it,
// kept in the state folder until cleared or over.
#include <catch2/catch.hpp>

#include <fstream>

#include "fleet/desired_store.hpp"
#include "fleet/notice.hpp"
#include "support.hpp"

using namespace kiosk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
constexpr std::time_t kNow = 1'800'000'000;

std::string refusal(const json& body) {
    auto r = fleet::parse_notice_body(body, kNow);
    return r ? std::string("(accepted)") : r.error().message;
}
}  // namespace

TEST_CASE("fleet notices: a body is checked as the screen checks it, each refusal with its reason", "[fleet]") {
    const json good = {{"text", "因电力检修，大厅暂停办理业务。"}, {"until", kNow + 3600}, {"style", "urgent"}};
    auto n = fleet::parse_notice_body(good, kNow);
    REQUIRE(n.ok());
    CHECK(n->urgent);
    CHECK_FALSE(n->interrupt);
    CHECK(n->how() == fleet::NoticeMode::interrupt);  // no "mode": urgent interrupts once, as before modes
    CHECK(n->until == kNow + 3600);
    // What the office writes, the screen reads back the same.
    auto again = fleet::parse_notice_body(fleet::notice_body_json(*n), kNow);
    REQUIRE(again.ok());
    CHECK(again->text == n->text);
    CHECK(again->urgent);

    CHECK(refusal(json::array()) == "a notice's body is an object");
    CHECK(refusal({{"until", kNow + 60}}) == "a notice needs \"text\"");
    CHECK(refusal({{"text", "   "}, {"until", kNow + 60}}) == "the notice's text is empty");
    CHECK(refusal({{"text", "通知"}}) == "a notice needs \"until\" (seconds since 1970)");
    CHECK(refusal({{"text", "通知"}, {"until", kNow - 5}}) == "the notice ended 5 s ago");
    CHECK(refusal({{"text", "通知"}, {"until", kNow + 60}, {"style", "loud"}}) == "\"style\" is \"urgent\" or \"normal\"");
    CHECK(refusal({{"text", "通知"}, {"until", kNow + 60}, {"interrupt", "yes"}}) == "\"interrupt\" is true or false");
    CHECK(refusal({{"text", "通知"}, {"until", kNow + 60}, {"mode", "stay"}}) == "\"mode\" is \"hold\", \"interrupt\", \"turn\" or \"ticker\"");
    CHECK(refusal({{"text", "通知"}, {"until", kNow + 60}, {"mode", true}}) == "\"mode\" is \"hold\", \"interrupt\", \"turn\" or \"ticker\"");
    CHECK(refusal({{"text", "通知"}, {"until", kNow + 60}, {"colour", "red"}}) == "unknown key \"colour\" in a notice");
    CHECK(refusal({{"text", std::string("\xff\xfe")}, {"until", kNow + 60}}) == "the notice's text is not UTF-8");
    std::string long_text;
    for (size_t i = 0; i <= config::kMaxInlineTextChars; ++i) long_text += "字";
    CHECK(refusal({{"text", long_text}, {"until", kNow + 60}}).find("characters (at most 5000)") != std::string::npos);
    CHECK(refusal({{"cleared", false}}) == "\"cleared\" is true or absent");
    CHECK(fleet::parse_notice_body({{"cleared", true}}, kNow)->cleared);
}

TEST_CASE("fleet notices: the mode on the wire: written, read back, and read from documents before modes", "[fleet][modes]") {
    auto mode_of = [](const json& body) {
        auto n = fleet::parse_notice_body(body, kNow);
        REQUIRE(n.ok());
        return std::pair{std::string(fleet::mode_name(n->how())), n->urgent};
    };
    const json base = {{"text", "暂停办理业务"}, {"until", kNow + 600}};
    auto with = [&](json extra) {
        json b = base;
        b.merge_patch(extra);
        return b;
    };
    // Before modes: from "interrupt" and "style" (urgent, or asked to interrupt: once).
    CHECK(mode_of(base) == std::pair{std::string("turn"), false});
    CHECK(mode_of(with({{"interrupt", true}})) == std::pair{std::string("interrupt"), false});
    CHECK(mode_of(with({{"style", "urgent"}})) == std::pair{std::string("interrupt"), true});
    // "mode" says it; a hold is always in the urgent style.
    CHECK(mode_of(with({{"mode", "hold"}})) == std::pair{std::string("hold"), true});
    CHECK(mode_of(with({{"mode", "hold"}, {"style", "normal"}, {"interrupt", false}})) == std::pair{std::string("hold"), true});
    CHECK(mode_of(with({{"mode", "turn"}, {"style", "urgent"}, {"interrupt", true}})) == std::pair{std::string("turn"), true});
    CHECK(mode_of(with({{"mode", "interrupt"}})) == std::pair{std::string("interrupt"), false});
    // Written: "mode" only where the older keys would say otherwise, and read back the same.
    for (auto mode : {fleet::NoticeMode::hold, fleet::NoticeMode::interrupt, fleet::NoticeMode::turn})
        for (bool urgent : {false, true}) {
            fleet::NoticeBody b;
            b.text = "暂停办理业务";
            b.until = kNow + 600;
            b.mode = mode;
            b.urgent = urgent;
            const json j = fleet::notice_body_json(b);
            INFO(j.dump());
            auto back = fleet::parse_notice_body(j, kNow);
            REQUIRE(back.ok());
            CHECK(back->how() == mode);
            CHECK(back->urgent == (urgent || mode == fleet::NoticeMode::hold));
            CHECK(j["interrupt"] == (mode != fleet::NoticeMode::turn));
            const bool needs_mode = mode == fleet::NoticeMode::hold || (mode == fleet::NoticeMode::turn && urgent);
            CHECK(j.contains("mode") == needs_mode);
        }
    // The playlist item: a hold holds, in the urgent look.
    fleet::FleetNotice n{"group/floor/1", "closed", 3, kNow, {}};
    n.body.text = "暂停办理业务";
    n.body.until = kNow + 600;
    n.body.mode = fleet::NoticeMode::hold;
    const config::PlaylistItem item = fleet::notice_item(n);
    REQUIRE(item.notice);
    CHECK(item.notice->interrupt == config::Interrupt::hold);
    CHECK(item.notice->urgent);
    CHECK(item.title == "紧急通知");
}

TEST_CASE("fleet notices: a notice plays as a notice item with its text inline, urgent ones interrupt", "[fleet]") {
    fleet::FleetNotice n{"group/floor/1", "power", 7, kNow, {}};
    n.body.text = "停电";
    n.body.until = kNow + 600;
    n.body.urgent = true;
    n.body.mode = fleet::NoticeMode::interrupt;
    const config::PlaylistItem item = fleet::notice_item(n);
    CHECK(item.id == "notice/power@group/floor/1");
    CHECK(item.kind == "notice");
    CHECK(item.text == "停电");
    CHECK(item.source.empty());
    REQUIRE(item.notice);
    CHECK(item.notice->start == kNow);
    CHECK(item.notice->expires == kNow + 600);
    CHECK(item.notice->interrupt == config::Interrupt::at_once);
    CHECK(item.notice->urgent);
    n.body.urgent = false;
    n.body.mode = fleet::NoticeMode::turn;
    CHECK(fleet::notice_item(n).notice->interrupt == config::Interrupt::none);  // in turn
    n.body.mode = fleet::NoticeMode::interrupt;
    CHECK(fleet::notice_item(n).notice->interrupt == config::Interrupt::at_once);
}

TEST_CASE("fleet notices: kept until cleared or over, only for this screen's scopes", "[fleet]") {
    test::TempDir dir;
    auto notice = [](std::string scope, std::string id, std::time_t until) {
        fleet::FleetNotice n{std::move(scope), std::move(id), 1, kNow, {}};
        n.body.text = "通知正文";
        n.body.until = until;
        return n;
    };
    REQUIRE(fleet::keep_notice(dir.path(), notice("all", "a", kNow + 100)).ok());
    REQUIRE(fleet::keep_notice(dir.path(), notice("group/floor/1", "b", kNow + 100)).ok());
    REQUIRE(fleet::keep_notice(dir.path(), notice("group/floor/2", "c", kNow + 100)).ok());
    REQUIRE(fleet::keep_notice(dir.path(), notice("all", "over", kNow + 10)).ok());
    const std::vector<std::string> scopes = {"all", "group/floor/1", "screen/s1"};
    auto kept = fleet::kept_notices(dir.path(), scopes, kNow);
    CHECK(kept.size() == 3);
    // Later, the one that is over is gone, from the disk too; the other floor's never plays here.
    kept = fleet::kept_notices(dir.path(), scopes, kNow + 50);
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].id == "a");
    CHECK(kept[1].id == "b");
    CHECK_FALSE(fs::exists(dir.path() / "fleet" / "notices" / "all@over.json"));
    fleet::drop_notice(dir.path(), "group/floor/1", "b");
    kept = fleet::kept_notices(dir.path(), scopes, kNow + 50);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].id == "a");
    // A damaged file is left out, not fatal.
    test::write_file(dir.path() / "fleet" / "notices" / "all@bad.json", "{\"gen\": ");
    CHECK(fleet::kept_notices(dir.path(), scopes, kNow + 50).size() == 1);
}

TEST_CASE("fleet notices: kept ones are read in a defined order, urgent first, within each scope's bound", "[fleet]") {
    test::TempDir dir;
    const std::vector<std::string> scopes = {"all", "screen/s1"};
    auto keep = [&](const std::string& scope, const std::string& id, std::time_t received, bool urgent) {
        fleet::NoticeBody body;
        body.text = "通知" + id;
        body.until = kNow + 3600;
        body.urgent = urgent;
        REQUIRE(fleet::keep_notice(dir.path(), {scope, id, 1, received, body}).ok());
    };
    // Written newest first, so the folder's order is not the arrival order.
    for (int i = 59; i >= 0; --i) keep("all", "r" + std::to_string(i), kNow - 1000 + i, false);
    keep("all", "warn-late", kNow - 10, true);
    keep("all", "warn-early", kNow - 900, true);
    keep("screen/s1", "mine", kNow - 5, false);
    const auto kept = fleet::kept_notices(dir.path(), scopes, kNow);
    REQUIRE(kept.size() == 2 + fleet::kMaxNoticesPerScope + 1);
    CHECK(kept[0].id == "warn-early");
    CHECK(kept[1].id == "warn-late");
    CHECK(kept[2].id == "r0");
    // The 50 earliest routine notices of `all`: the ten latest wait, named in the log, their files kept.
    CHECK(std::none_of(kept.begin(), kept.end(), [](const fleet::FleetNotice& n) { return n.id == "r50"; }));
    CHECK(std::any_of(kept.begin(), kept.end(), [](const fleet::FleetNotice& n) { return n.id == "mine"; }));
    CHECK(fs::exists(dir.path() / "fleet" / "notices" / "all@r59.json"));
}
