// Sobol indices from a Saltelli design (docs/sweeps.md, "Reading the indices"), computed from
// each design point's replicates summarized by point_statistics().
//
// The estimators work on the point means centred on their overall mean, as SALib does: the
// first-order index of Saltelli et al. (2010), S_i = mean(f_B (f_ABi − f_A)) / V, the total index
// of Jansen (1999), ST_i = mean((f_A − f_ABi)²) / 2V, and the second-order one of Saltelli (2002)
// from the BA_i blocks. Without centring, an outcome whose mean is large against its spread
// gets S_i dominated by mean × noise (a test shows it on the Ishigami function shifted by 1000).
//
// Replicate noise is used, not hidden. A point mean of R replicates is f(x) + ε with Var ε =
// σ²(x)/R, the same noise in every block; it adds to V and to the Jansen numerator but not to the
// Saltelli one (the noise of different points is independent). So V_f = V − mean(σ²/R) is the
// variance of the mean response f(x) = E[y | x], each ST numerator loses its two points' noise,
// and the indices are shares of V_f: a factor that does nothing shows ST ≈ 0 however noisy the
// outcome. The noise share σ² / (V_f + σ²) — how much of one run's variance no factor explains —
// is reported beside them.
//
// Intervals: bootstrap resamples of the base rows (each row takes its A, B, AB_i and BA_i
// points along), the same resamples for every outcome, reported as z × their standard deviation.
// The resamples are computed on every core; each draws from its own random stream, so the
// intervals are the same for any thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/design_roles.hpp"
#include "engine/analysis/resampling.hpp"

namespace steppe {

struct SobolIndex {
  std::string factor;
  double first = 0, first_interval = 0;  // S1 ± half-width
  double total = 0, total_interval = 0;  // ST ± half-width
};

struct SobolPair {
  std::string factor_a, factor_b;
  double second = 0, second_interval = 0;
};

struct SobolResult {
  std::int64_t base_rows = 0;       // N used: rows with every point's outcome defined
  std::int64_t rows_left_out = 0;   // rows with some point whose outcome is undefined in every replicate
  std::int64_t undefined_runs = 0;  // runs whose outcome is undefined (left out of the point means)
  double variance = 0;              // V_f, the variance of the mean response
  // Share of one run's variance that is replicate noise, σ² / (V_f + σ²), and of the point
  // means' variance, (σ²/R) / V; NaN with one replicate (the noise cannot be told apart).
  double noise_share = 0, noise_share_interval = 0;
  double noise_share_of_means = 0;
  std::vector<SobolIndex> indices;
  std::vector<SobolPair> pairs;  // with second order
  // Why these indices are not worth reading, with the cure; empty when they are.
  std::vector<std::string> warnings;
};

// `roles` and `outcome` cover every point of the design; `factors` names its k factors in order.
// `rows` > 0 uses only base rows 0..rows−1 (the convergence chart); 0 uses all.
SobolResult sobol_indices(const std::vector<PointRole>& roles, const PointStatistics& outcome,
                          const std::vector<std::string>& factors, bool second_order, const Confidence& confidence,
                          std::int64_t rows = 0);

}  // namespace steppe
