// Official warnings as the office receives them (issue 29): CAP 1.2 and GB/T 35965.1
// messages and feeds from tests/fixtures/warnings, every field, the level, the budgets and
// the hostile documents (entity bombs, external entities), each refused in Chinese.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support.hpp"
#include "warning/cap.hpp"

using namespace kiosk;
using namespace kiosk::warning;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
    return test::read_file(fs::path(KIOSK_TEST_FIXTURES) / "warnings" / name);
}

Message parsed(const std::string& name) {
    auto m = parse_message(fixture(name));
    INFO(name << ": " << (m ? std::string("ok") : m.error().message));
    REQUIRE(m.ok());
    return *m;
}

std::string refusal(std::string_view xml) {
    auto m = parse_message(xml);
    return m ? std::string("(accepted)") : m.error().message;
}

// A small valid message with one element replaced or added (for the field-by-field checks).
std::string message_with(const std::string& info_extra, const std::string& severity = "Severe",
                         const std::string& sent = "2026-12-07T06:10:00+08:00", const std::string& header_extra = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
           "<identifier>T1</identifier>\n<sender>s@example.cn</sender>\n"
           "<sent>" + sent + "</sent>\n<status>Actual</status>\n<msgType>Alert</msgType>\n" + header_extra +
           "<info><language>zh-CN</language><event>暴雪</event><severity>" + severity + "</severity>" + info_extra +
           "</info>\n</alert>\n";
}

constexpr std::time_t kSent = 1796595000;       // 2026-12-07T06:10:00+08:00
constexpr std::time_t kFarExpiry = 4102415940;  // 2099-12-31T23:59:00+08:00

}  // namespace

TEST_CASE("cap: the orange blizzard warning for 长春市, every field", "[cap]") {
    const Message m = parsed("cap_alert_blizzard_orange.xml");
    CHECK(m.profile == Profile::cap12);
    CHECK(m.identifier == "cn.12379.220100.20261207061000.blizzard.1");
    CHECK(m.sender == "changchun-qxt@12379.cn");
    CHECK(m.sender_name == "长春市气象台");
    CHECK(m.sent == kSent);
    CHECK(m.status == MsgStatus::actual);
    CHECK(m.type == MsgType::alert);
    CHECK(m.references.empty());
    CHECK(m.event == "暴雪");  // the zh-CN <info>, not the English one after it
    CHECK(m.severity == Severity::severe);
    CHECK(m.level == Level::orange);
    CHECK(m.headline == "长春市气象台发布暴雪橙色预警");
    CHECK(m.description.rfind("预计未来6小时内长春市区", 0) == 0);
    CHECK(m.instruction.rfind("减少户外活动", 0) == 0);
    CHECK(m.effective == kSent);
    CHECK(m.expires == kFarExpiry);
    REQUIRE(m.areas.size() == 1);
    CHECK(m.areas[0].description == "长春市");
    CHECK(m.areas[0].region_codes == std::vector<std::string>{"220100"});
    CHECK(m.region_codes() == std::vector<std::string>{"220100"});
}

TEST_CASE("cap: the same warning already expired keeps its past expiry", "[cap]") {
    const Message m = parsed("cap_alert_blizzard_expired.xml");
    CHECK(m.identifier == "cn.12379.220100.20261201080000.blizzard.1");
    CHECK(m.sent == 1796169600 - 86400);     // 2026-12-01T08:00:00+08:00
    CHECK(m.expires == 1796169600);          // 2026-12-02T08:00:00+08:00
    CHECK(m.expires < kSent);
    CHECK(m.level == Level::orange);
}

TEST_CASE("cap: an Update references the first message and raises the level", "[cap]") {
    const Message m = parsed("cap_update.xml");
    CHECK(m.type == MsgType::update);
    REQUIRE(m.references.size() == 1);
    CHECK(m.references[0].sender == "changchun-qxt@12379.cn");
    CHECK(m.references[0].identifier == "cn.12379.220100.20261207061000.blizzard.1");
    CHECK(m.references[0].sent == kSent);
    CHECK(m.severity == Severity::extreme);
    CHECK(m.level == Level::red);  // 升级为红色预警: the last colour named, and Extreme agrees
    CHECK(m.sent == 1796607000);
}

