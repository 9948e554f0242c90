#include "net/notify.hpp"

#include "net/curl_api.hpp"
#include "net/fetcher.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::net {
namespace {

const curl::Api& libcurl() { return curl::api(); }

struct Answer {
    std::string body;
    size_t max = 0;
    bool too_large = false;
};

// The answer's size cap, enforced as bytes arrive (CURLOPT_MAXFILESIZE does not stop a
// chunked answer in flight).
size_t on_answer(char* data, size_t size, size_t count, void* user) {
    auto* a = static_cast<Answer*>(user);
    const size_t n = size * count;
    if (a->body.size() + n > a->max) {
        a->too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    a->body.append(data, n);
    return n;
}

struct Upload {
    const std::string* data = nullptr;
    size_t at = 0;
};

size_t on_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    const size_t n = std::min(size * count, u->data->size() - u->at);
    std::memcpy(buffer, u->data->data() + u->at, n);
    u->at += n;
    return n;
}

struct Judged {
    NotifyFailure failure = NotifyFailure::broken;
    std::string reason;
};

// A failed transfer in the caller's words. `smtp_code`: the server's last reply (0 for HTTP).
Judged judge(CURLcode code, long os_errno, long total_timeout_ms, long smtp_code, const std::string& detail) {
    switch (code) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT: return {NotifyFailure::bad_address, "地址写错了"};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: return {NotifyFailure::dns, "域名解析失败"};
        case CURLE_COULDNT_CONNECT:
            if (os_errno == ECONNREFUSED) return {NotifyFailure::refused, "连接被拒绝"};
            return {NotifyFailure::unreachable, "对方没有回答"};
        case CURLE_OPERATION_TIMEDOUT:
            return {NotifyFailure::timeout, "超过 " + std::to_string((total_timeout_ms + 999) / 1000) + " 秒没有完成"};
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CONNECT_ERROR: return {NotifyFailure::tls, "安全连接没有建立，证书无效或不受信任"};
        case CURLE_USE_SSL_FAILED: return {NotifyFailure::starttls_unavailable, "服务器不支持 STARTTLS 加密"};
        case CURLE_LOGIN_DENIED:
        case CURLE_AUTH_ERROR: return {NotifyFailure::login_denied, "用户名或密码被拒绝"};
        default: break;
    }
    if (smtp_code >= 400) {
        const std::string c = std::to_string(smtp_code);
        if (detail.find("MAIL") != std::string::npos) return {NotifyFailure::rejected, "服务器拒绝了发件人（" + c + "）"};
        if (detail.find("RCPT") != std::string::npos) return {NotifyFailure::rejected, "服务器拒绝了收件人（" + c + "）"};
        return {NotifyFailure::rejected, "服务器拒绝了这封邮件（" + c + "）"};
    }
    if (code == CURLE_GOT_NOTHING) return {NotifyFailure::broken, "对方没有回答就断开了连接"};
    return {NotifyFailure::broken, "连接中途断了"};
}

std::string operator_error(CURLcode code, const char* buffer) {
    std::string e = libcurl().easy_strerror(code);
    if (buffer && *buffer && e != buffer) e += " (" + std::string(buffer) + ")";
    return e;
}

bool has_control(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

std::string rfc5322_date(std::time_t t) {
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

// The length of the UTF-8 sequence starting with `lead` (1 for a stray byte).
size_t sequence_length(unsigned char lead) {
    if (lead >= 0xF0 && lead < 0xF8) return 4;
    if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
    if (lead >= 0xC0) return 2;
    return 1;
}

}  // namespace

std::string base64(const std::string& bytes) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (const size_t rest = bytes.size() - i; rest) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string encode_header_words(const std::string& text) {
    bool plain = text.find("=?") == std::string::npos;
    for (unsigned char c : text) plain = plain && c >= 0x20 && c < 0x7f;
    if (plain) return text;
    // "=?UTF-8?B?" + 60 base64 characters + "?=" is 72 ≤ 75: at most 45 bytes a word.
    constexpr size_t kBytesPerWord = 45;
    std::string out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = at;
        while (end < text.size()) {
            const size_t n = std::min(sequence_length(static_cast<unsigned char>(text[end])), text.size() - end);
            if (end + n - at > kBytesPerWord) break;
            end += n;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(at, end - at)) + "?=";
        at = end;
    }
    return out;
}

