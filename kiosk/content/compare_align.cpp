// 新旧对照: the old text's articles aligned to the new text's (content/compare.hpp).
//
// Similarity is the weighted Dice coefficient of the two articles' character bigrams (the
// label 第X条 and punctuation left out), each bigram weighted by its rarity among all the
// articles of both texts (log(1 + N / df)), so the words every article of a regulation
// shares (行政机关, 政府信息) count little and an article's own words count much. The steps:
//   1. pairs by similarity, best first (the same number earns a small bonus, a distant place
//      a small penalty): the same article kept, modified, renumbered or moved;
//   2. pairs by containment among what is left (one text largely inside the other: an article
//      much extended or much shortened);
//   3. merges: an old article largely inside a new article already paired joins that pair's
//      old side; 4. splits: the reverse, a new article beside the pair's own;
//   5. chapter and section headings: the same words, similar words, or (renamed) the same
//      number holding mostly the same articles;
// then what is left is 删除 (old) or 新增 (new). Past CompareLimits::max_similarity_pairs
// articles are aligned by number only.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "base/utf8.hpp"
#include "content/compare.hpp"
#include "content/compare_parts.hpp"

namespace kiosk::content {

// From the `diff` part (content/compare_internal.hpp once merged): the pair's marks.
void compare_pair(Comparison& pair, const CompareLimits& limits);

namespace {

using u32v = std::u32string_view;
using Unit = Article::Unit;

constexpr double kSimilar = 0.40;         // weighted Dice for a pair at different numbers
constexpr double kSimilarSameNumber = 0.30;  // … and at the same number
constexpr double kSameNumberBonus = 0.10;
constexpr double kPlacePenalty = 0.10;    // × the distance of the two places (0..1 of each text)
constexpr double kContained = 0.60;       // share of a text's weight found in the other
constexpr size_t kMinGrams = 6;           // shorter texts are too short to be found inside another
constexpr double kHeadingSimilar = 0.50;  // Dice of two headings' words

bool kept_for_similarity(char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
           (c >= U'０' && c <= U'９') || (c >= U'Ａ' && c <= U'ｚ') || (c >= 0x3400 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

using Grams = std::vector<std::pair<uint64_t, int>>;  // bigram -> count, sorted by bigram

struct Piece {
    const Article* article = nullptr;
    int index = 0;          // among its side's units
    std::u32string body;    // the words without the label, spaces and punctuation: what is compared
    Grams grams;
    double weight = 0;      // Σ idf × count
    int chapter = -1;       // the unit index of the heading above it (level 1 and 2)
    int section = -1;
    bool heading() const { return article->unit != Unit::article; }
    int level() const { return article->unit == Unit::section ? 2 : 1; }
};

std::u32string body_of(const Article& a) {
    std::u32string out;
    for (size_t p = 0; p < a.paragraphs.size(); ++p) {
        std::u32string t = utf8::decode(a.paragraphs[p]);
        size_t from = p == 0 ? utf8::decode(a.label).size() : 0;
        for (size_t i = std::min(from, t.size()); i < t.size(); ++i)
            if (kept_for_similarity(t[i])) out.push_back(t[i]);
    }
    return out;
}

Grams grams_of(const std::u32string& s) {
    std::vector<uint64_t> all;
    all.reserve(s.size());
    for (size_t i = 0; i + 1 < s.size(); ++i) all.push_back((static_cast<uint64_t>(s[i]) << 32) | s[i + 1]);
    if (s.size() == 1) all.push_back(static_cast<uint64_t>(s[0]) << 32);
    std::sort(all.begin(), all.end());
    Grams g;
    for (uint64_t k : all) {
        if (!g.empty() && g.back().first == k) ++g.back().second;
        else g.emplace_back(k, 1);
    }
    return g;
}

std::vector<Piece> pieces_of(const std::vector<Article>& units) {
    std::vector<Piece> out(units.size());
    int chapter = -1, section = -1;
    for (size_t i = 0; i < units.size(); ++i) {
        Piece& p = out[i];
        p.article = &units[i];
        p.index = static_cast<int>(i);
        p.body = body_of(units[i]);
        p.grams = grams_of(p.body);
        if (units[i].unit == Unit::chapter) chapter = static_cast<int>(i), section = -1;
        if (units[i].unit == Unit::section) section = static_cast<int>(i);
        p.chapter = chapter;
        p.section = section;
    }
    return out;
}

// Σ weight × min(count) over the bigrams both hold.
size_t count(const Grams& g) {
    size_t n = 0;
    for (const auto& e : g) n += static_cast<size_t>(e.second);
    return n;
}

template <typename Weight>
double shared(const Grams& a, const Grams& b, const Weight& weight) {
    double sum = 0;
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].first < b[j].first) ++i;
        else if (b[j].first < a[i].first) ++j;
        else {
            sum += weight(a[i].first) * std::min(a[i].second, b[j].second);
            ++i, ++j;
        }
    }
    return sum;
}

// A pair in the making: unit indexes of each side, in order.
struct Draft {
    std::vector<int> olds, news;
    Relation relation = Relation::same;
    bool heading = false;
};

class Aligner {
public:
    Aligner(const std::vector<Article>& old_units, const std::vector<Article>& new_units, const CompareLimits& limits)
        : old_(pieces_of(old_units)), new_(pieces_of(new_units)), limits_(limits) {
        old_draft_.assign(old_.size(), -1);
        new_draft_.assign(new_.size(), -1);
        for (const Piece& p : old_)
            if (!p.heading()) old_articles_.push_back(p.index);
        for (const Piece& p : new_)
            if (!p.heading()) new_articles_.push_back(p.index);
    }

