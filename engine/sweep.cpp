#include "engine/sweep.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/simulation.hpp"

namespace steppe {

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid:
      return "grid";
    case DesignKind::latin_hypercube:
      return "latin_hypercube";
    case DesignKind::monte_carlo:
      return "monte_carlo";
    case DesignKind::sobol:
      return "sobol";
    case DesignKind::morris:
      return "morris";
  }
  throw std::logic_error("unknown design kind");
}

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
  const auto k = static_cast<int>(scenario->uncertainties.size());
  const std::uint64_t seed = scenario->seed;
  switch (settings.design) {
    case DesignKind::monte_carlo:
      return monte_carlo_design(settings.samples, k, seed);
    case DesignKind::latin_hypercube:
      return latin_hypercube_design(settings.samples, k, seed);
    case DesignKind::sobol:
      return saltelli_design(settings.samples, k, settings.second_order, seed);
    case DesignKind::morris:
      return morris_design(settings.trajectories, settings.levels, k, seed);
    case DesignKind::grid: {
      std::vector<int> levels;
      std::vector<bool> list_factor;
      for (const Uncertainty& factor : scenario->uncertainties) {
        const std::size_t values = factor.distribution.discrete_values();
        list_factor.push_back(values > 0);
        levels.push_back(values > 0 ? static_cast<int>(values) : settings.levels);
      }
      return grid_design(levels, list_factor);
    }
  }
  throw std::logic_error("unknown design kind");
}

std::uint64_t Sweep::point_count() const {
  return scenario_point_count() * std::max<std::uint64_t>(1, policies.size());
}

std::uint64_t Sweep::scenario_point_count() const {
  const std::uint64_t factors = scenario->uncertainties.size();
  switch (settings.design) {
    case DesignKind::sobol:
      return std::uint64_t(settings.samples) * (settings.second_order ? 2 * factors + 2 : factors + 2);
    case DesignKind::latin_hypercube:
    case DesignKind::monte_carlo:
      return std::uint64_t(settings.samples);
    case DesignKind::morris:
      return std::uint64_t(settings.trajectories) * (factors + 1);
    case DesignKind::grid: {
      std::uint64_t points = 1;
      for (const Uncertainty& factor : scenario->uncertainties) {
        const std::size_t values = factor.distribution.discrete_values();
        points *= values > 0 ? values : std::uint64_t(settings.levels);
        if (points > (std::uint64_t{1} << 40)) break;  // far beyond any sweep; stops an overflow
      }
      return points;
    }
  }
  throw std::logic_error("unknown design kind");
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
  OutcomeReducer outcomes(scenario->outcomes, count);
  Simulation simulation(scenario, {count, stream}, std::move(kernel), &block_inputs);
  simulation.run(&outcomes);
  return outcomes.values();
}

}  // namespace steppe
