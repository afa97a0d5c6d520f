#include "engine/analysis/design_roles.hpp"

#include <cmath>
#include <limits>

namespace steppe {

PointStatistics point_statistics(const Eigen::VectorXd& outcome, const std::vector<std::int64_t>& run_point,
                                 std::int64_t points, int replicates) {
  PointStatistics statistics;
  statistics.replicates = replicates;
  statistics.defined = Eigen::VectorXi::Zero(points);
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(points);
  for (Eigen::Index run = 0; run < outcome.size(); ++run) {
    const double value = outcome[run];
    if (std::isnan(value)) {
      ++statistics.undefined_runs;
      continue;
    }
    const auto point = static_cast<Eigen::Index>(run_point[static_cast<std::size_t>(run)]);
    sum[point] += value;
    ++statistics.defined[point];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  statistics.mean = Eigen::VectorXd::Constant(points, nan);
  for (Eigen::Index point = 0; point < points; ++point)
    if (statistics.defined[point] > 0) statistics.mean[point] = sum[point] / statistics.defined[point];
  // The variance from deviations about each point's mean (a second pass), not from sums of
  // squares: an outcome whose mean is large against its spread would lose every digit.
  Eigen::VectorXd squares = Eigen::VectorXd::Zero(points);
  for (Eigen::Index run = 0; run < outcome.size(); ++run) {
    if (std::isnan(outcome[run])) continue;
    const auto point = static_cast<Eigen::Index>(run_point[static_cast<std::size_t>(run)]);
    const double deviation = outcome[run] - statistics.mean[point];
    squares[point] += deviation * deviation;
  }
  statistics.within_variance = Eigen::VectorXd::Constant(points, nan);
  for (Eigen::Index point = 0; point < points; ++point)
    if (statistics.defined[point] > 1)
      statistics.within_variance[point] = squares[point] / (statistics.defined[point] - 1);
  return statistics;
}

}  // namespace steppe
