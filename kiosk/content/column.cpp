#include "content/column.hpp"

#include "content/budget.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>

#include "base/url.hpp"
#include "content/gumbo_tree.hpp"
#include "content/html_extract.hpp"
#include "content/text_import.hpp"

namespace kiosk::content {
namespace {

using namespace gumbo_tree;

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string two(int v) {  // (not "0" + to_string: GCC 12 at -O3 warns falsely, -Wrestrict)
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", v);
    return buf;
}

std::string make_date(int y, int m, int d) {
    if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return "";
    return std::to_string(y) + "-" + two(m) + "-" + two(d);
}

// Reads a run of ASCII digits at `i` (at most `most`), moving i past it; -1 if none.
int number_at(std::string_view s, size_t& i, size_t most) {
    size_t j = i;
    while (j < s.size() && j - i < most && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i) return -1;
    const int v = std::stoi(std::string(s.substr(i, j - i)));
    i = j;
    return v;
}

// The TRS detail link ./202401/t20240115_123456.html -> date and doc id.
bool trs_link(std::string_view path, std::string& date, std::string& id) {
    const size_t slash = path.rfind('/');
    std::string_view file = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
    if (file.size() < 12 || file[0] != 't' || !digits(file.substr(1, 8)) || file[9] != '_') return false;
    const size_t dot = file.find('.', 10);
    if (dot == std::string_view::npos || !digits(file.substr(10, dot - 10))) return false;
    size_t i = 1;
    const int ymd = number_at(file, i, 8);
    date = make_date(ymd / 10000, ymd / 100 % 100, ymd % 100);
    id = "trs:" + std::string(file.substr(10, dot - 10));
    return !date.empty();
}

// The Hanweb detail link /art/2024/1/15/art_1234_56789.html -> date and doc id.
bool hanweb_link(std::string_view path, std::string& date, std::string& id) {
    const size_t art = path.find("/art/");
    const size_t file = path.rfind("/art_");
    if (file == std::string_view::npos) return false;
    std::string_view name = path.substr(file + 5);  // 1234_56789.html
    const size_t us = name.find('_'), dot = name.find('.');
    if (us == std::string_view::npos || dot == std::string_view::npos || dot < us || !digits(name.substr(0, us)) ||
        !digits(name.substr(us + 1, dot - us - 1)))
        return false;
    id = "hanweb:" + std::string(name.substr(us + 1, dot - us - 1));
    if (art != std::string_view::npos && art < file) date = find_date(path.substr(art + 5, file - art - 5));
    return true;
}

std::string strip_fragment(const std::string& u) { return u.substr(0, u.find('#')); }

// ---- HTML list pages ----

bool is_list_container(GumboTag t) {
    return t == GUMBO_TAG_LI || t == GUMBO_TAG_TR || t == GUMBO_TAG_DD || t == GUMBO_TAG_DT || t == GUMBO_TAG_P;
}

void links(const GumboNode* n, const std::string& base, std::vector<ColumnEntry>& out, int depth);
bool link_or_descend(const GumboNode* n, const std::string& base, std::vector<ColumnEntry>& out, int depth);

// Hanweb's list component keeps its rows as CDATA records in <script type="text/xml">.
void hanweb_datastore(const GumboNode* script, const std::string& base, std::vector<ColumnEntry>& out, int depth) {
    if (depth > 2) return;
    std::string xml;
    for (unsigned i = 0; i < children(script).length; ++i) {
        const GumboNode* t = child(script, i);
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_CDATA) xml += t->v.text.text;
    }
    // The records' HTML sits between <![CDATA[ and ]]>; parse each as a fragment of its own.
    for (size_t at = xml.find("<![CDATA["); at != std::string::npos; at = xml.find("<![CDATA[", at)) {
        const size_t end = xml.find("]]>", at);
        if (end == std::string::npos) break;
        GumboPtr fragment = parse(std::string_view(xml).substr(at + 9, end - at - 9));
        if (fragment) links(fragment->root, base, out, depth + 1);
        at = end + 3;
    }
}

// Every article link under `root`, in document order (iterative: pages can be deep).
void links(const GumboNode* root, const std::string& base, std::vector<ColumnEntry>& out, int depth) {
    for_each_element(root, [&](const GumboNode* n) { return link_or_descend(n, base, out, depth); });
}

// One element: a link is read (false: nothing under it to visit), a datastore parsed, noise
// skipped; anything else is descended into (true).
bool link_or_descend(const GumboNode* n, const std::string& base, std::vector<ColumnEntry>& out, int depth) {
    const GumboElement& e = n->v.element;
    if (e.tag == GUMBO_TAG_SCRIPT) {
        if (const char* type = attr(e, "type"); type && lower(type) == "text/xml") hanweb_datastore(n, base, out, depth);
        return false;
    }
    if (e.tag == GUMBO_TAG_STYLE || e.tag == GUMBO_TAG_NAV || e.tag == GUMBO_TAG_HEADER || e.tag == GUMBO_TAG_FOOTER)
        return false;
    if (e.tag == GUMBO_TAG_A) {
        const char* href = attr(e, "href");
        if (!href || !*href || *href == '#' || lower(href).rfind("javascript:", 0) == 0) return false;
        ColumnEntry entry;
        entry.url = strip_fragment(url::resolve(base, href));
        if (!link_allowed(entry.url, base)) return false;  // a list page points only at http(s)
        const std::string path = url::split(entry.url).path;
        std::string url_date;
        const bool article = trs_link(path, url_date, entry.doc_id) || hanweb_link(path, url_date, entry.doc_id);
        std::string text;
        raw_text(n, text);
        const char* title = attr(e, "title");
        entry.title = normalise_inline(title && *title ? std::string(title) : text);
        // The date beside the link, in its list row (li, tr, dd, p).
        std::string row_date;
        for (const GumboNode* p = n->parent; p && p->type == GUMBO_NODE_ELEMENT; p = p->parent) {
            if (is_list_container(p->v.element.tag)) {
                std::string row;
                raw_text(p, row);
                row_date = find_date(row);
                break;
            }
            if (p->v.element.tag == GUMBO_TAG_UL || p->v.element.tag == GUMBO_TAG_TABLE || p->v.element.tag == GUMBO_TAG_BODY)
                break;
        }
        entry.date = !row_date.empty() ? row_date : url_date;
        // A link is an article when its URL has a CMS article shape, or when its list row
        // carries a date and a title worth the name (not 首页, 下一页, index_1.html).
        const bool dated_row = !row_date.empty() && normalise_inline(entry.title).size() >= 12;
        if ((article || dated_row) && !entry.title.empty()) out.push_back(std::move(entry));
        return false;
    }
    return true;
}

// ---- RSS 2.0 and Atom ----

struct XmlDocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;  // owns one parsed feed

struct XmlChars {  // owns a string libxml2 allocated
    xmlChar* p;
    ~XmlChars() { xmlFree(p); }
    std::string str() const { return p ? reinterpret_cast<const char*>(p) : ""; }
};

bool named(const xmlNode* n, const char* name) {
    return n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::string content_of(const xmlNode* n) { return XmlChars{xmlNodeGetContent(n)}.str(); }

std::string attribute(const xmlNode* n, const char* name) {
    return XmlChars{xmlGetProp(n, reinterpret_cast<const xmlChar*>(name))}.str();
}

void feed_entries(const xmlNode* n, const std::string& base, std::vector<ColumnEntry>& out) {
    for (; n; n = n->next) {
        if (named(n, "item") || named(n, "entry")) {
            ColumnEntry entry;
            std::string published, updated;
            for (const xmlNode* c = n->children; c; c = c->next) {
                if (named(c, "title")) entry.title = normalise_inline(content_of(c));
                else if (named(c, "link")) {
                    const std::string rel = attribute(c, "rel");
                    const std::string href = attribute(c, "href");  // Atom
                    if (!href.empty() && (rel.empty() || rel == "alternate")) entry.url = href;
                    else if (href.empty() && entry.url.empty()) entry.url = normalise_inline(content_of(c));  // RSS
                } else if (named(c, "guid") && entry.url.empty() && attribute(c, "isPermaLink") != "false") {
                    entry.url = normalise_inline(content_of(c));
                } else if (named(c, "pubDate") || named(c, "published") || named(c, "date")) {
                    published = find_date(content_of(c));
                } else if (named(c, "updated")) {
                    updated = find_date(content_of(c));
                }
            }
            entry.date = published.empty() ? updated : published;
            if (!entry.url.empty()) {
                entry.url = strip_fragment(url::resolve(base, entry.url));
                if (!link_allowed(entry.url, base)) continue;
                std::string ignored;
                const std::string path = url::split(entry.url).path;
                if (!trs_link(path, ignored, entry.doc_id)) hanweb_link(path, ignored, entry.doc_id);
                out.push_back(std::move(entry));
            }
            continue;
        }
        feed_entries(n->children, base, out);
    }
}

bool looks_like_feed(std::string_view bytes) {
    std::string head = lower(bytes.substr(0, 2048));
    return head.find("<rss") != std::string::npos || head.find("<feed") != std::string::npos ||
           head.find("<rdf:rdf") != std::string::npos;
}

Result<std::vector<ColumnEntry>> read_feed(std::string_view bytes, const std::string& base) {
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });
    // No network, no entity substitution (external entities stay unread), no error printing.
    XmlDocPtr doc(xmlReadMemory(bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1u << 30)), nullptr, nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA));
    if (!doc) return make_error("the feed is not well-formed XML");
    std::vector<ColumnEntry> out;
    feed_entries(xmlDocGetRootElement(doc.get()), base, out);
    if (out.empty()) return make_error("the feed holds no items with links");
    return out;
}

}  // namespace

