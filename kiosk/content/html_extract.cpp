#include "content/html_extract.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>
#include <vector>

#include "base/utf8.hpp"
#include "content/text_import.hpp"

namespace kiosk::content {
namespace {

struct GumboDeleter {
    void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};
using GumboPtr = std::unique_ptr<GumboOutput, GumboDeleter>;  // owns one parse tree

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_gb_label(const std::string& l) {
    return l == "gb2312" || l == "gbk" || l == "x-gbk" || l == "cp936" || l == "gb18030" || l == "gb_2312-80";
}

std::string charset_after(std::string_view head, size_t at) {
    size_t i = at;
    while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'' || head[i] == '=')) ++i;
    size_t j = i;
    while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' || head[j] == '_')) ++j;
    return lower(head.substr(i, j - i));
}

const char* attr(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? a->value : nullptr;
}

bool has_class(const GumboElement& e, const std::string& cls) {
    const char* c = attr(e, "class");
    if (!c) return false;
    std::istringstream words(c);
    for (std::string w; words >> w;)
        if (lower(w) == lower(cls)) return true;
    return false;
}

// One compound selector: tag, .class, #id, or tag.class / tag#id.
struct Simple {
    std::string tag, cls, id;
};

Simple parse_simple(const std::string& s) {
    Simple out;
    size_t i = 0;
    auto word = [&] {
        size_t j = i;
        while (j < s.size() && s[j] != '.' && s[j] != '#') ++j;
        std::string w = s.substr(i, j - i);
        i = j;
        return w;
    };
    out.tag = lower(word());
    while (i < s.size()) {
        const char kind = s[i++];
        const std::string w = word();
        if (kind == '.') out.cls = w;
        else out.id = w;
    }
    return out;
}

bool matches(const GumboNode* n, const Simple& s) {
    if (n->type != GUMBO_NODE_ELEMENT) return false;
    const GumboElement& e = n->v.element;
    if (!s.tag.empty() && s.tag != "*" && lower(gumbo_normalized_tagname(e.tag)) != s.tag) {
        // Unknown tags (font in old pages is known) compare by their original name.
        if (e.tag != GUMBO_TAG_UNKNOWN) return false;
    }
    if (!s.cls.empty() && !has_class(e, s.cls)) return false;
    if (!s.id.empty()) {
        const char* id = attr(e, "id");
        if (!id || lower(id) != lower(s.id)) return false;
    }
    return true;
}

// Elements matching a descendant selector ("div.article p"), in document order.
void select(const GumboNode* n, const std::vector<Simple>& chain, std::vector<const GumboNode*>& out,
            size_t depth_matched = 0) {
    if (n->type != GUMBO_NODE_ELEMENT) return;
    size_t matched = depth_matched;
    if (matched < chain.size() && matches(n, chain[matched])) ++matched;
    if (matched == chain.size()) {
        out.push_back(n);
        return;  // the outermost match; its descendants are part of it
    }
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i)
        select(static_cast<const GumboNode*>(kids.data[i]), chain, out, matched);
}

std::vector<Simple> parse_selector(const std::string& selector) {
    std::vector<Simple> chain;
    std::istringstream parts(selector);
    for (std::string p; parts >> p;) chain.push_back(parse_simple(p));
    return chain;
}

bool skipped(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_EMBED: case GUMBO_TAG_OBJECT: case GUMBO_TAG_NAV: case GUMBO_TAG_FORM:
        case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD:
            return true;
        default: return false;
    }
}

bool block_level(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
        case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
        case GUMBO_TAG_TABLE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_CENTER: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
        case GUMBO_TAG_DT: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_PRE:
            return true;
        default: return false;
    }
}

// The container's text, one paragraph a line (block elements and <br> end lines; table
// cells are separated by wide gaps until tables get their own layout).
void collect(const GumboNode* n, std::string& out) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
        std::string t = n->v.text.text;
        std::replace(t.begin(), t.end(), '\n', ' ');
        std::replace(t.begin(), t.end(), '\r', ' ');
        std::replace(t.begin(), t.end(), '\t', ' ');
        out += t;
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = n->v.element;
    if (skipped(e.tag)) return;
    if (e.tag == GUMBO_TAG_BR) {
        out += '\n';
        return;
    }
    const bool block = block_level(e.tag);
    if (block && !out.empty() && out.back() != '\n') out += '\n';
    if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH) out += "    ";
    for (unsigned i = 0; i < e.children.length; ++i) collect(static_cast<const GumboNode*>(e.children.data[i]), out);
    if (block && !out.empty() && out.back() != '\n') out += '\n';
}

size_t text_chars(const std::string& text) {
    size_t n = 0;
    for (char32_t c : utf8::decode(text))
        if (c > 0x20 && c != 0x3000 && c != 0xA0) ++n;
    return n;
}

