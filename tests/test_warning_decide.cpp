// What becomes of each official warning (warning/rules decide()): a table of messages
// against the office's records, one row per branch of the lifecycle — Alert, Update and
// Cancel of published, waiting and unknown messages, duplicates, expiry, statuses, levels,
// regions — and the notice each becomes (mode, style, level, end); then the fixture
// messages (tests/fixtures/warnings, parsed by warning/cap) through an office's records.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "base/zone_time.hpp"
#include "support.hpp"
#include "warning/rules.hpp"

using namespace kiosk;
using namespace kiosk::warning;
using Kind = Decision::Kind;

namespace {

const std::string kZone = "Asia/Shanghai";
// Monday 2026-12-07 10:00 in 长春 (Asia/Shanghai).
const std::time_t kNow = zone_time::from_local(2026, 12, 7, 10, 0, 0, kZone);
constexpr std::time_t kHour = 3600;

Rules office_rules() {
    Rules r = default_rules();
    r.regions = {{"2201", {"group/changchun"}}, {"220102", {"group/nanguan"}}, {"11", {"screen/bj-01"}}};
    r.test_scopes = {"group/test"};
    return r;
}

// An orange 暴雪 Alert for 长春市朝阳区 (in the city's rule, not 南关区's), sent an hour ago,
// in force for 8 more hours.
Message alert(std::string id = "220100410000000001_20261207090000_1", std::vector<std::string> codes = {"220104"}) {
    Message m;
    m.profile = Profile::gbt35965;
    m.identifier = std::move(id);
    m.sender = "22010041000000000001";
    m.sender_name = "长春市气象台";
    m.sent = kNow - kHour;
    m.event = "暴雪";
    m.severity = Severity::severe;
    m.level = Level::orange;
    m.description = "预计未来6小时内长春市区将出现暴雪。";
    m.instruction = "减少户外活动。";
    m.expires = kNow + 8 * kHour;
    m.areas = {{"长春市", std::move(codes)}};
    return m;
}

Message with(Message m, const std::function<void(Message&)>& change) {
    change(m);
    return m;
}

Message referring(MsgType type, const std::string& id, std::vector<std::string> refs, std::vector<std::string> codes = {"220104"}) {
    Message m = alert(id, std::move(codes));
    m.type = type;
    for (auto& r : refs) m.references.push_back(Reference{m.sender, std::move(r), kNow - 2 * kHour});
    return m;
}

Known published(const std::string& id, std::vector<std::string> scopes, std::string notice_id = "") {
    return Known{id, notice_id.empty() ? notice_id_for(id) : notice_id, std::move(scopes), true, false};
}
Known waiting(const std::string& id) { return Known{id, notice_id_for(id), {"group/changchun"}, false, true}; }
Known gone(const std::string& id) { return Known{id, notice_id_for(id), {"group/changchun"}, false, false}; }

struct Case {
    const char* name;
    Message message;
    std::vector<Known> records;
    Kind kind;
    std::string notice_id;             // "" not checked
    std::vector<std::string> scopes;   // checked for publish, approve and cancel
    std::vector<std::string> says;     // parts of the reason
    std::vector<std::string> replaces = {};
    std::vector<std::string> withdraw = {};
    Rules rules = office_rules();
};

Rules changed(const std::function<void(Rules&)>& change) {
    Rules r = office_rules();
    change(r);
    return r;
}

}  // namespace

