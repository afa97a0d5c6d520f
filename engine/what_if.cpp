#include "engine/what_if.hpp"

#include "engine/observers.hpp"

namespace steppe {

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario) {
  std::vector<OutcomeSpec> outcomes = scenario->outcomes;
  return run_what_if(std::move(scenario), std::move(outcomes));
}

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario, std::vector<OutcomeSpec> outcome_specs) {
  Simulation simulation(scenario);
  TrajectoryRecorder trajectory;
  OutcomeReducer outcomes(outcome_specs, 1);
  ObserverGroup both({&trajectory, &outcomes});
  simulation.run(&both);

  WhatIfRun run{std::move(scenario), trajectory.months(), std::move(outcome_specs), {}};
  for (Eigen::Index index = 0; index < outcomes.values().cols(); ++index)
    run.outcomes.push_back(outcomes.values()(0, index));
  return run;
}

}  // namespace steppe
