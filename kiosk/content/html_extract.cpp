#include "content/html_extract.hpp"


#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "base/url.hpp"
#include "base/utf8.hpp"
#include "content/budget.hpp"
#include "content/gumbo_tree.hpp"
#include "content/text_import.hpp"

namespace kiosk::content {
namespace {

using namespace gumbo_tree;

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

// Elements matching a descendant selector ("div.article p"), in document order; the
// outermost match only (its descendants are part of it). Iterative: pages can be deep.
void select(const GumboNode* root, const std::vector<Simple>& chain, std::vector<const GumboNode*>& out) {
    std::vector<std::pair<const GumboNode*, size_t>> stack{{root, 0}};
    while (!stack.empty()) {
        auto [n, matched] = stack.back();
        stack.pop_back();
        if (n->type != GUMBO_NODE_ELEMENT) continue;
        if (matched < chain.size() && matches(n, chain[matched])) ++matched;
        if (matched == chain.size()) {
            out.push_back(n);
            continue;
        }
        const GumboVector& kids = n->v.element.children;
        for (unsigned i = kids.length; i-- > 0;) stack.emplace_back(static_cast<const GumboNode*>(kids.data[i]), matched);
    }
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

const char kObjectLine[] = "\xEF\xBF\xBC\n";  // U+FFFC on a line of its own: the next object

bool is_attachment_url(const std::string& url) {
    std::string path = lower(url.substr(0, url.find_first_of("?#")));
    const size_t dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
    const std::string ext = path.substr(dot + 1);
    for (const char* e : {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "ppt", "pptx", "csv"})
        if (ext == e) return true;
    return false;
}

bool centred(const GumboElement& e) {
    if (e.tag == GUMBO_TAG_CENTER) return true;
    if (const char* a = attr(e, "align"); a && lower(a) == "center") return true;
    if (const char* st = attr(e, "style")) {
        std::string style = lower(st);
        style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
        if (style.find("text-align:center") != std::string::npos) return true;
    }
    return false;
}

int span_attr(const GumboElement& e, const char* name, int most) {
    const char* v = attr(e, name);
    if (!v) return 1;
    long n = std::strtol(v, nullptr, 10);
    return static_cast<int>(std::clamp<long>(n, 1, most));
}

// Pixel size from width/height attributes (icons and tracking pixels are not content).
int pixel_attr(const GumboElement& e, const char* name) {
    const char* v = attr(e, name);
    return v ? static_cast<int>(std::strtol(v, nullptr, 10)) : 0;
}

// Walks the article container: its text one paragraph a line (block elements and <br> end
// lines), and the objects that cannot be text — tables and images — as U+FFFC lines with the
// objects beside. Image captions (the next centred paragraph, or span.img_descr) go into
// the image's block; attachment links are listed.
class Collector {
public:
    // base_url: borrowed, outlives the walk. `depth`: how deep the walk starts (a cell's
    // collector continues its table's depth), so nested collectors share one budget.
    Collector(std::string_view base_url, bool flat, int depth = 0) : base_url_(base_url), flat_(flat), depth_(depth) {}

    // Recursive, but never deeper than kMaxWalkDepth: below that, a subtree is read as plain
    // text (the markup budget keeps gumbo's trees about that deep anyway).
    void walk(const GumboNode* n);
    static constexpr int kMaxWalkDepth = 200;

    std::string text;
    std::vector<Block> objects;
    std::vector<Attachment> attachments;
    bool cut = false;  // text past kMaxCollectedBytes was left out
    static constexpr size_t kMaxCollectedBytes = DocumentBudget{}.max_chars * 4;

private:
    void add_text(std::string t);
    void end_line() {
        if (!text.empty() && text.back() != '\n') text += '\n';
    }
    void image(const GumboElement& e);
    bool table(const GumboNode* n);

    std::string_view base_url_;
    bool flat_;                   // a table cell: no objects, no line breaks
    int depth_;                   // elements between the page's root and the node being walked
    int awaiting_caption_ = -1;   // the last image, while its caption may still follow
    int centred_depth_ = 0;       // inside a centred block
};

// One cell's text on one line.
std::string inline_text(const GumboNode* n, std::string_view base_url, std::vector<Attachment>* attachments = nullptr,
                        int depth = 0) {
    Collector c(base_url, true, depth);
    c.walk(n);
    if (attachments)
        for (auto& a : c.attachments) attachments->push_back(std::move(a));
    return normalise_inline(c.text);
}

void Collector::add_text(std::string t) {
    // Past what the document budget could ever show, nothing more is collected (a 20 MB
    // page would otherwise become 20 MB of lines and 200,000 blocks before the budget cut).
    if (text.size() >= kMaxCollectedBytes) {
        cut = true;
        return;
    }
    std::replace(t.begin(), t.end(), '\n', ' ');
    std::replace(t.begin(), t.end(), '\r', ' ');
    std::replace(t.begin(), t.end(), '\t', ' ');
    if (awaiting_caption_ >= 0 && !normalise_inline(t).empty()) {
        if (centred_depth_ > 0) {  // text after the image in its own centred paragraph
            objects[static_cast<size_t>(awaiting_caption_)].text += t;
            return;
        }
        awaiting_caption_ = -1;  // body text came first: the image has no caption
    }
    text += t;
}

void Collector::image(const GumboElement& e) {
    if (flat_ || cut) return;
    std::string src = attr(e, "src") ? attr(e, "src") : "";
    if (src.empty() || lower(src.substr(0, 5)) == "data:") src = attr(e, "oldsrc") ? attr(e, "oldsrc") : "";
    if (src.empty() || lower(src.substr(0, 5)) == "data:") return;
    const int w = pixel_attr(e, "width"), h = pixel_attr(e, "height");
    if ((w > 0 && w < 40) || (h > 0 && h < 40)) return;  // an icon, a spacer, a counter pixel
    Block block;
    block.role = Role::image;
    block.align = Align::center;
    block.image.url = url::resolve(base_url_, src);
    if (!link_allowed(block.image.url, base_url_)) return;  // a web page never points the kiosk at local files
    if (const char* alt = attr(e, "alt")) block.image.alt = normalise_inline(alt);
    end_line();
    text += kObjectLine;
    objects.push_back(std::move(block));
    awaiting_caption_ = static_cast<int>(objects.size()) - 1;
}

// A data table into the grid model; false for a layout table (one column or one row),
// whose content is walked as ordinary text instead.
bool Collector::table(const GumboNode* n) {
    if (cut) return true;  // past the budget: not even read
    constexpr size_t kMaxRows = 2000, kMaxColumns = 100;  // a hostile page cannot make a grid of billions
    Table t;
    std::vector<bool> in_head;
    // Rows sit at most a few levels down (table > thead/tbody/tfoot > tr).
    std::function<void(const GumboNode*, bool, int)> rows = [&](const GumboNode* node, bool head, int level) {
        if (node->type != GUMBO_NODE_ELEMENT || level > 4) return;
        const GumboElement& e = node->v.element;
        if (e.tag == GUMBO_TAG_TABLE && node != n) return;  // a nested table belongs to its cell
        if (e.tag == GUMBO_TAG_TR) {
            if (t.rows.size() >= kMaxRows) return;
            std::vector<TableCell> cells;
            int width = 0;
            for (unsigned i = 0; i < e.children.length; ++i) {
                const auto* c = static_cast<const GumboNode*>(e.children.data[i]);
                if (c->type != GUMBO_NODE_ELEMENT) continue;
                const GumboElement& ce = c->v.element;
                if (ce.tag != GUMBO_TAG_TD && ce.tag != GUMBO_TAG_TH) continue;
                if (width >= static_cast<int>(kMaxColumns)) break;
                TableCell cell;
                cell.text = inline_text(c, base_url_, &attachments, depth_ + 4);
                cell.colspan = std::min(span_attr(ce, "colspan", 1000), static_cast<int>(kMaxColumns) - width);
                cell.rowspan = span_attr(ce, "rowspan", static_cast<int>(kMaxRows));
                cell.header = ce.tag == GUMBO_TAG_TH || head;
                bool centre = centred(ce);
                if (const char* a = attr(ce, "align"); a && lower(a) == "right") cell.align = Align::end;
                for (unsigned k = 0; k < ce.children.length && !centre; ++k) {
                    const auto* p = static_cast<const GumboNode*>(ce.children.data[k]);
                    if (p->type == GUMBO_NODE_ELEMENT && centred(p->v.element)) centre = true;
                }
                if (centre) cell.align = Align::center;
                width += cell.colspan;
                cells.push_back(std::move(cell));
            }
            if (!cells.empty()) {
                t.rows.push_back(std::move(cells));
                in_head.push_back(head);
            }
            return;
        }
        const bool h = head || e.tag == GUMBO_TAG_THEAD;
        for (unsigned i = 0; i < e.children.length; ++i) rows(static_cast<const GumboNode*>(e.children.data[i]), h, level + 1);
    };
    rows(n, false, 0);
    const auto slots = table_slots(t);
    if (t.rows.size() < 2 || slots.empty() || slots[0].size() < 2) return false;

    // Header rows: <thead> or all-<th> rows; a Word-pasted table has neither, so its header
    // is the band of rows above the first row holding a number, grown to cover any cell
    // spanning down out of it.
    auto all_header = [&](size_t r) {
        return in_head[r] || std::all_of(t.rows[r].begin(), t.rows[r].end(), [](const TableCell& c) { return c.header; });
    };
    size_t header = 0;
    while (header < t.rows.size() && all_header(header)) ++header;
    if (header == 0) {
        auto numeric = [](const std::string& s) {
            return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == ',' || c == '%' || c == '-';
            });
        };
        for (size_t r = 0; r < t.rows.size(); ++r)
            if (std::any_of(t.rows[r].begin(), t.rows[r].end(), [&](const TableCell& c) { return numeric(c.text); })) {
                header = r;
                break;
            }
    }
    for (size_t r = 0; r < header && r < t.rows.size(); ++r)
        for (const TableCell& c : t.rows[r]) header = std::max(header, r + static_cast<size_t>(c.rowspan));
    if (header >= t.rows.size()) header = 0;  // no data rows: a table of labels, nothing to repeat
    t.header_rows = static_cast<int>(header);
    for (size_t r = 0; r < header; ++r)
        for (TableCell& c : t.rows[r]) c.header = true;

