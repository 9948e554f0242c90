#pragma once
// What a screen did with one document, as its ack (screen/{id}/ack) tells the office: the
// machine-readable outcome and the words a clerk reads (Chinese), beside the screen's own
// reason for its log. The console's receipts are made of these.
//   shown     applied, and on screen now (or in its rotation)
//   waiting   applied, but outside its schedule now: shown when its hours come
//   kept      applied, but a more specific playlist plays on this screen
//   refused   not applied; `words` says why and what to do
//   replayed  a document the screen had applied already (sent again after a reconnect):
//             no news, the office keeps what the first ack said
#include <string>
#include <string_view>

namespace kiosk::fleet {

inline constexpr std::string_view kAckShown = "shown", kAckWaiting = "waiting", kAckKept = "kept", kAckRefused = "refused",
                                  kAckReplayed = "replayed";

// A refusal's reason (the screen's words, English or Chinese) as a clerk reads it, in
// Chinese: what happened and what to do. Reasons already in Chinese are kept as they are.
std::string refusal_words(std::string_view reason);
// Whether a refusal only says the document was applied before (verify(): "(replayed)").
bool replayed_reason(std::string_view reason);
// The outcome an ack without one means (kiosks before receipts sent applied/refused only).
std::string outcome_of(bool applied, std::string_view reason);

}  // namespace kiosk::fleet
