#include "content/markup_budget.hpp"

#include <algorithm>
#include <map>
#include <cctype>
#include <vector>

namespace kiosk::content {
namespace {

bool one_of(std::string_view name, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), name) != set.end();
}

bool is_void(std::string_view n) {
    return one_of(n, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                      "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image", "isindex"});
}

// Elements whose content is raw text up to their own end tag.
bool is_raw_text(std::string_view n) {
    return one_of(n, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"});
}

// Formatting elements stay in gumbo's list of active formatting elements after an end tag
// closes them implicitly, and are rebuilt (nested) before the next text: they count until
// their own end tag.
bool is_formatting(std::string_view n) {
    return one_of(n, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
}

// End tags do not look past these (the HTML "has an element in scope" boundaries).
bool is_scope_boundary(std::string_view n) {
    return one_of(n, {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"});
}

// Start tags that close an open element of the listed kinds first (implied end tags).
bool closes_p(std::string_view n) {
    return one_of(n, {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
                      "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                      "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "li",
                      "dd", "dt", "listing", "xmp", "plaintext"});
}

std::string lower_name(std::string_view s, size_t at, size_t& end) {
    std::string name;
    end = at;
    while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != '/' && s[end] != '>') {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(s[end])));
        ++end;
    }
    return name;
}

// The end of a tag starting at `at` ('<'), past its '>' (quoted attribute values skipped).
size_t tag_end(std::string_view s, size_t at) {
    char quote = 0;
    for (size_t i = at + 1; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            // Only a quote after '=' opens a value; a stray one in a name does not.
            size_t k = i;
            while (k > at && std::isspace(static_cast<unsigned char>(s[k - 1]))) --k;
            if (k > at && s[k - 1] == '=') quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return s.size();
}

size_t find_ci(std::string_view s, std::string_view needle, size_t from) {
    for (size_t i = from; i + needle.size() <= s.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && std::tolower(static_cast<unsigned char>(s[i + k])) == needle[k]) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

}  // namespace

std::string bound_markup(std::string_view s, const MarkupBudget& budget, MarkupReport* report) {
    MarkupReport r;
    std::string out;
    out.reserve(s.size());
    struct Open {
        std::string name;
        std::string_view tag;  // the whole start tag: Noah's Ark compares tags with their attributes
    };
    std::vector<Open> open;              // the estimated stack of open elements (kept ones)
    std::vector<Open> lingering;         // formatting elements closed implicitly (gumbo rebuilds them)
    std::map<std::string, size_t> dropped;  // dropped start tags still open, by name: their end tags go too
    size_t i = 0;
    auto copy = [&](size_t from, size_t to) { out.append(s.substr(from, to - from)); };
    auto linger = [&](const Open& e) {
        // At most three identical entries stay in the list (HTML's "Noah's Ark" clause).
        if (std::count_if(lingering.begin(), lingering.end(), [&](const Open& l) { return l.tag == e.tag; }) < 3)
            lingering.push_back(e);
    };
    while (i < s.size()) {
        const size_t lt = s.find('<', i);
        if (lt == std::string_view::npos) {
            copy(i, s.size());
            break;
        }
        copy(i, lt);
        i = lt;
        if (s.compare(i, 4, "<!--") == 0) {
            const size_t end = s.find("-->", i + 4);
            const size_t to = end == std::string_view::npos ? s.size() : end + 3;
            copy(i, to);
            i = to;
            continue;
        }
        if (i + 1 < s.size() && (s[i + 1] == '!' || s[i + 1] == '?')) {
            const size_t to = tag_end(s, i);
            copy(i, to);
            i = to;
            continue;
        }
        const bool end_tag = i + 1 < s.size() && s[i + 1] == '/';
        const size_t name_at = i + (end_tag ? 2 : 1);
        if (name_at >= s.size() || !std::isalpha(static_cast<unsigned char>(s[name_at]))) {
            out += '<';  // text
            ++i;
            continue;
        }
        size_t name_end = 0;
        const std::string name = lower_name(s, name_at, name_end);
        const size_t to = tag_end(s, i);
        const bool self_closing = to >= 2 && s[to - 2] == '/';
        if (end_tag) {
            if (auto d = dropped.find(name); d != dropped.end()) {  // the end of a dropped element
                if (--d->second == 0) dropped.erase(d);
                ++r.dropped_tags;
                i = to;
                continue;
            }
            // Pop to the matching open element, not past a scope boundary.
            bool found = false;
            for (size_t k = open.size(); k-- > 0;) {
                if (open[k].name == name) {
                    for (size_t j = k + 1; j < open.size(); ++j)
                        if (is_formatting(open[j].name)) linger(open[j]);
                    open.resize(k);
                    found = true;
                    break;
                }
                if (is_scope_boundary(open[k].name) && !is_scope_boundary(name)) break;
            }
            if (!found && is_formatting(name))
                for (size_t k = lingering.size(); k-- > 0;)
                    if (lingering[k].name == name) {
                        lingering.erase(lingering.begin() + static_cast<std::ptrdiff_t>(k));
                        break;
                    }
            if (is_scope_boundary(name)) lingering.clear();  // the formatting list ends at a cell or table
            copy(i, to);
            i = to;
            continue;
        }
        // A start tag: first the elements it closes by implication.
        if (!is_void(name) && !self_closing) {
            if (closes_p(name) && !open.empty() && open.back().name == "p") open.pop_back();
            if ((name == "li" || name == "dd" || name == "dt" || name == "option") && !open.empty() && open.back().name == name)
                open.pop_back();
            if (name == "td" || name == "th" || name == "tr")
                while (!open.empty() && (open.back().name == "td" || open.back().name == "th" ||
                                         (name == "tr" && open.back().name == "tr")))
                    open.pop_back();
        }
        const size_t depth = open.size() + lingering.size() + 1;
        r.deepest = std::max(r.deepest, depth);
        if (depth > budget.max_depth || r.elements >= budget.max_elements) {
            ++r.dropped_tags;
            if (!is_void(name) && !self_closing) ++dropped[name];
            i = to;
            if (is_raw_text(name)) {  // its content is not markup: it goes with the tag
                const size_t close = find_ci(s, "</" + name, i);
                i = close == std::string_view::npos ? s.size() : close;
            }
            continue;
        }
        ++r.elements;
        copy(i, to);
        i = to;
        if (is_void(name) || self_closing) continue;
        if (is_raw_text(name)) {
            const size_t close = find_ci(s, "</" + name, i);
            const size_t stop = close == std::string_view::npos ? s.size() : close;
            copy(i, stop);
            i = stop;
            continue;  // its end tag is read as any other (nothing was pushed)
        }
        open.push_back(Open{name, s.substr(lt, to - lt)});
    }
    if (report) *report = r;
    return out;
}

}  // namespace kiosk::content
