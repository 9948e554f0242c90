// The office's warning rules (warning/rules) without a clock, a file or a network: the
// defaults, the admin's JSON checked with Chinese errors naming the rule and what to type,
// GB/T 2260 region matching at the province, city, district and township levels, the
// notice's title and text, and notice ids (stable, topic-safe, never colliding).
// decide() is tested in test_warning_decide.cpp.
#include <catch2/catch.hpp>

#include <set>

#include "base/utf8.hpp"
#include "config/config.hpp"
#include "warning/rules.hpp"

using namespace kiosk;
using namespace kiosk::warning;
using nlohmann::json;

namespace {

std::string error_of(const json& j) {
    auto r = parse_rules(j);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

Message at(std::vector<std::string> codes, std::string desc = "") {
    Message m;
    m.identifier = "id-1";
    m.areas.push_back(Area{std::move(desc), std::move(codes)});
    return m;
}

std::size_t chars(const std::string& s) { return utf8::decode(s).size(); }

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST_CASE("warning rules: the defaults publish nothing until a region is mapped, Actual publishes, drills go to test screens", "[warning_rules]") {
    const Rules d = default_rules();
    CHECK(d.regions.empty());
    CHECK(d.test_scopes.empty());
    CHECK(d.title == "headline");
    CHECK(d.statuses.at(MsgStatus::actual) == Action::publish);
    CHECK(d.statuses.at(MsgStatus::exercise) == Action::test);
    CHECK(d.statuses.at(MsgStatus::test) == Action::test);
    CHECK(d.statuses.at(MsgStatus::system) == Action::ignore);
    CHECK(d.statuses.at(MsgStatus::draft) == Action::ignore);
    CHECK(d.levels.at(Level::red) == Action::publish);
    CHECK(d.levels.at(Level::orange) == Action::publish);
    CHECK(d.levels.at(Level::yellow) == Action::publish);
    CHECK(d.levels.at(Level::blue) == Action::approve);
    CHECK(d.levels.at(Level::none) == Action::approve);

    // An empty object is the defaults; the JSON written is read back the same.
    auto empty = parse_rules(json::object());
    REQUIRE(empty.ok());
    CHECK(rules_json(*empty) == rules_json(d));
    const json written = rules_json(d);
    CHECK(written["format"] == "warning-rules/1");
    CHECK(written["levels"]["none"] == "approve");
    CHECK(written["statuses"]["Exercise"] == "test");
}

TEST_CASE("warning rules: the header's example is read, kept in order and written back unchanged", "[warning_rules]") {
    const json j = json::parse(R"({"format": "warning-rules/1",
        "regions": [{"code": "2201", "scopes": ["all"]},
                    {"code": "220102", "scopes": ["group/nanguan", "screen/zwzx-1f-01", "group/nanguan"]}],
        "statuses": {"Actual": "publish", "Exercise": "test", "Test": "ignore", "System": "ignore"},
        "test_scopes": ["group/test"],
        "levels": {"red": "publish", "orange": "publish", "yellow": "approve", "blue": "ignore", "none": "approve"},
        "title": "{sender}发布{event}{level}预警"})");
    auto r = parse_rules(j);
    REQUIRE(r.ok());
    REQUIRE(r->regions.size() == 2);
    CHECK(r->regions[0].code == "2201");
    CHECK(r->regions[1].scopes == std::vector<std::string>{"group/nanguan", "screen/zwzx-1f-01"});  // deduplicated
    CHECK(r->statuses.at(MsgStatus::test) == Action::ignore);
    CHECK(r->statuses.at(MsgStatus::draft) == Action::ignore);  // left out: its default
    CHECK(r->levels.at(Level::blue) == Action::ignore);
    CHECK(r->levels.at(Level::yellow) == Action::approve);
    CHECK(r->test_scopes == std::vector<std::string>{"group/test"});
    CHECK(r->title == "{sender}发布{event}{level}预警");
    auto again = parse_rules(rules_json(*r));
    REQUIRE(again.ok());
    CHECK(rules_json(*again) == rules_json(*r));
    auto from_text = parse_rules_text(rules_json(*r).dump());
    REQUIRE(from_text.ok());
    CHECK(rules_json(*from_text) == rules_json(*r));
}

TEST_CASE("warning rules: each mistake is said in Chinese, naming the rule and what to type instead", "[warning_rules]") {
    struct Case {
        const char* name;
        json rules;
        std::vector<std::string> says;
    };
    const std::vector<Case> cases = {
        {"letters in a code", json::parse(R"({"regions": [{"code": "2201", "scopes": ["all"]}, {"code": "22x1", "scopes": ["all"]}]})"),
         {"第 2 条地区规则", "地区代码“22x1”不对", "应为 2、4、6、9 或 12 位数字", "\"2201\""}},
        {"three digits", json::parse(R"({"regions": [{"code": "220", "scopes": ["all"]}]})"), {"第 1 条地区规则", "“220”", "2、4、6、9 或 12 位"}},
        {"a number, not text", json::parse(R"({"regions": [{"code": 2201, "scopes": ["all"]}]})"), {"第 1 条地区规则", "“2201”", "写在引号里"}},
        {"no code", json::parse(R"({"regions": [{"scopes": ["all"]}]})"), {"第 1 条地区规则", "缺少地区代码", "\"2201\""}},
        {"no scopes", json::parse(R"({"regions": [{"code": "2201"}]})"), {"第 1 条地区规则", "缺少屏幕范围", "[\"all\"]"}},
        {"empty scopes", json::parse(R"({"regions": [{"code": "2201", "scopes": []}]})"), {"第 1 条地区规则", "没有填屏幕范围", "all（全部屏幕）"}},
        {"a scope in Chinese", json::parse(R"({"regions": [{"code": "2201", "scopes": ["all", "group/大厅"]}]})"),
         {"第 1 条地区规则", "第 2 个屏幕范围“group/大厅”不对", "group/分组名", "字母、数字"}},
        {"a misspelt key", json::parse(R"({"regions": [{"code": "2201", "scope": ["all"]}]})"), {"不认识的项“scope”", "code 和 scopes"}},
        {"a region not an object", json::parse(R"({"regions": ["2201"]})"), {"第 1 条地区规则", "{\"code\": \"2201\""}},
        {"regions not a list", json::parse(R"({"regions": {"code": "2201"}})"), {"地区规则应是一个列表"}},
        {"an unknown status", json::parse(R"({"statuses": {"Real": "publish"}})"), {"状态规则", "“Real”不认识", "Actual（正式）"}},
        {"a misspelt action", json::parse(R"({"statuses": {"Actual": "publsh"}})"), {"状态规则", "Actual 的处理方式“publsh”不对", "publish（立即发布）"}},
        {"test for a level", json::parse(R"({"levels": {"red": "test"}})"), {"等级规则", "red 的处理方式“test”不对", "ignore（不发布）"}},
        {"an unknown level", json::parse(R"({"levels": {"purple": "publish"}})"), {"等级规则", "“purple”不认识", "orange（橙色）"}},
        {"a bad test scope", json::parse(R"({"test_scopes": ["test"]})"), {"测试屏幕", "第 1 个屏幕范围“test”不对"}},
        {"an unknown placeholder", json::parse(R"({"title": "{sender}{kind}预警"})"), {"标题里的“{kind}”不认识", "{sender}（发布单位）"}},
        {"an empty title", json::parse(R"({"title": ""})"), {"标题没有填", "headline"}},
        {"a title of two lines", json::parse(R"({"title": "预警\n{event}"})"), {"标题只能有一行"}},
        {"a long title", json{{"title", repeat("字", 61)}},
         {"标题有 61 个字", "最多 60 个字"}},
        {"an unknown key", json::parse(R"({"region": []})"), {"不认识的项“region”", "format、regions"}},
        {"another format", json::parse(R"({"format": "warning-rules/2"})"), {"规则格式“warning-rules/2”不认识", "\"warning-rules/1\""}},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const std::string e = error_of(c.rules);
        INFO(e);
        CHECK(e.rfind("预警规则", 0) == 0);
        for (const auto& part : c.says) CHECK(e.find(part) != std::string::npos);
        CHECK(e.find("json") == std::string::npos);  // no JSON paths, no English reasons
    }
    CHECK_FALSE(parse_rules(json::array()).ok());
}

TEST_CASE("warning rules: several mistakes are all listed, at most five by name", "[warning_rules]") {
    json regions = json::array();
    for (int i = 0; i < 7; ++i) regions.push_back({{"code", "x" + std::to_string(i)}, {"scopes", {"all"}}});
    const std::string e = error_of({{"regions", regions}});
    for (int i = 1; i <= 5; ++i) CHECK(e.find("第 " + std::to_string(i) + " 条地区规则") != std::string::npos);
    CHECK(e.find("第 6 条地区规则") == std::string::npos);
    CHECK(e.find("另有 2 处问题") != std::string::npos);
}

TEST_CASE("warning rules: budgets are checked before the work", "[warning_rules]") {
    json regions = json::array();
    for (std::size_t i = 0; i <= kMaxRuleRegions; ++i) regions.push_back({{"code", "2201"}, {"scopes", {"all"}}});
    CHECK(error_of({{"regions", regions}}).find("地区规则有 201 条，最多 200 条") != std::string::npos);
    regions.erase(regions.begin());
    CHECK(parse_rules({{"regions", regions}}).ok());

    json scopes = json::array();
    for (std::size_t i = 0; i <= kMaxRuleScopes; ++i) scopes.push_back("screen/s" + std::to_string(i));
    CHECK(error_of({{"regions", {{{"code", "2201"}, {"scopes", scopes}}}}}).find("屏幕范围有 51 个，最多 50 个") != std::string::npos);
    json tests = json::array();
    for (std::size_t i = 0; i <= kMaxTestScopes; ++i) tests.push_back("screen/t" + std::to_string(i));
    CHECK(error_of({{"test_scopes", tests}}).find("测试屏幕有 21 个，最多 20 个") != std::string::npos);

    // 64 KiB in all (a huge string anywhere), for JSON and for text.
    CHECK(error_of({{"title", std::string(70000, 'a')}}).find("超过 64 KB 的上限") != std::string::npos);
    auto text = parse_rules_text(std::string(kMaxRulesBytes + 1, ' '));
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().message.find("超过 64 KB 的上限") != std::string::npos);
    auto broken = parse_rules_text(R"({"regions": [{"code": "2201",}]})");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().message.find("不是正确的 JSON") != std::string::npos);
}

