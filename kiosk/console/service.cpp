#include "console/service.hpp"

#include "console/names.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "base/utf8.hpp"
#include "base/zone_time.hpp"
#include "console/auth.hpp"
#include "console/fleet_link.hpp"
#include "console/changes.hpp"
#include "console/logic.hpp"
#include "fleet/publisher.hpp"

namespace kiosk::console {
using nlohmann::json;

namespace {

// How long each kind of document stays good on the broker.
constexpr std::time_t kPlaylistLifetime = 365 * 86400, kRefreshLifetime = 7 * 86400, kClearedLifetime = 30 * 86400;
constexpr std::time_t kScreenshotLifetime = 300;  // a screen that is off does not answer an old question later

std::string str(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

Outcome invalid(std::string message, json detail = json::object()) { return {Outcome::Kind::invalid, std::move(message), std::move(detail)}; }
Outcome unclear(std::string message) { return {Outcome::Kind::unclear, std::move(message), json::object()}; }
Outcome failed(std::string message) { return {Outcome::Kind::failed, std::move(message), json::object()}; }

// The clerk's answer once an intent was recorded: sent, or sent when the broker is back.
Outcome delivered(const Result<Delivery>& d, const std::string& done_message, json detail) {
    if (!d) {
        // The transaction was refused whole (a decision taken meanwhile is told apart by decide()).
        return failed("没有保存，也没有发布：控制台的数据库写不进去（" + d.error().message + "）。请通知管理员检查磁盘。");
    }
    if (!d->publications.empty()) detail["gen"] = d->publications.front().gen;
    if (d->sent) return {Outcome::Kind::done, done_message, std::move(detail)};
    // Not "published": the clerk is told it is kept, and that nothing needs doing again.
    return {Outcome::Kind::queued, "已经记下，但消息服务器（broker）现在连不上：连上后会自动发到屏幕，不用再发一次。",
            std::move(detail)};
}

// The receipts the page follows after 发布: the journal ids of the action's playlists and
// notices.
json with_receipts(const Result<Delivery>& d, json detail) {
    json ids = json::array();
    if (d)
        for (size_t i = 0; i < d->publications.size() && i < d->ids.size(); ++i)
            if (d->publications[i].kind == "playlist" || d->publications[i].kind == "notice" || d->publications[i].kind == "restart" ||
                d->publications[i].kind == "calendar")
                ids.push_back(d->ids[i]);
    detail["receipts"] = ids;
    return detail;
}

}  // namespace

const char* notice_mode_word(fleet::NoticeMode mode) {
    switch (mode) {
        case fleet::NoticeMode::hold: return "紧急";
        case fleet::NoticeMode::interrupt: return "插播";
        case fleet::NoticeMode::turn: return "轮播";
        case fleet::NoticeMode::ticker: return "滚动字幕";
    }
    return "轮播";
}

const char* notice_mode_words(fleet::NoticeMode mode) {
    switch (mode) {
        case fleet::NoticeMode::hold: return "紧急（一直显示，直到撤下或到期）";
        case fleet::NoticeMode::interrupt: return "插播（马上显示一次，之后与节目单轮流）";
        case fleet::NoticeMode::turn: return "轮播（排在节目单之后）";
        case fleet::NoticeMode::ticker: return "滚动字幕（在屏幕下方滚动，节目照常播放）";
    }
    return "轮播（排在节目单之后）";
}

int http_status(Outcome::Kind kind) {
    switch (kind) {
        case Outcome::Kind::done: return 200;
        case Outcome::Kind::queued: return 202;
        case Outcome::Kind::pending: return 200;
        case Outcome::Kind::unclear: return 400;
        case Outcome::Kind::invalid: return 422;
        case Outcome::Kind::not_found: return 404;
        case Outcome::Kind::failed: return 503;
    }
    return 500;
}

Status add_user(Store& store, const std::string& name, const std::string& role, const std::string& password) {
    if (!config::topic_safe_name(name, false) || name.size() > 64)
        return make_error("\"" + name + "\": a user name is letters, digits, - _ or . (at most 64)");
    auto r = parse_role(role);
    if (!r) return make_error("--role takes editor (编辑), approver (审核) or admin (管理员)");
    auto hash = hash_password(password);
    if (!hash) return hash.error();
    return store.add_user(User{name, *r, *hash, false, std::time(nullptr)});
}

Service::Service(const ConsoleSettings& settings, config::ConfigSnapshot office, Store& store, FleetLink& link)
    : settings_(settings), office_(std::move(office)), store_(store), link_(link) {}

bool Service::require_approval() { return store_.setting("require_approval", settings_.require_approval ? "1" : "0") == "1"; }

bool Service::urgent_needs_approval() {
    return store_.setting("urgent_needs_approval", settings_.urgent_needs_approval ? "1" : "0") == "1";
}

int Service::session_max_hours() {
    const std::string v = store_.setting("session_max_hours", std::to_string(settings_.session_max_hours));
    const int hours = std::atoi(v.c_str());
    return hours >= 1 && hours <= 168 ? hours : settings_.session_max_hours;
}

SessionLimits Service::session_limits() {
    return {static_cast<std::time_t>(settings_.session_minutes) * 60, static_cast<std::time_t>(session_max_hours()) * 3600};
}

bool Service::is_urgent(const json& form) {
    if (!form.is_object()) return false;
    if (str(form, "mode") == "hold") return true;
    return form.contains("urgent") && form["urgent"].is_boolean() && form["urgent"].get<bool>();
}

Outcome Service::publish(const std::function<Result<Intent>(const fleet::Publisher&, const Store::LastGeneration&)>& make,
                         const std::string& done_message, json detail, bool receipts) {
    std::optional<std::string> refused;  // make's own error: the request cannot be published as it is
    auto d = link_.publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        auto in = make(publisher, last);
        if (!in) refused = in.error().message;
        return in;
    });
    if (!d && refused) return invalid("没有发布：" + *refused);
    return delivered(d, done_message, receipts ? with_receipts(d, std::move(detail)) : std::move(detail));
}