TEST_CASE("warning decisions: each branch of the lifecycle, as a table", "[warning_rules]") {
    const std::string first = "220100410000000001_20261207090000_1";
    const std::string second = "220100410000000001_20261207093000_2";
    const std::string id1 = notice_id_for(first);
    const std::vector<std::string> cc = {"group/changchun"};
    const std::vector<std::string> both = {"group/changchun", "group/nanguan"};
    const std::vector<Case> cases = {
        // Alerts.
        {"an orange Alert for a district", alert(), {}, Kind::publish, id1, cc, {"橙色预警", "立即发布", "插播"}},
        {"a city-wide Alert reaches the district's rule too", alert(first, {"220100"}), {}, Kind::publish, id1, both, {}},
        {"a district's Alert reaches the city's and the district's rules", alert(first, {"220102"}), {}, Kind::publish, id1, both, {}},
        {"a province-wide Alert reaches every rule inside it", alert(first, {"220000"}), {}, Kind::publish, id1, both, {}},
        {"a township's 12-digit code", alert(first, {"220102003000"}), {}, Kind::publish, id1, both, {}},
        {"Beijing's rule", alert(first, {"110101"}), {}, Kind::publish, id1, {"screen/bj-01"}, {}},
        {"outside every rule", alert(first, {"310000", "310101"}), {}, Kind::ignore, "", {},
         {"不在本单位的地区范围（地区代码 310000、310101）"}},
        {"no region code", alert(first, {}), {}, Kind::ignore, "", {}, {"没有地区代码"}},
        {"a yellow Alert runs in the ticker", with(alert(), [](Message& m) { m.level = Level::yellow; m.severity = Severity::moderate; }), {},
         Kind::publish, id1, cc, {"黄色预警", "滚动字幕"}},
        {"a blue Alert waits for approval", with(alert(), [](Message& m) { m.level = Level::blue; m.severity = Severity::minor; }), {},
         Kind::approve, id1, cc, {"蓝色预警按规则要等审批"}},
        {"no level waits for approval", with(alert(), [](Message& m) { m.level = Level::none; }), {}, Kind::approve, id1, cc,
         {"没有颜色等级的预警按规则要等审批"}},
        {"a level the rules ignore", with(alert(), [](Message& m) { m.level = Level::blue; }), {}, Kind::ignore, "", {},
         {"蓝色预警按规则不发布"}, {}, {}, changed([](Rules& r) { r.levels[Level::blue] = Action::ignore; })},
        {"Actual set to approve holds even a red one", with(alert(), [](Message& m) { m.level = Level::red; }), {}, Kind::approve, id1, cc,
         {"正式消息按规则要等审批"}, {}, {}, changed([](Rules& r) { r.statuses[MsgStatus::actual] = Action::approve; })},
        // Statuses.
        {"an Exercise goes to the test screens only", with(alert(), [](Message& m) { m.status = MsgStatus::exercise; }), {}, Kind::publish,
         id1, {"group/test"}, {"演练消息，只发到测试屏幕"}},
        {"a blue Test goes to the test screens at once", with(alert(), [](Message& m) { m.status = MsgStatus::test; m.level = Level::blue; }), {},
         Kind::publish, id1, {"group/test"}, {"测试消息"}},
        {"an Exercise outside every rule", with(alert(first, {"310000"}), [](Message& m) { m.status = MsgStatus::exercise; }), {},
         Kind::ignore, "", {}, {"不在本单位的地区范围"}},
        {"an Exercise with no test screens", with(alert(), [](Message& m) { m.status = MsgStatus::exercise; }), {}, Kind::ignore, "", {},
         {"还没有设测试屏幕"}, {}, {}, changed([](Rules& r) { r.test_scopes.clear(); })},
        {"System", with(alert(), [](Message& m) { m.status = MsgStatus::system; }), {}, Kind::ignore, "", {}, {"系统消息按规则不发布"}},
        {"Draft", with(alert(), [](Message& m) { m.status = MsgStatus::draft; }), {}, Kind::ignore, "", {}, {"草稿"}},
        // Not for screens, or not again.
        {"Ack", with(alert(), [](Message& m) { m.type = MsgType::ack; }), {}, Kind::ignore, "", {}, {"确认消息"}},
        {"Error", with(alert(), [](Message& m) { m.type = MsgType::error; }), {}, Kind::ignore, "", {}, {"出错通知"}},
        {"the same message twice", alert(), {published(first, cc)}, Kind::ignore, "", {}, {"同一条消息已收到过"}},
        {"expired", with(alert(), [](Message& m) { m.expires = kNow - kHour; }), {}, Kind::ignore, "", {}, {"已过期（有效期到 12月7日 09:00）"}},
        {"expiring this second", with(alert(), [](Message& m) { m.expires = kNow; }), {}, Kind::ignore, "", {}, {"已过期（有效期到 12月7日 10:00）"}},
        {"no expiry, sent 25 hours ago", with(alert(), [](Message& m) { m.expires = 0; m.sent = kNow - 25 * kHour; }), {}, Kind::ignore, "", {},
         {"已过期", "24 小时", "12月7日 09:00"}},
        {"no expiry, sent an hour ago", with(alert(), [](Message& m) { m.expires = 0; }), {}, Kind::publish, id1, cc,
         {"没有注明有效期", "12月8日 09:00"}},
        {"in force for a month", with(alert(), [](Message& m) { m.expires = kNow + 30 * 24 * kHour; }), {}, Kind::publish, id1, cc,
         {"有效期超过 7 天", "12月14日 10:00"}},
        // Updates.
        {"an Update of a published one: the same notice", referring(MsgType::update, second, {first}), {published(first, cc)}, Kind::publish,
         id1, cc, {"更新已发布的预警"}, {first}},
        {"an Update keeps the id the office recorded", referring(MsgType::update, second, {first}), {published(first, cc, "yj-recorded")},
         Kind::publish, "yj-recorded", cc, {}, {first}},
        {"an Update that narrows the area withdraws the rest", referring(MsgType::update, second, {first}, {"220104"}),
         {published(first, both)}, Kind::publish, id1, cc, {}, {first}, {"group/nanguan"}},
        {"an Update of the Update", referring(MsgType::update, "third", {first, second}),
         {gone(first), published(second, cc, id1)}, Kind::publish, id1, cc, {}, {first, second}},
        {"an Update of an unknown one: as an Alert", referring(MsgType::update, second, {first}), {}, Kind::publish, notice_id_for(second),
         cc, {"立即发布"}, {first}},
        {"an Update that maps nowhere takes it off", referring(MsgType::update, second, {first}, {"310000"}), {published(first, both)},
         Kind::cancel, id1, both, {"预警更新后不在本单位的地区范围", "撤下原来的预警"}, {first}},
        {"an expired Update takes it off", with(referring(MsgType::update, second, {first}), [](Message& m) { m.expires = kNow - 60; }),
         {published(first, cc)}, Kind::cancel, id1, cc, {"预警更新后已过期"}, {first}},
        {"an Update to a level the rules ignore takes it off",
         with(referring(MsgType::update, second, {first}), [](Message& m) { m.level = Level::blue; m.severity = Severity::minor; }),
         {published(first, cc)}, Kind::cancel, id1, cc, {"蓝色预警，按规则不发布"}, {first}, {},
         changed([](Rules& r) { r.levels[Level::blue] = Action::ignore; })},
        {"an Update down to blue of a published one stays on screens",
         with(referring(MsgType::update, second, {first}), [](Message& m) { m.level = Level::blue; m.severity = Severity::minor; }),
         {published(first, cc)}, Kind::publish, id1, cc, {"蓝色预警", "滚动字幕"}, {first}},
        {"an Update of a waiting one waits in its place",
         with(referring(MsgType::update, second, {first}), [](Message& m) { m.level = Level::blue; m.severity = Severity::minor; }),
         {waiting(first)}, Kind::approve, id1, cc, {"等审批"}, {first}},
        {"an Update of a waiting one that maps nowhere drops it", referring(MsgType::update, second, {first}, {"310000"}), {waiting(first)},
         Kind::cancel, id1, {}, {"等待审批的那条不再发布"}, {first}},
        // Cancels.
        {"a Cancel of a published one", referring(MsgType::cancel, second, {first}), {published(first, both)}, Kind::cancel, id1, both,
         {"发布单位撤销了这条预警"}, {first}},
        {"a Cancel of the Alert and its Update", referring(MsgType::cancel, "third", {first, second}),
         {gone(first), published(second, cc, id1)}, Kind::cancel, id1, cc, {}, {first, second}},
        {"a Cancel of a waiting one drops it", referring(MsgType::cancel, second, {first}), {waiting(first)}, Kind::cancel, id1, {},
         {"等待审批的那条不再发布"}, {first}},
        {"a Cancel of one already off", referring(MsgType::cancel, second, {first}), {gone(first)}, Kind::ignore, "", {}, {"已不在屏幕上"}},
        {"a Cancel of an unknown one", referring(MsgType::cancel, second, {first}), {}, Kind::ignore, "", {}, {"本单位没有收到过"}},
        {"a Cancel without references", referring(MsgType::cancel, second, {}), {}, Kind::ignore, "", {}, {"没有注明要撤销哪条预警"}},
        {"an expired Cancel still takes it off", with(referring(MsgType::cancel, second, {first}), [](Message& m) { m.expires = kNow - kHour; }),
         {published(first, cc)}, Kind::cancel, id1, cc, {}, {first}},
        {"a System Cancel is ignored", with(referring(MsgType::cancel, second, {first}), [](Message& m) { m.status = MsgStatus::system; }),
         {published(first, cc)}, Kind::ignore, "", {}, {"系统"}},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        std::map<std::string, Known> records;
        for (const auto& k : c.records) records[k.identifier] = k;
        int asked = 0;
        const Decision d = decide(c.message, c.rules, kNow, [&](const std::string& id) -> std::optional<Known> {
            ++asked;
            auto it = records.find(id);
            if (it == records.end()) return std::nullopt;
            return it->second;
        }, kZone);
        INFO(d.reason);
        CHECK(d.kind == c.kind);
        CHECK_FALSE(d.reason.empty());
        for (const auto& part : c.says) CHECK(d.reason.find(part) != std::string::npos);
        if (!c.notice_id.empty()) CHECK(d.notice_id == c.notice_id);
        if (c.kind == Kind::ignore) CHECK(d.scopes.empty());
        else CHECK(d.scopes == c.scopes);
        CHECK(d.replaces == c.replaces);
        CHECK(d.withdraw_scopes == c.withdraw);
        if (c.kind == Kind::publish || c.kind == Kind::approve) {
            CHECK(d.notice.until > kNow);
            CHECK(d.notice.until <= kNow + kMaxWarningSeconds);
            CHECK(d.notice.level == c.message.level);
            CHECK_FALSE(d.notice.title.empty());
            CHECK_FALSE(d.notice.text.empty());
            CHECK(config::topic_safe_name(d.notice_id, false));
        }
        if (c.message.type != MsgType::ack && c.message.type != MsgType::error) CHECK(asked >= 1);
    }
}