TEST_CASE("warning rules: a region code is the area it names, at any length", "[warning_rules]") {
    const std::vector<std::pair<std::string, std::string>> prefixes = {
        {"22", "22"},          {"2200", "22"},           {"220000", "22"},       {"2201", "2201"},
        {"220100", "2201"},    {"110100", "1101"},       {"220102", "220102"},   {"220102000", "220102"},
        {"220102000000", "220102"}, {"220102001", "220102001"}, {"220102001000", "220102001"},
        {"220102001002", "220102001002"}, {"000000", ""}, {"00", ""}, {"220", ""}, {"22a1", ""},
        {"", ""}, {"2201020", ""}, {"22010200100", ""},
    };
    for (const auto& [code, prefix] : prefixes) {
        INFO(code);
        CHECK(region_prefix(code) == prefix);
    }
}

TEST_CASE("warning rules: a province, city, district or township rule matches the messages of its area and of the areas around it", "[warning_rules]") {
    struct Case {
        const char* rule;
        const char* message;
        bool match;
    };
    const std::vector<Case> cases = {
        // A province rule covers its cities, districts and townships.
        {"22", "220102", true}, {"22", "220100", true}, {"22", "220102001000", true}, {"22", "230100", false},
        {"220000", "220581", true},
        // A city rule covers its districts; a message for the city itself, at any length.
        {"2201", "220100", true}, {"2201", "220102", true}, {"2201", "220102001", true}, {"2201", "220200", false},
        {"220100", "220102", true}, {"220100", "220100000000", true}, {"220100", "220203", false},
        // A district rule: its own messages and those of the city and province around it.
        {"220102", "220102", true}, {"220102", "220102003000", true}, {"220102", "220100", true},
        {"220102", "220000", true}, {"220102", "220103", false}, {"220102", "110102", false},
        // A township rule.
        {"220102001", "220102001000", true}, {"220102001", "220102002000", false}, {"220102001", "220102", true},
        // Codes that name nothing match nothing.
        {"2201", "000000", false}, {"2201", "22x100", false}, {"2201", "", false},
    };
    for (const auto& c : cases) {
        INFO(std::string("rule ") + c.rule + ", message " + c.message);
        CHECK(region_matches(c.rule, c.message) == c.match);
    }
}

