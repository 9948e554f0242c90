#pragma once
// The fleet's topics, all under kiosk/v1/:
//   screen/{id}/state|status|ack|screenshot|plays   a screen's own (it may write only these)
//   desired/all/KIND, desired/group/{g}/KIND, desired/screen/{id}/KIND   the office's,
//   retained, KIND one of playlist, calendar, notice/{notice-id}, refresh, screenshot, restart.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "fleet/scope.hpp"
#include "fleet/signed.hpp"

namespace kiosk::fleet {

inline constexpr std::string_view kTopicRoot = "kiosk/v1/";
// The kinds whose topic ends in the kind's name (a notice's ends in notice/{id}). A notice
// may not have one of these as its id: its topic would read as that kind's.
inline constexpr std::string_view kPlainKinds[] = {"playlist", "calendar", "refresh", "screenshot", "restart"};

// What this screen subscribes to: its scopes' desired state (all, each group, itself).
std::vector<std::string> desired_subscriptions(const config::Fleet& fleet);
// The scopes this screen belongs to, least specific first: "all", "group/…", "screen/ID".
std::vector<std::string> scopes_of(const config::Fleet& fleet);
// A desired-state topic read back into its scope and kind; nothing when it is not one.
std::optional<Arrival> parse_desired_topic(std::string_view topic);
std::string desired_topic(const std::string& scope, const std::string& kind, const std::string& notice_id = "");
// kiosk/v1/screen/{id}/{leaf}
std::string screen_topic(const std::string& screen_id, std::string_view leaf);
// A scope the office may address (Scope::parse reads it): "all", "group/G", "screen/ID".
bool valid_scope(std::string_view scope);
// 0 all, 1 a group, 2 this screen: the most specific playlist wins.
int specificity(std::string_view scope);

}  // namespace kiosk::fleet
