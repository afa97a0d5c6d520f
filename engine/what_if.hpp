// One what-if run: a single member of a scenario stepped to its horizon with every month's state
// kept whole, and its outcomes measured; explained, also every step's levers and derived
// quantities. Small by nature (one member), so nothing is reduced.
#pragma once

#include <memory>
#include <vector>

#include "engine/scenario.hpp"
#include "engine/simulation.hpp"

namespace steppe {

struct WhatIfRun {
  std::shared_ptr<const Scenario> scenario;
  std::vector<MemberArrays> months;        // state after 0..horizon steps (1 member × slots each)
  std::vector<OutcomeSpec> outcome_specs;  // what was measured (the scenario's, unless asked otherwise)
  std::vector<double> outcomes;            // per outcome spec
  // Explained runs only (`steppe run --explain`): levers[t] and derived[t] are what month t's step
  // used (t = 0..horizon − 1), the step from months[t] to months[t + 1]: every lever after
  // schedules, windows, triggers and holds (1 member × lever slots), and the derived quantities
  // as the kernel computed them from months[t] after month t's events (1 member × derived slots).
  bool explained = false;
  std::vector<MemberArrays> levers, derived;
  // Every decision of the scenario's controllers (engine/controllers.hpp), in order.
  std::vector<DecisionRecord> decisions;
};

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario);
WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario, std::vector<OutcomeSpec> outcomes,
                      bool explain = false);

}  // namespace steppe