TEST_CASE("warning rules: the scopes of every matching rule, in rule order, each once", "[warning_rules]") {
    Rules r = default_rules();
    r.regions = {{"220102", {"group/nanguan", "screen/ng-01"}}, {"2201", {"group/changchun", "group/nanguan"}}, {"11", {"all"}}};
    CHECK(mapped_scopes(at({"220102"}), r) == std::vector<std::string>{"group/nanguan", "screen/ng-01", "group/changchun"});
    CHECK(mapped_scopes(at({"220104"}), r) == std::vector<std::string>{"group/changchun", "group/nanguan"});
    CHECK(mapped_scopes(at({"310000", "110101"}), r) == std::vector<std::string>{"all"});
    CHECK(mapped_scopes(at({"310000"}), r).empty());
    CHECK(mapped_scopes(at({}), r).empty());
    Message two = at({"310000"});
    two.areas.push_back(Area{"南关区", {"220102001000"}});
    CHECK(mapped_scopes(two, r).size() == 3);
    CHECK(mapped_scopes(at({"220102"}), default_rules()).empty());  // no rules, nothing maps
}

TEST_CASE("warning rules: the title is the message's headline, or built from the template", "[warning_rules]") {
    Message m = at({"220100"}, "长春市");
    m.sender = "cc_qxt@cma.gov.cn";
    m.sender_name = "长春市气象台";
    m.event = "暴雪";
    m.level = Level::orange;
    m.headline = "长春市气象台发布暴雪橙色预警信号";
    Rules r = default_rules();
    CHECK(warning_title(m, r) == "长春市气象台发布暴雪橙色预警信号");
    m.headline = " \n ";
    CHECK(warning_title(m, r) == "长春市气象台发布暴雪橙色预警");
    m.event = "暴雪预警";  // not 暴雪预警橙色预警
    CHECK(warning_title(m, r) == "长春市气象台发布暴雪橙色预警");
    m.level = Level::none;
    m.event = "大风";
    CHECK(warning_title(m, r) == "长春市气象台发布大风预警");
    m.sender_name.clear();
    CHECK(warning_title(m, r) == "cc_qxt@cma.gov.cn发布大风预警");
    m.sender.clear();
    CHECK(warning_title(m, r) == "大风预警");

    m.sender_name = "吉林省气象台";
    m.level = Level::red;
    m.event = "寒潮";
    m.areas = {{"长春市", {"220100"}}, {"吉林市", {"220200"}}, {"四平市", {"220300"}}, {"辽源市", {"220400"}}};
    r.title = "{area}{event}{level}预警（{sender}）";
    CHECK(warning_title(m, r) == "长春市、吉林市、四平市等寒潮红色预警（吉林省气象台）");
    m.areas.resize(2);
    CHECK(warning_title(m, r) == "长春市、吉林市寒潮红色预警（吉林省气象台）");
    m.headline = "不用这个标题";
    CHECK(warning_title(m, r).find("不用") == std::string::npos);  // a template wins over the headline

    // One line, at most 100 characters.
    r.title = "headline";
    m.headline = "第一行\n  第二行\t";
    CHECK(warning_title(m, r) == "第一行第二行");
    m.headline = "Red  warning\nfor\tsnow";
    CHECK(warning_title(m, r) == "Red warning for snow");
    m.headline = repeat("雪", 150);
    const std::string cut = warning_title(m, r);
    CHECK(chars(cut) == kMaxWarningTitleChars);
    CHECK(cut.substr(cut.size() - 3) == "…");
}