TEST_CASE("cap: a Cancel withdraws both earlier messages", "[cap]") {
    const Message m = parsed("cap_cancel.xml");
    CHECK(m.type == MsgType::cancel);
    REQUIRE(m.references.size() == 2);
    CHECK(m.references[0].identifier == "cn.12379.220100.20261207061000.blizzard.1");
    CHECK(m.references[1].identifier == "cn.12379.220100.20261207093000.blizzard.2");
    CHECK(m.references[1].sent == 1796607000);
    CHECK(m.expires == 0);
    CHECK(m.effective == 0);
}

TEST_CASE("cap: an Exercise is read as an exercise", "[cap]") {
    const Message m = parsed("cap_exercise.xml");
    CHECK(m.status == MsgStatus::exercise);
    CHECK(m.sender_name == "长春市应急管理局");
    CHECK(m.region_codes() == std::vector<std::string>{"220100"});
}

TEST_CASE("cap: GB/T 35965.1 identifier, time with a space and 行政区划代码", "[cap]") {
    const Message m = parsed("gbt_alert.xml");
    CHECK(m.profile == Profile::gbt35965);
    CHECK(m.identifier == "22010041600000_20261207061000_1");
    CHECK(gbt_issuer_region(m.identifier) == "220100");
    CHECK(m.sender == "22010041600000");
    CHECK(m.sent == kSent);
    CHECK(m.expires == kFarExpiry);
    CHECK(m.severity == Severity::moderate);  // <severity>Yellow</severity>
    CHECK(m.level == Level::yellow);
    CHECK(m.region_codes() == std::vector<std::string>{"220102"});
    CHECK(m.areas[0].description == "长春市南关区");

    CHECK(gbt_identifier("22010041600000_20261207061000_0"));
    CHECK_FALSE(gbt_identifier("2201004160000_20261207061000_0"));   // 13 digits
    CHECK_FALSE(gbt_identifier("22010041600000-20261207061000-0"));
    CHECK_FALSE(gbt_identifier("22010041600000_20261307061000_0"));  // month 13
    CHECK_FALSE(gbt_identifier("22010041600000_20261207061000_"));
    CHECK(gbt_issuer_region("cn.12379.220100") == "");
}

TEST_CASE("cap: blue level and the profile's own <areaCode>", "[cap]") {
    const Message m = parsed("cap_blue.xml");
    CHECK(m.level == Level::blue);
    CHECK(m.severity == Severity::minor);
    CHECK(m.region_codes() == std::vector<std::string>{"220100"});
    CHECK(m.profile == Profile::gbt35965);
}

TEST_CASE("cap: a warning for 北京市东城区 carries 110101", "[cap]") {
    const Message m = parsed("cap_outside_region.xml");
    CHECK(m.region_codes() == std::vector<std::string>{"110101"});
    CHECK(m.level == Level::yellow);
    CHECK(gbt_issuer_region(m.identifier) == "110101");
}

