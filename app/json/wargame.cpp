// The JSON of the wargame's results (app/json.hpp); the game's own game.json is its state, made by
// engine/io/wargame_files.
#include "app/json.hpp"

namespace steppe::app::json {

nlohmann::json wargame_status(const GameStatus& status) {
  const bool open = !status.clock.over();
  nlohmann::json teams = nlohmann::json::array();
  for (const TeamStatus& team : status.teams) {
    nlohmann::json entry = {{"team", team.id}, {"name", team.name}};
    if (open) {
      entry["submitted"] = team.submitted;
      entry["budget"] = number(team.budget);
    }
    teams.push_back(entry);
  }
  return {{"turn", open ? nlohmann::json(status.clock.open_turn) : nlohmann::json(nullptr)},
          {"turns", status.clock.turns},
          {"adjudicated", status.clock.played},
          {"teams", teams}};
}

}  // namespace steppe::app::json
