#pragma once
// Small helpers over a gumbo parse tree, shared by article extraction and column lists.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

namespace kiosk::content::gumbo_tree {

struct GumboDeleter {
    void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};
using GumboPtr = std::unique_ptr<GumboOutput, GumboDeleter>;  // owns one parse tree

inline GumboPtr parse(std::string_view utf8) {
    return GumboPtr(gumbo_parse_with_options(&kGumboDefaultOptions, utf8.data(), utf8.size()));
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

inline const char* attr(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? a->value : nullptr;
}

inline bool has_class(const GumboElement& e, const std::string& cls) {
    const char* c = attr(e, "class");
    if (!c) return false;
    std::istringstream words(c);
    for (std::string w; words >> w;)
        if (lower(w) == lower(cls)) return true;
    return false;
}

inline const GumboVector& children(const GumboNode* n) { return n->v.element.children; }
inline const GumboNode* child(const GumboNode* n, unsigned i) {
    return static_cast<const GumboNode*>(n->v.element.children.data[i]);
}

// The first element with `tag` in the subtree (the node itself included), or null.
inline const GumboNode* find_tag(const GumboNode* n, GumboTag tag) {
    if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
    if (n->v.element.tag == tag) return n;
    for (unsigned i = 0; i < children(n).length; ++i)
        if (const GumboNode* f = find_tag(child(n, i), tag)) return f;
    return nullptr;
}

// All text under a node, as it stands (no layout), script and style left out.
inline void raw_text(const GumboNode* n, std::string& out) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
        out += n->v.text.text;
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT) return;
    if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE) return;
    for (unsigned i = 0; i < children(n).length; ++i) raw_text(child(n, i), out);
    out += ' ';
}

}  // namespace kiosk::content::gumbo_tree
