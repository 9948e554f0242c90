// Receipts without a server: each screen's outcome from the screens' last status (which
// screens a scope reaches) and their acks — 已显示, 已接收（等待开放时间）, 拒绝, 离线 since when,
// no answer after two minutes — the counts the audit log records, the words a screen's ack
// carries, and the store keeping acks only for publications with a receipt.
#include <catch2/catch.hpp>

#include "base/zone_time.hpp"
#include "console/names.hpp"
#include "console/receipts.hpp"
#include "console/store.hpp"
#include "fleet/ack.hpp"
#include "fleet/publisher.hpp"
#include "fleet_office.hpp"
#include "health/status.hpp"
#include "support.hpp"

using namespace kiosk;
using namespace kiosk::console;
using nlohmann::json;

namespace {

// 2026-12-07 09:00:00 in Shanghai.
constexpr std::time_t kNine = 1796605200;

ScreenRecord screen(const std::string& id, const std::string& state, std::vector<std::string> groups, std::time_t since = kNine - 3600,
                    std::map<std::string, std::uint64_t> applied = {}) {
    status::StatusReport r;
    r.fleet.enabled = true;
    r.fleet.groups = std::move(groups);
    r.fleet.applied = std::move(applied);
    ScreenRecord s;
    s.id = id;
    s.state = state;
    s.state_since = since;
    s.heard = since;
    s.status = status::to_json(r);
    return s;
}

ReceiptRef notice_ref(const std::string& scope, std::uint64_t gen, std::time_t at = kNine) {
    ReceiptRef ref;
    ref.id = 7;
    ref.kind = "notice";
    ref.scope = scope;
    ref.key = fleet::generation_key({scope, "notice", "n1"});
    ref.gen = gen;
    ref.at = at;
    ref.by = "li";
    return ref;
}

const ReceiptLine& line_of(const Receipt& r, const std::string& id) {
    for (const auto& l : r.lines)
        if (l.screen == id) return l;
    FAIL("no line for " << id);
    return r.lines.front();
}

}  // namespace