TEST_CASE("warning decisions: the notice an Alert becomes: urgent and interrupting at 橙/红 or Extreme/Severe, else the ticker", "[warning_rules]") {
    auto notice_of = [](const Message& m) {
        const Decision d = decide(m, office_rules(), kNow, [](const std::string&) { return std::optional<Known>(); }, kZone);
        REQUIRE(d.kind == Kind::publish);
        return d.notice;
    };
    const auto orange = notice_of(alert());
    CHECK(orange.how() == fleet::NoticeMode::interrupt);
    CHECK(orange.urgent);
    CHECK(orange.interrupts());
    CHECK(orange.level == Level::orange);
    CHECK(orange.until == kNow + 8 * kHour);
    CHECK(orange.title == "长春市气象台发布暴雪橙色预警");
    CHECK(orange.text == "预计未来6小时内长春市区将出现暴雪。\n防御指南：减少户外活动。");
    // The body is one a screen accepts.
    auto body = fleet::parse_notice_body(fleet::notice_body_json(orange), kNow);
    REQUIRE(body.ok());
    CHECK(body->how() == fleet::NoticeMode::interrupt);
    CHECK(body->level == Level::orange);

    const auto red = notice_of(with(alert(), [](Message& m) { m.level = Level::red; m.severity = Severity::extreme; }));
    CHECK(red.how() == fleet::NoticeMode::interrupt);
    CHECK(red.urgent);
    // A yellow level said by the colour, but the severity is Extreme: urgent.
    const auto extreme = notice_of(with(alert(), [](Message& m) { m.level = Level::yellow; m.severity = Severity::extreme; }));
    CHECK(extreme.how() == fleet::NoticeMode::interrupt);
    CHECK(extreme.urgent);
    CHECK(extreme.level == Level::yellow);
    const auto yellow = notice_of(with(alert(), [](Message& m) { m.level = Level::yellow; m.severity = Severity::moderate; }));
    CHECK(yellow.how() == fleet::NoticeMode::ticker);
    CHECK_FALSE(yellow.urgent);
    CHECK_FALSE(yellow.interrupts());
    auto yellow_body = fleet::parse_notice_body(fleet::notice_body_json(yellow), kNow);
    REQUIRE(yellow_body.ok());
    CHECK(yellow_body->ticker());
    // No expiry: effective + 24 h (effective before sent when given).
    const auto open = notice_of(with(alert(), [](Message& m) { m.expires = 0; m.effective = kNow - 2 * kHour; }));
    CHECK(open.until == kNow + 22 * kHour);
    const auto long_one = notice_of(with(alert(), [](Message& m) { m.expires = kNow + 400 * 24 * kHour; }));
    CHECK(long_one.until == kNow + kMaxWarningSeconds);
}

