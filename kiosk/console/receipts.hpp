#pragma once
// Receipts: what became of one publication on each screen its scope reaches — 已显示,
// 已接收（等待开放时间）, 拒绝：why, 离线 (since when; shown by itself once the screen is back)
// — from the screens' last status (which screens a scope reaches: their groups) and their
// acks. Pure functions of the store's records, for the pages and for the audit log's counts.
#include <cstdint>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "console/names.hpp"
#include "console/store.hpp"

namespace kiosk::console {

// How long a screen that is online may take to answer before its line says it did not.
inline constexpr std::time_t kReceiptAnswerSeconds = 120;

struct ReceiptLine {
    std::string screen, name;
    // shown, waiting, kept, refused (answers); offline, pending, silent, unsent (no answer yet)
    std::string state;
    std::string words;       // the screen's words (waiting, kept, refused)
    std::time_t since = 0;   // offline: since when
    std::time_t at = 0;      // the answer's time
};

struct Receipt {
    std::vector<ReceiptLine> lines;  // by name
    // Every screen reached has answered (shown, waiting, kept or refused).
    bool answered() const;
    int count(const std::string& state) const;
};

// What a receipt needs of a screen's record, its status read once (a page shows many
// receipts over hundreds of screens).
struct ScreenView {
    std::string id, state;
    std::time_t state_since = 0, heard = 0;
    std::vector<std::string> groups;
    std::map<std::string, std::uint64_t> applied;  // generation applied per key, as its status says
};
std::vector<ScreenView> screen_views(const std::vector<ScreenRecord>& screens);

// The receipt of `ref` from every screen's record and the acks of that publication.
Receipt make_receipt(const ReceiptRef& ref, const std::vector<ScreenView>& screens, const std::vector<AckRecord>& acks,
                     const DisplayNames& names, std::time_t now);
Receipt make_receipt(const ReceiptRef& ref, const std::vector<ScreenRecord>& screens, const std::vector<AckRecord>& acks,
                     const DisplayNames& names, std::time_t now);

// Whether the receipt's counts go into the audit log now: once it is sent, when every
// screen reached has answered or two minutes after it was published.
bool receipt_due(const ReceiptRef& ref, const Receipt& r, std::time_t now);
// Its audit entry: by whoever published it, action "receipt", the counts in Chinese.
AuditEntry receipt_entry(const ReceiptRef& ref, const Receipt& r, std::time_t now);

// A line as the clerk reads it: 已显示, 离线，恢复连接后自动显示（自 09:12 起离线）…; for a
// restart (`kind` "restart") 已重启, 离线，一小时内恢复连接就会重启….
std::string line_text(const ReceiptLine& line, const std::string& zone, std::time_t now, const std::string& kind = "");
// The counts, for the audit log and the pages: 已显示 3，离线 1（2楼屏）(已重启 3 for a restart).
std::string receipt_counts(const Receipt& r, const std::string& kind = "");
// For the pages: {id, scope, label, summary ("3/4 块已显示"), answered, lines: [{name, state, text}]}.
nlohmann::json receipt_json(const ReceiptRef& ref, const Receipt& r, const DisplayNames& names, const std::string& zone, std::time_t now);

// What the screens a scope reaches play now, from their status (the 节目单 page): name,
// online, the item's title and page, and whose playlist it is (本机节目单 or a scope's).
nlohmann::json playing_json(const std::string& scope, const std::vector<ScreenRecord>& screens, const DisplayNames& names,
                            const std::string& zone);

}  // namespace kiosk::console