TEST_CASE("warning rules: the notice text is the description, then the 防御指南 on its own line, cut at a sentence", "[warning_rules]") {
    Message m = at({"220100"});
    m.headline = "长春市气象台发布暴雪橙色预警";
    m.description = "  预计未来6小时内长春市区将出现\n\n暴雪，降雪量将达10毫米以上。  ";
    m.instruction = "1. 政府及相关部门按照职责做好防雪灾工作；\n2. 减少不必要的户外活动。";
    CHECK(warning_text(m) == "预计未来6小时内长春市区将出现\n暴雪，降雪量将达10毫米以上。\n防御指南：1. 政府及相关部门按照职责做好防雪灾工作；\n2. 减少不必要的户外活动。");
    m.instruction = "防御指南：减少户外活动。";
    CHECK(warning_text(m) == "预计未来6小时内长春市区将出现\n暴雪，降雪量将达10毫米以上。\n防御指南：减少户外活动。");
    m.description.clear();
    CHECK(warning_text(m) == "防御指南：减少户外活动。");
    m.instruction.clear();
    CHECK(warning_text(m) == "长春市气象台发布暴雪橙色预警");  // neither: the title

    // Over the limit: cut after the last sentence end, marked.
    const std::size_t most = config::kMaxInlineTextChars;
    m.description.clear();
    while (chars(m.description) < most + 500) m.description += "预计将出现大到暴雪天气。";
    const std::string t = warning_text(m);
    CHECK(chars(t) <= most);
    CHECK(chars(t) > most - 20);
    CHECK(t.substr(t.size() - 6) == "。…");
    // No sentence end at all: cut at the limit.
    m.description = std::string(most + 10, 'x');
    CHECK(chars(warning_text(m)) == most);
}

