// The playlist checker's part for sources and for 新旧对照 items (issue 30): where an item's
// text may come from, and what a comparison needs — its two texts ("old" and "new") or one
// published 对照表 ("source"), and its effective date.
#include <algorithm>

#include "base/hosts.hpp"
#include "base/i18n.hpp"
#include "base/url.hpp"
#include "base/utf8.hpp"
#include "config/checker.hpp"

namespace kiosk::config::detail {

void check_address(Checker& c, const std::string& path, const json& value, const std::string& address,
                   const KioskConfig& cfg, bool local) {
    if (address.rfind("file:", 0) == 0) {
        if (!local)
            c.error(path, format(KIOSK_TR("\"{}\": file: sources are allowed only in a playlist on this machine"), {address}));
    } else if (url::is_web_address(address)) {
        const std::string host = url::host(address);
        if (host.empty())
            c.expected(path, value, KIOSK_N("a URL like \"https://www.example.gov.cn/…\""));
        else if (!host_in_allowlist(host, cfg.network.allowed_hosts))
            c.error(path, format(KIOSK_TR("host \"{}\" is not in network.allowed_hosts of {}"),
                                 {host, cfg.file.filename().string()}));
    } else {
        c.expected(path, value, KIOSK_N("an https:// or http:// URL, or file:PATH"));
    }
}

namespace {
// 2019-05-15, 2019-5-15, 2019年5月15日 (full-width digits as an input method gives them, spaces
// anywhere): true when it names a day that exists.
bool effective_date(std::string_view typed) {
    std::u32string s;
    for (char32_t ch : utf8::decode(typed)) {
        if (ch == U' ' || ch == U'\u3000' || ch == U'\t') continue;
        if (ch >= U'\uFF10' && ch <= U'\uFF19') ch = U'0' + (ch - U'\uFF10');
        if (ch == U'\uFF0D') ch = U'-';
        s += ch;
    }
    int parts[3] = {0, 0, 0};
    size_t at = 0;
    const bool chinese = s.find(U'年') != std::u32string::npos;
    const char32_t ends[3] = {chinese ? U'年' : U'-', chinese ? U'月' : U'-', chinese ? U'日' : U'\0'};
    for (int k = 0; k < 3; ++k) {
        size_t digits = 0;
        while (at < s.size() && s[at] >= U'0' && s[at] <= U'9' && digits < 4) {
            parts[k] = parts[k] * 10 + static_cast<int>(s[at] - U'0');
            ++at;
            ++digits;
        }
        if (digits == 0 || (k == 0 && digits != 4) || (k > 0 && digits > 2)) return false;
        if (ends[k] != U'\0') {
            if (at >= s.size() || s[at] != ends[k]) return false;
            ++at;
        }
    }
    if (at != s.size()) return false;
    const int y = parts[0], m = parts[1], d = parts[2];
    if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= kDays[m - 1] && !(m == 2 && d == 29 && !leap);
}

// One of the comparison's texts ("old" or "new"), checked as a source is; "" when absent or wrong.
std::string compare_side(Checker& c, const json& it, const std::string& path, const char* key, const KioskConfig& cfg,
                         bool local) {
    if (!it.contains(key)) return "";
    const std::string at = child_path(path, key);
    const json& v = it[key];
    if (v.is_string() && trimmed(v.get<std::string>()).empty()) {
        c.error(at, std::string(key) == "old"
                        ? KIOSK_TR("fill in where the text before the revision is: a file, or a web address like https://www.gov.cn/…")
                        : KIOSK_TR("fill in where the revised text is: a file, or a web address like https://www.gov.cn/…"));
        return "";
    }
    std::string address;
    if (!c.text(it, path, key, address, true)) return "";
    address = trimmed(address);
    const size_t before = c.errors.size();
    check_address(c, at, v, address, cfg, local);
    return c.errors.size() == before ? address : "";
}
}  // namespace

void read_compare(Checker& c, const json& it, const std::string& path, PlaylistItem& item, const KioskConfig& cfg,
                  bool local) {
    if (item.kind != "compare") {
        for (const char* key : {"old", "new", "effective"})
            if (it.contains(key))
                c.error(child_path(path, key), format(KIOSK_TR("only a comparison (\"kind\": \"compare\") has \"{}\""), {key}));
        return;
    }
    const bool has_old = it.contains("old"), has_new = it.contains("new");
    if (it.contains("text")) {
        c.error(child_path(path, "text"),
                KIOSK_TR("a comparison is read from its texts, not typed in: give the text before and after the revision, "
                         "or the address of a published comparison table"));
    } else if ((has_old || has_new) && it.contains("source")) {
        c.error(child_path(path, "source"),
                KIOSK_TR("a comparison takes either its two texts (before and after the revision) or one published "
                         "comparison table, not both: remove one"));
    } else if (has_old && !has_new) {
        c.error(path, KIOSK_TR("a comparison needs the revised text as well: fill in where the text after the revision is"));
    } else if (has_new && !has_old) {
        c.error(path, KIOSK_TR("a comparison needs the text before the revision as well: fill in where the old text is"));
    } else if (!has_old && !it.contains("source")) {
        c.error(path, KIOSK_TR("a comparison needs its texts: the text before and after the revision, or the address of a "
                               "published comparison table"));
    }
    item.old_source = compare_side(c, it, path, "old", cfg, local);
    item.new_source = compare_side(c, it, path, "new", cfg, local);
    if (!item.old_source.empty() && item.old_source == item.new_source)
        c.error(child_path(path, "new"),
                KIOSK_TR("the text before and after the revision are the same source: give the revised text here"));
    if (it.contains("effective")) {
        const json& v = it["effective"];
        const std::string typed = v.is_string() ? trimmed(v.get<std::string>()) : "";
        if (typed.empty() && v.is_string()) {
            // Left blank: the date is read from the new text (自…起施行).
        } else if (!v.is_string() || !effective_date(typed)) {
            const std::string shown_text = v.is_string() ? utf8::printable(utf8::truncate(typed, 40)) : shown(v);
            c.error(child_path(path, "effective"),
                    format(KIOSK_TR("effective date \"{}\": write it as year-month-day, like 2019-05-15 or 2019年5月15日"),
                           {shown_text}));
        } else {
            item.effective = typed;
        }
    }
}

}  // namespace kiosk::config::detail