std::string Service::named(const fleet::Scope& scope) const { return DisplayNames(store_).scope(scope.str()); }

std::string Service::local_time(std::time_t t) const { return zone_time::format_iso_local(t, office_->time_zone).substr(0, 16); }

Status Service::audit(const Actor& who, const std::string& action, const std::string& target, const std::string& detail) {
    auto st = store_.audit({0, std::time(nullptr), who.user, who.address, action, target, utf8::sanitize(detail)});
    if (!st) return make_error("操作日志写不进去，这次操作没有完成（" + st.error().message + "）。请通知管理员检查磁盘。");
    return st;
}

Outcome Service::publish_playlist(const Actor& who, const std::string& scope_text, const json& playlist) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return unclear("请选择屏幕或分组");
    const auto errors = check_playlist(playlist, *office_, kMaxPlaylistBytes);
    if (!errors.empty()) return invalid("节目单有错误，没有发布；请按提示修改", {{"errors", to_json(errors)}});
    if (require_approval() && who.role == Role::editor) {
        PendingChange c;
        c.kind = "playlist";
        c.scope = scope->str();
        c.before = store_.playlist(scope->str()).playlist;
        c.after = playlist;
        c.author = who.user;
        c.created = std::time(nullptr);
        auto id = store_.add_pending(c, c.scope);
        if (!id) return failed("没有提交：控制台的数据库写不进去（" + id.error().message + "）");
        if (auto st = audit(who, "submit_playlist", scope->str(),
                            "等待审核（第 " + std::to_string(*id) + " 号）\n" + playlist_change_summary(c.before, playlist));
            !st)
            return failed(st.error().message);
        return {Outcome::Kind::pending, "已提交审核，审核通过后才会发布到屏幕", {{"pending", *id}}};
    }
    return publish_playlist_now(who, *scope, playlist, "", std::nullopt);
}