    end_line();
    text += kObjectLine;
    Block block;
    block.role = Role::table;
    block.table = std::move(t);
    objects.push_back(std::move(block));
    awaiting_caption_ = -1;
    return true;
}

void Collector::walk(const GumboNode* n) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
        add_text(n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = n->v.element;
    if (skipped(e.tag)) return;
    if (depth_ >= kMaxWalkDepth) {
        std::string deep;
        raw_text(n, deep);  // iterative
        add_text(std::move(deep));
        return;
    }
    struct Deeper {  // depth_ + 1 for the children, restored on every way out
        int& d;
        explicit Deeper(int& x) : d(++x) {}
        ~Deeper() { --d; }
    } deeper(depth_);
    if (e.tag == GUMBO_TAG_BR) {
        if (flat_) text += ' ';
        else end_line(), text += '\n';
        return;
    }
    if (e.tag == GUMBO_TAG_IMG) {
        image(e);
        return;
    }
    if (e.tag == GUMBO_TAG_A) {
        if (const char* href = attr(e, "href"); href && is_attachment_url(href)) {
            const std::string u = url::resolve(base_url_, href);
            if (link_allowed(u, base_url_)) {  // a web page never points the kiosk at local files
                Collector inner(base_url_, true, depth_);  // the link's own text (not inline_text(n): that would come back here)
                for (unsigned i = 0; i < e.children.length; ++i) inner.walk(static_cast<const GumboNode*>(e.children.data[i]));
                std::string name = normalise_inline(inner.text);
                if (name.empty()) name = u.substr(u.rfind('/') + 1);
                if (std::none_of(attachments.begin(), attachments.end(), [&](const Attachment& a) { return a.url == u; }))
                    attachments.push_back(Attachment{name, u});
            }
        }
    }
    // span.img_descr, or a centred paragraph right after an image: the image's caption.
    if (!flat_ && awaiting_caption_ >= 0 && (has_class(e, "img_descr") || (block_level(e.tag) && centred(e)))) {
        if (!find_tag(n, GUMBO_TAG_IMG)) {
            const std::string caption = inline_text(n, base_url_, nullptr, depth_);
            if (!caption.empty()) {
                Block& img = objects[static_cast<size_t>(awaiting_caption_)];
                img.text = normalise_inline(img.text + " " + caption);
                awaiting_caption_ = -1;
                return;
            }
        }
    }
    if (e.tag == GUMBO_TAG_TABLE && !flat_ && table(n)) return;
    if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH) add_text("    ");  // a layout table's cells: a wide gap
    const bool block = block_level(e.tag);
    const bool centre = block && centred(e);
    if (block) flat_ ? void(text += ' ') : end_line();
    centred_depth_ += centre;
    for (unsigned i = 0; i < e.children.length; ++i) walk(static_cast<const GumboNode*>(e.children.data[i]));
    centred_depth_ -= centre;
    if (centre && awaiting_caption_ >= 0 && !objects[static_cast<size_t>(awaiting_caption_)].text.empty()) {
        Block& img = objects[static_cast<size_t>(awaiting_caption_)];
        img.text = normalise_inline(img.text);
        awaiting_caption_ = -1;
    }
    if (block) flat_ ? void(text += ' ') : end_line();
}

