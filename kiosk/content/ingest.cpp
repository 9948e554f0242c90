#include "content/ingest.hpp"

#include <algorithm>
#include <cctype>

#include "base/url.hpp"
#include "base/utf8.hpp"
#include "content/budget.hpp"
#include "content/charset.hpp"
#include "content/html_extract.hpp"
#include "content/text_import.hpp"

namespace kiosk::content {

bool is_page(const IngestHints& hints) {
    if (!hints.content_type.empty()) {
        const std::string type = hints.content_type.substr(0, hints.content_type.find(';'));
        return type.find("html") != std::string::npos;
    }
    const auto dot = hints.file_name.rfind('.');
    std::string ext = dot == std::string::npos ? "" : hints.file_name.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".html" || ext == ".htm";
}

std::size_t document_chars(const Document& doc) {
    std::size_t n = 0;
    for (const auto& b : doc.blocks) n += utf8::decode(b.text).size();
    return n;
}

std::string fit_budget(Document& doc) {
    const BudgetReport r = enforce_budget(doc);
    return r.cut || r.blocks_split ? "longer than one item may be (" + r.summary() + ")" : "";
}

Result<Ingested> ingest(std::string_view bytes, const IngestHints& hints) {
    Ingested out;
    if (is_page(hints)) {
        ExtractOptions options;
        options.selector = hints.selector;
        options.base_url = hints.base_url;
        options.http_charset = url::charset_param(hints.content_type);
        auto doc = extract_article(bytes, options);
        if (!doc) return doc.error();
        out.doc = std::move(*doc);
        if (out.doc.url.empty()) out.doc.url = hints.base_url;
        if (std::string cut = fit_budget(out.doc); !cut.empty()) out.notes.push_back(std::move(cut));
    } else {
        // Text never holds NUL or other control bytes.
        std::size_t controls = 0;
        for (unsigned char c : bytes) controls += (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ? 1 : 0;
        DecodedText decoded = decode_text(bytes);
        if (hints.refuse_binary && (controls * 100 > bytes.size() || decoded.replaced * 10 > decoded.utf8.size() / 3 + 1))
            return make_error("not text (binary data: " + std::to_string(controls) + " control bytes, " +
                              std::to_string(decoded.replaced) + " undecodable sequences)");
        if (decoded.replaced > 0)
            out.notes.push_back(std::to_string(decoded.replaced) + " invalid byte sequences shown as U+FFFD (read as " +
                                decoded.encoding + ")");
        // Text past what the budget could ever show is cut before the import: a 20 MB file
        // never becomes 280,000 blocks first.
        const bool capped = cap_plain_text(decoded.utf8);
        out.doc = import_plain_text(decoded.utf8);
        if (out.doc.blocks.empty()) return make_error("holds no text");
        if (std::string cut = fit_budget(out.doc); !cut.empty()) out.notes.push_back(std::move(cut));
        if (capped) mark_cut(out.doc);  // after the budget: its line ends the item
        out.doc.url = hints.base_url;
    }
    out.chars = document_chars(out.doc);
    return out;
}

}  // namespace kiosk::content
