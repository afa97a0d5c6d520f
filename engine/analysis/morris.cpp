#include "engine/analysis/morris.hpp"

#include <cmath>
#include <map>
#include <numeric>

namespace steppe {

namespace {

double mean_absolute(const std::vector<double>& values, const std::vector<std::size_t>& rows) {
  double sum = 0;
  for (std::size_t row : rows) sum += std::abs(values[row]);
  return sum / static_cast<double>(rows.size());
}

}  // namespace

std::vector<MorrisEffect> morris_effects(const std::vector<PointRole>& roles, const Eigen::VectorXd& point_means,
                                         const Eigen::MatrixXd& units, const std::vector<std::string>& factors,
                                         const Confidence& confidence) {
  const std::size_t k = factors.size();
  std::map<std::pair<int, int>, std::size_t> point_at;  // (trajectory, step) → point
  for (std::size_t point = 0; point < roles.size(); ++point) point_at[{roles[point].base, roles[point].step}] = point;

  std::vector<std::vector<double>> effects(k);
  for (std::size_t point = 0; point < roles.size(); ++point) {
    const PointRole& role = roles[point];
    if (role.block != Block::morris || role.step == 0) continue;
    const std::size_t before = point_at.at({role.base, role.step - 1});
    const auto i = static_cast<Eigen::Index>(role.factor);
    const double delta = units(static_cast<Eigen::Index>(point), i) - units(static_cast<Eigen::Index>(before), i);
    const double effect =
        (point_means[static_cast<Eigen::Index>(point)] - point_means[static_cast<Eigen::Index>(before)]) / delta;
    if (std::isfinite(effect)) effects[static_cast<std::size_t>(role.factor)].push_back(effect);
  }

  std::vector<MorrisEffect> results;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < k; ++i) {
    const std::vector<double>& values = effects[i];
    MorrisEffect effect;
    effect.factor = factors[i];
    effect.effects = static_cast<int>(values.size());
    if (!values.empty()) {
      const double count = static_cast<double>(values.size());
      effect.mu = std::accumulate(values.begin(), values.end(), 0.0) / count;
      rows.resize(values.size());
      std::iota(rows.begin(), rows.end(), 0);
      effect.mu_star = mean_absolute(values, rows);
      double squares = 0;
      for (double value : values) squares += (value - effect.mu) * (value - effect.mu);
      effect.sigma = values.size() > 1 ? std::sqrt(squares / (count - 1)) : 0;
      // The factor's own resamples: its stream offset by the factor, so that adding a factor
      // leaves the others' intervals as they were.
      std::vector<double> resampled;
      for (int resample = 0; resample < confidence.resamples; ++resample) {
        bootstrap_rows(confidence.seed + i, StreamTag::morris_bootstrap, resample, values.size(), rows);
        resampled.push_back(mean_absolute(values, rows));
      }
      effect.mu_star_interval = bootstrap_half_width(resampled, confidence.level);
    }
    results.push_back(effect);
  }
  return results;
}

}  // namespace steppe