    std::vector<Draft> align() {
        const size_t pairs = old_articles_.size() * new_articles_.size();
        if (pairs <= limits_.max_similarity_pairs) {
            weigh();
            by_similarity();
            by_containment();
            merges();
            splits();
        } else {
            by_number_only();
        }
        headings();
        return in_reading_order();
    }

private:
    std::vector<Piece> old_, new_;
    const CompareLimits& limits_;
    std::vector<int> old_articles_, new_articles_;  // unit indexes of the articles
    std::unordered_map<uint64_t, double> idf_;
    std::vector<double> shared_;  // old article k × new article l (indexes into *_articles_)
    std::vector<Draft> drafts_;
    std::vector<int> old_draft_, new_draft_;  // unit index -> draft, -1 none

    double idf(uint64_t g) const {
        auto it = idf_.find(g);
        return it == idf_.end() ? 0.0 : it->second;
    }

    void weigh() {
        std::unordered_map<uint64_t, int> df;
        for (const auto* side : {&old_, &new_})
            for (const Piece& p : *side)
                if (!p.heading())
                    for (const auto& g : p.grams) ++df[g.first];
        const double n = static_cast<double>(old_articles_.size() + new_articles_.size());
        for (const auto& [g, count] : df) idf_[g] = std::log(1.0 + n / count);
        for (auto* side : {&old_, &new_})
            for (Piece& p : *side) {
                p.weight = 0;
                for (const auto& g : p.grams) p.weight += idf(g.first) * g.second;
            }
        const auto w = [this](uint64_t g) { return idf(g); };
        shared_.assign(old_articles_.size() * new_articles_.size(), 0.0);
        for (size_t k = 0; k < old_articles_.size(); ++k)
            for (size_t l = 0; l < new_articles_.size(); ++l)
                shared_[k * new_articles_.size() + l] = shared(old_[old_articles_[k]].grams, new_[new_articles_[l]].grams, w);
    }