TEST_CASE("warning rules: notice ids are topic-safe, at most 64 characters, stable, and never collide", "[warning_rules]") {
    // A GB/T 35965.1 identifier is kept as it is.
    const std::string gb = "22010041000000000001_20261207061000_1";
    CHECK(notice_id_for(gb) == "yj-" + gb);
    const std::vector<std::string> ids = {
        gb,
        "urn:oid:2.49.0.1.156.0.2026.12.7.6.10:1",
        "urn:oid:2.49.0.1.156.0.2026.12.7.6.10_1",
        "a:b", "a/b", "a_b", "a b", "a#b", "a+b", "预警1", "预警2", "",
        std::string(200, 'x') + "1", std::string(200, 'x') + "2", std::string(61, 'y'), std::string(62, 'y'),
        "x-0123456789ab",  // looks like a hashed id: hashed too, so it cannot meet one
    };
    std::set<std::string> seen;
    for (const auto& id : ids) {
        INFO(id);
        const std::string n = notice_id_for(id);
        CHECK(n.rfind("yj-", 0) == 0);
        CHECK(n.size() <= 64);
        CHECK(config::topic_safe_name(n, false));
        CHECK(notice_id_for(id) == n);  // stable
        CHECK(seen.insert(n).second);   // no two alike
    }
    CHECK(notice_id_for("a_b") == "yj-a_b");
    CHECK(notice_id_for("a:b").rfind("yj-a_b-", 0) == 0);
    CHECK(notice_id_for(std::string(61, 'y')) == "yj-" + std::string(61, 'y'));
    CHECK(notice_id_for("x-0123456789ab") != "yj-x-0123456789ab");
}