// Widgets that sit inside article containers on real pages: 【字体：大 中 小】, 打印/关闭,
// 扫一扫在手机打开当前页, share buttons, click counters.
bool is_widget_line(const std::string& line) {
    const size_t n = text_chars(line);
    if (n > 30) return false;
    for (const char* w : {"字体：", "字体:", "【打印", "【关闭", "打印本页", "关闭窗口", "扫一扫", "分享到", "浏览次数"})
        if (line.find(w) != std::string::npos) return true;
    return line.find("打印") != std::string::npos && line.find("关闭") != std::string::npos;
}

void find_meta(const GumboNode* n, std::string& title, std::string& date, std::string& source, std::string& h1,
               std::string& page_title) {
    if (n->type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = n->v.element;
    if (e.tag == GUMBO_TAG_META) {
        const char* name = attr(e, "name");
        const char* content = attr(e, "content");
        if (name && content) {
            const std::string key = lower(name);
            if (key == "articletitle") title = content;
            else if (key == "pubdate" || key == "firstpublishedtime") { if (date.empty()) date = content; }
            else if (key == "contentsource") source = content;
        }
    }
    if (e.tag == GUMBO_TAG_H1 && h1.empty()) collect(n, h1);
    if (e.tag == GUMBO_TAG_TITLE && page_title.empty()) collect(n, page_title);
    for (unsigned i = 0; i < e.children.length; ++i)
        find_meta(static_cast<const GumboNode*>(e.children.data[i]), title, date, source, h1, page_title);
}

std::string trim(std::string s) {
    auto sp = [](unsigned char c) { return std::isspace(c); };
    while (!s.empty() && sp(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && sp(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

}  // namespace

DecodedText decode_html(std::string_view bytes, std::string_view http_charset) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF" || bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
        return decode_text(bytes);
    const std::string http = lower(http_charset);
    std::string meta;
    const std::string head = lower(bytes.substr(0, 8192));
    for (size_t at = head.find("<meta"); at != std::string::npos && meta.empty(); at = head.find("<meta", at + 5)) {
        const size_t end = head.find('>', at);
        const size_t cs = head.find("charset", at);
        if (cs != std::string::npos && cs < end) meta = charset_after(head, cs + 7);
    }
    for (const std::string& label : {http, meta}) {
        if (label == "utf-8" || label == "utf8") {
            if (utf8::is_valid(bytes)) return DecodedText{std::string(bytes), "UTF-8", 0};
            continue;  // a lying label: try the next source
        }
        if (is_gb_label(label)) return decode_text_as(bytes, "GB18030");
    }
    return decode_text(bytes);
}

Result<Document> extract_article(std::string_view html_bytes, const ExtractOptions& options) {
    const DecodedText decoded = decode_html(html_bytes, options.http_charset);
    GumboPtr output(gumbo_parse_with_options(&kGumboDefaultOptions, decoded.utf8.data(), decoded.utf8.size()));
    if (!output) return make_error("the HTML could not be parsed");

    static const std::vector<std::string> kPortalContainers = {
        ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#fontzoom", ".zoom", "#UCAP-CONTENT", ".pages_content",
        ".xxgk_content", ".zfxxgk_content", "#NewsContent", ".article-content", ".WordSection1", "td.p1"};
    std::vector<std::string> selectors;
    if (!options.selector.empty()) selectors.push_back(options.selector);
    else selectors = kPortalContainers;

    std::string body_text;
    for (const std::string& selector : selectors) {
        std::vector<const GumboNode*> found;
        select(output->root, parse_selector(selector), found);
        std::string text;
        for (const GumboNode* n : found) collect(n, text);
        if (text_chars(text) >= (options.selector.empty() ? 10u : 1u)) {  // an empty look-alike (a widget) is passed over
            body_text = text;
            break;
        }
    }
    if (body_text.empty()) {
        if (!options.selector.empty())
            return make_error("the selector \"" + options.selector + "\" finds no text on this page");
        return make_error("no article found on this page (none of the usual containers holds text; give the item a selector)");
    }

    std::string title, date, source, h1, page_title;
    find_meta(output->root, title, date, source, h1, page_title);
    title = trim(title.empty() ? (h1.empty() ? page_title : h1) : title);

    // The article as plain text: title, meta line, then the body without widgets.
    std::string text = title + "\n";
    std::string meta;
    if (!date.empty()) meta += "发布日期：" + trim(date).substr(0, 10);
    if (!source.empty()) meta += (meta.empty() ? "" : "    ") + std::string("来源：") + trim(source);
    if (!meta.empty()) text += meta + "\n";
    std::istringstream lines(body_text);
    for (std::string line; std::getline(lines, line);) {
        if (is_widget_line(line)) continue;
        if (!title.empty() && trim(line) == title) continue;  // the title repeated in the body
        text += line + "\n";
    }
    Document doc = title.empty() ? import_plain_text(text.substr(1), false) : import_plain_text(text);
    if (doc.blocks.size() <= (title.empty() ? 0u : 1u)) return make_error("the article holds no text");
    return doc;
}

}  // namespace kiosk::content
