#include "engine/analysis/robustness.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace steppe {

std::vector<PolicyRobustness> policy_robustness(const std::vector<PointRole>& roles, const Eigen::VectorXd& point_means,
                                                const std::vector<std::string>& policies, const RobustnessGoal& goal) {
  int scenarios = 0;
  for (const PointRole& role : roles) scenarios = std::max(scenarios, role.base + 1);
  // value[policy][scenario]
  std::vector<std::vector<double>> value(policies.size(),
                                         std::vector<double>(static_cast<std::size_t>(scenarios), std::nan("")));
  for (std::size_t point = 0; point < roles.size(); ++point)
    value[static_cast<std::size_t>(roles[point].policy)][static_cast<std::size_t>(roles[point].base)] =
        point_means[static_cast<Eigen::Index>(point)];
  const double sign = goal.higher_is_better ? 1.0 : -1.0;
  std::vector<double> best(static_cast<std::size_t>(scenarios), -std::numeric_limits<double>::infinity());
  for (const auto& values : value)
    for (std::size_t s = 0; s < values.size(); ++s)
      if (std::isfinite(values[s])) best[s] = std::max(best[s], sign * values[s]);

  std::vector<PolicyRobustness> rows;
  for (std::size_t policy = 0; policy < policies.size(); ++policy) {
    PolicyRobustness row;
    row.policy = policies[policy];
    std::vector<double> finite, regrets;
    int met = 0;
    for (std::size_t s = 0; s < value[policy].size(); ++s) {
      const double v = value[policy][s];
      if (!std::isfinite(v)) continue;
      finite.push_back(v);
      regrets.push_back(best[s] - sign * v);
      if (goal.threshold && sign * v >= sign * *goal.threshold) ++met;
    }
    if (!finite.empty()) {
      const auto count = static_cast<double>(finite.size());
      row.mean = std::accumulate(finite.begin(), finite.end(), 0.0) / count;
      std::sort(finite.begin(), finite.end());
      const double q = goal.higher_is_better ? 0.1 : 0.9;
      const double position = q * (count - 1);
      const auto below = static_cast<std::size_t>(std::floor(position));
      const std::size_t above = std::min(below + 1, finite.size() - 1);
      row.worst_decile = finite[below] + (position - static_cast<double>(below)) * (finite[above] - finite[below]);
      row.mean_regret = std::accumulate(regrets.begin(), regrets.end(), 0.0) / count;
      row.max_regret = *std::max_element(regrets.begin(), regrets.end());
      if (goal.threshold) row.meets = met / count;
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace steppe
