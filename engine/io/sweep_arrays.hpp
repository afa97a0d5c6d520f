// A sweep database read into arrays for the analyses of engine/analysis (docs/sweeps.md): each
// design point's role and its factors' values, and every run's outcomes. The analyses compute
// on these and never issue SQL; this is the only place that reads a sweep's results for them.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/design_roles.hpp"
#include "engine/io/sweep_database.hpp"

namespace steppe {

struct SweepArrays {
  StoredSweep stored;
  std::vector<PointRole> roles;       // one per design point, by point id
  Eigen::MatrixXd values;             // points × factors: each factor's value at the point
  Eigen::MatrixXd units;              // points × factors: its coordinate in the unit cube
  std::vector<std::string> policies;  // the policies' names in the sweep file's order (may be empty)
  // Per run, by run id: its design point and its outcomes (runs × outcomes, NaN when undefined,
  // e.g. a threshold never crossed).
  std::vector<std::int64_t> run_point;
  Eigen::MatrixXd outcomes;
};

// Reads the whole database. A sweep with runs missing is an InputError naming the database and
// the command that finishes it, unless `allow_unfinished` (scenario discovery may look at the
// runs there are).
SweepArrays read_sweep_arrays(const SweepDatabase& database, bool allow_unfinished = false);

}  // namespace steppe
