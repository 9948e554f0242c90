// The 新旧对照 as JSON: kiosk-compare/1 (`kiosk compare --json`, the golden files) and the
// compare pairs and summary inside kiosk-document/1 (the cache), read back with budgets.
#include <algorithm>
#include <limits>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_parts.hpp"

namespace kiosk::content {
namespace compare_parts {
namespace {

constexpr Change kChanges[] = {Change::unchanged, Change::modified, Change::added, Change::deleted};
constexpr Relation kRelations[] = {Relation::same, Relation::moved, Relation::merged, Relation::split};

nlohmann::json side_json(const CompareSide& side) {
    nlohmann::json marks = nlohmann::json::array();
    for (const DiffMark& m : side.marks) marks.push_back({m.paragraph, m.begin, m.end});
    return {{"number", side.number}, {"paragraphs", side.paragraphs}, {"marks", std::move(marks)}};
}

std::string str(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int count(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return 0;
    const auto v = it->get<long long>();
    return static_cast<int>(std::clamp<long long>(v, 0, std::numeric_limits<int>::max()));
}

// Marks must lie inside their paragraph and follow one another: a cached copy written by an
// older or damaged kiosk never points the painter past the text.
CompareSide side_from(const nlohmann::json& j) {
    CompareSide side;
    if (!j.is_object()) return side;
    side.number = str(j, "number");
    if (auto p = j.find("paragraphs"); p != j.end() && p->is_array())
        for (const auto& text : *p)
            if (text.is_string()) side.paragraphs.push_back(text.get<std::string>());
    auto marks = j.find("marks");
    if (marks == j.end() || !marks->is_array()) return side;
    std::vector<size_t> lengths;
    lengths.reserve(side.paragraphs.size());
    for (const std::string& p : side.paragraphs) lengths.push_back(utf8::decode(p).size());
    int last_paragraph = -1, last_end = 0;
    for (const auto& m : *marks) {
        if (!m.is_array() || m.size() != 3 || !m[0].is_number_integer() || !m[1].is_number_integer() || !m[2].is_number_integer())
            continue;
        const long long p = m[0].get<long long>(), b = m[1].get<long long>(), e = m[2].get<long long>();
        if (p < 0 || static_cast<size_t>(p) >= lengths.size() || b < 0 || e <= b || static_cast<size_t>(e) > lengths[static_cast<size_t>(p)])
            continue;
        if (p < last_paragraph || (p == last_paragraph && b < last_end)) continue;  // out of order or overlapping
        side.marks.push_back({static_cast<int>(p), static_cast<int>(b), static_cast<int>(e)});
        last_paragraph = static_cast<int>(p);
        last_end = static_cast<int>(e);
    }
    return side;
}

}  // namespace

const char* change_name(Change change) {
    switch (change) {
        case Change::unchanged: return "unchanged";
        case Change::modified: return "modified";
        case Change::added: return "added";
        case Change::deleted: return "deleted";
    }
    return "unchanged";
}

const char* relation_name(Relation relation) {
    switch (relation) {
        case Relation::same: return "same";
        case Relation::moved: return "moved";
        case Relation::merged: return "merged";
        case Relation::split: return "split";
    }
    return "same";
}

nlohmann::json pair_json(const Comparison& pair) {
    nlohmann::json j = {{"change", change_name(pair.change)}, {"relation", relation_name(pair.relation)}, {"heading", pair.heading}};
    if (pair.heading) j["level"] = pair.level;
    j["note"] = pair.note;
    j["old"] = side_json(pair.old_side);
    j["new"] = side_json(pair.new_side);
    return j;
}

nlohmann::json summary_json(const CompareSummary& s) {
    return {{"added", s.added},       {"deleted", s.deleted},     {"modified", s.modified},   {"unchanged", s.unchanged},
            {"moved", s.moved},       {"merged", s.merged},       {"split", s.split},         {"effective", s.effective},
            {"old_title", s.old_title}, {"new_title", s.new_title}};
}

Comparison pair_from_json(const nlohmann::json& j) {
    Comparison c;
    if (!j.is_object()) return c;
    const std::string change = str(j, "change"), relation = str(j, "relation");
    for (Change x : kChanges)
        if (change == change_name(x)) c.change = x;
    for (Relation x : kRelations)
        if (relation == relation_name(x)) c.relation = x;
    if (auto h = j.find("heading"); h != j.end() && h->is_boolean()) c.heading = h->get<bool>();
    if (c.heading) c.level = std::clamp(count(j, "level"), 1, 2);
    c.note = str(j, "note");
    if (auto o = j.find("old"); o != j.end()) c.old_side = side_from(*o);
    if (auto n = j.find("new"); n != j.end()) c.new_side = side_from(*n);
    return c;
}

CompareSummary summary_from_json(const nlohmann::json& j) {
    CompareSummary s;
    if (!j.is_object()) return s;
    s.added = count(j, "added");
    s.deleted = count(j, "deleted");
    s.modified = count(j, "modified");
    s.unchanged = count(j, "unchanged");
    s.moved = count(j, "moved");
    s.merged = count(j, "merged");
    s.split = count(j, "split");
    s.effective = str(j, "effective");
    s.old_title = str(j, "old_title");
    s.new_title = str(j, "new_title");
    return s;
}

}  // namespace compare_parts

nlohmann::json compare_json(const Document& comparison) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const Block& b : comparison.blocks)
        if (b.role == Role::compare) pairs.push_back(compare_parts::pair_json(b.compare));
    return {{"format", "kiosk-compare/1"},
            {"title", comparison.title},
            {"summary", compare_parts::summary_json(comparison.compare_summary.value_or(CompareSummary{}))},
            {"pairs", std::move(pairs)}};
}

}  // namespace kiosk::content
