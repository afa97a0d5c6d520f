// The JSON of the wargame's results (app/json.hpp); the game's own game.json is its state, made by
// engine/io/wargame_files.
#include "app/json.hpp"

namespace steppe::app::json {

nlohmann::json wargame_status(const GameStatus& status) {
  const bool open = !status.clock.over();
  nlohmann::json teams = nlohmann::json::array();
  for (const TeamStatus& team : status.teams) {
    nlohmann::json entry = {
        {"team", team.id}, {"name", team.name}, {"played_by", team.computer ? "computer" : "people"}};
    if (open) {
      entry["submitted"] = team.submitted;
      if (team.budget) entry["budget"] = number(*team.budget);  // only for whom may see it
    }
    teams.push_back(entry);
  }
  nlohmann::json document = {{"turn", open ? nlohmann::json(status.clock.open_turn) : nlohmann::json(nullptr)},
                             {"turns", status.clock.turns},
                             {"adjudicated", status.clock.played},
                             {"teams", teams}};
  if (!status.open_injects.empty() || !status.open_overrides.empty()) {
    nlohmann::json injects = nlohmann::json::array(), overrides = nlohmann::json::array();
    for (const wargame::Inject& inject : status.open_injects)
      injects.push_back({{"name", inject.name}, {"title", inject.title}});
    for (const wargame::Override& entry : status.open_overrides) overrides.push_back(override_entry(entry));
    document["injects"] = injects;
    document["overrides"] = overrides;
  }
  return document;
}

nlohmann::json override_entry(const wargame::Override& entry) {
  return {{"team", entry.team}, {"lever", entry.lever}, {"value", number(entry.value)}, {"note", entry.note}};
}

}  // namespace steppe::app::json
