// Official warnings (issue 29): hostile documents and budgets, and feeds (Atom, RSS, a
// wrapper of alerts) where each entry's error stays its own.
#include <catch2/catch.hpp>

#include <chrono>
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

std::string refusal(std::string_view xml) {
    auto m = parse_message(xml);
    return m ? std::string("(accepted)") : m.error().message;
}

std::string feed_refusal(std::string_view xml) {
    auto f = parse_feed(xml);
    return f ? std::string("(accepted)") : f.error().message;
}

const std::string kHead =
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>T1</identifier><sender>s</sender>"
    "<sent>2026-12-07T06:10:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>";

}  // namespace

TEST_CASE("cap: the billion laughs are refused before any expansion", "[cap]") {
    const std::string bomb = fixture("entity_bomb.xml");
    const auto start = std::chrono::steady_clock::now();
    CHECK(refusal(bomb) ==
          "预警消息第 2 行有文档类型声明（DOCTYPE），为安全起见没有处理。预警消息不需要 DTD 或实体，请让发布单位去掉后重发");
    CHECK(feed_refusal(bomb).rfind("预警源第 2 行有文档类型声明（DOCTYPE）", 0) == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}

TEST_CASE("cap: external entities (XXE) are refused, nothing is read from disk or network", "[cap]") {
    const std::string xxe = fixture("xxe.xml");
    const std::string error = refusal(xxe);
    CHECK(error.rfind("预警消息第 2 行有文档类型声明（DOCTYPE），为安全起见没有处理", 0) == 0);
    CHECK(error.find("root:") == std::string::npos);
    // An ENTITY declaration without DOCTYPE, and a bare reference with nothing declared.
    CHECK(refusal("<alert>\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n</alert>").rfind("预警消息第 2 行有实体声明（ENTITY）", 0) == 0);
    CHECK(refusal(kHead + "\n<info><event>&secret;</event></info></alert>") ==
          "预警消息第 2 行有实体引用（&secret;），为安全起见没有处理。预警消息不需要 DTD 或实体，请让发布单位去掉后重发");
    // The five predefined entities and character references are plain text.
    auto ok = parse_message(kHead + "<info><event>A&amp;B &lt;&#x66B4;&#38634;&gt;</event></info></alert>");
    REQUIRE(ok.ok());
    CHECK(ok->event == "A&B <暴雪>");
}

TEST_CASE("cap: malformed XML is refused with its line and column", "[cap]") {
    const std::string error = refusal(fixture("malformed.xml"));
    CHECK(error.rfind("预警消息第 11 行", 0) == 0);
    CHECK(error.find("不是格式正确的 XML") != std::string::npos);
    CHECK(refusal("") == "预警消息是空的，没有内容");
    CHECK(refusal("   \n") == "预警消息是空的，没有内容");
    CHECK(refusal("暴雪橙色预警") == "预警消息不是 XML（开头不是“<”），没有处理");
    CHECK(refusal(std::string("<\0a\0l\0e\0r\0t\0>\0", 14)) == "预警消息里有空字节，不是 UTF-8 或 GB 编码的 XML，没有处理");
    CHECK(refusal("\xEF\xBB\xBF" + kHead + "</alert>") == "(accepted)");  // a UTF-8 BOM is fine
}

TEST_CASE("cap: a GB18030-encoded message is read as UTF-8", "[cap]") {
    // 暴雪 in GB18030: B1 A9 D1 A9.
    const std::string gb = "<?xml version=\"1.0\" encoding=\"GB18030\"?>\n" + kHead +
                           "<info><event>\xB1\xA9\xD1\xA9</event></info></alert>";
    auto m = parse_message(gb);
    INFO((m ? std::string("ok") : m.error().message));
    REQUIRE(m.ok());
    CHECK(m->event == "暴雪");
}

TEST_CASE("cap: size, depth, element and text budgets", "[cap]") {
    // Size: checked before parsing (the bytes need not even be XML).
    CHECK(refusal(std::string(kMaxMessageBytes + 1, 'x')) == "预警消息有 257 KB，超过 256 KB 的上限，没有处理");
    std::string big = kHead + "<info><description>";
    big += std::string(kMaxMessageBytes - big.size() - 200, ' ') + "雪</description></info></alert>";
    CHECK(big.size() <= kMaxMessageBytes);
    CHECK(refusal(big) == "(accepted)");
    CHECK(feed_refusal(std::string(kMaxFeedBytes + 1, '<')) == "预警源有 2049 KB，超过 2 MB 的上限，没有处理");

    // Depth: 16 nested elements pass, 17 do not.
    auto nested = [](int depth) {
        std::string open, close;
        for (int i = 2; i < depth; ++i) {
            open += "<x>";
            close = "</x>" + close;
        }
        return kHead + "<extension>" + open + close + "</extension></alert>";
    };
    CHECK(refusal(nested(kMaxDepth)) == "(accepted)");
    CHECK(refusal(nested(kMaxDepth + 1)) == "预警消息第 1 行：元素嵌套超过 16 层，没有处理");
    std::string deep;  // far deeper than libxml2's own limit: still a clear refusal
    for (int i = 0; i < 5000; ++i) deep += "<x>";
    CHECK(refusal(deep) == "预警消息第 1 行：元素嵌套超过 16 层，没有处理");

    // Elements: 4000 in all.
    auto flat = [](std::size_t n) {
        std::string s = kHead;
        for (std::size_t i = 6; i < n; ++i) s += "<p/>";
        return s + "</alert>";
    };
    CHECK(refusal(flat(kMaxElements)) == "(accepted)");
    CHECK(refusal(flat(kMaxElements + 1)) == "预警消息的元素超过 4000 个，没有处理");

    // Text: description + instruction at most 2000 characters, other fields 500.
    const std::string thousand = [] {
        std::string s;
        for (int i = 0; i < 1000; ++i) s += "雪";
        return s;
    }();
    CHECK(refusal(kHead + "<info><description>" + thousand + "</description><instruction>" + thousand +
                  "</instruction></info></alert>") == "(accepted)");
    CHECK(refusal(kHead + "<info><description>" + thousand + "</description><instruction>" + thousand +
                  "冰</instruction></info></alert>") == "预警消息第 1 行：描述和防御指南共有 2001 字以上，超过 2000 字的上限，没有处理");
    CHECK(refusal(kHead + "<info><description>" + thousand + thousand + thousand + "</description></info></alert>") ==
          "预警消息第 1 行：描述（description）有 3000 字，超过 2000 字的上限，没有处理");
    CHECK(refusal(kHead + "<info><headline>" + thousand + "</headline></info></alert>") ==
          "预警消息第 1 行：标题（headline）有 1000 字，超过 500 字的上限，没有处理");

    // Areas and region codes: 64 each.
    std::string areas = kHead + "<info>";
    for (std::size_t i = 0; i <= kMaxAreas; ++i) areas += "<area><areaDesc>x</areaDesc></area>";
    CHECK(refusal(areas + "</info></alert>") == "预警消息第 1 行：地区（area）超过 64 个，没有处理");
    std::string codes;
    for (std::size_t i = 0; i <= kMaxAreas; ++i) codes += std::to_string(220100 + i) + " ";
    CHECK(refusal(kHead + "<info><area><areaCode>" + codes + "</areaCode></area></info></alert>") ==
          "预警消息第 1 行：地区代码超过 64 个，没有处理");

    // References: 64.
    std::string refs;
    for (std::size_t i = 0; i <= kMaxAreas; ++i) refs += "s,ID" + std::to_string(i) + ",2026-12-07T06:10:00+08:00 ";
    std::string update = kHead + "<references>" + refs + "</references></alert>";
    update.replace(update.find("<msgType>Alert"), 14, "<msgType>Update");
    CHECK(refusal(update) == "预警消息第 1 行：引用（references）超过 64 条，没有处理");
}

TEST_CASE("cap: an Atom feed of three entries, one malformed, keeps the others", "[cap]") {
    auto feed = parse_feed(fixture("atom_feed_3.xml"));
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == 3);
    const FeedEntry& first = (*feed)[0];
    REQUIRE(first.message.ok());
    CHECK(first.message->identifier == "cn.12379.220100.20261207061000.blizzard.1");
    CHECK(first.message->level == Level::orange);
    CHECK(first.message->region_codes() == std::vector<std::string>{"220100"});
    CHECK(first.source_hint == "第 1 条（长春市气象台发布暴雪橙色预警）");
    CHECK(first.link == "https://example.org/cap/cn.12379.220100.20261207061000.blizzard.1.xml");

    const FeedEntry& broken = (*feed)[1];
    REQUIRE_FALSE(broken.message.ok());
    CHECK(broken.source_hint == "第 2 条（长春市气象台发布道路结冰蓝色预警）");
    CHECK(broken.message.error().message.find("不是格式正确的 XML") != std::string::npos);

    const FeedEntry& third = (*feed)[2];  // CAP escaped as text in <content type="text">
    REQUIRE(third.message.ok());
    CHECK(third.message->identifier == "22010241600000_20261207090000_0");
    CHECK(third.message->level == Level::yellow);
    CHECK(third.message->region_codes() == std::vector<std::string>{"220102"});
}

