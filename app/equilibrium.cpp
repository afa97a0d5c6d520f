#include "app/equilibrium.hpp"

namespace steppe::app {

std::string EquilibriumStudy::setting(std::size_t player, const std::vector<std::size_t>& profile) const {
  const LookaheadController& controller = *result.players[player].controller;
  return controller.settings_text(controller.candidates()[profile[player]]);
}

EquilibriumStudy equilibrium(const EquilibriumRequest& request) {
  EquilibriumStudy study;
  study.scenario = load_scenario(request.scenario, request.load);
  study.result = find_equilibrium(study.scenario, request.options);
  return study;
}

}  // namespace steppe::app