    double shared_of(size_t k, size_t l) const { return shared_[k * new_articles_.size() + l]; }
    double dice(size_t k, size_t l) const {
        const Piece& a = old_[old_articles_[k]];
        const Piece& b = new_[new_articles_[l]];
        if (a.body == b.body) return 1.0;
        const double total = a.weight + b.weight;
        return total > 0 ? 2 * shared_of(k, l) / total : 0.0;
    }
    // How much of the old (new) article's weight the other holds.
    double old_inside(size_t k, size_t l) const {
        const Piece& a = old_[old_articles_[k]];
        return a.grams.size() >= kMinGrams && a.weight > 0 ? shared_of(k, l) / a.weight : 0.0;
    }
    double new_inside(size_t k, size_t l) const {
        const Piece& b = new_[new_articles_[l]];
        return b.grams.size() >= kMinGrams && b.weight > 0 ? shared_of(k, l) / b.weight : 0.0;
    }

    int add_draft(std::vector<int> olds, std::vector<int> news, bool heading = false) {
        Draft d;
        d.olds = std::move(olds);
        d.news = std::move(news);
        d.heading = heading;
        const int id = static_cast<int>(drafts_.size());
        for (int o : d.olds) old_draft_[static_cast<size_t>(o)] = id;
        for (int n : d.news) new_draft_[static_cast<size_t>(n)] = id;
        drafts_.push_back(std::move(d));
        return id;
    }

    bool same_number(int o, int n) const {
        const Article& a = *old_[static_cast<size_t>(o)].article;
        const Article& b = *new_[static_cast<size_t>(n)].article;
        return a.number > 0 && a.number == b.number && a.unit == b.unit;
    }

    struct Candidate {
        double score;
        size_t k, l;
    };
    // Greedy: best first, each side's article taken once.
    void take(std::vector<Candidate>& candidates) {
        std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
        for (const Candidate& c : candidates) {
            const int o = old_articles_[c.k], n = new_articles_[c.l];
            if (old_draft_[static_cast<size_t>(o)] >= 0 || new_draft_[static_cast<size_t>(n)] >= 0) continue;
            add_draft({o}, {n});
        }
    }

    void by_similarity() {
        std::vector<Candidate> candidates;
        const double no = static_cast<double>(std::max<size_t>(old_articles_.size(), 1));
        const double nn = static_cast<double>(std::max<size_t>(new_articles_.size(), 1));
        for (size_t k = 0; k < old_articles_.size(); ++k)
            for (size_t l = 0; l < new_articles_.size(); ++l) {
                const double d = dice(k, l);
                const bool same = same_number(old_articles_[k], new_articles_[l]);
                if (d < (same ? kSimilarSameNumber : kSimilar)) continue;
                const double place = std::abs(static_cast<double>(k) / no - static_cast<double>(l) / nn);
                candidates.push_back({d + (same ? kSameNumberBonus : 0.0) - kPlacePenalty * place, k, l});
            }
        take(candidates);
    }

    void by_containment() {
        std::vector<Candidate> candidates;
        for (size_t k = 0; k < old_articles_.size(); ++k) {
            if (old_draft_[static_cast<size_t>(old_articles_[k])] >= 0) continue;
            for (size_t l = 0; l < new_articles_.size(); ++l) {
                if (new_draft_[static_cast<size_t>(new_articles_[l])] >= 0) continue;
                const double c = std::max(old_inside(k, l), new_inside(k, l));
                if (c >= kContained) candidates.push_back({c, k, l});
            }
        }
        take(candidates);
    }

    void merges() {
        for (size_t k = 0; k < old_articles_.size(); ++k) {
            const int o = old_articles_[k];
            if (old_draft_[static_cast<size_t>(o)] >= 0) continue;
            double best = kContained;
            int into = -1;
            for (size_t l = 0; l < new_articles_.size(); ++l) {
                const int d = new_draft_[static_cast<size_t>(new_articles_[l])];
                if (d < 0 || drafts_[static_cast<size_t>(d)].relation == Relation::split) continue;
                if (const double c = old_inside(k, l); c >= best) best = c, into = d;
            }
            if (into < 0) continue;
            Draft& d = drafts_[static_cast<size_t>(into)];
            d.olds.insert(std::upper_bound(d.olds.begin(), d.olds.end(), o), o);
            d.relation = Relation::merged;
            old_draft_[static_cast<size_t>(o)] = into;
        }
    }

