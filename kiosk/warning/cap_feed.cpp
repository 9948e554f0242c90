// A feed document: a single <alert>, a wrapper of several <alert> (any root element whose
// children are alerts, e.g. <alerts>), an Atom <feed> whose <entry> carries its CAP in
// <content> (as elements, or as escaped XML text), or an RSS 2.0 <rss><channel><item> that
// carries it as an element or escaped in <description>. Each entry is read on its own: one
// malformed entry is that entry's error, never the feed's.
#include <string>
#include <vector>

#include "warning/cap.hpp"
#include "warning/cap_xml.hpp"

namespace kiosk::warning {
namespace {

constexpr const char* kWhat = "预警源";
constexpr const char* kMessage = "预警消息";

// An <alert> element at most three levels down (entry > content > alert, item > alert).
const xmlNode* embedded_alert(const xmlNode* n, int levels) {
    for (const xmlNode* c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (detail::named(c, "alert")) return c;
        if (levels > 1)
            if (const xmlNode* a = embedded_alert(c, levels - 1)) return a;
    }
    return nullptr;
}

std::string attribute(const xmlNode* n, const char* name) {
    const detail::XmlChars v(xmlGetProp(n, reinterpret_cast<const xmlChar*>(name)));
    return v ? reinterpret_cast<const char*>(v.get()) : "";
}

std::string shorten(std::string s, std::size_t chars) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (seen++ == chars) return s.substr(0, i) + "…";
    }
    return s;
}

FeedEntry read_entry(const xmlNode* entry, std::size_t index) {
    FeedEntry out{make_error(""), "第 " + std::to_string(index) + " 条", ""};
    std::string title;
    bool cap_link = false;
    const xmlNode* text_carrier = nullptr;  // <content>, else <description> / <summary>
    for (const xmlNode* c = entry->children; c; c = c->next) {
        if (detail::named(c, "title") && title.empty()) {
            title = detail::text_of(c);
        } else if (detail::named(c, "link") && !cap_link) {
            // The first usable link, or the one typed application/cap+xml when there is one.
            const std::string href = attribute(c, "href"), rel = attribute(c, "rel");
            const bool typed_cap = attribute(c, "type").find("cap") != std::string::npos;
            if (!href.empty() && (rel.empty() || rel == "alternate" || rel == "enclosure" || rel == "related")) {
                if (out.link.empty() || typed_cap) out.link = href;
                cap_link = typed_cap;
            } else if (href.empty() && out.link.empty()) {
                out.link = detail::text_of(c);  // RSS
            }
        } else if (detail::named(c, "content")) {
            text_carrier = c;
        } else if ((detail::named(c, "description") || detail::named(c, "summary")) && !text_carrier) {
            text_carrier = c;
        }
    }
    if (out.link.size() > 1000) out.link.clear();
    if (!title.empty()) out.source_hint += "（" + shorten(title, 40) + "）";

    if (const xmlNode* alert = embedded_alert(entry, 3)) {
        out.message = detail::read_alert(alert, kMessage);
        return out;
    }
    if (text_carrier) {
        const std::string text = detail::text_of(text_carrier);
        if (!text.empty() && text.front() == '<' && text.find("alert") != std::string::npos) {
            out.message = parse_message(text);  // escaped CAP: its own budgets and its own lines
            return out;
        }
    }
    out.message = make_error(out.link.empty() ? std::string("这一条里没有 CAP 预警消息（<alert>）")
                                              : "这一条只有链接（" + shorten(out.link, 120) +
                                                    "），没有内嵌的 CAP 预警消息（<alert>）；请订阅内嵌 CAP 的预警源");
    return out;
}

void add(std::vector<FeedEntry>& out, FeedEntry entry, bool& full, std::size_t& skipped) {
    if (out.size() < kMaxFeedMessages) out.push_back(std::move(entry));
    else {
        full = true;
        ++skipped;
    }
}

}  // namespace

Result<std::vector<FeedEntry>> parse_feed(std::string_view xml) {
    auto doc = detail::read_xml(xml, kMaxFeedBytes, kWhat);
    if (!doc) return doc.error();
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    std::vector<FeedEntry> out;
    bool full = false;
    std::size_t skipped = 0;

    if (detail::named(root, "alert")) {
        out.push_back(FeedEntry{detail::read_alert(root, kMessage), "第 1 条", ""});
        return out;
    }
    if (detail::named(root, "feed")) {  // Atom
        for (const xmlNode* c = root->children; c; c = c->next)
            if (detail::named(c, "entry")) add(out, read_entry(c, out.size() + skipped + 1), full, skipped);
    } else if (detail::named(root, "rss") || detail::named(root, "RDF")) {  // RSS 2.0 (and 1.0's items)
        auto items = [&](const xmlNode* parent) {
            for (const xmlNode* c = parent->children; c; c = c->next)
                if (detail::named(c, "item")) add(out, read_entry(c, out.size() + skipped + 1), full, skipped);
        };
        items(root);
        for (const xmlNode* c = root->children; c; c = c->next)
            if (detail::named(c, "channel")) items(c);
    } else {
        bool any = false;
        for (const xmlNode* c = root->children; c; c = c->next)
            if (detail::named(c, "alert")) {
                any = true;
                const std::size_t index = out.size() + skipped + 1;
                add(out, FeedEntry{detail::read_alert(c, kMessage), "第 " + std::to_string(index) + " 条", ""}, full, skipped);
            }
        if (!any)
            return make_error(std::string(kWhat) + "的根元素是 <" +
                              std::string(reinterpret_cast<const char*>(root->name)).substr(0, 40) +
                              ">，不是 CAP 预警（<alert>）、多条预警、Atom（<feed>）或 RSS（<rss>）");
    }
    if (full)
        out.push_back(FeedEntry{make_error(std::string(kWhat) + "有 " + std::to_string(kMaxFeedMessages + skipped) +
                                           " 条，超过 " + std::to_string(kMaxFeedMessages) + " 条的上限：后面的 " +
                                           std::to_string(skipped) + " 条没有读"),
                                "第 " + std::to_string(kMaxFeedMessages + 1) + " 条起", ""});
    return out;
}

}  // namespace kiosk::warning
