// What the analyses know of a sweep's design: each point's role (which Saltelli block, which
// Morris trajectory and step, which policy), and per-point statistics of its replicates. Plain
// arrays, so that an estimator can be fed from a sweep database, a CSV file or a test.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "engine/designs.hpp"

namespace steppe {

struct PointRole {
  Block block = Block::point;
  int base = -1;    // Saltelli: row j of A and B; Morris: the trajectory; policies: the scenario point
  int factor = -1;  // AB/BA: the factor taken from the other matrix; Morris: the factor this step moved
  int step = 0;     // Morris: the position within the trajectory
  int policy = -1;  // policies × scenarios: index into the policies' names
};

// One outcome's replicates summarized per design point: their mean, and the unbiased variance
// among them (NaN with fewer than two defined values). Undefined values (NaN) are left out;
// `defined` counts the rest.
struct PointStatistics {
  Eigen::VectorXd mean, within_variance;
  Eigen::VectorXi defined;
  std::int64_t undefined_runs = 0;  // runs whose outcome is undefined, over all points
  int replicates = 1;
};

// `outcome` is one column of a sweep's runs (one value per run), `run_point` each run's point.
PointStatistics point_statistics(const Eigen::VectorXd& outcome, const std::vector<std::int64_t>& run_point,
                                 std::int64_t points, int replicates);

}  // namespace steppe
