#include "engine/analysis/sobol.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace steppe {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The Saltelli blocks of one outcome at base row j: point means centred on their overall mean,
// each with the variance of its noise (σ²/R, 0 without replicates) and for A and B the
// within-point variance σ² itself.
struct SobolSample {
  std::vector<double> a, b;
  std::vector<std::vector<double>> ab, ba;  // [factor][j]
  std::vector<double> a_noise, b_noise, a_spread, b_spread;
  std::vector<std::vector<double>> ab_noise;  // [factor][j]
};

struct SobolEstimate {
  double variance = 0, noise_share = nan, noise_share_of_means = nan;
  std::vector<double> first, total;
  std::vector<std::vector<double>> second;  // [i][l], i < l
};

// The estimators over the base rows `rows` (all of them, or a bootstrap resample).
SobolEstimate estimate(const SobolSample& sample, const std::vector<std::size_t>& rows, bool replicated,
                       bool second_order) {
  const std::size_t k = sample.ab.size();
  const auto n = static_cast<double>(rows.size());
  double sum = 0, noise = 0, spread = 0;
  for (std::size_t j : rows) {
    sum += sample.a[j] + sample.b[j];
    noise += sample.a_noise[j] + sample.b_noise[j];
    spread += sample.a_spread[j] + sample.b_spread[j];
  }
  const double mean = sum / (2 * n);
  double squares = 0;
  for (std::size_t j : rows)
    squares += (sample.a[j] - mean) * (sample.a[j] - mean) + (sample.b[j] - mean) * (sample.b[j] - mean);
  const double variance_of_means = squares / (2 * n);
  const double variance = variance_of_means - noise / (2 * n);
  SobolEstimate result;
  result.variance = variance;
  if (replicated) {
    const double run_noise = spread / (2 * n);
    result.noise_share = run_noise / (std::max(variance, 0.0) + run_noise);
    // At most all of it: the estimated noise can exceed the variance it is part of by chance.
    result.noise_share_of_means = variance_of_means > 0 ? std::min(1.0, noise / (2 * n) / variance_of_means) : nan;
  }
  const double scale = variance > 0 ? 1 / variance : nan;
  for (std::size_t i = 0; i < k; ++i) {
    double first = 0, total = 0;
    for (std::size_t j : rows) {
      first += sample.b[j] * (sample.ab[i][j] - sample.a[j]);
      const double step = sample.a[j] - sample.ab[i][j];
      total += step * step - sample.a_noise[j] - sample.ab_noise[i][j];
    }
    result.first.push_back(first / n * scale);
    result.total.push_back(total / (2 * n) * scale);
  }
  if (second_order) {
    result.second.assign(k, std::vector<double>(k, 0));
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t l = i + 1; l < k; ++l) {
        double closed = 0;
        for (std::size_t j : rows) closed += sample.ba[i][j] * sample.ab[l][j] - sample.a[j] * sample.b[j];
        result.second[i][l] = closed / n * scale - result.first[i] - result.first[l];
      }
  }
  return result;
}

std::string percent(double share) { return fmt::format("{:.0f}%", 100 * share); }

std::vector<std::string> warnings_of(const SobolResult& result, std::int64_t replicates) {
  std::vector<std::string> warnings;
  if (!(result.variance > 0)) {
    warnings.push_back(result.noise_share_of_means > 0
                           ? "the factors explain none of the variance: it is all replicate noise (more replicates "
                             "would show whether any remains)"
                           : "the outcome does not vary: there is no variance to apportion");
    return warnings;
  }
  double widest = 0;
  for (const SobolIndex& index : result.indices)
    widest = std::max({widest, 2 * index.first_interval, 2 * index.total_interval});
  if (widest > 1)
    warnings.push_back(
        fmt::format("intervals up to {:.2f} wide, wider than the indices' range [0, 1]: run more base "
                    "rows (samples × 4 halves the intervals)",
                    widest));
  if (result.noise_share_of_means > 0.5)
    warnings.push_back(
        fmt::format("{} of the point means' variance is replicate noise: run more replicates (now {}; "
                    "× 4 quarters the noise) or more base rows",
                    percent(result.noise_share_of_means), replicates));
  return warnings;
}

}  // namespace