namespace {

// The office as the console keeps it (console/warning_desk does this for real): each
// decision recorded under the message's identifier, what it replaces no longer on screens.
struct Office {
    Rules rules = changed([](Rules& r) { r.regions.pop_back(); });  // 长春市 and 南关区, not Beijing
    std::map<std::string, Known> records;

    Decision take(const std::string& fixture_name, std::time_t now) {
        auto m = parse_message(test::read_file(std::filesystem::path(KIOSK_TEST_FIXTURES) / "warnings" / fixture_name));
        INFO(fixture_name << ": " << (m ? std::string("ok") : m.error().message));
        REQUIRE(m.ok());
        const Decision d = decide(*m, rules, now, [this](const std::string& id) -> std::optional<Known> {
            auto it = records.find(id);
            if (it == records.end()) return std::nullopt;
            return it->second;
        }, kZone);
        for (const auto& r : d.replaces)
            if (auto it = records.find(r); it != records.end()) it->second.published = it->second.waiting = false;
        records[m->identifier] = Known{m->identifier, d.kind == Kind::ignore ? "" : d.notice_id, d.scopes,
                                       d.kind == Kind::publish, d.kind == Kind::approve};
        return d;
    }
};

}  // namespace

TEST_CASE("warning decisions: the fixtures' 暴雪 from Alert to Update to Cancel, and the other fixture messages", "[warning_rules]") {
    Office office;
    const std::time_t now = zone_time::from_local(2026, 12, 7, 10, 0, 0, kZone);
    const std::string first = "cn.12379.220100.20261207061000.blizzard.1";
    const std::string id1 = "yj-" + first;
    const std::vector<std::string> both = {"group/changchun", "group/nanguan"};

    Decision d = office.take("cap_alert_blizzard_orange.xml", now);
    CHECK(d.kind == Kind::publish);
    CHECK(d.notice_id == id1);
    CHECK(d.scopes == both);  // a city-wide warning: the city's screens and 南关区's
    CHECK(d.notice.title == "长春市气象台发布暴雪橙色预警");
    CHECK(d.notice.how() == fleet::NoticeMode::interrupt);
    CHECK(d.notice.urgent);
    CHECK(d.notice.level == Level::orange);
    CHECK(d.notice.text.find("\n防御指南：减少户外活动") != std::string::npos);
    CHECK(d.notice.until == now + kMaxWarningSeconds);  // expires in 2099: at most 7 days
    CHECK(office.take("cap_alert_blizzard_orange.xml", now + 60).reason == "同一条消息已收到过");

    d = office.take("cap_update.xml", now + 600);
    CHECK(d.kind == Kind::publish);
    CHECK(d.notice_id == id1);  // the same notice, a newer generation
    CHECK(d.scopes == both);
    CHECK(d.withdraw_scopes.empty());
    CHECK(d.replaces == std::vector<std::string>{first});
    CHECK(d.notice.title == "长春市气象台将暴雪橙色预警升级为红色预警");
    CHECK(d.notice.level == Level::red);  // Extreme, no colour said
    CHECK(d.notice.urgent);

    d = office.take("cap_cancel.xml", now + 3600);
    CHECK(d.kind == Kind::cancel);
    CHECK(d.notice_id == id1);
    CHECK(d.scopes == both);
    CHECK(d.replaces == std::vector<std::string>{first, "cn.12379.220100.20261207093000.blizzard.2"});
    CHECK(office.take("cap_cancel.xml", now + 3700).kind == Kind::ignore);

    // GB/T 35965.1: its identifier kept as the notice id, a yellow level in the ticker.
    d = office.take("gbt_alert.xml", now);
    CHECK(d.kind == Kind::publish);
    CHECK(d.notice_id == "yj-22010041600000_20261207061000_1");
    CHECK(d.scopes == both);  // 220102: in the city's rule and 南关区's own
    CHECK(d.notice.how() == fleet::NoticeMode::ticker);
    CHECK(d.notice.level == Level::yellow);

    CHECK(office.take("cap_blue.xml", now).kind == Kind::approve);
    d = office.take("cap_exercise.xml", now);
    CHECK(d.kind == Kind::publish);
    CHECK(d.scopes == std::vector<std::string>{"group/test"});
    d = office.take("cap_outside_region.xml", now);
    CHECK(d.kind == Kind::ignore);
    CHECK(d.reason == "不在本单位的地区范围（地区代码 110101）");
    d = office.take("cap_alert_blizzard_expired.xml", now);
    CHECK(d.kind == Kind::ignore);
    CHECK(d.reason == "已过期（有效期到 12月2日 08:00）");
}