TEST_CASE("receipts: each screen the scope reaches, by its groups, with its outcome", "[receipts]") {
    const DisplayNames names(std::map<std::pair<std::string, std::string>, std::string>{{{"screen", "hall-1f"}, "1楼东侧屏"},
                                                                                       {{"screen", "hall-1w"}, "1楼西侧屏"}});
    const std::vector<ScreenRecord> screens = {
        screen("hall-1f", "online", {"floor/1"}),
        screen("hall-1w", "offline", {"floor/1"}, kNine - 1800),  // off since 08:30
        screen("hall-1s", "online", {"floor/1"}),                 // has not answered yet
        screen("hall-1n", "online", {"floor/1"}),                 // refused
        screen("hall-2f", "online", {"floor/2"}),                 // another floor: not reached
    };
    const ReceiptRef ref = notice_ref("group/floor/1", 100);
    const std::vector<AckRecord> acks = {
        {"hall-1f", 100, "shown", "", kNine + 1},
        {"hall-1n", 100, "refused", "「1 楼」已有 50 条通知在显示，请先撤下", kNine + 1},
        {"hall-2f", 100, "shown", "", kNine + 1},  // not reached: no line, whatever it says
        {"hall-1s", 99, "shown", "", kNine - 60},  // an older generation says nothing of this one
    };
    const Receipt r = make_receipt(ref, screens, acks, names, kNine + 2);
    REQUIRE(r.lines.size() == 4);
    CHECK(line_of(r, "hall-1f").state == "shown");
    CHECK(line_of(r, "hall-1f").name == "1楼东侧屏");
    CHECK(line_of(r, "hall-1w").state == "offline");
    CHECK(line_of(r, "hall-1s").state == "pending");
    CHECK(line_of(r, "hall-1n").state == "refused");
    CHECK_FALSE(r.answered());

    CHECK(line_text(line_of(r, "hall-1f"), "Asia/Shanghai", kNine) == "已显示");
    CHECK(line_text(line_of(r, "hall-1w"), "Asia/Shanghai", kNine) == "离线，恢复连接后自动显示（自 08:30 起离线）");
    // Off since another day: the date too.
    CHECK(line_text(line_of(r, "hall-1w"), "Asia/Shanghai", kNine + 86400) == "离线，恢复连接后自动显示（自 12月7日 08:30 起离线）");
    CHECK(line_text(line_of(r, "hall-1n"), "Asia/Shanghai", kNine) == "拒绝：「1 楼」已有 50 条通知在显示，请先撤下");

    const json j = receipt_json(ref, r, names, "Asia/Shanghai", kNine + 2);
    CHECK(j["summary"] == "1/4 块已显示（拒绝 1，离线 1，等待确认 1）");
    CHECK(j["lines"][0]["name"] == "1楼东侧屏");  // by name, never the id
    for (const auto& l : j["lines"]) CHECK(l["text"].get<std::string>().find("hall-") == std::string::npos);

    // Two minutes on, the screen that is online and silent is said to be; the counts name
    // every screen that did not show it.
    const Receipt later = make_receipt(ref, screens, acks, names, kNine + kReceiptAnswerSeconds + 1);
    CHECK(line_of(later, "hall-1s").state == "silent");
    // Its counts go into the audit log when everyone answered, or after two minutes.
    CHECK_FALSE(receipt_due(ref, r, kNine + 2));
    CHECK(receipt_due(ref, later, kNine + kReceiptAnswerSeconds));
    const AuditEntry e = receipt_entry(ref, later, kNine + kReceiptAnswerSeconds);
    CHECK(e.action == "receipt");
    CHECK(e.user == "li");
    CHECK(e.target == "group/floor/1");
    CHECK(e.detail == "通知回执：已显示 1，拒绝 1（hall-1n），离线 1（1楼西侧屏），没有回复 1（hall-1s）");
    CHECK(receipt_counts(later) == "已显示 1，拒绝 1（hall-1n），离线 1（1楼西侧屏），没有回复 1（hall-1s）");
}

TEST_CASE("receipts: an offline screen turns 已显示 by itself when it is back and acks", "[receipts]") {
    const DisplayNames names(std::map<std::pair<std::string, std::string>, std::string>{});
    const ReceiptRef ref = notice_ref("group/floor/1", 100);
    std::vector<ScreenRecord> screens = {screen("a", "online", {"floor/1"}), screen("b", "offline", {"floor/1"})};
    std::vector<AckRecord> acks = {{"a", 100, "shown", "", kNine + 1}};
    Receipt r = make_receipt(ref, screens, acks, names, kNine + 5);
    CHECK(line_of(r, "b").state == "offline");
    CHECK(receipt_counts(r) == "已显示 1，离线 1（b）");
    // Back online: the broker hands it the retained notice, it applies it and acks.
    screens[1].state = "online";
    acks.push_back({"b", 100, "shown", "", kNine + 300});
    r = make_receipt(ref, screens, acks, names, kNine + 301);
    CHECK(line_of(r, "b").state == "shown");
    CHECK(r.answered());
    CHECK(receipt_counts(r) == "已显示 2");
    CHECK(receipt_due(ref, r, kNine + 301));
    // Its ack of the document sent again after a reconnect (replayed) changes nothing.
    acks.push_back({"a", 100, "replayed", "", kNine + 302});
    CHECK(make_receipt(ref, screens, acks, names, kNine + 303).answered());

    // Kept while the broker was away: not sent yet, said so, whether the screen is on or off.
    ReceiptRef unsent = notice_ref("group/floor/1", 200);
    unsent.sent = false;
    const Receipt waiting = make_receipt(unsent, screens, {}, names, kNine + 500);
    CHECK(line_of(waiting, "a").state == "unsent");
    CHECK_FALSE(receipt_due(unsent, waiting, kNine + 3600));  // never while it is not sent
    CHECK(line_text(line_of(waiting, "a"), "Asia/Shanghai", kNine) ==
          "还没发出：控制台现在连不上消息服务器（broker），连上后自动发到屏幕，不用再发一次");
}

