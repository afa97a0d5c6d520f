// Robustness of policies over scenarios (docs/sweeps.md, policies × scenarios): per policy, over
// the scenario points, the mean, the worst decile (10th percentile when higher is better, 90th
// when lower is, by numpy's default linear quantile), the mean and largest regret against the
// best policy in each scenario, and the share of scenarios in which the goal's threshold is met.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/design_roles.hpp"

namespace steppe {

struct PolicyRobustness {
  std::string policy;
  double mean = 0, worst_decile = 0, mean_regret = 0, max_regret = 0;
  double meets = std::nan("");  // share of scenarios meeting the threshold; NaN without one
};

struct RobustnessGoal {
  bool higher_is_better = true;
  std::optional<double> threshold;
};

// `point_means` holds one outcome's mean at every point; a point's role names its policy and its
// scenario point (`base`). Scenarios where a policy's outcome is undefined are left out of its row.
std::vector<PolicyRobustness> policy_robustness(const std::vector<PointRole>& roles, const Eigen::VectorXd& point_means,
                                                const std::vector<std::string>& policies, const RobustnessGoal& goal);

}  // namespace steppe
