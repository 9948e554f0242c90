// The alert channels against real receivers on loopback: a cpp-httplib server answering as
// 企业微信's and 钉钉's group robots do (checking the body, and 钉钉's signature recomputed
// with OpenSSL from the secret), a generic webhook, failures (errcode ≠ 0, HTTP 500, a refused
// connection, a server that never answers), and Debian's aiosmtpd as the mail server, with
// STARTTLS and a login, or without STARTTLS (refused when TLS is required).
#include <catch2/catch.hpp>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "console/alert_channels.hpp"
#include "server_thread.hpp"
#include "support.hpp"

using namespace kiosk::console;
namespace fs = std::filesystem;

namespace {

AlertMessage sample(const std::string& title = "【告警】一楼大厅左屏离线 10 分钟") {
    AlertMessage m;
    m.event = "raised";
    m.title = title;
    m.text = "一楼大厅左屏从 09:20 起没有消息。\n请到现场看看屏幕是否通电、网线是否插好。";
    m.rule = "offline";
    m.screen = "hall-1-left";
    m.screen_name = "一楼大厅左屏";
    m.at = std::time(nullptr);
    return m;
}

// What a receiver saw, read after deliver() returned (the answer was sent after it was stored).
struct Seen {
    std::mutex mutex;
    int requests = 0;
    std::string path, body, content_type;
    std::map<std::string, std::string> params;
    void store(const httplib::Request& req) {
        std::lock_guard lock(mutex);
        ++requests;
        path = req.path;
        body = req.body;
        content_type = req.get_header_value("Content-Type");
        params.clear();
        for (const auto& [k, v] : req.params) params[k] = v;
    }
};

std::string base64_sign(const std::string& secret, const std::string& timestamp) {
    const std::string to_sign = timestamp + "\n" + secret;
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
         to_sign.size(), mac, &len);
    unsigned char b64[64] = {};
    EVP_EncodeBlock(b64, mac, static_cast<int>(len));
    return reinterpret_cast<char*>(b64);
}

AlertChannel webhook_channel(const std::string& kind, const std::string& url, const std::string& name) {
    AlertChannel c;
    c.id = "test-" + kind;
    c.name = name;
    c.kind = kind;
    c.url = url;
    return c;
}

// The test CA and a certificate for 127.0.0.1 (scripts/fleet-ca.sh, as the broker's).
fs::path make_certificates(const fs::path& dir) {
    const std::string script = std::string(KIOSK_SOURCE_DIR) + "/scripts/fleet-ca.sh " + dir.string();
    REQUIRE(std::system((script + " init").c_str()) == 0);
    REQUIRE(std::system((script + " server 127.0.0.1").c_str()) == 0);
    return dir;
}

// Debian's aiosmtpd on 127.0.0.1 (tests/smtp_sink.py): each accepted mail in DIR/mail-N.json,
// as Python's e-mail parser reads it.
class SmtpSink {
public:
    SmtpSink(const fs::path& dir, const std::vector<std::string>& options) : dir_(dir), port_(test::free_port()) {
        fs::create_directories(dir_ / "mail");
        std::vector<std::string> args = {std::string(KIOSK_SOURCE_DIR) + "/tests/smtp_sink.py", (dir_ / "mail").string(), std::to_string(port_)};
        args.insert(args.end(), options.begin(), options.end());
        process_ = std::make_unique<test::BackgroundKiosk>(args, std::vector<std::string>{}, dir_ / "log", "/usr/bin/python3");
        test::wait_until_up([&] { return fs::exists(dir_ / "mail" / "ready") || !process_->running(); }, "the SMTP sink");
        if (!fs::exists(dir_ / "mail" / "ready")) FAIL("the SMTP sink did not start: " << process_->err());
    }
    int port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
    int count() const {
        int n = 0;
        for (const auto& e : fs::directory_iterator(dir_ / "mail")) n += e.path().filename().string().rfind("mail-", 0) == 0;
        return n;
    }
    nlohmann::json mail(int n) const { return nlohmann::json::parse(test::read_file(dir_ / "mail" / ("mail-" + std::to_string(n) + ".json"))); }
    std::string log() const { return process_->err(); }

private:
    fs::path dir_;
    int port_;
    std::unique_ptr<test::BackgroundKiosk> process_;
};