TEST_CASE("receipts: waiting for opening hours, kept, and the screen's status when its ack is gone", "[receipts]") {
    const DisplayNames names(std::map<std::pair<std::string, std::string>, std::string>{});
    ReceiptRef ref = notice_ref("all", 500);
    ref.kind = "playlist";
    ref.key = "all|playlist";
    const std::vector<ScreenRecord> screens = {
        screen("a", "online", {}), screen("b", "online", {"floor/2"}), screen("c", "online", {}),
        screen("d", "offline", {}, kNine - 60, {{"all|playlist", 501}}),  // applied this or newer before it went off
    };
    const std::vector<AckRecord> acks = {{"a", 500, "waiting", "已收到；现在不在节目单的播放时段内（08:30-17:00），到时自动显示", kNine},
                                         {"b", 500, "kept", "已收到，但这块屏幕播放发给它所在分组的节目单（更具体的优先）", kNine}};
    const Receipt r = make_receipt(ref, screens, acks, names, kNine + 1);
    CHECK(line_of(r, "a").state == "waiting");
    CHECK(line_text(line_of(r, "a"), "Asia/Shanghai", kNine) == "已接收（等待开放时间）");
    CHECK(line_of(r, "b").state == "kept");
    CHECK(line_of(r, "c").state == "pending");
    CHECK(line_of(r, "d").state == "shown");
    const json j = receipt_json(ref, r, names, "Asia/Shanghai", kNine + 1);
    CHECK(j["lines"][0]["detail"] == "已收到；现在不在节目单的播放时段内（08:30-17:00），到时自动显示");
    // No screen in the scope: said so.
    CHECK(receipt_counts(make_receipt(notice_ref("group/floor/9", 1), screens, {}, names, kNine)) == "这个范围现在没有屏幕");
}

TEST_CASE("receipts: a screen's ack says its outcome, and refusals in Chinese", "[receipts]") {
    CHECK(fleet::outcome_of(true, "") == "shown");
    CHECK(fleet::outcome_of(true, "kept; the playlist for screen/x is more specific and plays") == "kept");
    CHECK(fleet::outcome_of(false, "generation 5 is not newer than the applied 7 (replayed)") == "replayed");
    CHECK(fleet::outcome_of(false, "expired 3 s ago") == "refused");
    CHECK(fleet::refusal_words("expired 3 s ago") == "发布的内容已经过期，屏幕没有采用；请重新发布");
    CHECK(fleet::refusal_words("issued in the future (90 s ahead of this screen's clock)").find("校准") != std::string::npos);
    CHECK(fleet::refusal_words("「1 楼」已有 50 条通知在显示，请先撤下") == "「1 楼」已有 50 条通知在显示，请先撤下");
    CHECK(fleet::refusal_words("something new").find("屏幕没有采用") == 0);
}