// Plain text of a subtree (for h1/title and the page-wide search for the meta line).
void collect(const GumboNode* n, std::string& out) {
    Collector c("", false);
    c.walk(n);
    out += c.text;
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

void find_meta(const GumboNode* root, std::string& title, std::string& date, std::string& source, std::string& h1,
               std::string& page_title, std::string& page_url) {
    for_each_element(root, [&](const GumboNode* n) {
        const GumboElement& e = n->v.element;
        if (e.tag == GUMBO_TAG_META) {
            const char* name = attr(e, "name");
            const char* content = attr(e, "content");
            if (name && content) {
                const std::string key = lower(name);
                if (key == "articletitle") title = content;
                else if (key == "pubdate" || key == "firstpublishedtime") { if (date.empty()) date = content; }
                else if (key == "contentsource") source = content;
                else if (key == "url") page_url = content;
            }
        }
        if (e.tag == GUMBO_TAG_H1 && h1.empty()) collect(n, h1);
        if (e.tag == GUMBO_TAG_TITLE && page_title.empty()) collect(n, page_title);
        return true;
    });
}

std::string trim(std::string s) {
    auto sp = [](unsigned char c) { return std::isspace(c); };
    while (!s.empty() && sp(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && sp(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

}  // namespace

namespace {

// Attachment lists often sit outside the article container, in span#appendix or div#files.
void find_attachment_boxes(const GumboNode* root, std::vector<const GumboNode*>& out) {
    for_each_element(root, [&](const GumboNode* n) {
        if (const char* id = attr(n->v.element, "id"); id && (lower(id) == "appendix" || lower(id) == "files")) {
            out.push_back(n);
            return false;
        }
        return true;
    });
}

bool is_visible_meta_line(const std::string& line) {
    const std::string t = normalise_inline(line);
    for (const char* label : {"发布日期：", "发布日期:", "发布时间：", "发布时间:"})
        if (t.find(label) != std::string::npos && text_chars(t) <= 80) return true;
    return false;
}

}  // namespace

Result<Document> extract_article(std::string_view html_bytes, const ExtractOptions& options) {
    const DecodedText decoded = decode_html(html_bytes, options.http_charset);
    GumboPtr output = parse(decoded.utf8);
    if (!output) return make_error("the HTML could not be parsed");

    // Relative links resolve against <base href> (itself resolved against the page's URL).
    std::string base_url = options.base_url;
    if (const GumboNode* base = find_tag(output->root, GUMBO_TAG_BASE))
        if (const char* href = attr(base->v.element, "href"); href && *href) {
            base_url = url::resolve(base_url, href);
            // Trust follows where the page came from, not what it says: a web page's <base>
            // cannot make its links local.
            if (!link_allowed(base_url, options.base_url) || (!options.base_url.empty() && base_url.find(':') == std::string::npos))
                base_url = options.base_url;
        }

    static const std::vector<std::string> kPortalContainers = {
        ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#fontzoom", ".zoom", "#UCAP-CONTENT", ".pages_content",
        ".xxgk_content", ".zfxxgk_content", "#NewsContent", ".article-content", ".WordSection1", "td.p1"};
    std::vector<std::string> selectors;
    if (!options.selector.empty()) selectors.push_back(options.selector);
    else selectors = kPortalContainers;

    std::optional<Collector> body;
    for (const std::string& selector : selectors) {
        std::vector<const GumboNode*> found;
        select(output->root, parse_selector(selector), found);
        Collector c(base_url, false);
        for (const GumboNode* n : found) c.walk(n);
        // An empty look-alike (a widget) is passed over; a container of only a table or photo counts.
        if (text_chars(c.text) >= (options.selector.empty() ? 10u : 1u) || !c.objects.empty()) {
            body.emplace(std::move(c));
            break;
        }
    }
    if (!body) {
        if (!options.selector.empty())
            return make_error("the selector \"" + options.selector + "\" finds no text on this page");
        return make_error("no article found on this page (none of the usual containers holds text; give the item a selector)");
    }

    std::string title, date, source, h1, page_title, page_url;
    find_meta(output->root, title, date, source, h1, page_title, page_url);
    title = trim(title.empty() ? (h1.empty() ? page_title : h1) : title);

    // The article as plain text: title, meta line, then the body without widgets.
    std::string text = title + "\n";
    std::string meta;
    if (!date.empty()) meta += "发布日期：" + trim(date).substr(0, 10);
    if (!source.empty()) meta += (meta.empty() ? "" : "    ") + std::string("来源：") + trim(source);
    if (meta.empty()) {
        // No meta tags: the visible "发布日期：… 来源：…" line, usually just above the container.
        bool in_body = false;
        std::istringstream body_lines(body->text);
        for (std::string line; std::getline(body_lines, line) && !in_body;) in_body = is_visible_meta_line(line);
        std::string page;
        if (!in_body) collect(output->root, page);
        std::istringstream page_lines(page);
        for (std::string line; meta.empty() && std::getline(page_lines, line);)
            if (is_visible_meta_line(line)) meta = line;
    }
    if (!meta.empty()) text += meta + "\n";
    std::istringstream lines(body->text);
    for (std::string line; std::getline(lines, line);) {
        if (is_widget_line(line)) continue;
        if (!title.empty() && trim(line) == title) continue;  // the title repeated in the body
        text += line + "\n";
    }
    const bool has_objects = !body->objects.empty();
    Document doc = title.empty() ? import_plain_text(text.substr(1), false, std::move(body->objects))
                                 : import_plain_text(text, true, std::move(body->objects));
    if (doc.blocks.size() <= (title.empty() ? 0u : 1u) && !has_objects) return make_error("the article holds no text");

    // The article's own address: the page's URL, or for a saved copy the portal address its
    // <meta name="Url"> records (TRS pages carry one).
    doc.url = url::is_web_address(options.base_url) || !url::is_web_address(page_url) ? options.base_url : page_url;
    if (body->cut) mark_cut(doc);
    doc.attachments = std::move(body->attachments);
    std::vector<const GumboNode*> boxes;
    find_attachment_boxes(output->root, boxes);
    for (const GumboNode* box : boxes) {
        Collector c(base_url, true);
        c.walk(box);
        for (auto& a : c.attachments)
            if (std::none_of(doc.attachments.begin(), doc.attachments.end(), [&](const Attachment& x) { return x.url == a.url; }))
                doc.attachments.push_back(std::move(a));
    }
    return doc;
}

}  // namespace kiosk::content