    // A split's parts stand together in the new text: a new article joins the pair of the
    // old article it came from when it stands right before or after the pair's new side.
    void splits() {
        for (int pass = 0; pass < 2; ++pass) {
            for (size_t step = 0; step < new_articles_.size(); ++step) {
                const size_t l = pass == 0 ? step : new_articles_.size() - 1 - step;
                const int n = new_articles_[l];
                if (new_draft_[static_cast<size_t>(n)] >= 0) continue;
                double best = kContained;
                int into = -1;
                for (size_t k = 0; k < old_articles_.size(); ++k) {
                    const int d = old_draft_[static_cast<size_t>(old_articles_[k])];
                    if (d < 0 || drafts_[static_cast<size_t>(d)].relation == Relation::merged) continue;
                    if (const double c = new_inside(k, l); c >= best) best = c, into = d;
                }
                if (into < 0) continue;
                Draft& d = drafts_[static_cast<size_t>(into)];
                if (n != d.news.front() - 1 && n != d.news.back() + 1) continue;
                d.news.insert(std::upper_bound(d.news.begin(), d.news.end(), n), n);
                d.relation = Relation::split;
                new_draft_[static_cast<size_t>(n)] = into;
            }
        }
    }

    void by_number_only() {
        std::unordered_map<int, int> new_by_number;
        for (int n : new_articles_) new_by_number.emplace(new_[static_cast<size_t>(n)].article->number, n);
        for (int o : old_articles_) {
            const int number = old_[static_cast<size_t>(o)].article->number;
            auto it = new_by_number.find(number);
            if (number > 0 && it != new_by_number.end() && new_draft_[static_cast<size_t>(it->second)] < 0) add_draft({o}, {it->second});
        }
    }

    // Of the articles under old heading `o`, the share whose pairs hold an article under new
    // heading `n`; and the same the other way.
    std::pair<double, double> flow(int o, int n, int level) const {
        const auto under = [level](const Piece& p) { return level == 1 ? p.chapter : p.section; };
        int from_old = 0, old_paired = 0, from_new = 0, new_paired = 0;
        for (int a : old_articles_) {
            const Piece& p = old_[static_cast<size_t>(a)];
            const int d = old_draft_[static_cast<size_t>(a)];
            if (under(p) != o || d < 0) continue;
            ++old_paired;
            for (int m : drafts_[static_cast<size_t>(d)].news) from_old += under(new_[static_cast<size_t>(m)]) == n ? 1 : 0;
        }
        for (int a : new_articles_) {
            const Piece& p = new_[static_cast<size_t>(a)];
            const int d = new_draft_[static_cast<size_t>(a)];
            if (under(p) != n || d < 0) continue;
            ++new_paired;
            for (int m : drafts_[static_cast<size_t>(d)].olds) from_new += under(old_[static_cast<size_t>(m)]) == o ? 1 : 0;
        }
        return {old_paired ? static_cast<double>(std::min(from_old, old_paired)) / old_paired : 0.0,
                new_paired ? static_cast<double>(std::min(from_new, new_paired)) / new_paired : 0.0};
    }