TEST_CASE("receipts: the store keeps acks of publications with a receipt, logs each receipt once", "[receipts]") {
    test::TempDir dir;
    auto opened = Store::open(dir.path() / "console.db");
    REQUIRE(opened);
    Store& store = **opened;
    CHECK(store.schema_version() == kSchemaVersion);
    auto publication = [](const std::string& kind, const std::string& id, std::uint64_t gen) {
        fleet::Publication p;
        p.scope = *fleet::Scope::group("floor/1");
        p.kind = kind;
        p.notice_id = id;
        p.gen = gen;
        p.issued = kNine;
        p.expires = kNine + 3600;
        p.topic = "kiosk/v1/desired/group/floor/1/" + kind + (id.empty() ? "" : "/" + id);
        p.document = "{}";
        return p;
    };
    auto ids = store.record_intent([&](const Store::LastGeneration&) -> Result<Intent> {
        Intent in;
        in.publications = {publication("notice", "n1", 10), publication("refresh", "", 11), publication("notice", "n0", 12)};
        in.cleared = {{"n0", "group/floor/1"}};  // a clearing has no receipt
        in.audit.push_back({0, kNine, "li", "127.0.0.1", "publish_notice", "group/floor/1", ""});
        return in;
    });
    REQUIRE(ids);
    REQUIRE(ids->size() == 3);
    auto ref = store.receipt((*ids)[0]);
    REQUIRE(ref);
    CHECK(ref->key == "group/floor/1|notice|n1");
    CHECK(ref->gen == 10);
    CHECK(ref->by == "li");
    CHECK_FALSE(ref->sent);  // written, not yet confirmed by the broker
    REQUIRE(store.mark_sent((*ids)[0]));
    CHECK(store.receipt((*ids)[0])->sent);
    CHECK_FALSE(store.receipt((*ids)[1]));
    CHECK_FALSE(store.receipt((*ids)[2]));

    REQUIRE(store.add_ack("a", "group/floor/1|notice|n1", 10, "shown", "", kNine + 1));
    REQUIRE(store.add_ack("b", "group/floor/1|notice|n1", 0, "refused", "签名核对不上", kNine + 1));  // no generation: the newest
    REQUIRE(store.add_ack("c", "group/floor/1|notice|n9", 10, "shown", "", kNine + 1));  // no such receipt: not kept
    REQUIRE(store.add_ack("c", "group/floor/1|notice|n1", 99, "shown", "", kNine + 1));
    const auto acks = store.acks("group/floor/1|notice|n1", 10);
    REQUIRE(acks.size() == 2);
    CHECK(acks[0].screen == "a");
    CHECK(acks[1].screen == "b");
    CHECK(acks[1].words == "签名核对不上");
    CHECK(store.acks("group/floor/1|notice|n9", 10).empty());

    CHECK(store.latest_receipt("group/floor/1|notice|n1")->id == (*ids)[0]);
    REQUIRE(store.open_receipts().size() == 1);
    const AuditEntry e{0, kNine + 2, "li", "", "receipt", "group/floor/1", "通知回执：已显示 1，拒绝 1（b）"};
    REQUIRE(store.log_receipt(ref->id, e));
    REQUIRE(store.log_receipt(ref->id, e));  // once only
    CHECK(store.open_receipts().empty());
    AuditFilter f;
    f.action = "receipt";
    REQUIRE(store.audit_entries(f).size() == 1);
    CHECK(store.audit_entries(f)[0].detail == "通知回执：已显示 1，拒绝 1（b）");

    // 90 days on, the receipt and its acks go.
    REQUIRE(store.prune(kNine + 91 * 86400));
    CHECK_FALSE(store.receipt((*ids)[0]));
    CHECK(store.acks("group/floor/1|notice|n1", 10).empty());
}

