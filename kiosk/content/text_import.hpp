#pragma once
// Plain text (one paragraph a line, as scraped from a portal page) -> Document.
#include <string_view>
#include <vector>

#include "content/document.hpp"

namespace kiosk::content {

// `utf8_text` is already decoded (see decode_text). Recognises the title, meta lines
// (发布日期…, the issuing office), headings (一、 （一） 第一章 第一节), articles (第一条),
// photo captions and the closing signature; drops the portal's menu line, click counters
// and indentation spaces.
// With `has_title` false the text starts straight with the body (a page with no title).
Document import_plain_text(std::string_view utf8_text, bool has_title = true);

// The same, with objects (tables, images) that came with the text: each line holding just
// U+FFFC (OBJECT REPLACEMENT CHARACTER) is replaced by the next of `objects`, in order.
Document import_plain_text(std::string_view utf8_text, bool has_title, std::vector<Block> objects);

// A clerk's text (a playlist item's "text", typed or uploaded at the console): one
// paragraph a line, headings (一、 第一条 …) recognised, no line set apart as a caption,
// meta or signature. `title`, when not empty, heads the page as a report's title does, and
// is not repeated when the text's first line is the same words.
Document import_typed_text(std::string_view title, std::string_view utf8_text);

// One line of inline text tidied as the import does it: whitespace runs collapsed, kept
// only between two non-CJK characters, trimmed.
std::string normalise_inline(std::string_view utf8_text);

}  // namespace kiosk::content
