#include "engine/analysis/sobol.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>

#include <Eigen/Core>
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

// Every estimator is a function of sums over the base rows it uses, each sum of one term per row:
// Σ(a + b), Σ(a² + b²), the noise and the spread of A and B, then per factor the first-order and
// the total numerator, then per pair i < l the second-order one. A bootstrap resample's sums are
// its rows' counts times these terms, so a batch of resamples is one matrix product.
enum TermColumn : Eigen::Index { values_term, squares_term, noise_term, spread_term, first_terms };

// The terms of `rows` (rows × terms).
Eigen::MatrixXd row_terms(const SobolSample& sample, const std::vector<std::size_t>& rows, bool second_order) {
  const std::size_t k = sample.ab.size();
  const auto factors = static_cast<Eigen::Index>(k);
  Eigen::MatrixXd terms(static_cast<Eigen::Index>(rows.size()),
                        first_terms + 2 * factors + (second_order ? factors * (factors - 1) / 2 : 0));
  for (Eigen::Index row = 0; row < terms.rows(); ++row) {
    const std::size_t j = rows[static_cast<std::size_t>(row)];
    const double a = sample.a[j], b = sample.b[j];
    terms(row, values_term) = a + b;
    terms(row, squares_term) = a * a + b * b;
    terms(row, noise_term) = sample.a_noise[j] + sample.b_noise[j];
    terms(row, spread_term) = sample.a_spread[j] + sample.b_spread[j];
    Eigen::Index column = first_terms;
    for (std::size_t i = 0; i < k; ++i) terms(row, column++) = b * (sample.ab[i][j] - a);
    for (std::size_t i = 0; i < k; ++i) {
      const double step = a - sample.ab[i][j];
      terms(row, column++) = step * step - sample.a_noise[j] - sample.ab_noise[i][j];
    }
    for (std::size_t i = 0; second_order && i < k; ++i)
      for (std::size_t l = i + 1; l < k; ++l) terms(row, column++) = sample.ba[i][j] * sample.ab[l][j] - a * b;
  }
  return terms;
}

// The estimators from the sums of `n` rows' terms (the rows counted as often as they are drawn).
SobolEstimate estimate(const Eigen::Ref<const Eigen::RowVectorXd>& sums, double n, std::size_t k, bool replicated,
                       bool second_order) {
  const double mean = sums(values_term) / (2 * n);
  // Σ(y − mean)² = Σy² − mean Σy: the values are centred on their overall mean, so nothing cancels.
  const double variance_of_means = (sums(squares_term) - mean * sums(values_term)) / (2 * n);
  const double noise = sums(noise_term) / (2 * n);
  const double variance = variance_of_means - noise;
  SobolEstimate result;
  result.variance = variance;
  if (replicated) {
    const double run_noise = sums(spread_term) / (2 * n);
    result.noise_share = run_noise / (std::max(variance, 0.0) + run_noise);
    // At most all of it: the estimated noise can exceed the variance it is part of by chance.
    result.noise_share_of_means = variance_of_means > 0 ? std::min(1.0, noise / variance_of_means) : nan;
  }
  const double scale = variance > 0 ? 1 / variance : nan;
  const auto factors = static_cast<Eigen::Index>(k);
  for (Eigen::Index i = 0; i < factors; ++i) {
    result.first.push_back(sums(first_terms + i) / n * scale);
    result.total.push_back(sums(first_terms + factors + i) / (2 * n) * scale);
  }
  if (second_order) {
    result.second.assign(k, std::vector<double>(k, 0));
    Eigen::Index column = first_terms + 2 * factors;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t l = i + 1; l < k; ++l)
        result.second[i][l] = sums(column++) / n * scale - result.first[i] - result.first[l];
  }
  return result;
}

// The estimates of bootstrap resamples 0..resamples−1 of the rows whose terms are `terms`, on
// every core. Resample r draws its rows from its own stream (seed, r) and its estimate lands in
// slot r; the batches are the same whatever the thread count, so are the estimates, bit for bit.
std::vector<SobolEstimate> bootstrap_estimates(const Eigen::MatrixXd& terms, const Confidence& confidence,
                                               std::size_t k, bool replicated, bool second_order) {
  constexpr int batch = 32;
  const int resamples = std::max(confidence.resamples, 0);
  const auto rows = static_cast<std::size_t>(terms.rows());
  std::vector<SobolEstimate> estimates(static_cast<std::size_t>(resamples));
  tbb::parallel_for(0, (resamples + batch - 1) / batch, [&](int batch_index) {
    const int first = batch_index * batch;
    const int count = std::min(batch, resamples - first);
    Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(count, terms.rows());
    std::vector<std::size_t> draws;
    for (int resample = 0; resample < count; ++resample) {
      bootstrap_rows(confidence.seed, StreamTag::sobol_bootstrap, first + resample, rows, draws);
      for (std::size_t draw : draws) counts(resample, static_cast<Eigen::Index>(draw)) += 1;
    }
    const Eigen::MatrixXd sums = counts * terms;
    for (int resample = 0; resample < count; ++resample)
      estimates[static_cast<std::size_t>(first + resample)] =
          estimate(sums.row(resample), static_cast<double>(rows), k, replicated, second_order);
  });
  return estimates;
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
  const Eigen::MatrixXd terms = row_terms(sample, complete, second_order);
  const SobolEstimate point_estimate =
      estimate(terms.colwise().sum(), static_cast<double>(complete.size()), k, replicated, second_order);

  // Bootstrap: resample the complete base rows with replacement; the same resamples for every
  // outcome with the same rows.
  std::vector<std::vector<double>> first(k), total(k);
  std::vector<std::vector<std::vector<double>>> second(k, std::vector<std::vector<double>>(k));
  std::vector<double> noise_shares;
  for (const SobolEstimate& estimate_b : bootstrap_estimates(terms, confidence, k, replicated, second_order)) {
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