AlertChannel mail_channel(const std::string& smtp, const fs::path& ca) {
    AlertChannel c;
    c.id = "it-mail";
    c.name = "信息科邮箱";
    c.kind = "email";
    c.smtp = smtp;
    c.starttls = true;
    c.username = "wang";
    c.password = "s3cret";
    c.from = "kiosk@example.gov.cn";
    c.to = {"it@example.gov.cn", "wang@example.gov.cn"};
    c.ca_file = (ca / "ca.pem").string();
    return c;
}

}  // namespace

TEST_CASE("alert channels: 企业微信's robot gets its text message and answers errcode 0", "[channels][process]") {
    httplib::Server server;
    Seen seen;
    server.Post("/cgi-bin/webhook/send", [&](const httplib::Request& req, httplib::Response& res) {
        seen.store(req);
        const auto j = nlohmann::json::parse(req.body, nullptr, false);
        const bool good = j.is_object() && j["msgtype"] == "text" && j["text"]["content"].is_string();
        res.set_content(good ? R"({"errcode":0,"errmsg":"ok"})" : R"({"errcode":40008,"errmsg":"invalid message type"})", "application/json");
    });
    test::ServerThread serving(server);
    const auto channel = webhook_channel("wecom", serving.url("/cgi-bin/webhook/send?key=693a-test"), "信息科企业微信群");
    const auto outcome = deliver(channel, sample());
    CHECK(outcome.ok);
    CHECK(outcome.detail.empty());
    std::lock_guard lock(seen.mutex);
    CHECK(seen.requests == 1);
    CHECK(seen.params["key"] == "693a-test");
    CHECK(seen.content_type.rfind("application/json", 0) == 0);
    const auto j = nlohmann::json::parse(seen.body);
    CHECK(j["msgtype"] == "text");
    CHECK(j["text"]["content"] == sample().title + "\n" + sample().text);
}

TEST_CASE("alert channels: 钉钉's robot gets a signed request that verifies with the secret", "[channels][process]") {
    const std::string secret = "SECb7c4e2a9d0f14c3e8a6b5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3";
    httplib::Server server;
    Seen seen;
    server.Post("/robot/send", [&](const httplib::Request& req, httplib::Response& res) {
        seen.store(req);
        // As 钉钉 does: the sign must match the timestamp, which must be within an hour of now.
        const std::string timestamp = req.get_param_value("timestamp");
        const std::string sign = req.get_param_value("sign");  // httplib has URL-decoded it
        const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const bool fresh = !timestamp.empty() && std::llabs(now_ms - std::stoll(timestamp)) < 3600'000;
        if (!fresh || sign != base64_sign(secret, timestamp)) {
            res.set_content(R"({"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"})", "application/json");
            return;
        }
        res.set_content(R"({"errcode":0,"errmsg":"ok"})", "application/json");
    });
    test::ServerThread serving(server);
    auto channel = webhook_channel("dingtalk", serving.url("/robot/send?access_token=tok123"), "信息科钉钉群");
    channel.secret = secret;
    const auto outcome = deliver(channel, sample());
    CHECK(outcome.ok);
    {
        std::lock_guard lock(seen.mutex);
        CHECK(seen.params["access_token"] == "tok123");
        CHECK_FALSE(seen.params["sign"].empty());
        const auto j = nlohmann::json::parse(seen.body);
        CHECK(j["msgtype"] == "text");
        CHECK(j["text"]["content"] == sample().title + "\n" + sample().text);
    }
    // A wrong secret: 钉钉 says sign not match, and IT is told which secret to check.
    channel.secret = "SECwrong";
    const auto refused = deliver(channel, sample());
    CHECK_FALSE(refused.ok);
    CHECK_THAT(refused.detail, Catch::Contains("钉钉拒绝了这条消息（errcode 310000：签名不匹配）") && Catch::Contains("渠道“信息科钉钉群”的 secret"));
}

