#pragma once
// Small helpers over a gumbo parse tree, shared by article extraction and column lists.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "content/markup_budget.hpp"

namespace kiosk::content::gumbo_tree {

// One parse tree and the (budgeted) markup it was parsed from; owns both.
class ParsedHtml {
public:
    ParsedHtml() = default;
    ParsedHtml(ParsedHtml&&) = default;
    ParsedHtml& operator=(ParsedHtml&&) = delete;  // would drop a live tree past its deleter
    ~ParsedHtml() {
        if (output_) gumbo_destroy_output(&options(), output_.release());
    }
    explicit operator bool() const { return output_ != nullptr; }
    GumboOutput* operator->() const { return output_.get(); }
    const MarkupReport& budget_report() const { return report_; }

    static const GumboOptions& options() {
        static const GumboOptions o = [] {
            GumboOptions x = kGumboDefaultOptions;
            x.max_errors = 0;  // parse errors are not kept: a hostile page would make millions
            return x;
        }();
        return o;
    }

private:
    friend ParsedHtml parse(std::string_view utf8);
    struct NoDelete {
        void operator()(GumboOutput*) const {}
    };
    std::unique_ptr<std::string> source_;  // gumbo keeps pointers into it
    std::unique_ptr<GumboOutput, NoDelete> output_;  // freed by the destructor (gumbo needs its options)
    MarkupReport report_;
};

// Every parse goes through the markup budget first (depth and element count; see
// markup_budget.hpp): gumbo never sees a tree deeper than the budget.
inline ParsedHtml parse(std::string_view utf8) {
    ParsedHtml p;
    p.source_ = std::make_unique<std::string>(bound_markup(utf8, MarkupBudget{}, &p.report_));
    p.output_.reset(gumbo_parse_with_options(&ParsedHtml::options(), p.source_->data(), p.source_->size()));
    return p;
}
using GumboPtr = ParsedHtml;

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

// Visits the elements of a subtree in document order without recursion (the tree may be as
// deep as a page makes it). `visit(node)` returns whether to go into the node's children.
template <typename Visit>
void for_each_element(const GumboNode* root, Visit&& visit) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
        const GumboNode* n = stack.back();
        stack.pop_back();
        if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
        if (n->type == GUMBO_NODE_ELEMENT && !visit(n)) continue;
        const GumboVector& kids = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
        for (unsigned i = kids.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
    }
}

// The first element with `tag` in the subtree (the node itself included), or null.
inline const GumboNode* find_tag(const GumboNode* n, GumboTag tag) {
    const GumboNode* found = nullptr;
    for_each_element(n, [&](const GumboNode* e) {
        if (!found && e->v.element.tag == tag) found = e;
        return !found;
    });
    return found;
}

// All text under a node, as it stands (no layout), script and style left out; an element's
// text is followed by a space. Iterative.
inline void raw_text(const GumboNode* root, std::string& out) {
    struct Step {
        const GumboNode* node;
        bool close;  // the space after an element's content
    };
    std::vector<Step> stack{{root, false}};
    while (!stack.empty()) {
        const Step step = stack.back();
        stack.pop_back();
        const GumboNode* n = step.node;
        if (step.close) {
            out += ' ';
            continue;
        }
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
            out += n->v.text.text;
            continue;
        }
        if (n->type != GUMBO_NODE_ELEMENT) continue;
        if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE) continue;
        stack.push_back({n, true});
        for (unsigned i = children(n).length; i-- > 0;) stack.push_back({child(n, i), false});
    }
}

}  // namespace kiosk::content::gumbo_tree
