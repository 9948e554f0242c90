#pragma once
// The hall's calendar as the fleet delivers it (docs/fleet.md, "The hall's calendar"): a
// signed `calendar` document per scope, kept in the state folder, the most specific scope's
// in force over kiosk.json's opening.calendar. FleetSync takes the documents; the run loop
// (app/hall_power) reads the one in force.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "fleet/desired_store.hpp"

namespace kiosk::app {

// The fleet's calendar in force on this screen (its kept copy of the most specific scope
// that has one); nothing when the fleet sent none or kiosk.json has no fleet section.
std::optional<fleet::StoredCalendar> fleet_calendar_in_force(const config::KioskConfig& cfg);

// What a clerk reads when this screen refuses a calendar: the first mistake the checker
// found, by the entry's number and name, and that the hours it had stay in force.
std::string calendar_refusal_words(const std::vector<config::Issue>& issues, const nlohmann::json& body);

}  // namespace kiosk::app