TEST_CASE("cap: the level from the colour the message names, else from severity", "[cap]") {
    auto level = [](const std::string& extra, const std::string& severity) {
        auto m = parse_message(message_with(extra, severity));
        INFO((m ? std::string("ok") : m.error().message));
        REQUIRE(m.ok());
        return m->level;
    };
    CHECK(level("", "Extreme") == Level::red);
    CHECK(level("", "Severe") == Level::orange);
    CHECK(level("", "Moderate") == Level::yellow);
    CHECK(level("", "Minor") == Level::blue);
    CHECK(level("", "Unknown") == Level::none);
    CHECK(level("", "") == Level::none);
    // The colour words in <severity>, as the Chinese profile spells them.
    CHECK(level("", "Red") == Level::red);
    CHECK(level("", "橙色") == Level::orange);
    CHECK(level("", "黄") == Level::yellow);
    CHECK(level("", "BLUE") == Level::blue);
    CHECK(level("", "Ⅱ级") == Level::orange);
    // A colour in an eventCode wins over the severity, and a headline's colour too.
    CHECK(level("<eventCode><valueName>预警级别</valueName><value>红色</value></eventCode>", "Minor") == Level::red);
    CHECK(level("<eventCode><valueName>signal</valueName><value>暴雪蓝色预警</value></eventCode>", "Severe") == Level::blue);
    CHECK(level("<eventCode><valueName>type</valueName><value>11B03</value></eventCode>", "Severe") == Level::orange);
    CHECK(level("<headline>某气象台发布暴雪黄色预警</headline>", "Extreme") == Level::yellow);
    CHECK(level("<headline>暴雪黄色预警升级为红色预警</headline>", "Moderate") == Level::red);
    CHECK(level("<headline>红色旅游活动</headline>", "Minor") == Level::blue);  // not a 色预警
    // The severity's own colour wins over a headline's.
    CHECK(level("<headline>暴雪黄色预警</headline>", "橙色") == Level::orange);
}

TEST_CASE("cap: times need a zone and are read as UTC", "[cap]") {
    CHECK(parse_cap_time("2026-12-07T06:10:00+08:00") == kSent);
    CHECK(parse_cap_time("2026-12-06T22:10:00Z") == kSent);
    CHECK(parse_cap_time("2026-12-06T22:10:00-00:00") == kSent);
    CHECK(parse_cap_time("2026-12-07 06:10:00+0800") == kSent);
    CHECK(parse_cap_time("2026-12-07T06:10:00.250+08:00") == kSent);
    CHECK(parse_cap_time("2024-02-29T12:00:00Z") == 1709208000);
    CHECK(parse_cap_time("1969-12-31T23:59:59-00:30") == 1799);
    CHECK_FALSE(parse_cap_time("2026-12-07T06:10:00"));
    CHECK_FALSE(parse_cap_time("2026-02-29T06:10:00+08:00"));
    CHECK_FALSE(parse_cap_time("2026-12-07T24:10:00+08:00"));
    CHECK_FALSE(parse_cap_time("20261207061000"));
    CHECK_FALSE(parse_cap_time("2026-12-07T06:10:00+08:00junk"));
    CHECK_FALSE(parse_cap_time("2026-12-07T06:10:00+15:00"));
    CHECK_FALSE(parse_cap_time(""));

    CHECK(refusal(message_with("", "Severe", "2026-12-07T06:10:00")) ==
          "预警消息第 5 行：发布时间（sent）“2026-12-07T06:10:00”没有时区，为免把时间猜错没有处理；应写成 2026-12-07T06:10:00+08:00");
    CHECK(refusal(message_with("", "Severe", "明天早上")).find("不是 CAP 的时间写法") != std::string::npos);
    CHECK(refusal(message_with("<expires>2099-12-31</expires>")).find("失效时间（expires）“2099-12-31”") != std::string::npos);
}

