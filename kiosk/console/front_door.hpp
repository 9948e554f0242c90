#pragma once
// The console's front door, as policy: what a request must be before any work is done for
// it. Addressed to one of the console's own names (the Host header: a page on another name
// is DNS rebinding); no bigger than its route takes (bytes, then JSON values); and for the
// costly routes, within their rate and their share of the server (a login's password hash,
// a portal page's fetch, a preview's render). Every refusal is sent at once, with what a
// clerk reads in Chinese. No sockets here: console/door applies the request checks to
// connections; console.cpp asks the gates. The figures are docs/console.md's "Limits".
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kiosk::console {

// A refusal sent at once: the HTTP status, what the clerk reads (Chinese: what happened and
// what to do), and Retry-After in seconds (0: none).
struct Refusal {
    int status = 0;
    std::string message;
    int retry_after = 0;
};

// What is known of a request when its head has arrived, before its body is read.
struct RequestHead {
    std::string method;
    std::string path;  // percent-decoded, without the query
    std::string host;  // the Host header as sent, "" when none
    std::uint64_t content_length = 0;
    std::string address;  // the peer's IP address
};

// Per route: the most bytes a request body may have, and the most JSON values in it
// (logic's json_elements_within; 0: not JSON, the upload is multipart). Bodies only on POST.
struct BodyLimit {
    std::size_t bytes = 0;
    std::size_t elements = 0;
};
inline constexpr std::size_t kLoginBodyBytes = 4u << 10;
inline constexpr std::size_t kUploadBodyBytes = 3u << 20;      // a 2 MB file and its multipart frame
inline constexpr std::size_t kPlaylistBodyBytes = 256u << 10;  // service's 200 KB playlist and its envelope
inline constexpr std::size_t kOtherBodyBytes = 64u << 10;      // a notice, a preview's item, a decision, …
inline constexpr std::size_t kPlaylistBodyElements = 50000;
inline constexpr std::size_t kOtherBodyElements = 5000;
BodyLimit body_limit(std::string_view method, std::string_view path);

// The names the console answers to. Any IP address (a page can never make a browser send
// an address literal it does not itself stand at, so an address is no rebinding), and
// `localhost`, the machine's own name, the listen address when it is a name, and the
// names console.json lists under "hosts" (what clerks type, e.g. console.hall.lan). The
// port is not compared; names compare without case and a trailing dot.
class HostList {
public:
    HostList(std::vector<std::string> names, const std::string& machine_name, const std::string& listen_address);
    bool allows(std::string_view host_header) const;

private:
    std::vector<std::string> names_;  // lower case
};

// gethostname(), "" when it has none.
std::string this_machine_name();

// The request's head, before its body is read: 421 for a name the console does not answer
// to, 413 for a body bigger than its route takes.
std::optional<Refusal> check_head(const RequestHead& head, const HostList& hosts);
// The body, before any handler parses it: 413 for more JSON values than its route takes.
std::optional<Refusal> check_body(const RequestHead& head, std::string_view body);

// At most `places` at once, and no queue: enter() gives a place (given back when the
// ticket goes) or nothing, at once.
class Gate {
public:
    explicit Gate(int places) : free_(places) {}
    class Ticket {
    public:
        explicit Ticket(Gate* gate) : gate_(gate) {}
        Ticket(Ticket&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
        Ticket& operator=(Ticket&&) = delete;
        Ticket(const Ticket&) = delete;
        ~Ticket() {
            if (gate_) gate_->free_.fetch_add(1);
        }

    private:
        Gate* gate_;
    };
    std::optional<Ticket> enter();

private:
    std::atomic<int> free_;
};

// Logins, before any password hash: per address a bucket of kLoginBurst tries that fills
// again by one every kLoginRefill (a right password gives its try back, so only failures
// count), then a place among kLoginsAtOnce logins being checked (libsodium hashes one at a
// time; the others would hold the server's workers while they wait).
inline constexpr int kLoginBurst = 10;
inline constexpr std::chrono::seconds kLoginRefill{6};
inline constexpr int kLoginsAtOnce = 2;
inline constexpr std::size_t kLoginAddressesTracked = 4096;
class LoginDoor {
public:
    using Clock = std::chrono::steady_clock;
    // The place to check one password from `address`, or the refusal to send at once: 429
    // when the address has used its tries, 503 when kLoginsAtOnce are being checked.
    std::variant<Gate::Ticket, Refusal> enter(const std::string& address, Clock::time_point now = Clock::now());
    // The password was right: the try goes back to the address's bucket.
    void succeeded(const std::string& address);

private:
    struct Bucket {
        double tries = kLoginBurst;
        Clock::time_point at;
    };
    void give_back(const std::string& address);
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
    Gate checking_{kLoginsAtOnce};
};

// Portal pages read (读取) and previews drawn (预览) at once; a third clerk is told to try
// again in a few seconds rather than hold one of the server's workers for up to 20 s.
inline constexpr int kExtractsAtOnce = 2;
inline constexpr int kPreviewsAtOnce = 2;

// What clerks read when the door refuses (Chinese; each says what to do).
namespace words {
inline constexpr const char* kUnknownHost =
    "控制台不用这个网址。请用管理员给你的网址打开控制台（管理员：要用这个名字，请把它加进 console.json 的 \"hosts\"，再重启控制台）";
inline constexpr const char* kLoginTooLarge = "登录请求太大，请刷新页面后重新登录";
inline constexpr const char* kUploadTooLarge = "文件太大（最多 2 MB），请把它分成几个小文件再上传";
inline constexpr const char* kBodyTooLarge = "提交的内容太大，请删掉一些再试";
inline constexpr const char* kTooManyValues = "提交的内容条目太多，请删掉一些再试";
inline constexpr const char* kNoBodyHere = "这个请求不应带内容，请刷新页面后再试";
inline constexpr const char* kLoginTooOften = "登录太频繁，请过一分钟再试";
inline constexpr const char* kLoginBusy = "正在处理别人的登录，请过几秒再点“登录”";
inline constexpr const char* kExtractBusy = "正在读取别的网页，请过几秒再点“读取”";
inline constexpr const char* kPreviewBusy = "正在生成别的预览，请过几秒再点“预览”";
inline constexpr const char* kServerBusy = "控制台正忙，请过几秒再试";
inline constexpr const char* kTooManyConnections = "连到控制台的连接太多，请过几秒再试";
inline constexpr const char* kTooSlow = "请求发得太慢，连接已断开，请刷新页面再试";
inline constexpr const char* kHeadTooLarge = "请求头太大，请清除浏览器里本控制台的 Cookie 后再试";
inline constexpr const char* kBadRequest = "请求的格式不对，请刷新页面后再试";
inline constexpr const char* kNeedLength = "请求缺少长度（Content-Length），请用浏览器打开控制台";
}  // namespace words

}  // namespace kiosk::console
