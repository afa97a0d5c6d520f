// Equilibria between controllers (docs/controllers.md, "Equilibrium"): actors whose lookahead
// controllers declare menus and objectives play best responses to one another in turn, each
// choosing the setting of its menu, held for the whole run, that does best by its objective
// against the others' current settings, until no one changes (a stable profile: each setting a
// best response to the others', a pure equilibrium over the menus) or the profiles come back to
// one seen before (a cycle).
//
// A profile's payoffs come from one run of the scenario with every player's levers held at its
// settings (the players' controllers taken out, any other controller left in): each player's
// objective averaged over the run's months, from the ensemble's exact means when there are many
// members, less the cost of its levers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/controllers.hpp"
#include "engine/scenario.hpp"

namespace steppe {

struct EquilibriumOptions {
  std::vector<std::string> actors;  // the players, each with a lookahead controller in the scenario
  std::int64_t members = 1;         // per profile: 1, the scenario's course; more, an ensemble's means
  int threads = 0;
  int max_rounds = 50;
};

struct EquilibriumPlayer {
  std::string actor;
  const LookaheadController* controller;  // its menu (candidates) and objective
};

struct EquilibriumResult {
  std::vector<EquilibriumPlayer> players;
  // The profile (each player's candidate index) at the start and after each round, and every
  // player's payoff there.
  std::vector<std::vector<std::size_t>> profiles;
  std::vector<std::vector<double>> payoffs;
  bool stable = false;         // the last round changed nothing
  std::size_t cycle_from = 0;  // without stability: the round whose profile the last one repeats, if any
  bool cycled = false;
  std::size_t runs = 0;  // profiles run (each once)
};

// Throws InputError (naming the actor) for a player without a lookahead controller, and for fewer
// than two players or a player named twice.
EquilibriumResult find_equilibrium(const std::shared_ptr<const Scenario>& scenario, const EquilibriumOptions& options);

}  // namespace steppe
