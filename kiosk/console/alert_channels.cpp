#include "console/alert_channels.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/utf8.hpp"
#include "net/notify.hpp"

namespace kiosk::console {
namespace {

// 企业微信's text.content is at most 2048 bytes; 钉钉 gets the same cap (alerts are short:
// a title and a few lines).
constexpr size_t kRobotContentBytes = 2048;

std::string robot_content(const AlertMessage& m) {
    std::string content = m.title;
    // The alert's text opens with the same 【告警】 as its title: said once in a group chat.
    std::string text = m.text;
    const auto head_end = m.title.find("】");
    if (head_end != std::string::npos && text.compare(0, head_end + 3, m.title, 0, head_end + 3) == 0)
        text.erase(0, head_end + 3);
    if (!text.empty()) content += (content.empty() ? "" : "\n") + text;
    return utf8::truncate(utf8::sanitize(content), kRobotContentBytes);
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string iso8601_utc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    return out;
}

std::string url_encode(const std::string& s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// "host" or "host:port" of an address, for people: where it tried to go.
std::string where_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    const auto end = url.find_first_of("/?#", start);
    std::string hostport = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (const auto at = hostport.rfind('@'); at != std::string::npos) hostport = hostport.substr(at + 1);  // no user:password
    return hostport;
}

std::string channel_words(const AlertChannel& c) { return "渠道“" + c.name + "”"; }

// The service a webhook channel talks to, as IT calls it.
std::string service_of(const AlertChannel& c) {
    if (c.kind == "wecom") return "企业微信";
    if (c.kind == "dingtalk") return "钉钉";
    return "“" + c.name + "”的服务器 " + where_of(c.url);
}

// `s` followed by a space when it ends in a Latin letter or digit (an address) and Chinese follows.
std::string spaced(const std::string& s) {
    return !s.empty() && std::isalnum(static_cast<unsigned char>(s.back())) ? s + " " : s;
}

DeliveryOutcome failed(std::string detail) { return {false, std::move(detail)}; }

// A transfer that did not reach an answer, in words for IT: what happened, what to do.
std::string network_words(const AlertChannel& c, const net::NotifyFailure failure, const std::string& reason) {
    const bool mail = c.kind == "email";
    const std::string place = mail ? "邮件服务器 " + where_of(c.smtp) : service_of(c);
    const std::string host = mail ? where_of(c.smtp) : where_of(c.url);
    const std::string host_words = c.kind == "email" || c.kind == "webhook" ? "" : host + "：";  // unless `place` names it
    const std::string address_words = mail ? " smtp 地址和端口" : "地址";
    const std::string check = "请在 console.json 里检查" + channel_words(c) + "的" + address_words;
    switch (failure) {
        case net::NotifyFailure::bad_address: return channel_words(c) + "的地址写错了（" + reason + "），请在 console.json 里改正";
        case net::NotifyFailure::no_libcurl: return reason + "，消息发不出去：请安装 libcurl4";
        case net::NotifyFailure::dns: return "找不到" + place + "（" + host_words + "域名解析失败），" + check + "和控制台所在机器的 DNS";
        case net::NotifyFailure::refused:
        case net::NotifyFailure::unreachable:
            return "连不上" + place + "（" + host_words + reason + "），" + check + (mail ? "" : "和控制台所在机器的网络");
        case net::NotifyFailure::timeout:
            return spaced(place) + reason + "，稍后会自动重试；一直这样请检查控制台所在机器到 " + host + " 的网络";
        case net::NotifyFailure::tls:
            return "和" + spaced(place) + "的安全连接没有建立（证书无效或不受信任）" +
                   (mail ? "，请检查" + channel_words(c) + "的 ca_file 和 smtp 地址里的主机名" : "，" + check);
        case net::NotifyFailure::starttls_unavailable:
            return spaced(place) + "不支持 STARTTLS 加密，邮件没有发出（密码和内容不会明文发送）。请改用服务器的加密端口（如 smtps://" +
                   where_of(c.smtp).substr(0, where_of(c.smtp).rfind(':')) + ":465），或在 console.json 里检查" + channel_words(c) +
                   "的 smtp 地址";
        case net::NotifyFailure::login_denied:
            return spaced(place) + "拒绝了登录（用户名或密码不对），请检查" + channel_words(c) + "的 username 和 password_file";
        case net::NotifyFailure::rejected:
            return spaced(place) + reason + "，请检查" + channel_words(c) + "的 from 和 to 里的地址（邮件服务器可能不允许这个发件人或收件人）";
        case net::NotifyFailure::too_large: return spaced(place) + "的回答太大，" + check;
        case net::NotifyFailure::broken:
        case net::NotifyFailure::none: break;
    }
    return "和" + spaced(place) + "的" + reason + "，稍后会自动重试；一直这样" + check;
}

std::string http_words(const AlertChannel& c, long status) {
    const std::string s = std::to_string(status);
    if (status == 404 || status == 410)
        return spaced(service_of(c)) + "说这个地址不存在（HTTP " + s + "），请在 console.json 里检查" + channel_words(c) + "的地址";
    if (status == 401 || status == 403)
        return spaced(service_of(c)) + "不让发送（HTTP " + s + "），请检查" + channel_words(c) + "的地址里的密钥或对方的访问设置";
    if (status == 429) return spaced(service_of(c)) + "说发送太频繁（HTTP 429），稍后会自动重试";
    if (status >= 500) return spaced(service_of(c)) + "出错了（HTTP " + s + "），稍后会自动重试；一直这样请联系对方的管理员";
    if (status >= 300 && status < 400)
        return spaced(service_of(c)) + "要求跳转到别的地址（HTTP " + s + "），请在 console.json 里把" + channel_words(c) + "的地址改成最终地址";
    return spaced(service_of(c)) + "拒绝了这条消息（HTTP " + s + "），请检查" + channel_words(c) + "的地址";
}

// errmsg for people: the service's own words, bounded.
std::string their_words(const std::string& errmsg) {
    std::string s = utf8::truncate(utf8::sanitize(errmsg), 160);
    for (char& ch : s)
        if (ch == '\n' || ch == '\r') ch = ' ';
    return s;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

std::string wecom_words(const AlertChannel& c, long errcode, const std::string& errmsg) {
    const std::string head = "企业微信拒绝了这条消息（errcode " + std::to_string(errcode);
    switch (errcode) {
        case 93000: return head + "：机器人地址无效），请在 console.json 里检查" + channel_words(c) + "的地址（key 是否完整、机器人是否已被移出群）";
        case 45009: return head + "：发送太频繁，每个机器人每分钟最多 20 条），稍后会自动重试";
        case -1: return head + "：企业微信系统繁忙），稍后会自动重试";
        case 40008:
        case 44004:
        case 40058: return head + "：消息格式不对），请把这条告警和控制台版本报告给信息科的开发人员";
        default: return head + "，企业微信的说明：" + their_words(errmsg) + "），请按企业微信的错误码说明检查" + channel_words(c);
    }
}

std::string dingtalk_words(const AlertChannel& c, long errcode, const std::string& errmsg) {
    const std::string head = "钉钉拒绝了这条消息（errcode " + std::to_string(errcode);
    if (errcode == 310000) {
        if (contains(errmsg, "sign") || contains(errmsg, "签名"))
            return head + "：签名不匹配），请在 console.json 里检查" + channel_words(c) +
                   "的 secret（钉钉机器人安全设置里“加签”下以 SEC 开头的密钥）和控制台所在机器的时钟";
        if (contains(errmsg, "keyword") || contains(errmsg, "关键词"))
            return head + "：消息里没有机器人要求的自定义关键词），请在钉钉里把机器人的安全设置改为“加签”并把密钥填进" +
                   channel_words(c) + "的 secret";
        if (contains(errmsg, "ip") || contains(errmsg, "IP"))
            return head + "：控制台所在机器的出口 IP 不在机器人允许的 IP 地址段里），请在钉钉里改机器人的安全设置";
        return head + "：机器人的安全设置不允许），请在钉钉里检查机器人的安全设置，并检查" + channel_words(c) + "的 secret";
    }
    switch (errcode) {
        case 300001:
        case 400101: return head + "：access_token 无效），请在 console.json 里检查" + channel_words(c) + "的地址（机器人是否已被删除）";
        case 130101: return head + "：发送太快，每个机器人每分钟最多 20 条），稍后会自动重试";
        case -1: return head + "：钉钉系统繁忙），稍后会自动重试";
        default: return head + "，钉钉的说明：" + their_words(errmsg) + "），请按钉钉的错误码说明检查" + channel_words(c);
    }
}

// A group robot's answer: {"errcode":0,"errmsg":"ok"} when it took the message.
DeliveryOutcome robot_answer(const AlertChannel& c, const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer())
        return failed(spaced(service_of(c)) + "的回答看不懂（不是群机器人的回答），请在 console.json 里检查" + channel_words(c) +
                      "的地址是不是" + service_of(c) + "群机器人的 webhook 地址");
    const long errcode = j["errcode"].get<long>();
    if (errcode == 0) return {true, ""};
    const std::string errmsg = j.contains("errmsg") && j["errmsg"].is_string() ? j["errmsg"].get<std::string>() : "";
    return failed(c.kind == "wecom" ? wecom_words(c, errcode, errmsg) : dingtalk_words(c, errcode, errmsg));
}

DeliveryOutcome post(const AlertChannel& c, const std::string& url, const std::string& body, const DeliveryLimits& limits) {
    net::PostRequest request;
    request.connect_timeout_ms = limits.connect_timeout_ms;
    request.total_timeout_ms = limits.total_timeout_ms;
    request.url = url;
    request.json = body;
    request.ca_file = c.ca_file;
    const net::PostResult r = net::post_json(request);
    if (r.failure != net::NotifyFailure::none) return failed(network_words(c, r.failure, r.reason));
    if (r.http_status < 200 || r.http_status >= 300) return failed(http_words(c, r.http_status));
    if (c.kind == "webhook") return {true, ""};
    return robot_answer(c, r.body);
}

DeliveryOutcome mail(const AlertChannel& c, const AlertMessage& m, const DeliveryLimits& limits) {
    net::MailRequest request;
    request.connect_timeout_ms = limits.connect_timeout_ms;
    request.total_timeout_ms = limits.total_timeout_ms;
    request.server = c.smtp;
    request.starttls = c.starttls;
    request.username = c.username;
    request.password = c.password;
    request.ca_file = c.ca_file;
    request.from = c.from;
    request.from_name = "屏幕告警";
    request.to = c.to;
    request.subject = utf8::truncate(utf8::sanitize(m.title), 400);
    request.body = utf8::sanitize(m.text);
    request.date = std::time(nullptr);  // when it is sent (a retry's too), so mail clients sort it as new; the text says when it happened
    const net::MailResult r = net::send_mail(request);
    if (r.failure != net::NotifyFailure::none) return failed(network_words(c, r.failure, r.reason));
    return {true, ""};
}

}  // namespace

std::string wecom_body(const AlertMessage& message) {
    return dump({{"msgtype", "text"}, {"text", {{"content", robot_content(message)}}}});
}

std::string dingtalk_body(const AlertMessage& message) {
    return dump({{"msgtype", "text"}, {"text", {{"content", robot_content(message)}}}});
}

std::string webhook_body(const AlertMessage& message) {
    return dump({{"schema", "kiosk-alert/1"},
                 {"event", message.event},
                 {"rule", message.rule},
                 {"screen", message.screen},
                 {"screen_name", message.screen_name},
                 {"title", message.title},
                 {"text", message.text},
                 {"at", iso8601_utc(message.at ? message.at : std::time(nullptr))}});
}

std::string dingtalk_signed_url(const std::string& url, const std::string& secret, long long timestamp_ms) {
    static const bool ready = sodium_init() >= 0;  // idempotent; the console's main has called it already
    if (!ready) return url;
    const std::string to_sign = std::to_string(timestamp_ms) + "\n" + secret;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char encoded[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(encoded, sizeof encoded, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    const char joiner = url.find('?') == std::string::npos ? '?' : '&';
    return url + joiner + "timestamp=" + std::to_string(timestamp_ms) + "&sign=" + url_encode(encoded);
}

DeliveryOutcome deliver(const AlertChannel& channel, const AlertMessage& message) { return deliver(channel, message, DeliveryLimits{}); }

DeliveryOutcome deliver(const AlertChannel& channel, const AlertMessage& message, const DeliveryLimits& limits) {
    try {
        if (channel.kind == "wecom") return post(channel, channel.url, wecom_body(message), limits);
        if (channel.kind == "dingtalk") {
            std::string url = channel.url;
            if (!channel.secret.empty()) {
                const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
                url = dingtalk_signed_url(url, channel.secret, now.count());
            }
            return post(channel, url, dingtalk_body(message), limits);
        }
        if (channel.kind == "webhook") return post(channel, channel.url, webhook_body(message), limits);
        if (channel.kind == "email") return mail(channel, message, limits);
        return failed(channel_words(channel) + "的类型“" + channel.kind + "”不认识，请在 console.json 里改成 wecom、dingtalk、webhook 或 email");
    } catch (const std::exception&) {
        return failed(channel_words(channel) + "的消息没有发出（控制台内部出错），稍后会自动重试；一直这样请查看控制台的日志");
    }
}

std::time_t next_attempt(int attempts, std::time_t failed_at) {
    constexpr std::time_t kFirst = 60, kCap = 3600;
    std::time_t delay = kFirst;
    for (int i = 1; i < attempts && delay < kCap; ++i) delay *= 2;
    return failed_at + std::min(delay, kCap);
}

}  // namespace kiosk::console