Outcome Service::publish_playlist_now(const Actor& who, const fleet::Scope& scope, const json& playlist,
                                      const std::string& approved_from, std::optional<Intent::Decision> decision) {
    const PublishedPlaylist before = store_.playlist(scope.str());
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{scope, "playlist", "", playlist, kPlaylistLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        const std::time_t now = std::time(nullptr);
        in.playlist = PublishedPlaylist{scope.str(), playlist, p->gen, now, who.user};
        in.audit.push_back({0, now, who.user, who.address, "publish_playlist", scope.str(),
                            utf8::sanitize((approved_from.empty() ? "" : "审核通过（修改人：" + approved_from + "）\n") +
                                           playlist_change_summary(before.playlist, playlist))});
        if (decision) {
            in.decision = decision;
            in.audit.push_back({0, now, who.user, who.address, "approve", scope.str(),
                                "第 " + std::to_string(decision->pending) + " 号修改，提交人：" + approved_from});
        }
        in.publications.push_back(std::move(*p));
        return in;
    }, "已发布到" + named(scope), json::object(), true);
}

Result<fleet::NoticeBody> Service::notice_body(const json& n, std::time_t now) const {
    fleet::NoticeBody b;
    b.text = str(n, "text");
    b.title = str(n, "title");
    b.urgent = n.value("urgent", false) == true;
    // The form's one choice (紧急 / 插播 / 轮播); a form from before modes (a change waiting
    // for approval since then) says it with interrupt and urgent, as screens read it.
    b.interrupt = n.value("interrupt", false) == true;
    if (n.contains("mode")) {
        b.mode = n["mode"].is_string() ? fleet::parse_mode(n["mode"].get<std::string>()) : std::nullopt;
        if (!b.mode) return make_error("请选择怎样显示：紧急、插播、轮播或滚动字幕");
    }
    std::string until = str(n, "until");
    if (until.empty()) return make_error("请填写结束时间");
    auto t = zone_time::parse_time("结束时间", until, office_->time_zone);
    if (!t) return make_error("结束时间“" + until + "”看不懂，请用日期和时间选择框");
    if (*t <= now) return make_error("结束时间已经过了");
    b.until = *t;
    if (b.text.empty()) return make_error("请填写通知内容");
    auto checked = fleet::parse_notice_body(fleet::notice_body_json(b), now);
    if (!checked) return make_error(checked.error().message);
    return *checked;
}

Outcome Service::post_notice(const Actor& who, json form) {
    if (auto b = notice_body(form, std::time(nullptr)); !b) return invalid(b.error().message);
    std::string scopes;
    for (const auto& sc : form.value("scopes", json::array()))
        if (sc.is_string() && fleet::Scope::parse(sc.get<std::string>())) scopes += (scopes.empty() ? "" : ",") + sc.get<std::string>();
    // Checked before it waits for approval: an approver never gets a notice for no screen.
    if (scopes.empty()) return invalid("请选择要显示通知的屏幕");
    // The id is given once, when the notice is written: an approval (or its retry) publishes
    // it under that id, never a second one.
    if (!config::topic_safe_name(str(form, "id"), false)) form["id"] = fleet::new_notice_id(std::time(nullptr), office_->time_zone);
    const bool editor_waits = require_approval() && who.role == Role::editor;
    // An editor's 紧急 notice goes out at once unless the admin asked otherwise; it is marked
    // in the log for the approvers to review after.
    const bool urgent_now = editor_waits && is_urgent(form) && !urgent_needs_approval();
    if (editor_waits && !urgent_now) {
        PendingChange c;
        c.kind = "notice";
        c.scope = scopes;
        c.before = nullptr;
        c.after = form;
        c.author = who.user;
        c.created = std::time(nullptr);
        auto id = store_.add_pending(c, str(form, "id"));
        if (!id) return failed("没有提交：控制台的数据库写不进去（" + id.error().message + "）");
        if (auto st = audit(who, "submit_notice", c.scope, "等待审核（第 " + std::to_string(*id) + " 号）\n" + str(form, "text")); !st)
            return failed(st.error().message);
        return {Outcome::Kind::pending, "已提交审核，审核通过后才会显示在屏幕上", {{"pending", *id}, {"id", str(form, "id")}}};
    }
    Outcome o = publish_notice_now(who, form, "", std::nullopt, urgent_now);
    if (urgent_now && o.kind == Outcome::Kind::done) o.message = "紧急通知已发布（不需等待审核，审核人员会事后复核）";
    return o;
}

