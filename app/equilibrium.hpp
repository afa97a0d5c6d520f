// The equilibrium use case under every face: load a scenario and let the actors named play best
// responses to one another over their lookahead controllers' menus (engine/analysis/equilibrium.hpp).
// Neither prints nor exits; bad input surfaces as InputError before any run.
#pragma once

#include <memory>
#include <string>

#include "engine/analysis/equilibrium.hpp"
#include "engine/io/scenario_loader.hpp"

namespace steppe::app {

struct EquilibriumRequest {
  std::string scenario;  // the scenario file
  LoadOptions load;
  EquilibriumOptions options;
};

struct EquilibriumStudy {
  std::shared_ptr<const Scenario> scenario;
  EquilibriumResult result;
  // A player's setting at a profile, as "direct_pressure=0.05 hawkishness=0.3".
  std::string setting(std::size_t player, const std::vector<std::size_t>& profile) const;
};

EquilibriumStudy equilibrium(const EquilibriumRequest& request);

}  // namespace steppe::app
