// Results of what-if runs and the files they become: tidy trajectories CSV and an SVG chart of
// the model's headline panels (their JSON is made in app/json.hpp). Numbers in CSV are
// written in the shortest form that reads back to the same double.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/io/svg_chart.hpp"
#include "engine/scenario.hpp"
#include "engine/simulation.hpp"
#include "engine/what_if.hpp"

namespace steppe {

// Recorded in every output: which steppe, which command.
struct Provenance {
  std::string steppe_version;
  std::string command;
};

// "date,member,actor,variable,value", one row per month, member, actor and variable (internal
// bookkeeping variables excluded), written to `out` as it is made.
void write_trajectories_csv(std::ostream& out, const Scenario& scenario, const std::vector<MemberArrays>& months);
// A what-if run's trajectory, as above. An explained run's (WhatIfRun::explained) gains a last
// column, `kind`: `state` for those rows, and for each month whose step was taken (all but the
// horizon) a `lever` row per lever slot (actor, lever name: the setting month t's step used) and
// a `derived` row per derived quantity (actor, name: as that step computed it).
void write_trajectories_csv(std::ostream& out, const WhatIfRun& run);

// The shortest text that reads back to the same double; "NaN"/"inf" spelled for pandas and R.
std::string round_trip(double value);

// The model's headline panels (for third_neighbor: autonomy, coercion, trust, tension); with two
// runs, the second is dashed. The subtitle carries seed, content hash and steppe version.
Chart indicator_chart(const std::vector<const WhatIfRun*>& runs, const std::vector<std::string>& labels,
                      const Provenance& provenance);

// The variables shown to people: every non-internal variable except per-lever ones.
std::vector<int> headline_slots(const Layout& layout);

}  // namespace steppe
