// One what-if run: a single member of a scenario stepped to its horizon with every month's state
// kept whole, and its outcomes measured. Small by nature (one member), so nothing is reduced.
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
};

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario);
WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario, std::vector<OutcomeSpec> outcomes);

}  // namespace steppe
