#include "engine/sweep.hpp"

#include <algorithm>

#include "engine/simulation.hpp"

namespace steppe {

std::vector<DesignPoint> Sweep::points() const {
  std::vector<DesignPoint> scenarios = scenario_points();
  if (policies.empty()) return scenarios;
  std::vector<DesignPoint> points;
  points.reserve(scenarios.size() * policies.size());
  for (std::size_t policy = 0; policy < policies.size(); ++policy)
    for (std::size_t point = 0; point < scenarios.size(); ++point) {
      DesignPoint run = scenarios[point];
      run.policy = static_cast<int>(policy);
      run.base = static_cast<int>(point);
      points.push_back(std::move(run));
    }
  return points;
}

std::vector<DesignPoint> Sweep::scenario_points() const {
  return settings.design->points(settings, scenario->uncertainties, scenario->seed);
}

std::uint64_t Sweep::point_count() const {
  return scenario_point_count() * std::max<std::uint64_t>(1, policies.size());
}

std::uint64_t Sweep::scenario_point_count() const {
  return settings.design->point_count(settings, scenario->uncertainties);
}

MemberArrays run_sweep_block(const Sweep& sweep, const std::vector<DesignPoint>& points,
                             std::shared_ptr<const Kernel> kernel, std::int64_t first, std::int64_t count) {
  const std::int64_t replicates = sweep.settings.replicates;
  const std::size_t factors = sweep.scenario->uncertainties.size();
  const DesignPoint& first_point = points[static_cast<std::size_t>(first / replicates)];
  const std::shared_ptr<const Scenario>& scenario = sweep.scenario_of(first_point);
  // The random stream of a run: its own, or with policies that of its scenario point's run.
  const std::int64_t stream = first_point.policy >= 0
                                  ? first - static_cast<std::int64_t>(first_point.policy) *
                                                static_cast<std::int64_t>(sweep.scenario_point_count()) * replicates
                                  : first;
  MemberArrays block_inputs(count, static_cast<Eigen::Index>(factors));
  for (std::int64_t row = 0; row < count; ++row) {
    const DesignPoint& point = points[static_cast<std::size_t>((first + row) / replicates)];
    for (std::size_t factor = 0; factor < factors; ++factor)
      block_inputs(row, static_cast<Eigen::Index>(factor)) = sweep.factor_value(factor, point.unit[factor]);
  }
  OutcomeReducer outcomes(scenario->outcomes, count, scenario->months);
  Simulation simulation(scenario, {count, stream}, std::move(kernel), &block_inputs);
  simulation.run(&outcomes);
  return outcomes.values();
}

}  // namespace steppe
