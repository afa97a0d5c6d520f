#include "engine/sweep.hpp"

#include <stdexcept>

#include "engine/simulation.hpp"

namespace steppe {

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid: return "grid";
    case DesignKind::latin_hypercube: return "latin_hypercube";
    case DesignKind::monte_carlo: return "monte_carlo";
    case DesignKind::sobol: return "sobol";
    case DesignKind::morris: return "morris";
  }
  throw std::logic_error("unknown design kind");
}

std::vector<DesignPoint> Sweep::points() const {
  const auto k = static_cast<int>(scenario->uncertainties.size());
  const std::uint64_t seed = scenario->seed;
  switch (settings.design) {
    case DesignKind::monte_carlo: return monte_carlo_design(settings.samples, k, seed);
    case DesignKind::latin_hypercube: return latin_hypercube_design(settings.samples, k, seed);
    case DesignKind::sobol: return saltelli_design(settings.samples, k, settings.second_order, seed);
    case DesignKind::morris: return morris_design(settings.trajectories, settings.levels, k, seed);
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

MemberArrays Sweep::inputs(const std::vector<DesignPoint>& points) const {
  const auto& factors = scenario->uncertainties;
  MemberArrays values(static_cast<Eigen::Index>(points.size()), static_cast<Eigen::Index>(factors.size()));
  for (std::size_t point = 0; point < points.size(); ++point)
    for (std::size_t factor = 0; factor < factors.size(); ++factor)
      values(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(factor)) =
          factors[factor].distribution.quantile(points[point].unit[factor]);
  return values;
}

MemberArrays run_sweep_block(const Sweep& sweep, const MemberArrays& inputs, std::shared_ptr<const Kernel> kernel,
                             std::int64_t first, std::int64_t count) {
  const std::int64_t replicates = sweep.settings.replicates;
  MemberArrays block_inputs(count, inputs.cols());
  for (std::int64_t row = 0; row < count; ++row) block_inputs.row(row) = inputs.row((first + row) / replicates);
  OutcomeReducer outcomes(sweep.scenario->outcomes, count);
  Simulation simulation(sweep.scenario, {count, first}, std::move(kernel), &block_inputs);
  simulation.run(&outcomes);
  return outcomes.values();
}

}  // namespace steppe