std::string find_date(std::string_view s) {
    // YYYY[-/.年]M[-/.月]D
    for (size_t i = 0; i + 8 <= s.size(); ++i) {
        if (!(s[i] >= '1' && s[i] <= '2') || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')) continue;
        size_t j = i;
        const int y = number_at(s, j, 4);
        if (j - i != 4) continue;
        auto separator = [&](std::initializer_list<std::string_view> seps) {
            for (std::string_view sep : seps)
                if (s.substr(j, sep.size()) == sep) {
                    j += sep.size();
                    return true;
                }
            return false;
        };
        if (!separator({"-", "/", ".", "年"})) continue;
        const int m = number_at(s, j, 2);
        if (m < 0 || !separator({"-", "/", ".", "月"})) continue;
        const int d = number_at(s, j, 2);
        if (d < 0) continue;
        if (std::string date = make_date(y, m, d); !date.empty()) return date;
    }
    // RFC 822: "Mon, 15 Jan 2024 08:00:00 +0800"
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int m = 0; m < 12; ++m) {
        for (size_t at = s.find(kMonths[m]); at != std::string_view::npos; at = s.find(kMonths[m], at + 3)) {
            size_t d_end = at;
            while (d_end > 0 && s[d_end - 1] == ' ') --d_end;
            size_t d_start = d_end;
            while (d_start > 0 && s[d_start - 1] >= '0' && s[d_start - 1] <= '9') --d_start;
            size_t y_at = at + 3;
            while (y_at < s.size() && s[y_at] == ' ') ++y_at;
            size_t k = d_start;
            const int d = d_start < d_end ? number_at(s, k, 2) : -1;
            size_t y_end = y_at;
            const int y = number_at(s, y_end, 4);
            if (d > 0 && y_end - y_at == 4)
                if (std::string date = make_date(y, m + 1, d); !date.empty()) return date;
        }
    }
    return "";
}