SobolResult sobol_indices(const std::vector<PointRole>& roles, const PointStatistics& outcome,
                          const std::vector<std::string>& factors, bool second_order, const Confidence& confidence,
                          std::int64_t rows) {
  const std::size_t k = factors.size();
  int base_rows = 0;
  for (const PointRole& role : roles)
    if (role.block == Block::a) base_rows = std::max(base_rows, role.base + 1);
  const auto n = static_cast<std::size_t>(rows > 0 ? std::min<std::int64_t>(rows, base_rows) : base_rows);
  const bool replicated = outcome.replicates > 1;

  SobolSample sample{std::vector<double>(n, nan),
                     std::vector<double>(n, nan),
                     std::vector<std::vector<double>>(k, std::vector<double>(n, nan)),
                     std::vector<std::vector<double>>(second_order ? k : 0, std::vector<double>(n, nan)),
                     std::vector<double>(n, 0),
                     std::vector<double>(n, 0),
                     std::vector<double>(n, 0),
                     std::vector<double>(n, 0),
                     std::vector<std::vector<double>>(k, std::vector<double>(n, 0))};
  // A point's spread σ² among its replicates, and its noise, the variance of its mean, σ²/R (both
  // 0 when its replicates give no estimate).
  const auto spread_of = [&](std::size_t point) {
    const double spread = outcome.within_variance[static_cast<Eigen::Index>(point)];
    return std::isnan(spread) ? 0.0 : spread;
  };
  const auto noise_of = [&](std::size_t point) {
    const double spread = spread_of(point);
    return spread > 0 ? spread / outcome.defined[static_cast<Eigen::Index>(point)] : 0.0;
  };
  double sum = 0;
  std::int64_t used = 0;
  for (std::size_t point = 0; point < roles.size(); ++point) {
    const PointRole& role = roles[point];
    const auto j = static_cast<std::size_t>(role.base);
    if (role.base < 0 || j >= n) continue;
    const double y = outcome.mean[static_cast<Eigen::Index>(point)];
    const auto i = static_cast<std::size_t>(role.factor);
    if (role.block == Block::a) {
      sample.a[j] = y;
      sample.a_noise[j] = noise_of(point);
      sample.a_spread[j] = spread_of(point);
    } else if (role.block == Block::b) {
      sample.b[j] = y;
      sample.b_noise[j] = noise_of(point);
      sample.b_spread[j] = spread_of(point);
    } else if (role.block == Block::ab) {
      sample.ab[i][j] = y;
      sample.ab_noise[i][j] = noise_of(point);
    } else if (role.block == Block::ba && second_order) {
      sample.ba[i][j] = y;
    } else {
      continue;
    }
    if (!std::isnan(y)) {
      sum += y;
      ++used;
    }
  }
  // Centre every value on the mean of all of them (the estimators' noise grows with the mean
  // otherwise); rows with an undefined point are left out.
  const double centre = used > 0 ? sum / static_cast<double>(used) : 0;
  std::vector<std::size_t> complete;
  for (std::size_t j = 0; j < n; ++j) {
    bool defined = !std::isnan(sample.a[j]) && !std::isnan(sample.b[j]);
    for (std::size_t i = 0; i < k; ++i) defined = defined && !std::isnan(sample.ab[i][j]);
    for (std::size_t i = 0; i < sample.ba.size(); ++i) defined = defined && !std::isnan(sample.ba[i][j]);
    if (defined) complete.push_back(j);
    sample.a[j] -= centre;
    sample.b[j] -= centre;
    for (auto& block : sample.ab) block[j] -= centre;
    for (auto& block : sample.ba) block[j] -= centre;
  }

  SobolResult result;
  result.base_rows = static_cast<std::int64_t>(complete.size());
  result.rows_left_out = static_cast<std::int64_t>(n - complete.size());
  result.undefined_runs = outcome.undefined_runs;
  if (complete.size() < 2) {
    result.variance = nan;
    result.noise_share = result.noise_share_of_means = nan;
    for (const std::string& factor : factors) result.indices.push_back({factor, nan, nan, nan, nan});
    result.warnings.push_back("fewer than two base rows have the outcome defined at every point: no indices");
    return result;
  }
  const SobolEstimate point_estimate = estimate(sample, complete, replicated, second_order);

  // Bootstrap: resample the complete base rows with replacement; the same resamples for every
  // outcome with the same rows.
  std::vector<std::vector<double>> first(k), total(k);
  std::vector<std::vector<std::vector<double>>> second(k, std::vector<std::vector<double>>(k));
  std::vector<double> noise_shares;
  std::vector<std::size_t> draws, resampled(complete.size());
  for (int resample = 0; resample < confidence.resamples; ++resample) {
    bootstrap_rows(confidence.seed, StreamTag::sobol_bootstrap, resample, complete.size(), draws);
    for (std::size_t draw = 0; draw < draws.size(); ++draw) resampled[draw] = complete[draws[draw]];
    const SobolEstimate estimate_b = estimate(sample, resampled, replicated, second_order);
    noise_shares.push_back(estimate_b.noise_share);
    for (std::size_t i = 0; i < k; ++i) {
      first[i].push_back(estimate_b.first[i]);
      total[i].push_back(estimate_b.total[i]);
      for (std::size_t l = i + 1; second_order && l < k; ++l) second[i][l].push_back(estimate_b.second[i][l]);
    }
  }
  result.variance = point_estimate.variance;
  result.noise_share = point_estimate.noise_share;
  result.noise_share_interval = replicated ? bootstrap_half_width(noise_shares, confidence.level) : nan;
  result.noise_share_of_means = point_estimate.noise_share_of_means;
  // No interval around an index that cannot be computed (no variance left to apportion).
  const auto interval = [&](double estimate, const std::vector<double>& resampled) {
    return std::isnan(estimate) ? nan : bootstrap_half_width(resampled, confidence.level);
  };
  for (std::size_t i = 0; i < k; ++i)
    result.indices.push_back({factors[i], point_estimate.first[i], interval(point_estimate.first[i], first[i]),
                              point_estimate.total[i], interval(point_estimate.total[i], total[i])});
  if (second_order)
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t l = i + 1; l < k; ++l)
        result.pairs.push_back(
            {factors[i], factors[l], point_estimate.second[i][l], interval(point_estimate.second[i][l], second[i][l])});
  result.warnings = warnings_of(result, outcome.replicates);
  return result;
}

}  // namespace steppe