TEST_CASE("cap: an RSS feed, and an item that only links its CAP", "[cap]") {
    auto feed = parse_feed(fixture("rss_feed.xml"));
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == 2);
    REQUIRE((*feed)[0].message.ok());
    CHECK((*feed)[0].message->level == Level::blue);
    CHECK((*feed)[0].link == "https://example.org/cap/22010041600000_20261207080000_0.xml");
    REQUIRE_FALSE((*feed)[1].message.ok());
    CHECK((*feed)[1].message.error().message ==
          "这一条只有链接（https://example.org/cap/11010141600000_20261207070000_0.xml），没有内嵌的 CAP 预警消息（<alert>）；"
          "请订阅内嵌 CAP 的预警源");
    CHECK((*feed)[1].link == "https://example.org/cap/11010141600000_20261207070000_0.xml");
}

TEST_CASE("cap: a single alert and a wrapper of alerts as feeds", "[cap]") {
    auto one = parse_feed(fixture("cap_alert_blizzard_orange.xml"));
    REQUIRE(one.ok());
    REQUIRE(one->size() == 1);
    CHECK((*one)[0].message.ok());

    const std::string good = kHead + "</alert>";
    const std::string bad = "<alert><identifier>T2</identifier></alert>";
    auto wrapper = parse_feed("<alerts>\n" + good + "\n" + bad + "\n" + good + "</alerts>");
    REQUIRE(wrapper.ok());
    REQUIRE(wrapper->size() == 3);
    CHECK((*wrapper)[0].message.ok());
    REQUIRE_FALSE((*wrapper)[1].message.ok());
    CHECK((*wrapper)[1].message.error().message == "预警消息第 3 行：缺少发布者（sender）");
    CHECK((*wrapper)[1].source_hint == "第 2 条");
    CHECK((*wrapper)[2].message.ok());

    CHECK(feed_refusal("<html><body/></html>") ==
          "预警源的根元素是 <html>，不是 CAP 预警（<alert>）、多条预警、Atom（<feed>）或 RSS（<rss>）");
    auto linked = parse_feed("<feed><entry><link rel=\"alternate\" href=\"https://a.example/page.html\"/>"
                             "<link rel=\"alternate\" type=\"application/cap+xml\" href=\"https://a.example/1.cap\"/></entry></feed>");
    REQUIRE(linked.ok());
    REQUIRE(linked->size() == 1);
    CHECK((*linked)[0].link == "https://a.example/1.cap");  // the CAP-typed link is preferred
    CHECK_FALSE((*linked)[0].message.ok());

    auto empty = parse_feed("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>无预警</title></feed>");
    REQUIRE(empty.ok());
    CHECK(empty->empty());
}

