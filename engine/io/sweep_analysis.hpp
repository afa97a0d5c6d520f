// Sensitivity analyses of a sweep database (docs/sweeps.md), read from its design table — the
// role of every point — and its runs, never from row order. Each outcome is first averaged over
// a point's replicates (undefined outcomes left out).
//
// - Sobol (Saltelli design): first-order and total indices by the estimators of Saltelli et al.
//   (2010) and Jansen (1999) — S_i = mean(f_B (f_ABi − f_A)) / V, ST_i = mean((f_A − f_ABi)²) /
//   (2V) with V the variance of f_A and f_B together — and second-order ones from the BA_i
//   blocks, each with a 95% bootstrap half-width (1.96 × the standard deviation over resamples
//   of the base rows), as SALib computes them.
// - Morris: per factor the mean μ, the mean of absolute values μ* and the standard deviation σ of
//   its elementary effects, (f(after) − f(before)) / Δ in the unit cube.
// - Robustness (policies × scenarios): per outcome and policy, over the scenario points, the
//   mean, the worst decile (10th percentile when higher is better, 90th when lower is), the mean
//   and largest regret against the best policy in each scenario, and the share of scenarios in
//   which the goal's threshold is met. With goals, only the outcomes they name (each with its
//   direction); without, every outcome, higher taken as better.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/io/sweep_database.hpp"

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
  std::string outcome;
  std::int64_t base_rows = 0;  // N
  double variance = 0;
  std::vector<SobolIndex> indices;
  std::vector<SobolPair> pairs;  // with second order
};

struct MorrisEffect {
  std::string factor;
  double mu = 0, mu_star = 0, sigma = 0;
  int effects = 0;
};

struct MorrisResult {
  std::string outcome;
  std::vector<MorrisEffect> effects;
};

struct PolicyRobustness {
  std::string policy;
  double mean = 0, worst_decile = 0, mean_regret = 0, max_regret = 0;
  double meets = std::nan("");  // share of scenarios meeting the threshold; NaN without one
};

struct RobustnessResult {
  std::string outcome;
  bool higher_is_better = true;
  std::optional<double> threshold;
  std::int64_t scenarios = 0;
  std::vector<PolicyRobustness> policies;
};

// For every outcome of a Sobol sweep; `resamples` bootstrap resamples, drawn with `seed`.
std::vector<SobolResult> sobol_indices(const SweepDatabase& database, int resamples = 1000, std::uint64_t seed = 1);
std::vector<MorrisResult> morris_effects(const SweepDatabase& database);
std::vector<RobustnessResult> policy_robustness(const SweepDatabase& database);

}  // namespace steppe