std::string mail_message(const MailRequest& request, const std::string& message_id) {
    std::string to;
    for (const auto& address : request.to) to += (to.empty() ? "" : ", ") + address;
    std::string m;
    m += "Date: " + rfc5322_date(request.date ? request.date : std::time(nullptr)) + "\r\n";
    m += "From: " + (request.from_name.empty() ? request.from : encode_header_words(request.from_name) + " <" + request.from + ">") + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + encode_header_words(request.subject) + "\r\n";
    m += "Message-ID: <" + message_id + ">\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n";
    m += "\r\n";
    // Text in its canonical form (CRLF line ends) before encoding.
    std::string body;
    for (char c : request.body) {
        if (c == '\r') continue;
        if (c == '\n') body += '\r';
        body += c;
    }
    const std::string encoded = base64(body);
    for (size_t i = 0; i < encoded.size(); i += 76) m += encoded.substr(i, 76) + "\r\n";
    return m;
}

namespace {

// What both transfers begin with: libcurl loaded, an address of one of `schemes` (the
// scheme is returned), a handle. On failure the result says why and nothing is returned.
template <typename Result>
std::optional<curl::EasyPtr> begin(Result& result, const std::string& address, std::string& scheme,
                                   std::initializer_list<std::string_view> schemes, const char* what) {
    if (const auto& api = libcurl(); !api.error.empty()) {
        result.failure = NotifyFailure::no_libcurl;
        result.error = api.error;
        result.reason = "控制台所在机器缺少网络组件（libcurl）";
        return std::nullopt;
    }
    curl::lower_host(address, &scheme);
    if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end() || has_control(address)) {
        std::string english, chinese;
        for (auto name : schemes) {
            english += (english.empty() ? "" : " or ") + std::string(name) + "://";
            chinese += (chinese.empty() ? "" : " 或 ") + std::string(name) + "://";
        }
        result.failure = NotifyFailure::bad_address;
        result.error = "\"" + address + "\" is not an " + english + " address";
        result.reason = std::string(what) + "不是以 " + chinese + " 开头";
        return std::nullopt;
    }
    curl::EasyPtr easy(libcurl().easy_init());
    if (!easy) {
        result.error = "cannot start a transfer";
        result.reason = "网络组件启动失败";
        return std::nullopt;
    }
    return easy;
}

// The options both transfers share: no signals (we are a thread), the time limits, TLS
// always verified (against ca_file when given), curl's words into error_buffer.
void set_common(CURL* c, const std::string& address, const char* protocols, long connect_timeout_ms,
                long total_timeout_ms, const std::string& ca_file, char* error_buffer) {
    const auto set = libcurl().easy_setopt;
    set(c, CURLOPT_URL, address.c_str());
    set(c, CURLOPT_PROTOCOLS_STR, protocols);
    set(c, CURLOPT_NOSIGNAL, 1L);
    set(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    set(c, CURLOPT_TIMEOUT_MS, total_timeout_ms);
    set(c, CURLOPT_SSL_VERIFYPEER, 1L);
    set(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ca_file.empty()) set(c, CURLOPT_CAINFO, ca_file.c_str());
    set(c, CURLOPT_ERRORBUFFER, error_buffer);
}

// A transfer that ended in `code` (not CURLE_OK): the result's failure and its words.
template <typename Result>
void failed(Result& result, CURL* c, CURLcode code, long total_timeout_ms, long smtp_code, const char* error_buffer) {
    long os_errno = 0;
    libcurl().easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    const Judged j = judge(code, os_errno, total_timeout_ms, smtp_code, error_buffer);
    result.failure = j.failure;
    result.reason = j.reason;
    result.error = operator_error(code, error_buffer);
}

}  // namespace