TEST_CASE("alert channels: the generic webhook gets the documented JSON, any 2xx is delivered", "[channels][process]") {
    httplib::Server server;
    Seen seen;
    server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
        seen.store(req);
        res.status = 204;
    });
    test::ServerThread serving(server);
    const auto channel = webhook_channel("webhook", serving.url("/hook"), "运维平台");
    AlertMessage m = sample();
    m.event = "recovered";
    m.at = 1796635800;
    const auto outcome = deliver(channel, m);
    CHECK(outcome.ok);
    std::lock_guard lock(seen.mutex);
    const auto j = nlohmann::json::parse(seen.body);
    CHECK(j["event"] == "recovered");
    CHECK(j["rule"] == "offline");
    CHECK(j["screen"] == "hall-1-left");
    CHECK(j["screen_name"] == "一楼大厅左屏");
    CHECK(j["title"] == m.title);
    CHECK(j["text"] == m.text);
    CHECK(j["at"] == "2026-12-07T09:30:00Z");
}

TEST_CASE("alert channels: refusals and failures give ok=false and say in Chinese what to do", "[channels][process]") {
    httplib::Server server;
    server.Post("/cgi-bin/webhook/send", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [1755605200056773468916791]"})", "application/json");
    });
    server.Post("/broken", [](const httplib::Request&, httplib::Response& res) {
        res.status = 500;
        res.set_content("oops", "text/plain");
    });
    server.Post("/not-a-robot", [](const httplib::Request&, httplib::Response& res) { res.set_content("<html>hello</html>", "text/html"); });
    test::ServerThread serving(server);

    const auto wecom = deliver(webhook_channel("wecom", serving.url("/cgi-bin/webhook/send?key=gone"), "信息科企业微信群"), sample());
    CHECK_FALSE(wecom.ok);
    CHECK(wecom.detail == "企业微信拒绝了这条消息（errcode 93000：机器人地址无效），请在 console.json 里检查渠道“信息科企业微信群”的地址（key 是否完整、机器人是否已被移出群）");

    const auto server_error = deliver(webhook_channel("webhook", serving.url("/broken"), "运维平台"), sample());
    CHECK_FALSE(server_error.ok);
    CHECK(server_error.detail == "“运维平台”的服务器 127.0.0.1:" + std::to_string(serving.port()) +
                                     " 出错了（HTTP 500），稍后会自动重试；一直这样请联系对方的管理员");

    const auto not_robot = deliver(webhook_channel("dingtalk", serving.url("/not-a-robot"), "信息科钉钉群"), sample());
    CHECK_FALSE(not_robot.ok);
    CHECK_THAT(not_robot.detail, Catch::Contains("钉钉的回答看不懂") && Catch::Contains("渠道“信息科钉钉群”"));

    const int closed = test::free_port();  // nobody listens there
    const auto refused = deliver(webhook_channel("wecom", "http://127.0.0.1:" + std::to_string(closed) + "/send?key=k", "信息科企业微信群"), sample());
    CHECK_FALSE(refused.ok);
    CHECK(refused.detail == "连不上企业微信（127.0.0.1:" + std::to_string(closed) +
                                "：连接被拒绝），请在 console.json 里检查渠道“信息科企业微信群”的地址和控制台所在机器的网络");

    // A server that takes the connection and never answers: given up at the time limit.
    test::SilentServer silent;
    const auto started = std::chrono::steady_clock::now();
    const auto hung = deliver(webhook_channel("webhook", "http://127.0.0.1:" + std::to_string(silent.port()) + "/hook", "运维平台"), sample(),
                              DeliveryLimits{1'000, 1'000});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK_FALSE(hung.ok);
    CHECK_THAT(hung.detail, Catch::StartsWith("“运维平台”的服务器 127.0.0.1:" + std::to_string(silent.port()) + " 超过 1 秒没有完成，稍后会自动重试"));
    CHECK(seconds < 5);
}

TEST_CASE("alert channels: HTTPS robots are verified against the configured CA", "[channels][process]") {
    test::TempDir dir;
    const fs::path ca = make_certificates(dir.path() / "ca");
    httplib::SSLServer server((ca / "server.pem").c_str(), (ca / "server.key").c_str());
    REQUIRE(server.is_valid());
    server.Post("/cgi-bin/webhook/send", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"errcode":0,"errmsg":"ok"})", "application/json");
    });
    test::ServerThread serving(server);
    auto channel = webhook_channel("wecom", "https://127.0.0.1:" + std::to_string(serving.port()) + "/cgi-bin/webhook/send?key=k", "信息科企业微信群");
    const auto untrusted = deliver(channel, sample());
    CHECK_FALSE(untrusted.ok);
    CHECK_THAT(untrusted.detail, Catch::Contains("和企业微信的安全连接没有建立（证书无效或不受信任）"));
    channel.ca_file = (ca / "ca.pem").string();
    CHECK(deliver(channel, sample()).ok);
}

