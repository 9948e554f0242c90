#pragma once
// Bytes of unknown encoding -> UTF-8. Portal text is UTF-8 or GB2312/GBK (read as GB18030,
// its superset); a label is a claim, so strict validation decides.
#include <string>
#include <string_view>

namespace kiosk::content {

struct DecodedText {
    std::string utf8;
    std::string encoding;     // "UTF-8", "UTF-16LE", "UTF-16BE" or "GB18030"
    size_t replaced = 0;      // invalid sequences turned into U+FFFD
};

DecodedText decode_text(std::string_view bytes);
// The bytes read in a named encoding (invalid sequences become U+FFFD and are counted).
DecodedText decode_text_as(std::string_view bytes, const char* encoding);

// An HTML page's bytes: BOM, the HTTP charset, <meta> within the first 8 KB, strict UTF-8,
// else GB18030; a label is a claim: a declared UTF-8 that fails validation falls through.
DecodedText decode_html(std::string_view bytes, std::string_view http_charset = "");

}  // namespace kiosk::content
