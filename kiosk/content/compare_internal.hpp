#pragma once
// Shared by compare_documents (two texts) and compare_from_table (a published 对照表): one
// pair of paragraphs -> a Comparison with its change, marks and numbers. Not part of the
// module's interface.
#include <string>
#include <vector>

#include "content/compare.hpp"

namespace kiosk::content {

// `change` from emptiness and equality (both empty: unchanged; texts that differ only in
// what word_diff does not mark — full-width or ASCII brackets, the leading number — too); each side's `number` from its
// first paragraph's leading label (第十三条 / 第二章 / 第一节, as written); the marks from
// word_diff of each side's paragraphs joined by '\n', mapped back to {paragraph, begin, end},
// never inside a paragraph's leading 第X条 / 第X章 and the space after it (a renumbering is
// the note's to say).
// A side alone (added, deleted) has no marks: the pair's 新增 / 删除 says it, as
// compare_documents does. `relation`, `heading`, `level` and `note` are left to the caller.
Comparison compare_pair(std::vector<std::string> old_paragraphs, std::vector<std::string> new_paragraphs,
                        const CompareLimits& limits);

// The leading ordinal label of a paragraph: "第十三条　…" -> "第十三条", "第二章 总则" -> "第二章";
// "" when it does not start with 第 + numerals + 条/章/节/编.
std::string leading_label(const std::string& paragraph);

}  // namespace kiosk::content