Result<std::vector<ColumnEntry>> read_column(std::string_view bytes, const ColumnOptions& options) {
    if (looks_like_feed(bytes)) return read_feed(bytes, options.base_url);
    const DecodedText decoded = decode_html(bytes, options.http_charset);
    GumboPtr output = parse(decoded.utf8);
    if (!output) return make_error("the list page could not be parsed");
    std::string base = options.base_url;
    std::vector<ColumnEntry> out;
    links(output->root, base, out, 0);
    if (out.empty()) return make_error("no article links found on this list page (TRS, Hanweb or dated list rows)");
    return out;
}

std::vector<ColumnEntry> newest_entries(std::vector<ColumnEntry> entries, size_t count) {
    std::vector<ColumnEntry> unique;
    std::set<std::string> urls, ids;
    for (auto& e : entries) {
        if (!urls.insert(e.url).second) continue;
        if (!e.doc_id.empty() && !ids.insert(e.doc_id).second) continue;
        unique.push_back(std::move(e));
    }
    std::stable_sort(unique.begin(), unique.end(), [](const ColumnEntry& a, const ColumnEntry& b) {
        if (a.date.empty() != b.date.empty()) return !a.date.empty();
        return a.date > b.date;
    });
    if (unique.size() > count) unique.resize(count);
    return unique;
}

}  // namespace kiosk::content