TEST_CASE("alert channels: e-mail goes through STARTTLS with a login and arrives as written", "[channels][process]") {
    test::TempDir dir;
    const fs::path ca = make_certificates(dir.path() / "ca");
    SmtpSink sink(dir.path() / "sink", {"--tls", (ca / "server.pem").string(), (ca / "server.key").string(), "--auth", "wang:s3cret"});
    auto channel = mail_channel(sink.url(), ca);
    AlertMessage m = sample("【告警】一楼大厅左屏离线 10 分钟，请信息科尽快到现场查看屏幕的电源和网线");
    const auto outcome = deliver(channel, m);
    INFO(outcome.detail << sink.log());
    REQUIRE(outcome.ok);
    REQUIRE(sink.count() == 1);
    const auto mail = sink.mail(1);
    CHECK(mail["tls"] == true);
    CHECK(mail["login"] == "wang");
    CHECK(mail["mail_from"] == "kiosk@example.gov.cn");
    CHECK(mail["rcpt_tos"] == nlohmann::json::array({"it@example.gov.cn", "wang@example.gov.cn"}));
    CHECK(mail["to"] == nlohmann::json::array({"it@example.gov.cn", "wang@example.gov.cn"}));
    CHECK(mail["subject"] == m.title);  // decoded by Python's parser from the =?UTF-8?B?…?= words
    CHECK_THAT(mail["raw_headers"].get<std::string>(), Catch::Contains("Subject: =?UTF-8?B?"));
    CHECK(mail["from"] == "屏幕告警 <kiosk@example.gov.cn>");
    CHECK(mail["content_type"] == "text/plain");
    CHECK(mail["charset"] == "utf-8");
    CHECK(mail["transfer_encoding"] == "base64");
    CHECK(mail["body"] == "一楼大厅左屏从 09:20 起没有消息。\r\n请到现场看看屏幕是否通电、网线是否插好。");  // text in its canonical CRLF form
    CHECK(mail["date"] != "None");
    CHECK_THAT(mail["message_id"].get<std::string>(), Catch::Contains("@example.gov.cn>"));

    // A wrong password: the server refuses the login.
    channel.password = "wrong";
    const auto denied = deliver(channel, m);
    CHECK_FALSE(denied.ok);
    CHECK(denied.detail == "邮件服务器 127.0.0.1:" + std::to_string(sink.port()) +
                               " 拒绝了登录（用户名或密码不对），请检查渠道“信息科邮箱”的 username 和 password_file");
    CHECK(sink.count() == 1);
}

TEST_CASE("alert channels: a mail server without STARTTLS is refused when TLS is required, a closed port is named", "[channels][process]") {
    test::TempDir dir;
    const fs::path ca = make_certificates(dir.path() / "ca");
    SmtpSink sink(dir.path() / "sink", {});  // offers no STARTTLS
    auto channel = mail_channel(sink.url(), ca);
    channel.username.clear();
    channel.password.clear();
    const auto refused = deliver(channel, sample("不该发出的邮件"));
    CHECK_FALSE(refused.ok);
    CHECK_THAT(refused.detail, Catch::StartsWith("邮件服务器 127.0.0.1:" + std::to_string(sink.port()) + " 不支持 STARTTLS 加密，邮件没有发出"));
    // The same server takes a mail sent without TLS on purpose: once it is there, the refused
    // one (sent before it, on its own connection) is known never to have arrived.
    channel.starttls = false;
    REQUIRE(deliver(channel, sample("明文测试邮件")).ok);
    REQUIRE(sink.count() == 1);
    CHECK(sink.mail(1)["subject"] == "明文测试邮件");
    CHECK(sink.mail(1)["tls"] == false);

    const int closed = test::free_port();
    channel.smtp = "smtp://127.0.0.1:" + std::to_string(closed);
    channel.starttls = true;
    const auto nobody = deliver(channel, sample());
    CHECK_FALSE(nobody.ok);
    CHECK(nobody.detail == "连不上邮件服务器 127.0.0.1:" + std::to_string(closed) +
                               "（连接被拒绝），请在 console.json 里检查渠道“信息科邮箱”的 smtp 地址和端口");
}
