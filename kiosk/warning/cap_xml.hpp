#pragma once
// Internal to warning/: libxml2 under the budgets of cap.hpp, shared by the message reader
// (cap.cpp) and the feed reader (cap_feed.cpp). Every libxml2 handle has one owner here.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "warning/cap.hpp"

namespace kiosk::warning::detail {

struct DocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;  // one parsed document

struct CtxtDeleter {
    void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
using CtxtPtr = std::unique_ptr<xmlParserCtxt, CtxtDeleter>;  // one parser (and its last error)

struct XmlCharsDeleter {
    void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlChars = std::unique_ptr<xmlChar, XmlCharsDeleter>;  // a string libxml2 allocated

// Reads `bytes` as one XML document: the size budget first, then a refusal of anything that
// could declare or expand an entity (DOCTYPE, ENTITY, an undeclared &name;), then libxml2
// without DTD loading, entity substitution or network, then depth and element count.
// `what` names the document in errors ("预警消息", "预警源").
Result<DocPtr> read_xml(std::string_view bytes, std::size_t max_bytes, const char* what);

bool named(const xmlNode* n, const char* local);  // an element with that local name (any namespace)
std::string text_of(const xmlNode* n);            // its text, trimmed of ASCII and ideographic spaces
long line_of(const xmlNode* n);                   // 0 when unknown
std::string where(const char* what, const xmlNode* n);  // "预警消息第 12 行：" (or "预警消息：")
std::size_t char_count(std::string_view utf8);

// One <alert> element (CAP 1.2 / GB/T 35965.1) as a Message; errors name `what` and the line.
Result<Message> read_alert(const xmlNode* alert, const char* what);

}  // namespace kiosk::warning::detail