TEST_CASE("cap: missing and wrong elements are named with their line", "[cap]") {
    std::string xml = message_with("");
    auto without = [&](const std::string& element) {
        std::string s = xml;
        const std::size_t a = s.find("<" + element + ">");
        const std::size_t b = s.find("</" + element + ">") + element.size() + 3;
        return s.erase(a, b - a);
    };
    CHECK(refusal(without("identifier")) == "预警消息第 2 行：缺少标识（identifier）");
    CHECK(refusal(without("sender")) == "预警消息第 2 行：缺少发布者（sender）");
    CHECK(refusal(without("sent")) == "预警消息第 2 行：缺少发布时间（sent）");
    CHECK(refusal(without("status")) == "预警消息第 2 行：缺少状态（status）");
    CHECK(refusal(without("msgType")) == "预警消息第 2 行：缺少消息类型（msgType）");

    std::string bad_status = xml;
    bad_status.replace(bad_status.find("Actual"), 6, "Real");
    CHECK(refusal(bad_status) == "预警消息第 6 行：状态（status）“Real”不认识，应为 Actual、Exercise、System、Test 或 Draft");
    std::string update = xml;
    update.replace(update.find("<msgType>Alert"), 14, "<msgType>Update");
    CHECK(refusal(update) == "预警消息第 7 行：更新（Update）消息缺少引用（references），不知道它针对哪条预警");
    CHECK(refusal(message_with("", "Severe", "2026-12-07T06:10:00+08:00", "<references>only-one-part</references>\n"))
              .find("引用（references）“only-one-part”不是“发布者,标识,发布时间”的写法") != std::string::npos);
    std::string spaced = xml;
    spaced.replace(spaced.find("<identifier>T1"), 14, "<identifier>T 1");
    CHECK(refusal(spaced) == "预警消息第 3 行：标识（identifier）“T 1”里有空格或逗号，不是有效的标识");
    CHECK(refusal(message_with("", "Dangerous")).find("严重程度（severity）“Dangerous”不认识") != std::string::npos);
    CHECK(refusal("<?xml version=\"1.0\"?>\n<feed/>") == "预警消息的根元素是 <feed>，不是 CAP 预警（<alert>）");
    // Case-insensitive words are read as CAP's.
    std::string lower_case = xml;
    lower_case.replace(lower_case.find("Actual"), 6, "exercise");
    auto m = parse_message(lower_case);
    REQUIRE(m.ok());
    CHECK(m->status == MsgStatus::exercise);
}

TEST_CASE("cap: region codes from geocodes, several per value, other code systems ignored", "[cap]") {
    auto m = parse_message(message_with(
        "<area><areaDesc>南关区、朝阳区</areaDesc>"
        "<geocode><valueName>行政区划代码</valueName><value>220102，220104</value></geocode>"
        "<geocode><valueName>SAME</valueName><value>006037</value></geocode>"
        "<geocode><valueName>areaCode</valueName><value>220102 220105</value></geocode></area>"
        "<area><areaDesc>长春市</areaDesc><geocode><valueName>GB2260</valueName><value>220100</value></geocode>"
        "<geocode><valueName>GB/T 2260</valueName><value>220102001</value></geocode></area>"));
    REQUIRE(m.ok());
    REQUIRE(m->areas.size() == 2);
    CHECK(m->areas[0].region_codes == std::vector<std::string>{"220102", "220104", "220105"});
    CHECK(m->region_codes() == std::vector<std::string>{"220102", "220104", "220105", "220100", "220102001"});
    CHECK(refusal(message_with("<area><geocode><valueName>GB/T 2260</valueName><value>22010</value></geocode></area>")) ==
          "预警消息第 8 行：地区代码“22010”不是 6、9 或 12 位数字（GB/T 2260 行政区划代码）");
}

TEST_CASE("cap: the info in Chinese is chosen, else the first", "[cap]") {
    const std::string en = "<info><language>en-US</language><event>Blizzard</event></info>";
    const std::string zh = "<info><language>zh-CN</language><event>暴雪</event></info>";
    auto with_infos = [](const std::string& infos) {
        return "<alert><identifier>T1</identifier><sender>s</sender><sent>2026-12-07T06:10:00+08:00</sent>"
               "<status>Actual</status><msgType>Alert</msgType>" + infos + "</alert>";
    };
    CHECK(parse_message(with_infos(en + zh))->event == "暴雪");
    CHECK(parse_message(with_infos(en))->event == "Blizzard");
    CHECK(parse_message(with_infos("<info><event>无语言</event></info>" + en))->event == "无语言");
    auto none = parse_message(with_infos(""));  // a message without <info> (a Cancel may have none)
    REQUIRE(none.ok());
    CHECK(none->event.empty());
    CHECK(none->level == Level::none);
    std::string nine;
    for (int i = 0; i < 9; ++i) nine += en;
    CHECK(refusal(with_infos(nine)) == "预警消息第 1 行：内容（info）超过 8 段，没有处理");
}
