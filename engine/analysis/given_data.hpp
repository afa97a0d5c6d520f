// Global sensitivity measures from given data: estimators that need no special design, so that a
// Latin hypercube or Monte Carlo sweep (any sample of independent factors) can be analyzed.
//
//   RBD-FAST first-order indices (Tarantola et al. 2006; Plischke 2010's search curve; the bias
//     correction of Tissot & Prieur 2012), as SALib's rbd_fast.analyze computes them.
//   Standardized regression coefficients (SRC) with the R² of the linear fit, and partial rank
//     correlation coefficients (PRCC) with the R² of the fit on ranks: a reading that is only as
//     good as that R² says.
//   PAWN (Pianosi & Wagener 2015, 2018): Kolmogorov–Smirnov distances between the output's
//     distribution and its distribution within equal-count slices of a factor — moment-
//     independent, with the level a factor that does nothing reaches, to tell noise from
//     influence.
//
// Inputs are arrays: x (n × k, one column per factor, any scale) and y (n outcomes, all defined:
// the caller drops rows whose outcome is undefined). Intervals are bootstraps over the n rows
// (resampling.hpp): the same rows for every measure, a pure function of the seed. Each resample
// costs O(k·n) for the order-based measures — a resample's sorted order is the sample's order
// with each row repeated as often as it was drawn — and O(k²·n) for the two fits.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/resampling.hpp"

namespace steppe {

// A point estimate and the half-width of its bootstrap interval (0 with fewer than two
// resamples). NaN where the measure is undefined (a constant factor or outcome, too few rows).
struct Estimate {
  double value = 0;
  double half_width = 0;
};

// RBD-FAST's S1 of each factor: order y by the factor along the search curve (even positions
// up, odd ones down), S1 = the power of the first `harmonics` harmonics over the power of all
// non-zero frequencies, less the bias (2M/n)/(1 − 2M/n)·(1 − S1) that noise spread over all
// frequencies adds. NaN for n ≤ 2·harmonics. (SALib's intervals resample n/2 rows, which widens
// them by about √2; these resample n, like every interval here.)
std::vector<Estimate> rbd_fast_first_order(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                           const Confidence& confidence, int harmonics = 10);

// Coefficients per factor and the R² of the least-squares fit (with intercept) they come from.
struct FitMeasures {
  std::vector<Estimate> coefficients;
  Estimate r_squared;
};

// SRC_i = b_i σ_i / σ_y from the least-squares fit of y on x; R² = the share of y's variance the
// fit explains (the SRCs' squares sum to it when the factors are uncorrelated).
FitMeasures standardized_regression(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence);

// PRCC_i = the correlation of rank(x_i) and rank(y) once the linear effects of the other
// factors' ranks are removed from both (ties take their mean rank); R² is that of the fit of
// rank(y) on all ranks, which says how far a monotone reading goes.
FitMeasures partial_rank_correlation(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence);

// PAWN of one factor over its slices: the median (the index usually reported), mean and maximum
// of the slices' KS distances.
struct PawnIndex {
  Estimate median, mean, maximum;
};

struct PawnMeasures {
  std::vector<PawnIndex> factors;
  // What a factor that does nothing scores: the median index of `null_draws` dummy factors
  // (rows dealt at random into the same slices) — the mean of their values (`null_median`) and
  // their `confidence.level` quantile (`null_upper`). A factor whose median lies near
  // null_median is indistinguishable from noise at this sample size; above null_upper it is not.
  double null_median = 0;
  double null_upper = 0;
};

// Each factor's range cut into `slices` slices of equal count (tied values are never split, so
// a factor with fewer distinct values has fewer slices); in each, the KS distance between the
// empirical CDF of y in the slice and that of all y.
PawnMeasures pawn_indices(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence,
                          int slices = 10, int null_draws = 100);

struct GivenDataOptions {
  // 200 resamples keep n = 10,000, k = 12 near a second on one core; the half-widths' own
  // sampling error is then about 5%.
  Confidence confidence{0.95, 200, 1};
  int harmonics = 10;    // RBD-FAST's M
  int slices = 10;       // PAWN's conditioning slices per factor
  int null_draws = 100;  // PAWN's dummy factors for the noise level
};

struct GivenDataFactor {
  std::string name;
  Estimate rbd_fast;  // first-order index S1
  Estimate src;       // standardized regression coefficient
  Estimate prcc;      // partial rank correlation coefficient
  PawnIndex pawn;
};

// All four measures of one outcome, with one set of resamples shared by all of them.
struct GivenDataMeasures {
  std::vector<GivenDataFactor> factors;
  Estimate src_r_squared;                            // of the linear fit behind the SRCs
  Estimate rank_r_squared;                           // of the fit on ranks behind the PRCCs
  double pawn_null_median = 0, pawn_null_upper = 0;  // as in PawnMeasures
  std::int64_t rows = 0;
};

// `names` has one entry per column of x.
GivenDataMeasures given_data_measures(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      const std::vector<std::string>& names, const GivenDataOptions& options = {});

}  // namespace steppe
