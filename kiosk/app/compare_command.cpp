#include "app/compare_command.hpp"

#include <cstdio>
#include <iostream>

#include "app/content_source.hpp"
#include "app/session.hpp"
#include "app/settings.hpp"
#include "base/log.hpp"
#include "base/url.hpp"
#include "content/compare.hpp"
#include "net/fetcher.hpp"

namespace kiosk::app {

const char* const kCompareHelp = R"(usage: kiosk compare OLD NEW [--effective D] [--title T] [--json] [--config F]

Aligns a regulation's old text (OLD) with its new text (NEW) article by article, as a
playlist item of kind "compare" shows them: articles kept, modified, renumbered or moved,
merged, split, added (新增) and deleted (删除), and the chapters. OLD and NEW are files
(.txt, or .html/.htm through extraction) or portal addresses (fetched as the kiosk fetches:
the config's network.allowed_hosts apply).

Prints the counts (新增 N 条，删除 M 条，修改 K 条，未改 L 条) and every pair that is not
kept as it was, one a line: old number -> new number, what changed, the note (原第十三条,
由原第八条、第九条合并, 由原第十条拆分).

  --effective D  the date the new text takes effect, 2019-05-15 (default: the new text's
                 own words, 自2019年5月15日起施行)
  --title T      the comparison's title (default: 《new title》新旧对照)
  --json         print the whole comparison as kiosk-compare/1 JSON instead: every pair,
                 its paragraphs and the marked spans (code points) of each side
  --config F     kiosk.json whose network settings apply to addresses (else the usual lookup)
)";

namespace {

Result<content::Document> read_text(const Args& args, const std::string& source) {
    if (!url::is_web_address(source)) return load_local_file(source);
    auto session = Session::open(args.get("config"), SessionParts{false, false, ""});
    if (!session) return session.error();
    net::FetchResult r = net::fetch({source, "", ""}, fetch_policy_for(*session->config()));
    if (r.outcome != net::FetchOutcome::ok) return make_error(source + ": " + r.error);
    auto in = ingest_fetched(r.body, r.content_type, "", r.final_url.empty() ? source : r.final_url);
    if (!in) return make_error(source + ": " + in.error().message);
    return std::move(in->doc);
}

const char* change_words(content::Change c) {
    switch (c) {
        case content::Change::unchanged: return "未改";
        case content::Change::modified: return "修改";
        case content::Change::added: return "新增";
        case content::Change::deleted: return "删除";
    }
    return "";
}

}  // namespace

int cmd_compare(const Args& args) {
    log::set_threshold(log::Level::warning);
    if (args.positional.size() != 2) {
        std::fprintf(stderr, "kiosk: compare: give the old text and the new text (see `kiosk compare --help`)\n");
        return 2;
    }
    auto old_doc = read_text(args, args.positional[0]);
    if (!old_doc) return std::fprintf(stderr, "kiosk: compare: %s\n", old_doc.error().message.c_str()), 1;
    auto new_doc = read_text(args, args.positional[1]);
    if (!new_doc) return std::fprintf(stderr, "kiosk: compare: %s\n", new_doc.error().message.c_str()), 1;
    content::CompareOptions options;
    options.effective = args.get("effective").value_or("");
    options.title = args.get("title").value_or("");
    auto comparison = content::compare_documents(*old_doc, *new_doc, options);
    if (!comparison) return std::fprintf(stderr, "kiosk: compare: %s\n", comparison.error().message.c_str()), 1;
    if (args.has("json")) {
        std::cout << content::compare_json(*comparison).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return 0;
    }
    const content::CompareSummary& s = *comparison->compare_summary;
    std::cout << comparison->title << '\n'
              << "修订前：" << s.old_title << '\n'
              << "修订后：" << s.new_title << '\n'
              << "施行日期：" << (s.effective.empty() ? "（文本里没有写明）" : s.effective) << '\n'
              << "新增 " << s.added << " 条，删除 " << s.deleted << " 条，修改 " << s.modified << " 条，未改 " << s.unchanged
              << " 条（其中移动 " << s.moved << " 条，合并 " << s.merged << " 处，拆分 " << s.split << " 处）\n\n";
    for (const content::Block& b : comparison->blocks) {
        if (b.role != content::Role::compare) continue;
        const content::Comparison& c = b.compare;
        if (c.change == content::Change::unchanged && c.relation == content::Relation::same) continue;
        const std::string from = c.old_side.empty() ? "——" : c.old_side.number;
        const std::string to = c.new_side.empty() ? "——" : c.new_side.number;
        std::cout << (c.heading ? "【章节】" : "") << from << " -> " << to << "  " << change_words(c.change);
        if (!c.note.empty()) std::cout << "  " << c.note;
        std::cout << '\n';
    }
    return 0;
}

}  // namespace kiosk::app