Outcome Service::publish_notice_now(const Actor& who, const json& form, const std::string& approved_from,
                                    std::optional<Intent::Decision> decision, bool unreviewed) {
    const std::time_t now = std::time(nullptr);
    auto body = notice_body(form, now);
    if (!body) return invalid(body.error().message);
    std::vector<fleet::Scope> scopes;
    if (form.contains("scopes") && form["scopes"].is_array())
        for (const auto& sc : form["scopes"])
            if (sc.is_string())
                if (auto scope = fleet::Scope::parse(sc.get<std::string>())) scopes.push_back(*scope);
    if (scopes.empty()) return invalid("请选择要显示通知的屏幕");
    // Read before publishing: the store is locked while the intent is made.
    const DisplayNames names(store_);
    const std::string id = str(form, "id");
    if (!config::topic_safe_name(id, false)) return invalid("通知编号不对，请重新填写这条通知");
    // As many in force per scope as a screen takes (fleet/notice.hpp): the next one is
    // refused here, with what to do, rather than by every screen of the scope.
    const std::size_t most = body->urgent ? fleet::kMaxUrgentNoticesPerScope : fleet::kMaxNoticesPerScope;
    const auto in_force = store_.notices(now);
    for (const fleet::Scope& scope : scopes) {
        const auto count = std::count_if(in_force.begin(), in_force.end(), [&](const NoticeRecord& n) {
            return n.scope == scope.str() && n.id != id && n.urgent == body->urgent;
        });
        if (static_cast<std::size_t>(count) >= most) return invalid(fleet::too_many_notices(names.scope(scope.str()), most, body->urgent));
    }
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        Intent in;
        for (const auto& scope : scopes) {
            const fleet::Order order{scope, "notice", id, fleet::notice_body_json(*body), body->until - now + 60};
            auto p = publisher.prepare(order, last(order.key()));
            if (!p) return make_error(names.scope(scope.str()) + "：" + p.error().message);
            in.publications.push_back(std::move(*p));
            in.notices.push_back({id, scope.str(), body->text, body->title, who.user, body->until, now, 0, body->interrupts(), body->urgent,
                                  fleet::mode_name(body->how())});
            in.audit.push_back({0, now, who.user, who.address, "publish_notice", scope.str(),
                                utf8::sanitize((approved_from.empty() ? "" : "审核通过（撰写人：" + approved_from + "）\n") + "id " + id +
                                               "\n" + notice_mode_word(body->how()) + (body->urgent && !body->holds() ? " 紧急样式" : "") + " " +
                                               "显示到 " + local_time(body->until) + "\n" + body->title + "\n" + body->text)});
        }
        if (decision) {
            in.decision = decision;
            in.audit.push_back({0, now, who.user, who.address, "approve", "notice",
                                "第 " + std::to_string(decision->pending) + " 号修改，提交人：" + approved_from});
        }
        if (unreviewed) {
            // 事后复核: the target is the notice's id (mark_reviewed names it again).
            std::string where;
            for (const auto& scope : scopes) where += (where.empty() ? "" : "、") + names.scope(scope.str());
            in.audit.push_back({0, now, who.user, who.address, "urgent_unreviewed", id,
                                utf8::sanitize(where + "\n" + (body->title.empty() ? "" : body->title + "\n") + body->text)});
        }
        return in;
    }, "通知已发布", {{"id", id}}, true);
}