PostResult post_json(const PostRequest& request) {
    PostResult result;
    std::string scheme;
    auto easy = begin(result, request.url, scheme, {"http", "https"}, "地址");
    if (!easy) return result;
    CURL* c = easy->get();
    Answer answer;
    answer.max = request.max_response_bytes;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl::SlistPtr headers;
    curl::append(headers, "Content-Type: application/json; charset=utf-8");
    curl::append(headers, "Expect:");  // no 100-continue round trip for a small body
    set_common(c, request.url, "http,https", request.connect_timeout_ms, request.total_timeout_ms, request.ca_file,
               error_buffer);
    const auto set = libcurl().easy_setopt;
    set(c, CURLOPT_FOLLOWLOCATION, 0L);
    const std::string agent = user_agent();
    set(c, CURLOPT_USERAGENT, agent.c_str());
    set(c, CURLOPT_POST, 1L);
    set(c, CURLOPT_POSTFIELDS, request.json.c_str());
    set(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.json.size()));
    set(c, CURLOPT_HTTPHEADER, headers.get());
    set(c, CURLOPT_WRITEFUNCTION, on_answer);
    set(c, CURLOPT_WRITEDATA, &answer);
    const CURLcode code = libcurl().easy_perform(c);
    libcurl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.http_status);
    if (answer.too_large) {
        result.failure = NotifyFailure::too_large;
        result.error = "the answer is larger than " + std::to_string(request.max_response_bytes) + " bytes";
        result.reason = "对方的回答太大（超过 " + std::to_string(request.max_response_bytes / 1024) + " KB）";
        result.body = std::move(answer.body);
        return result;
    }
    if (code != CURLE_OK) {
        failed(result, c, code, request.total_timeout_ms, 0, error_buffer);
        return result;
    }
    result.failure = NotifyFailure::none;
    result.body = std::move(answer.body);
    return result;
}

MailResult send_mail(const MailRequest& request) {
    MailResult result;
    bool addresses_ok = !request.from.empty() && !has_control(request.from) && !request.to.empty();
    for (const auto& a : request.to) addresses_ok = addresses_ok && !a.empty() && !has_control(a);
    if (!addresses_ok || has_control(request.from_name)) {
        result.failure = NotifyFailure::bad_address;
        result.error = "a sender and at least one recipient are needed, without control characters";
        result.reason = "发件人或收件人地址不对";
        return result;
    }
    std::string scheme;
    auto easy = begin(result, request.server, scheme, {"smtp", "smtps"}, "邮件服务器地址");
    if (!easy) return result;
    CURL* c = easy->get();
    // A Message-ID unique enough for threading and duplicate suppression: time, a per-process
    // counter and the easy handle's address, at the sender's domain.
    static std::atomic<unsigned> counter{0};
    const auto at = request.from.rfind('@');
    const std::string domain = at == std::string::npos ? "localhost" : request.from.substr(at + 1);
    char id[96];
    std::snprintf(id, sizeof id, "%lld.%u.%llx", static_cast<long long>(std::time(nullptr)), counter.fetch_add(1),
                  static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(c)));
    const std::string message = mail_message(request, std::string("kiosk.") + id + "@" + domain);
    Upload upload{&message, 0};
    curl::SlistPtr recipients;
    for (const auto& a : request.to) curl::append(recipients, "<" + a + ">");
    const std::string from = "<" + request.from + ">";
    char error_buffer[CURL_ERROR_SIZE] = {};
    set_common(c, request.server, "smtp,smtps", request.connect_timeout_ms, request.total_timeout_ms, request.ca_file,
               error_buffer);
    const auto set = libcurl().easy_setopt;
    // smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS, and with
    // CURLUSESSL_ALL a server that does not offer it is refused (CURLE_USE_SSL_FAILED)
    // rather than sent the password and the message in clear.
    if (scheme == "smtp") set(c, CURLOPT_USE_SSL, static_cast<long>(request.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (!request.username.empty()) {
        set(c, CURLOPT_USERNAME, request.username.c_str());
        set(c, CURLOPT_PASSWORD, request.password.c_str());
    }
    set(c, CURLOPT_MAIL_FROM, from.c_str());
    set(c, CURLOPT_MAIL_RCPT, recipients.get());
    set(c, CURLOPT_UPLOAD, 1L);
    set(c, CURLOPT_READFUNCTION, on_upload);
    set(c, CURLOPT_READDATA, &upload);
    set(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    const CURLcode code = libcurl().easy_perform(c);
    libcurl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.smtp_code);
    if (code != CURLE_OK) {
        failed(result, c, code, request.total_timeout_ms, result.smtp_code, error_buffer);
        return result;
    }
    result.failure = NotifyFailure::none;
    return result;
}

}  // namespace kiosk::net
