// Results of what-if runs and the files they become: tidy trajectories CSV, a JSON summary with
// provenance, and an SVG chart of the model's headline panels. Numbers in CSV and JSON are
// written in the shortest form that reads back to the same double.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/io/svg_chart.hpp"
#include "engine/scenario.hpp"
#include "engine/simulation.hpp"

namespace steppe {

// One deterministic or stochastic run of a single member, kept whole.
struct WhatIfRun {
  std::shared_ptr<const Scenario> scenario;
  std::vector<MemberArrays> months;       // state after 0..horizon steps (1 member × slots each)
  std::vector<OutcomeSpec> outcome_specs;  // what was measured (the scenario's, unless asked otherwise)
  std::vector<double> outcomes;           // per outcome spec
};

WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario);
WhatIfRun run_what_if(std::shared_ptr<const Scenario> scenario, std::vector<OutcomeSpec> outcomes);

// Recorded in every output: which steppe, which command.
struct Provenance {
  std::string steppe_version;
  std::string command;
};

// "date,member,actor,variable,value", one row per month, member, actor and variable (internal
// bookkeeping variables excluded).
std::string trajectories_csv(const WhatIfRun& run);

// Outcomes, the state at start and horizon, seed, content hash, versions and command.
nlohmann::json summary_json(const WhatIfRun& run, const Provenance& provenance);

// The shortest text that reads back to the same double; "NaN"/"inf" spelled for pandas and R.
std::string round_trip(double value);

// The model's headline panels (for third_neighbor: autonomy, coercion, trust, tension); with two
// runs, the second is dashed. The subtitle carries seed, content hash and steppe version.
Chart indicator_chart(const std::vector<const WhatIfRun*>& runs, const std::vector<std::string>& labels,
                      const Provenance& provenance);

// The variables shown to people: every non-internal variable except per-lever ones.
std::vector<int> headline_slots(const Layout& layout);

}  // namespace steppe