TEST_CASE("receipts: a real screen's acks say shown, waiting (with the hours), kept and refused (in Chinese)", "[receipts][fleet][process]") {
    using namespace fleet_test;
    test::TempDir dir;
    test::Broker broker(dir.path() / "broker");
    Office office(broker);
    Screen s1(dir.path() / "s1", broker, "s1", {"floor/1"}, office.key, {"127.0.0.1"});
    REQUIRE(office.await("s1", "state", [](const std::string& p) { return is(p, "online"); }, 20));
    auto item = [](const std::string& title, json schedule = nullptr) {
        json i = {{"id", "i-" + title}, {"title", title}, {"text", title + "\n正文。"}};
        if (!schedule.is_null()) i["schedule"] = schedule;
        return i;
    };
    std::uint64_t gen = 1;
    auto ack_of = [&](const std::string& scope, const json& playlist) {
        office.publish(scope, "playlist", office.doc(scope, "playlist", ++gen, playlist));
        auto a = office.await("s1", "ack", [&](const std::string& p) { return json::parse(p).value("gen", std::uint64_t{0}) == gen; }, 15);
        REQUIRE(a);
        return json::parse(a->payload);
    };

    // Refused by the screen's checker: what and where, in words a clerk reads.
    json a = ack_of("group/floor/1", {{"items", {{{"id", "x"}, {"title", "办事指南"}, {"source", "file:/etc/passwd"}}}}});
    CHECK(a["result"] == "refused");
    CHECK(a["outcome"] == "refused");
    CHECK(a["words"].get<std::string>().rfind("这块屏幕的检查没有通过，仍在播放原来的节目单：第 1 项「办事指南」的网址", 0) == 0);

    // Any field may be of the wrong type in what the checker refuses: said, not a crash.
    a = ack_of("group/floor/1", {{"items", {{{"id", "x"}, {"title", 5}, {"text", "正文"}}}}});
    CHECK(a["outcome"] == "refused");
    CHECK(a["words"].get<std::string>().rfind("这块屏幕的检查没有通过，仍在播放原来的节目单：第 1 项", 0) == 0);

    // Applied, and playing now.
    a = ack_of("group/floor/1", {{"items", {item("甲")}}});
    CHECK(a["outcome"] == "shown");

    // Applied, but its only item's hours are two hours from now: waiting, with the hours.
    const std::string local = zone_time::format_iso_local(std::time(nullptr) + 2 * 3600, "Asia/Shanghai");
    const std::string from = local.substr(11, 2) + ":00", to = local.substr(11, 2) + ":59";
    a = ack_of("group/floor/1", {{"items", {item("乙", {{"hours", {from + "-" + to}}})}}});
    CHECK(a["result"] == "applied");
    CHECK(a["outcome"] == "waiting");
    CHECK(a["words"] == "已收到；现在不在节目单的播放时段内（" + from + "-" + to + "），到时自动显示");

    // A playlist for the screen itself plays; one for all is kept, not played.
    a = ack_of("screen/s1", {{"items", {item("丙")}}});
    CHECK(a["outcome"] == "shown");
    a = ack_of("all", {{"items", {item("丁")}}});
    CHECK(a["outcome"] == "kept");
    CHECK(a["words"].get<std::string>().find("单独发给它的节目单") != std::string::npos);
    CHECK(s1.kiosk->stop() == 0);
}

TEST_CASE("receipts: a restart's lines and counts say 已重启, an offline screen that it restarts within the hour", "[receipts][restart]") {
    const DisplayNames names(std::map<std::pair<std::string, std::string>, std::string>{{{"screen", "hall-1f"}, "1楼东侧屏"},
                                                                                       {{"screen", "hall-1w"}, "1楼西侧屏"}});
    const std::vector<ScreenRecord> screens = {screen("hall-1f", "online", {"floor/1"}),
                                               screen("hall-1w", "offline", {"floor/1"}, kNine - 1800)};
    ReceiptRef ref = notice_ref("group/floor/1", 100);
    ref.kind = "restart";
    ref.key = fleet::generation_key({"group/floor/1", "restart", ""});
    const std::vector<AckRecord> acks = {{"hall-1f", 100, "shown", "", kNine + 1}};
    const Receipt r = make_receipt(ref, screens, acks, names, kNine + 2);
    CHECK(line_text(line_of(r, "hall-1f"), "Asia/Shanghai", kNine, ref.kind) == "已重启");
    CHECK(line_text(line_of(r, "hall-1w"), "Asia/Shanghai", kNine, ref.kind) == "离线，一小时内恢复连接就会重启（自 08:30 起离线）");
    CHECK(receipt_json(ref, r, names, "Asia/Shanghai", kNine + 2)["summary"] == "1/2 块已重启（离线 1）");
    CHECK(receipt_entry(ref, r, kNine + kReceiptAnswerSeconds).detail == "重启回执：已重启 1，离线 1（1楼西侧屏）");
}