TEST_CASE("cap: a feed reads at most 100 messages and says what it left", "[cap]") {
    std::string many = "<alerts>";
    for (int i = 0; i < 120; ++i) many += kHead + "</alert>";
    auto feed = parse_feed(many + "</alerts>");
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == kMaxFeedMessages + 1);
    CHECK((*feed)[99].message.ok());
    REQUIRE_FALSE(feed->back().message.ok());
    CHECK(feed->back().message.error().message == "预警源有 120 条，超过 100 条的上限：后面的 20 条没有读");
    CHECK(feed->back().source_hint == "第 101 条起");
}

TEST_CASE("cap: a hostile escaped entry is that entry's error, and CDATA text is read", "[cap]") {
    const std::string feed =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        "<entry><title>坏的</title><content type=\"text\">&lt;!DOCTYPE alert [&lt;!ENTITY a \"aaaa\"&gt;]&gt;"
        "&lt;alert&gt;&amp;a;&lt;/alert&gt;</content></entry>\n"
        "<entry><title>好的</title><content>" + kHead +
        "<info><description><![CDATA[  <b>大风</b> & 降温　]]></description></info></alert></content></entry>\n"
        "<entry><title>缺发布者</title><content>\n<alert>\n<identifier>X</identifier></alert></content></entry>\n"
        "</feed>";
    auto f = parse_feed(feed);
    REQUIRE(f.ok());
    REQUIRE(f->size() == 3);
    REQUIRE_FALSE((*f)[0].message.ok());
    CHECK((*f)[0].message.error().message.rfind("预警消息第 1 行有文档类型声明（DOCTYPE）", 0) == 0);
    CHECK((*f)[0].source_hint == "第 1 条（坏的）");
    REQUIRE((*f)[1].message.ok());
    CHECK((*f)[1].message->description == "<b>大风</b> & 降温");  // CDATA kept as text, spaces trimmed (also U+3000)
    REQUIRE_FALSE((*f)[2].message.ok());
    CHECK((*f)[2].message.error().message == "预警消息第 5 行：缺少发布者（sender）");  // the feed's own line
}
