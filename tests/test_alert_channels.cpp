// The alert channels' formats and console.json's alerts section, without a network: the
// bodies the group robots and the generic webhook get, 钉钉's signature (recomputed here with
// OpenSSL, not the libsodium the console signs with), the mail as sent, the retry backoff.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/utf8.hpp"
#include "console/alert_channels.hpp"
#include "console/settings.hpp"
#include "net/notify.hpp"
#include "support.hpp"

using namespace kiosk::console;
namespace fs = std::filesystem;

namespace {

AlertMessage sample() {
    AlertMessage m;
    m.event = "raised";
    m.title = "【告警】一楼大厅左屏离线 10 分钟";
    m.text = "一楼大厅左屏从 09:20 起没有消息。\n请到现场看看屏幕是否通电、网线是否插好。";
    m.rule = "offline";
    m.screen = "hall-1-left";
    m.screen_name = "一楼大厅左屏";
    m.at = 1796635800;  // 2026-12-07T09:30:00Z
    return m;
}

std::string decode_base64(const std::string& text) {
    std::string out(text.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    REQUIRE(n >= 0);
    out.resize(static_cast<size_t>(n));
    size_t pad = 0;
    for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
    out.resize(out.size() - pad);
    return out;
}

}  // namespace

TEST_CASE("alert channels: 企业微信 and 钉钉 get a text message of the title and the lines", "[channels]") {
    for (const auto& body : {wecom_body(sample()), dingtalk_body(sample())}) {
        const auto j = nlohmann::json::parse(body);
        CHECK(j.size() == 2);
        CHECK(j["msgtype"] == "text");
        CHECK(j["text"]["content"] == sample().title + "\n" + sample().text);
    }
    // An alert's text opening with its title's 【告警】 says it once in the group chat.
    AlertMessage alert = sample();
    alert.title = "【告警】1楼东侧屏：屏幕离线";
    alert.text = "【告警】1楼东侧屏 已离线 5 分钟（自 09:12 起）。";
    CHECK(nlohmann::json::parse(wecom_body(alert))["text"]["content"] ==
          "【告警】1楼东侧屏：屏幕离线\n1楼东侧屏 已离线 5 分钟（自 09:12 起）。");
    // 企业微信's text.content is at most 2048 bytes: a long message is cut between characters.
    AlertMessage longer = sample();
    for (int i = 0; i < 600; ++i) longer.text += "屏幕";
    const std::string content = nlohmann::json::parse(wecom_body(longer))["text"]["content"];
    CHECK(content.size() <= 2048);
    CHECK(content.size() > 2000);
    CHECK(kiosk::utf8::is_valid(content));
    CHECK(content.substr(content.size() - 3) == "…");
}

TEST_CASE("alert channels: the generic webhook's JSON has every documented field, at in ISO 8601", "[channels]") {
    const auto j = nlohmann::json::parse(webhook_body(sample()));
    CHECK(j["schema"] == "kiosk-alert/1");
    CHECK(j["event"] == "raised");
    CHECK(j["rule"] == "offline");
    CHECK(j["screen"] == "hall-1-left");
    CHECK(j["screen_name"] == "一楼大厅左屏");
    CHECK(j["title"] == sample().title);
    CHECK(j["text"] == sample().text);
    CHECK(j["at"] == "2026-12-07T09:30:00Z");
    CHECK(j.size() == 8);
}

TEST_CASE("alert channels: 钉钉's signature is HMAC-SHA256 of timestamp and secret, base64 then URL-encoded", "[channels]") {
    const std::string url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
    const std::string secret = "SEC0123456789abcdef";
    const std::string signed_url = dingtalk_signed_url(url, secret, 1700000000000LL);
    // The same as 钉钉's documented Python example (hmac, base64, urllib.parse.quote_plus) gives.
    CHECK(signed_url == url + "&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");
    // And recomputed with OpenSSL for another moment.
    const std::string to_sign = "1800000000123\n" + secret;
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
         to_sign.size(), mac, &mac_len);
    REQUIRE(mac_len == 32);
    unsigned char b64[64] = {};
    EVP_EncodeBlock(b64, mac, 32);
    std::string encoded;
    for (const unsigned char* p = b64; *p; ++p) {
        if (*p == '+') encoded += "%2B";
        else if (*p == '/') encoded += "%2F";
        else if (*p == '=') encoded += "%3D";
        else encoded += static_cast<char>(*p);
    }
    CHECK(dingtalk_signed_url(url, secret, 1800000000123LL) == url + "&timestamp=1800000000123&sign=" + encoded);
}

TEST_CASE("alert channels: a failed delivery is tried again after 1, 2, 4 … minutes, at most an hour apart", "[channels]") {
    const std::time_t t = 1796635800;
    CHECK(next_attempt(1, t) == t + 60);
    CHECK(next_attempt(2, t) == t + 120);
    CHECK(next_attempt(3, t) == t + 240);
    CHECK(next_attempt(6, t) == t + 1920);
    CHECK(next_attempt(7, t) == t + 3600);
    CHECK(next_attempt(1000, t) == t + 3600);
    CHECK(next_attempt(0, t) == t + 60);
}

