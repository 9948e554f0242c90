// Any bytes as the two texts of a 新旧对照 and as a published 对照表 page: the input split at
// its first NUL into an old and a new text (no NUL: the first half and the second): word_diff
// of the two, then each through the plain-text import and compare_documents (and the
// paragraphs as one pair); the whole input through the article extraction and
// compare_from_table. Nothing may crash, hang or leak, and every mark must lie inside its
// paragraph, ascending, never on a '\n'; every comparison carries its summary.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_internal.hpp"
#include "content/html_extract.hpp"
#include "content/text_import.hpp"

using namespace kiosk::content;

namespace {

void check_ranges(const std::vector<std::pair<int, int>>& ranges, const std::u32string& text) {
    int last = -1;
    for (const auto& [b, e] : ranges) {
        if (b <= last || b >= e || e > static_cast<int>(text.size())) std::abort();
        for (int i = b; i < e; ++i)
            if (text[static_cast<size_t>(i)] == U'\n') std::abort();
        last = e;
    }
}

void check_side(const CompareSide& side) {
    int last_p = -1, last_e = -1;
    for (const DiffMark& m : side.marks) {
        if (m.paragraph < 0 || m.paragraph >= static_cast<int>(side.paragraphs.size())) std::abort();
        const size_t size = kiosk::utf8::decode(side.paragraphs[static_cast<size_t>(m.paragraph)]).size();
        if (m.begin < 0 || m.begin >= m.end || m.end > static_cast<int>(size)) std::abort();
        if (m.paragraph < last_p || (m.paragraph == last_p && m.begin < last_e)) std::abort();
        last_p = m.paragraph;
        last_e = m.end;
    }
}

// The paragraphs of a Document (its text blocks), as one side of a pair.
std::vector<std::string> paragraphs_of(const Document& doc) {
    std::vector<std::string> out;
    for (const Block& b : doc.blocks)
        if (!b.text.empty() && out.size() < 200) out.push_back(b.text);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    size_t cut = bytes.find('\0');
    const std::string_view old_bytes = cut == std::string_view::npos ? bytes.substr(0, size / 2) : bytes.substr(0, cut);
    const std::string_view new_bytes = cut == std::string_view::npos ? bytes.substr(size / 2) : bytes.substr(cut + 1);

    const std::u32string old_text = kiosk::utf8::decode(old_bytes), new_text = kiosk::utf8::decode(new_bytes);
    const WordDiff diff = word_diff(old_text, new_text, 1000000);
    check_ranges(diff.deleted, old_text);
    check_ranges(diff.inserted, new_text);
    if (old_text == new_text && (!diff.deleted.empty() || !diff.inserted.empty())) std::abort();

    CompareLimits limits;
    limits.max_diff_cells = 1000000;
    const Document old_doc = import_plain_text(kiosk::utf8::sanitize(old_bytes));
    const Document new_doc = import_plain_text(kiosk::utf8::sanitize(new_bytes));
    const Comparison pair = compare_pair(paragraphs_of(old_doc), paragraphs_of(new_doc), limits);
    check_side(pair.old_side);
    check_side(pair.new_side);

    CompareOptions options;
    options.limits.max_diff_cells = 1000000;
    if (auto compared = compare_documents(old_doc, new_doc, options)) {
        if (!compared->compare_summary) std::abort();
        for (const Block& b : compared->blocks) {
            if (b.role != Role::compare) std::abort();
            check_side(b.compare.old_side);
            check_side(b.compare.new_side);
        }
        (void)compare_json(*compared);
    }

    if (auto page = extract_article(bytes)) {
        if (auto table = compare_from_table(*page, options)) {
            if (!table->compare_summary) std::abort();
            for (const Block& b : table->blocks) {
                if (b.role != Role::compare) std::abort();
                check_side(b.compare.old_side);
                check_side(b.compare.new_side);
            }
        }
    }
    return 0;
}