    void headings() {
        std::vector<int> olds, news;
        for (const Piece& p : old_)
            if (p.heading()) olds.push_back(p.index);
        for (const Piece& p : new_)
            if (p.heading()) news.push_back(p.index);
        if (olds.size() * news.size() > limits_.max_similarity_pairs) {
            for (int o : olds)
                for (int n : news)
                    if (old_draft_[static_cast<size_t>(o)] < 0 && new_draft_[static_cast<size_t>(n)] < 0 && same_number(o, n))
                        add_draft({o}, {n}, true);
            return;
        }
        struct Option {
            double score;
            int o, n;
        };
        std::vector<Option> options;
        for (int o : olds)
            for (int n : news) {
                const Piece& a = old_[static_cast<size_t>(o)];
                const Piece& b = new_[static_cast<size_t>(n)];
                if (a.level() != b.level()) continue;
                const double closeness = 0.01 * (same_number(o, n) ? 1 : 0);
                if (a.body == b.body) {
                    options.push_back({2.0 + closeness, o, n});
                    continue;
                }
                const auto one = [](uint64_t) { return 1.0; };
                const double total = static_cast<double>(count(a.grams) + count(b.grams));
                const double d = total > 0 ? 2 * shared(a.grams, b.grams, one) / total : 0.0;
                if (d >= kHeadingSimilar) {
                    options.push_back({1.0 + d + closeness, o, n});
                    continue;
                }
                // Renamed: the same number, and mostly the same articles under it.
                if (same_number(o, n)) {
                    auto [there, back] = flow(o, n, a.level());
                    if (there >= 0.5 && back >= 0.5) options.push_back({(there + back) / 2, o, n});
                }
            }
        std::stable_sort(options.begin(), options.end(), [](const Option& a, const Option& b) { return a.score > b.score; });
        for (const Option& c : options)
            if (old_draft_[static_cast<size_t>(c.o)] < 0 && new_draft_[static_cast<size_t>(c.n)] < 0) add_draft({c.o}, {c.n}, true);
    }

    // The new text's order; an old unit left unpaired (删除) right after the pair of the old
    // unit before it (those before any pair: first).
    std::vector<Draft> in_reading_order() {
        std::vector<int> order;
        std::vector<std::vector<int>> after(drafts_.size() + 1);  // [drafts_.size()]: at the start
        const size_t paired = drafts_.size();
        for (size_t o = 0; o < old_.size(); ++o) {
            if (old_draft_[o] >= 0) continue;
            int anchor = -1;
            for (size_t k = o; k-- > 0;)
                if (old_draft_[k] >= 0 && static_cast<size_t>(old_draft_[k]) < paired) {
                    anchor = old_draft_[k];
                    break;
                }
            const int id = add_draft({static_cast<int>(o)}, {}, old_[o].heading());
            after[anchor < 0 ? paired : static_cast<size_t>(anchor)].push_back(id);
        }
        for (int id : after[paired]) order.push_back(id);
        std::vector<bool> emitted(drafts_.size(), false);
        for (size_t n = 0; n < new_.size(); ++n) {
            int id = new_draft_[n];
            if (id < 0) id = add_draft({}, {static_cast<int>(n)}, new_[n].heading());
            if (static_cast<size_t>(id) < emitted.size() && emitted[static_cast<size_t>(id)]) continue;
            if (static_cast<size_t>(id) >= emitted.size()) emitted.resize(static_cast<size_t>(id) + 1, false);
            emitted[static_cast<size_t>(id)] = true;
            order.push_back(id);
            if (static_cast<size_t>(id) < paired)
                for (int d : after[static_cast<size_t>(id)]) order.push_back(d);
        }
        std::vector<Draft> out;
        out.reserve(order.size());
        for (int id : order) out.push_back(std::move(drafts_[static_cast<size_t>(id)]));
        return out;
    }
};

std::string labels(const std::vector<Article>& units, const std::vector<int>& indexes) {
    std::string out;
    for (int i : indexes) out += (out.empty() ? "" : "、") + units[static_cast<size_t>(i)].label;
    return out;
}

CompareSide side_of(const std::vector<Article>& units, const std::vector<int>& indexes) {
    CompareSide side;
    side.number = labels(units, indexes);
    for (int i : indexes)
        for (const std::string& p : units[static_cast<size_t>(i)].paragraphs) side.paragraphs.push_back(p);
    return side;
}

// The words as written without the labels and spaces: equal words are 未改 (unchanged).
std::u32string words_of(const std::vector<Article>& units, const std::vector<int>& indexes) {
    std::u32string out;
    for (int i : indexes) {
        const Article& a = units[static_cast<size_t>(i)];
        for (size_t p = 0; p < a.paragraphs.size(); ++p) {
            const std::u32string t = utf8::decode(a.paragraphs[p]);
            for (size_t k = p == 0 ? std::min(t.size(), utf8::decode(a.label).size()) : 0; k < t.size(); ++k)
                if (t[k] != U' ' && t[k] != U'\u3000' && t[k] != U'\t' && t[k] != 0x00A0) out.push_back(t[k]);
        }
    }
    return out;
}

// 《中华人民共和国政府信息公开条例》新旧对照, from the new title without its （2019年修订）.
std::string document_title(const Document& new_doc) {
    std::string t = new_doc.title;
    if (t.empty()) return "新旧对照";
    std::u32string u = utf8::decode(t);
    if (!u.empty() && (u.back() == U'）' || u.back() == U')')) {
        const size_t open = u.find_last_of(U"（(");
        if (open != std::u32string::npos && open > 0) u.resize(open);
    }
    if (!u.empty() && u.front() == U'《') return utf8::encode(u) + "新旧对照";
    return "《" + utf8::encode(u) + "》新旧对照";
}

}  // namespace

