// The playlist's routes: the published playlist, checking, publishing, a web page's text,
// uploads and previews.
#include "console/routes.hpp"
#include "content/compare.hpp"

namespace kiosk::console {

namespace {
// 读取 could not fetch the page: what happened, in the clerk's words, and what to do (the
// fetcher's own words, English, stay in brackets for whoever reads it to 信息科).
std::string cannot_open(const net::FetchResult& r) {
    const std::string status = std::to_string(r.http_status);
    if (r.outcome == net::FetchOutcome::http_error && (r.http_status == 404 || r.http_status == 410))
        return "打不开这个网址：网站上没有这个页面（HTTP " + status + "）。请核对网址有没有抄错，或在浏览器里打开看看";
    if (r.outcome == net::FetchOutcome::http_error)
        return "打不开这个网址：网站回答出错（HTTP " + status + "）。请稍后再点“读取”，或在浏览器里打开看看";
    if (r.outcome == net::FetchOutcome::refused)
        return "不能打开这个网址（" + r.error + "）：请换一个网址，或请信息科看看";
    return "打不开这个网址：连不上这个网站（" + r.error + "）。请稍后再点“读取”；一直不行，请信息科检查网络";
}
}  // namespace

void Routes::playlist_routes() {
    httplib::Server& s = *server;
    s.Get("/api/playlist", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const std::string scope = req.get_param_value("scope");
        if (!fleet::valid_scope(scope)) return send_error(res, 400, "请选择屏幕或分组");
        const PublishedPlaylist p = store.playlist(scope);
        int waiting = 0;
        for (const auto& c : store.pending_list(false)) waiting += c.kind == "playlist" && c.scope == scope;
        // What the scope's screens play now, and the receipt of the version published.
        const auto screens = fleet.screens();
        const DisplayNames names(store);
        const std::time_t now = std::time(nullptr);
        json receipt = nullptr;
        if (auto parsed = fleet::Scope::parse(scope); parsed && !p.playlist.is_null())
            receipt = latest_receipt_view(fleet::generation_key({parsed->str(), "playlist", ""}), screen_views(screens), names, now);
        const auto mine = latest_playlist_change(store.pending_of(session->user, 50), scope, p);
        send_json(res, {{"scope", scope}, {"label", DisplayNames(store).scope(scope)},
                        {"playlist", p.playlist.is_null() ? json{{"version", 1}, {"items", json::array()}} : p.playlist},
                        {"published", !p.playlist.is_null()}, {"gen", p.gen}, {"at", now_iso(p.at, office->time_zone)}, {"by", p.by}, {"pending", waiting},
                        {"screens", playing_json(scope, screens, names, office->time_zone)}, {"receipt", receipt},
                        {"mine", mine ? change_json(*mine, office->time_zone, DisplayNames(store)) : json(nullptr)}});
    });
    s.Post("/api/playlist/check", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const json body = body_json(req);
        send_json(res, {{"errors", to_json(check_playlist(tidy_playlist(body.value("playlist", json())), *office, kMaxPlaylistBytes))}});
    });
    s.Post("/api/playlist", [this](const httplib::Request& req, httplib::Response& res) {
        auto session = allow(req, res, Role::editor);
        if (!session) return;
        const json body = body_json(req);
        answer(res, service.publish_playlist(actor(req, *session), str(body, "scope"), tidy_playlist(body.value("playlist", json()))));
    });
    s.Post("/api/extract", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string address_ = str(body_json(req), "url");
        if (!url::is_web_address(address_)) return send_error(res, 400, "请填写以 http:// 或 https:// 开头的网址");
        net::FetchPolicy policy;
        policy.allowed_hosts = office->network.allowed_hosts;
        policy.total_timeout_ms = 20000;
        policy.max_body_bytes = 8u << 20;
        if (!net::host_allowed(address_, policy.allowed_hosts))
            return send_error(res, 400, "屏幕不允许打开这个网站（它不在 " + office->file.filename().string() +
                                            " 的允许网站名单 network.allowed_hosts 里）：请信息科把它加进名单，或换一个名单里的网站的网址");
        auto place = extracting.enter();
        if (!place) return refuse(res, {503, words::kExtractBusy, 5});
        net::FetchResult r = net::fetch({address_, "", ""}, policy);
        if (r.outcome != net::FetchOutcome::ok) return send_error(res, 502, cannot_open(r));
        content::IngestHints hints;
        hints.content_type = r.content_type;
        hints.base_url = r.final_url.empty() ? address_ : r.final_url;
        hints.refuse_binary = true;
        auto got = content::ingest(r.body, hints);
        if (!got) return send_error(res, 422, "这个网页里找不到正文：" + got.error().message);
        json paragraphs = json::array();
        int tables = 0, images = 0;
        for (const auto& b : got->doc.blocks) {
            tables += b.role == content::Role::table;
            images += b.role == content::Role::image;
            if (paragraphs.size() < 8 && !b.text.empty()) paragraphs.push_back(utf8::truncate(b.text, 300));
        }
        // 第X条 found: a 新旧对照's 读取 warns when a page is not a regulation's text (a news page).
        int articles = 0;
        if (auto read = content::read_articles(got->doc))
            for (const auto& a : *read) articles += a.unit == content::Article::Unit::article;
        send_json(res, {{"url", address_}, {"title", got->doc.title}, {"blocks", got->doc.blocks.size()}, {"chars", got->chars},
                        {"tables", tables}, {"images", images}, {"articles", articles}, {"paragraphs", paragraphs},
                        {"notes", got->notes}});
    });
    s.Post("/api/upload", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        if (!req.has_file("file")) return send_error(res, 400, "请选择一个 .txt 或 .html 文件");
        const auto file = req.get_file_value("file");
        const std::string name = file.filename;
        const std::string ext = fs::path(name).extension().string();
        if (ext != ".txt" && ext != ".html" && ext != ".htm") return send_error(res, 415, "只能上传 .txt 或 .html 文件");
        if (file.content.size() > kMaxUploadBytes) return send_error(res, 413, "文件太大（最多 2 MB）");
        content::IngestHints hints;
        hints.file_name = name;
        hints.refuse_binary = true;
        auto got = content::ingest(file.content, hints);
        if (!got) return send_error(res, 422, "读不出这个文件的文字：" + got.error().message);
        // The text as a playlist item carries it: one paragraph a line. The title goes to the
        // form's 标题 field, not into the text (the screen would show it twice).
        std::string text;
        for (const auto& b : got->doc.blocks)
            if (!b.text.empty() && b.role != content::Role::title) text += b.text + "\n";
        send_json(res, {{"title", got->doc.title}, {"text", text}, {"chars", utf8::decode(text).size()},
                        {"limit", config::kMaxInlineTextChars}});
    });
    s.Post("/api/preview", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const json body = body_json(req);
        PreviewRequest p;
        p.kiosk_binary = settings.kiosk_binary;
        p.office_config = office_json.is_object() ? office_json : json::object();
        const std::time_t now = std::time(nullptr);
        p.now = now_iso(now, office->time_zone);
        if (body.contains("notice")) {
            auto b = service.notice_body(body["notice"], now);
            if (!b) return send_error(res, 422, b.error().message);
            p.item = {{"kind", "notice"}, {"text", b->text}, {"start", now_iso(now - 60, office->time_zone)},
                      {"expires", now_iso(b->until, office->time_zone)}, {"style", b->urgent ? "urgent" : "normal"}};
            if (!b->title.empty()) p.item["title"] = b->title;
            p.max_pages = 2;
            if (b->ticker()) {  // 滚动字幕: never a page; shown in the band beside a stand-in page
                p.ticker = p.item;
                p.ticker["interrupt"] = "ticker";
                p.item = {{"kind", "text"}, {"title", "节目单的内容"}, {"text", "滚动字幕在屏幕下方滚动时，节目单照常一页一页播放，这里是节目单内容的位置。"}};
                p.max_pages = 1;
            }
            std::vector<std::string> scopes;
            for (const auto& sc : body["notice"].value("scopes", json::array()))
                if (sc.is_string()) scopes.push_back(sc.get<std::string>());
            p.sizes = sizes_for(scopes.empty() ? std::vector<std::string>{"all"} : scopes);
        } else {
            p.item = body.value("item", json::object());
            if (!p.item.is_object()) return send_error(res, 400, "没有要预览的内容");
            const std::string scope = str(body, "scope");
            p.sizes = sizes_for({fleet::valid_scope(scope) ? scope : "all"});
            const json one = tidy_playlist({{"version", 1}, {"items", json::array({p.item})}});
            p.item = one["items"][0];
            if (auto errors = check_playlist(one, *office, kMaxPlaylistBytes); !errors.empty())
                return send_error(res, 422, errors.front().message, {{"errors", to_json(errors)}});
        }
        auto place = drawing.enter();
        if (!place) return refuse(res, {503, words::kPreviewBusy, 5});
        auto pages = render_preview(p);
        place.reset();
        if (!pages) return send_error(res, 422, pages.error().message);
        const std::string token = random_token().substr(0, 16);
        json out = {{"token", token}, {"sizes", json::array()}};
        for (const auto& sp : *pages)
            out["sizes"].push_back({{"width", sp.width}, {"height", sp.height}, {"pages", sp.png.size()}, {"total", sp.total}});
        {
            std::lock_guard lock(previews_mutex);
            previews.emplace_front(token, std::move(*pages));
            if (previews.size() > 16) previews.pop_back();
        }
        send_json(res, out);
    });
    s.Get(R"(/api/preview/([0-9a-f]{16})/(\d+)/(\d+)\.png)", [this](const httplib::Request& req, httplib::Response& res) {
        if (!allow(req, res, Role::editor)) return;
        const std::string token = req.matches[1].str();
        const size_t size = std::stoul(req.matches[2].str()), page = std::stoul(req.matches[3].str());
        std::lock_guard lock(previews_mutex);
        for (const auto& [t, pages] : previews)
            if (t == token && size < pages.size() && page < pages[size].png.size())
                return res.set_content(pages[size].png[page], "image/png");
        send_error(res, 404, "预览已过期，请重新预览");
    });
}

}  // namespace kiosk::console