Outcome Service::clear_notice(const Actor& who, const std::string& id, const std::string& scope_text) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!config::topic_safe_name(id, false) || !scope) return {Outcome::Kind::not_found, "没有这条通知", json::object()};
    // Taking a notice off never waits for approval: it only ever makes a screen show less.
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        Intent in;
        if (auto st = add_clearing(in, publisher, last, *scope, id, who, std::time(nullptr)); !st) return st.error();
        return in;
    }, "通知已撤下", json::object());
}

Status Service::add_clearing(Intent& in, const fleet::Publisher& publisher, const Store::LastGeneration& last,
                             const fleet::Scope& scope, const std::string& id, const Actor& who, std::time_t now) {
    fleet::NoticeBody cleared;
    cleared.cleared = true;
    const fleet::Order order{scope, "notice", id, fleet::notice_body_json(cleared), kClearedLifetime};
    auto p = publisher.prepare(order, last(order.key()));
    if (!p) return p.error();
    in.publications.push_back(std::move(*p));
    in.cleared.emplace_back(id, scope.str());
    in.audit.push_back({0, now, who.user, who.address, "clear_notice", scope.str(), "id " + id});
    return Ok{};
}

Outcome Service::decide(const Actor& who, std::int64_t pending, bool approve, const std::string& reason) {
    const Outcome decided{Outcome::Kind::not_found, "这项修改已经处理过了", json::object()};
    auto c = store_.pending(pending);
    if (!c || c->state != "pending") return decided;
    // Another approver may decide between this read and the transaction, which then refuses
    // the whole intent: said as "decided already", not as a database failure.
    auto still_pending = [&] {
        auto now = store_.pending(pending);
        return now && now->state == "pending";
    };
    // The author reads why: a change is not sent back without a reason.
    const std::string why = utf8::sanitize(reason);
    if (!approve && why.find_first_not_of(" \t\r\n") == std::string::npos) return invalid("请写明退回的原因（编辑会看到）");
    if (why.size() > 2000) return invalid("退回的原因太长了，请写在 600 字以内");
    Intent::Decision decision{pending, approve ? "approved" : "rejected", who.user, why, std::time(nullptr)};
    if (!approve) {
        // Nothing to publish: the decision and its audit entry, together.
        auto d = link_.publish([&](const fleet::Publisher&, const Store::LastGeneration&) -> Result<Intent> {
            Intent in;
            in.decision = decision;
            in.audit.push_back({0, decision.at, who.user, who.address, "reject", c->kind == "playlist" ? c->scope : c->kind,
                                "第 " + std::to_string(pending) + " 号修改，提交人：" + c->author + "\n理由：" + why});
            return in;
        });
        if (!d) return still_pending() ? delivered(d, "", json::object()) : decided;
        return {Outcome::Kind::done, "已退回给 " + c->author + "，对方会看到原因", json::object()};
    }
    if (c->kind == "calendar") {
        // Checked again at approval, as a playlist is.
        auto scope = fleet::Scope::parse(c->scope);
        Outcome o = scope ? publish_calendar_now(who, *scope, c->after, c->author, decision) : invalid("这项修改的屏幕范围不对");
        if (o.kind == Outcome::Kind::done) o.message = "已批准并发布";
        if (o.kind == Outcome::Kind::failed && !still_pending()) return decided;
        return o;
    }
    Outcome o = c->kind == "playlist" ? [&] {
        auto scope = fleet::Scope::parse(c->scope);
        if (!scope) return invalid("这项修改的屏幕范围不对");
        // Checked again at approval, whoever wrote it: the office's rules (its allowlist)
        // may have changed while it waited.
        const auto errors = check_playlist(c->after, *office_, kMaxPlaylistBytes);
        if (!errors.empty()) return invalid(errors.front().message, {{"errors", to_json(errors)}});
        return publish_playlist_now(who, *scope, c->after, c->author, decision);
    }()
                                      : publish_notice_now(who, c->after, c->author, decision);
    if (o.kind == Outcome::Kind::done) o.message = "已批准并发布";
    if (o.kind == Outcome::Kind::failed && !still_pending()) return decided;
    return o;
}