Result<Document> compare_documents(const Document& old_doc, const Document& new_doc, const CompareOptions& options) {
    auto old_units = compare_parts::read_side(old_doc, options.limits, "修订前的文本");
    if (!old_units) return old_units.error();
    auto new_units = compare_parts::read_side(new_doc, options.limits, "修订后的文本");
    if (!new_units) return new_units.error();

    std::vector<Draft> drafts = Aligner(*old_units, *new_units, options.limits).align();

    Document doc;
    doc.title = options.title.empty() ? document_title(new_doc) : options.title;
    CompareSummary summary;
    summary.old_title = compare_parts::dated_title(old_doc);
    summary.new_title = compare_parts::dated_title(new_doc);
    summary.effective = compare_parts::effective_date(options.effective, new_doc);
    for (Draft& d : drafts) {
        Block block;
        block.role = Role::compare;
        Comparison& c = block.compare;
        c.heading = d.heading;
        c.old_side = side_of(*old_units, d.olds);
        c.new_side = side_of(*new_units, d.news);
        if (d.heading) {
            const Article& a = d.olds.empty() ? (*new_units)[static_cast<size_t>(d.news[0])] : (*old_units)[static_cast<size_t>(d.olds[0])];
            c.level = a.unit == Unit::section ? 2 : 1;
            block.level = c.level;
        }
        if (d.olds.empty()) {
            c.change = Change::added;
        } else if (d.news.empty()) {
            c.change = Change::deleted;
        } else {
            c.relation = d.relation;
            if (c.relation == Relation::same && c.old_side.number != c.new_side.number) c.relation = Relation::moved;
            const bool same_words = words_of(*old_units, d.olds) == words_of(*new_units, d.news);
            if (same_words && c.relation != Relation::merged && c.relation != Relation::split) {
                c.change = Change::unchanged;  // the number may differ (moved): nothing is marked
            } else {
                compare_pair(c, options.limits);
                c.change = Change::modified;  // merged and split pairs count as 修改 even when no word changed
            }
            if (c.relation == Relation::moved) c.note = "原" + c.old_side.number;
            if (c.relation == Relation::merged) c.note = "由原" + c.old_side.number + "合并";
            if (c.relation == Relation::split) c.note = "由原" + c.old_side.number + "拆分";
        }
        if (!c.heading) {
            switch (c.change) {
                case Change::added: ++summary.added; break;
                case Change::deleted: ++summary.deleted; break;
                case Change::modified: ++summary.modified; break;
                case Change::unchanged: ++summary.unchanged; break;
            }
            summary.moved += c.relation == Relation::moved ? 1 : 0;
            summary.merged += c.relation == Relation::merged ? 1 : 0;
            summary.split += c.relation == Relation::split ? 1 : 0;
        }
        doc.blocks.push_back(std::move(block));
    }
    doc.compare_summary = std::move(summary);
    return doc;
}

}  // namespace kiosk::content