TEST_CASE("alert channels: the mail carries its headers, the subject in RFC 2047 words, the body in base64", "[channels]") {
    kiosk::net::MailRequest r;
    r.from = "kiosk@example.gov.cn";
    r.from_name = "屏幕告警";
    r.to = {"it@example.gov.cn", "wang@example.gov.cn"};
    r.subject = sample().title + "，请信息科尽快到一楼大厅查看左边那块屏幕的电源和网线";
    r.body = "第一行\n第二行";
    r.date = 1796635800;
    const std::string m = kiosk::net::mail_message(r, "kiosk.1@example.gov.cn");
    const auto end = m.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    const std::string headers = m.substr(0, end + 2);
    CHECK(headers.find("Date: Mon, 07 Dec 2026 09:30:00 +0000\r\n") != std::string::npos);
    CHECK(headers.find("From: =?UTF-8?B?" + kiosk::net::base64("屏幕告警") + "?= <kiosk@example.gov.cn>\r\n") != std::string::npos);
    CHECK(headers.find("To: it@example.gov.cn, wang@example.gov.cn\r\n") != std::string::npos);
    CHECK(headers.find("Message-ID: <kiosk.1@example.gov.cn>\r\n") != std::string::npos);
    CHECK(headers.find("MIME-Version: 1.0\r\n") != std::string::npos);
    CHECK(headers.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
    CHECK(headers.find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    // The subject: encoded words of at most 75 characters, folded, decoding to the title.
    const auto s = headers.find("Subject: ");
    REQUIRE(s != std::string::npos);
    std::string subject_field = headers.substr(s + 9);
    subject_field = subject_field.substr(0, subject_field.find("\r\nMessage-ID"));
    std::string decoded;
    int words = 0;
    size_t at = 0;
    while (at < subject_field.size()) {
        const auto stop = subject_field.find("\r\n ", at);
        const std::string word = subject_field.substr(at, stop == std::string::npos ? std::string::npos : stop - at);
        CHECK(word.size() <= 75);
        REQUIRE(word.rfind("=?UTF-8?B?", 0) == 0);
        REQUIRE(word.substr(word.size() - 2) == "?=");
        const std::string piece = decode_base64(word.substr(10, word.size() - 12));
        CHECK(kiosk::utf8::is_valid(piece));  // split between characters, never inside one
        decoded += piece;
        ++words;
        at = stop == std::string::npos ? subject_field.size() : stop + 3;
    }
    CHECK(words >= 3);
    CHECK(decoded == r.subject);
    // The body: CRLF line ends, base64 in lines of at most 76 characters.
    std::string body_b64;
    std::string rest = m.substr(end + 4);
    for (size_t i = 0; i < rest.size();) {
        const auto eol = rest.find("\r\n", i);
        REQUIRE(eol != std::string::npos);
        CHECK(eol - i <= 76);
        body_b64 += rest.substr(i, eol - i);
        i = eol + 2;
    }
    CHECK(decode_base64(body_b64) == "第一行\r\n第二行");
    // Plain ASCII stays readable.
    CHECK(kiosk::net::encode_header_words("Disk low") == "Disk low");
}

TEST_CASE("alert channels: console.json's alerts.channels are read, the SMTP password from its 0600 file", "[channels]") {
    test::TempDir dir;
    test::write_file(dir.path() / "smtp.pass", "s3cret\n");
    ::chmod((dir.path() / "smtp.pass").c_str(), 0600);
    test::write_file(dir.path() / "ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const fs::path file = dir.path() / "console.json";
    auto write = [&](const std::string& channels) {
        test::write_file(file, R"({"office_config": "office.json", "alerts": {"channels": )" + channels + "}}");
    };
    write(R"([
      {"id": "it-wecom", "name": "信息科企业微信群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"},
      {"id": "it-ding", "name": "信息科钉钉群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t1", "secret": "SECabc"},
      {"id": "ops-hook", "name": "运维平台", "kind": "webhook", "url": "https://ops.example.gov.cn/hook"},
      {"id": "it-mail", "name": "信息科邮箱", "kind": "email", "smtp": "smtp://mail.example.gov.cn:587", "starttls": true,
       "username": "kiosk", "password_file": "smtp.pass", "from": "kiosk@example.gov.cn", "to": ["it@example.gov.cn", "wang@example.gov.cn"],
       "ca_file": "ca.pem"}])");
    auto s = load_settings(file);
    REQUIRE(s);
    REQUIRE(s->alert_channels.size() == 4);
    CHECK(s->alert_channels[0].kind == "wecom");
    CHECK(s->alert_channels[0].name == "信息科企业微信群");
    CHECK(s->alert_channels[1].secret == "SECabc");
    CHECK(s->alert_channels[2].url == "https://ops.example.gov.cn/hook");
    const AlertChannel& mail = s->alert_channels[3];
    CHECK(mail.id == "it-mail");
    CHECK(mail.smtp == "smtp://mail.example.gov.cn:587");
    CHECK(mail.starttls);
    CHECK(mail.username == "kiosk");
    CHECK(mail.password == "s3cret");
    CHECK(mail.from == "kiosk@example.gov.cn");
    CHECK(mail.to == std::vector<std::string>{"it@example.gov.cn", "wang@example.gov.cn"});
    CHECK(mail.ca_file == (dir.path() / "ca.pem").string());

    // No alerts section: no channels.
    test::write_file(file, R"({"office_config": "office.json"})");
    REQUIRE(load_settings(file));
    CHECK(load_settings(file)->alert_channels.empty());
}

TEST_CASE("alert channels: a wrong channel in console.json is refused, naming the file, the channel and the fix", "[channels]") {
    test::TempDir dir;
    const fs::path file = dir.path() / "console.json";
    const fs::path pass = dir.path() / "smtp.pass";
    test::write_file(pass, "s3cret\n");
    auto error_for = [&](const std::string& channels) {
        test::write_file(file, R"({"office_config": "office.json", "alerts": {"channels": )" + channels + "}}");
        auto s = load_settings(file);
        REQUIRE_FALSE(s);
        const std::string e = s.error().message;
        CHECK(e.rfind(file.string() + ": alerts.channels[", 0) == 0);
        return e;
    };
    const std::string mail = R"("kind": "email", "smtp": "smtp://mail.example.gov.cn:587", "from": "kiosk@example.gov.cn", "to": ["it@example.gov.cn"])";
    CHECK_THAT(error_for(R"([{"id": "a", "name": "甲", "kind": "sms", "url": "https://x"}])"),
               Catch::Contains("[0] \"a\"") && Catch::Contains("\"sms\" is not known; use wecom, dingtalk, webhook or email"));
    CHECK_THAT(error_for(R"([{"id": "a", "name": "甲", "kind": "webhook", "url": "https://x"}, {"id": "b", "name": "乙", "kind": "wecom"}])"),
               Catch::Contains("[1] \"b\"") && Catch::Contains("\"url\" is missing"));
    CHECK_THAT(error_for(R"([{"id": "a", "name": "甲", "kind": "webhook", "url": "https://x"}, {"id": "a", "name": "乙", "kind": "webhook", "url": "https://y"}])"),
               Catch::Contains("[1] \"a\"") && Catch::Contains("used by an earlier channel"));
    CHECK_THAT(error_for(R"([{"id": "a", "name": "甲", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}])"),
               Catch::Contains("no key="));
    CHECK_THAT(error_for(R"([{"id": "a", "kind": "webhook", "url": "https://x"}])"), Catch::Contains("\"name\" is missing"));
    CHECK_THAT(error_for(R"([{"id": "a", "name": "甲", "kind": "webhook", "url": "https://x", "secret": "s"}])"),
               Catch::Contains("\"secret\" is for dingtalk"));
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "urls": "x"}])"), Catch::Contains("unknown key \"urls\""));
    // The password file: missing, readable by others, given without a user.
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "username": "k", "password_file": "nope.pass"}])"),
               Catch::Contains("[0] \"m\"") && Catch::Contains(dir.path().string() + "/nope.pass does not exist"));
    ::chmod(pass.c_str(), 0644);
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "username": "k", "password_file": "smtp.pass"}])"),
               Catch::Contains("can be read by others (mode 0644); run chmod 600 " + pass.string()));
    ::chmod(pass.c_str(), 0600);
    if (::geteuid() != 0) {  // root reads any file
        ::chmod(pass.c_str(), 0200);
        CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "username": "k", "password_file": "smtp.pass"}])"),
                   Catch::Contains("cannot be read"));
        ::chmod(pass.c_str(), 0600);
    }
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "password_file": "smtp.pass"}])"),
               Catch::Contains("give both \"username\" and \"password_file\""));
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", )" + mail + R"(, "starttls": false, "username": "k", "password_file": "smtp.pass"}])"),
               Catch::Contains("password in clear"));
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", "kind": "email", "smtp": "mail.example.gov.cn", "from": "k@x.cn", "to": ["a@x.cn"]}])"),
               Catch::Contains("not an smtp:// or smtps:// address"));
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", "kind": "email", "smtp": "smtp://m:25", "from": "k@x.cn", "to": ["a@x.cn>\r\nBcc: b@y"]}])"),
               Catch::Contains("is not an address"));
    CHECK_THAT(error_for(R"([{"id": "m", "name": "邮箱", "kind": "email", "smtp": "smtp://m:25", "from": "k@x.cn", "to": []}])"),
               Catch::Contains("\"to\" is missing or empty"));
    // With a good password file the same channel is taken.
    test::write_file(file, R"({"office_config": "office.json", "alerts": {"channels": [{"id": "m", "name": "邮箱", )" + mail +
                               R"(, "username": "k", "password_file": "smtp.pass"}]}})");
    CHECK(load_settings(file));
}
