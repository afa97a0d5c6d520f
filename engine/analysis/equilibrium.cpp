#include "engine/analysis/equilibrium.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <map>

#include "engine/ensemble.hpp"
#include "engine/errors.hpp"

namespace steppe {

namespace {

const LookaheadController* lookahead_of(const Scenario& scenario, const std::string& actor) {
  for (const auto& policy : scenario.lever_policies)
    if (const auto* controller = dynamic_cast<const LookaheadController*>(policy.get()))
      if (controller->spec().actor == actor) return controller;
  return nullptr;
}

// The menu's candidate nearest (in squared distance) to what the scenario's schedules set the
// player's levers to at month 0: where the best responses start.
std::size_t nearest_to_schedule(const Scenario& scenario, const LookaheadController& controller) {
  std::size_t best = 0;
  double best_distance = INFINITY;
  for (std::size_t index = 0; index < controller.candidates().size(); ++index) {
    double distance = 0;
    for (std::size_t lever = 0; lever < controller.spec().levers.size(); ++lever) {
      const auto slot = static_cast<std::size_t>(controller.spec().levers[lever]);
      const double scheduled = scenario.levers[slot].value_at(0, scenario.layout->levers()[slot].status_quo);
      distance +=
          (controller.candidates()[index][lever] - scheduled) * (controller.candidates()[index][lever] - scheduled);
    }
    if (distance < best_distance) best = index, best_distance = distance;
  }
  return best;
}

}  // namespace

EquilibriumResult find_equilibrium(const std::shared_ptr<const Scenario>& scenario, const EquilibriumOptions& options) {
  const SourceMark command{"--actors"};
  if (options.actors.size() < 2) throw InputError(command, "actors", "an equilibrium needs at least two actors");
  EquilibriumResult result;
  for (const std::string& actor : options.actors) {
    for (const EquilibriumPlayer& player : result.players)
      if (player.actor == actor) throw InputError(command, "actors", fmt::format("{} is named twice", actor));
    const LookaheadController* controller = lookahead_of(*scenario, actor);
    if (!controller)
      throw InputError(command, "actors",
                       fmt::format("{} has no lookahead controller in the scenario: its menu and objective are what "
                                   "it plays with (docs/controllers.md)",
                                   actor));
    result.players.push_back({actor, controller});
  }

  // One run per profile, every player's payoff from it.
  std::map<std::vector<std::size_t>, std::vector<double>> payoffs;
  const auto payoffs_of = [&](const std::vector<std::size_t>& profile) -> const std::vector<double>& {
    if (auto found = payoffs.find(profile); found != payoffs.end()) return found->second;
    auto held = std::make_shared<Scenario>(*scenario);
    std::erase_if(held->lever_policies, [&](const std::shared_ptr<const LeverPolicy>& policy) {
      return std::any_of(result.players.begin(), result.players.end(),
                         [&](const EquilibriumPlayer& player) { return policy.get() == player.controller; });
    });
    for (std::size_t index = 0; index < result.players.size(); ++index) {
      const LookaheadController& controller = *result.players[index].controller;
      for (std::size_t lever = 0; lever < controller.spec().levers.size(); ++lever) {
        const double value = controller.candidates()[profile[index]][lever];
        held->levers[static_cast<std::size_t>(controller.spec().levers[lever])].segments = {
            ScheduleSegment{.from = 0, .to = INT_MAX, .start_value = value, .end_value = value}};
      }
    }
    EnsembleOptions ensemble;
    ensemble.members = options.members;
    ensemble.threads = options.threads;
    ensemble.bands = BandSelection::all;
    const EnsembleResult run = run_ensemble(held, ensemble);
    ++result.runs;
    std::vector<double> values;
    for (std::size_t index = 0; index < result.players.size(); ++index) {
      const LookaheadController& controller = *result.players[index].controller;
      const Objective& objective = controller.objective();
      double total = 0;
      for (const Objective::Term& term : objective.terms) {
        const auto position = static_cast<std::size_t>(
            std::find(run.band_slots.begin(), run.band_slots.end(), term.state_slot) - run.band_slots.begin());
        for (int month = 1; month <= scenario->months; ++month)
          total += term.weight * run.means.mean(month, position, run.members);
      }
      double value = total / scenario->months;
      for (std::size_t lever = 0; lever < controller.spec().levers.size(); ++lever) {
        const LeverDecl& decl =
            *scenario->layout->levers()[static_cast<std::size_t>(controller.spec().levers[lever])].decl;
        value += objective.lever_cost_weight * (controller.candidates()[profile[index]][lever] - decl.min) /
                 (decl.max - decl.min);
      }
      values.push_back(value);
    }
    return payoffs.emplace(profile, std::move(values)).first->second;
  };

  std::vector<std::size_t> profile;
  for (const EquilibriumPlayer& player : result.players)
    profile.push_back(nearest_to_schedule(*scenario, *player.controller));
  result.profiles.push_back(profile);
  result.payoffs.push_back(payoffs_of(profile));
  for (int round = 1; round <= options.max_rounds; ++round) {
    bool changed = false;
    // Each player in turn best responds to the others' settings as they stand, keeping its own
    // unless another does strictly better.
    for (std::size_t index = 0; index < result.players.size(); ++index) {
      std::size_t best = profile[index];
      double best_payoff = payoffs_of(profile)[index];
      std::vector<std::size_t> trial = profile;
      for (std::size_t candidate = 0; candidate < result.players[index].controller->candidates().size(); ++candidate) {
        trial[index] = candidate;
        const double payoff = payoffs_of(trial)[index];
        if (payoff > best_payoff) best = candidate, best_payoff = payoff;
      }
      changed = changed || best != profile[index];
      profile[index] = best;
    }
    const auto seen = static_cast<std::size_t>(std::find(result.profiles.begin(), result.profiles.end(), profile) -
                                               result.profiles.begin());
    result.profiles.push_back(profile);
    result.payoffs.push_back(payoffs_of(profile));
    if (!changed) {
      result.stable = true;
      break;
    }
    if (seen + 1 < result.profiles.size()) {
      result.cycled = true;
      result.cycle_from = seen;
      break;
    }
  }
  return result;
}

}  // namespace steppe
