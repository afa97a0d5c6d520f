#include "engine/what_if.hpp"

#include "engine/observers.hpp"

namespace steppe {

namespace {

// Keeps the levers and derived quantities of every step the simulation takes: after step t it
// is told of month t + 1, and the simulation still holds what step t used.
class StepRecorder : public Observer {
 public:
  explicit StepRecorder(const Simulation& simulation) : simulation_(simulation) {}
  void observe(int month, const MemberArrays&) override {
    if (month == 0) return;
    levers.push_back(simulation_.levers());
    derived.push_back(simulation_.derived());
  }
  std::vector<MemberArrays> levers, derived;

 private:
  const Simulation& simulation_;
};

}  // namespace

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario) {
  std::vector<OutcomeSpec> outcomes = scenario->outcomes;
  return run_what_if(std::move(scenario), std::move(outcomes));
}

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario, std::vector<OutcomeSpec> outcome_specs, bool explain) {
  Simulation simulation(scenario, {.explain = explain, .log_decisions = true});
  TrajectoryRecorder trajectory;
  OutcomeReducer outcomes(outcome_specs, 1);
  StepRecorder steps(simulation);
  std::vector<Observer*> observers{&trajectory, &outcomes};
  if (explain) observers.push_back(&steps);
  ObserverGroup all(observers);
  simulation.run(&all);

  WhatIfRun run{std::move(scenario), trajectory.months(), std::move(outcome_specs), {}};
  for (Eigen::Index index = 0; index < outcomes.values().cols(); ++index)
    run.outcomes.push_back(outcomes.values()(0, index));
  run.explained = explain;
  run.levers = std::move(steps.levers);
  run.derived = std::move(steps.derived);
  run.decisions = simulation.decisions();
  return run;
}

}  // namespace steppe