std::vector<AuditEntry> Service::unreviewed_urgent() {
    // The last 30 days (the audit log's time index keeps this small however long the log).
    const std::time_t since = std::time(nullptr) - 30 * 86400;
    AuditFilter reviewed;
    reviewed.action = "urgent_reviewed";
    reviewed.from = since;
    reviewed.limit = 2000;
    std::set<std::string> done;
    for (const auto& e : store_.audit_entries(reviewed)) done.insert(e.target);
    AuditFilter f;
    f.action = "urgent_unreviewed";
    f.from = since;
    f.limit = 200;
    std::vector<AuditEntry> out;
    for (auto& e : store_.audit_entries(f))
        if (!done.count(e.target)) out.push_back(std::move(e));
    return out;
}

Outcome Service::mark_reviewed(const Actor& who, const std::string& notice_id) {
    const auto open = unreviewed_urgent();
    const bool found = std::any_of(open.begin(), open.end(), [&](const AuditEntry& e) { return e.target == notice_id; });
    if (!found) return {Outcome::Kind::not_found, "这条紧急通知已经复核过了", json::object()};
    if (auto st = audit(who, "urgent_reviewed", notice_id, ""); !st) return failed(st.error().message);
    return {Outcome::Kind::done, "已标记为复核过", json::object()};
}

Outcome Service::refresh(const Actor& who, const std::string& scope_text, const std::string& item) {
    const auto scope = fleet::Scope::parse(scope_text);
    if (!scope) return unclear("请选择屏幕或分组");
    json body = json::object();
    if (!item.empty()) body["item"] = item;
    return publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{*scope, "refresh", "", body, kRefreshLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        in.publications.push_back(std::move(*p));
        in.audit.push_back({0, std::time(nullptr), who.user, who.address, "refresh", scope->str(), body.dump()});
        return in;
    }, "已让" + named(*scope) + "立即刷新", json::object());
}

Outcome Service::ask_screenshot(const Actor& who, const std::string& screen) {
    const auto scope = fleet::Scope::screen(screen);
    if (!scope) return {Outcome::Kind::not_found, "没有这块屏幕", json::object()};
    // A screen that is off cannot answer: said now, not after a wait for a screenshot that never comes.
    for (const auto& r : link_.screens())
        if (r.id == screen && (r.state == "offline" || r.state == "disconnected"))
            return {Outcome::Kind::invalid,
                    r.state == "offline" ? "这块屏幕离线（连接中断），恢复连接后才能截屏" : "这块屏幕已关机，开机连上后才能截屏",
                    json::object()};
    const std::time_t now = std::time(nullptr);
    Outcome o = publish([&](const fleet::Publisher& publisher, const Store::LastGeneration& last) -> Result<Intent> {
        const fleet::Order order{*scope, "screenshot", "", json::object(), kScreenshotLifetime};
        auto p = publisher.prepare(order, last(order.key()));
        if (!p) return p.error();
        Intent in;
        in.publications.push_back(std::move(*p));
        in.screenshot_asked = std::make_pair(screen, now);
        in.audit.push_back({0, now, who.user, who.address, "screenshot", scope->str(), ""});
        return in;
    }, "已请屏幕截屏", {{"asked", now}});
    // A question for now: one the broker did not take is not asked later.
    if (o.kind == Outcome::Kind::queued) return failed("消息服务器（broker）现在连不上，截不了屏；请稍后再试");
    return o;
}

}  // namespace kiosk::console
