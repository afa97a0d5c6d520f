// Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999, as
// EMA Workbench runs it): which box in the space of uncertain inputs holds the cases of
// interest (say, the runs where autonomy ends below 0.5), traded off between coverage (the
// share of all cases of interest the box holds) and density (the share of the box's cases that
// are of interest). A pure computation over arrays: the io layer builds the cases and draws the
// results (docs/discovery.md).
//
// Peeling shrinks the box one small slice at a time (a share peel_alpha of its cases off one
// end of one numeric dimension, or one whole category of a categorical one), always the slice
// whose removal raises density most per case lost (EMA's "lenient1" objective), until no slice
// raises density or the box would hold less than mass_min of the cases. Every box on the way is
// a candidate: the peeling trajectory. Pasting then widens a chosen box again wherever that
// raises its density.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace steppe {

// The cases PRIM looks at: one row of inputs per case, and whether the case is of interest.
// A categorical dimension holds category codes 0, 1, …, count - 1.
struct PrimCases {
  Eigen::MatrixXd inputs;         // cases × dimensions, all finite
  std::vector<int> categories;    // per dimension: 0 when numeric, else its number of categories
  std::vector<bool> of_interest;  // per case
};

// EMA Workbench's defaults.
struct PrimOptions {
  double peel_alpha = 0.05;   // share of a box's cases one peel removes
  double paste_alpha = 0.05;  // share of the cases beside a limit one paste adds
  double mass_min = 0.05;     // the smallest share of all cases a box may hold
};

// A box's limit on one dimension: the closed interval [lower, upper] of a numeric dimension, or
// the categories a categorical one keeps.
struct PrimLimit {
  double lower = 0, upper = 0;
  std::vector<bool> kept;  // categorical: per category code; empty for a numeric dimension

  bool contains(double value) const;
};

struct PrimBox {
  std::vector<PrimLimit> limits;  // per dimension
  std::int64_t cases = 0;         // cases inside the box
  std::int64_t of_interest = 0;   // cases of interest inside the box
  double coverage = 0;            // of_interest / all cases of interest (0 when there are none)
  double density = 0;             // of_interest / cases
  double mass = 0;                // cases / all cases
  int restricted = 0;             // dimensions whose limit is narrower than the first box's

  bool contains(const Eigen::MatrixXd& inputs, Eigen::Index row) const;
};

struct PrimResult {
  // Box 0 holds every case (each numeric dimension from its smallest to its largest value,
  // each categorical one with the categories that occur); each later box is the one before
  // with one more peel, so mass falls strictly along the trajectory.
  std::vector<PrimBox> trajectory;
  // The knee of the trajectory: normalize coverage and density so that the first box sits at
  // (1, 0) and the last at (0, 1); the knee is the box farthest beyond the chord joining them,
  // where giving up more coverage stops buying much density. The last box when no box lies
  // beyond the chord (or the trajectory has fewer than three boxes).
  std::size_t knee = 0;
};

// Peels from the box holding every case. Throws std::invalid_argument when the arrays disagree
// in size, hold a non-finite value or a category code out of range.
PrimResult prim(const PrimCases& cases, const PrimOptions& options = {});

// Whether `box` restricts `dimension` more than the trajectory's first box does.
bool restricts(const PrimBox& box, const PrimBox& first, std::size_t dimension);

// Box `index` of the trajectory widened by pasting: repeatedly the paste (a share paste_alpha of
// the cases just outside one limit of a restricted dimension, or one category left out) that
// raises density most per case added, while any raises it. Density never falls.
PrimBox paste(const PrimCases& cases, const PrimResult& result, std::size_t index, const PrimOptions& options = {});

// Quasi-p-values of a box (Bryant & Lempert 2010, as EMA computes them), one per dimension, NaN
// for an unrestricted one: drop that dimension's restriction, take the wider box's density as
// p, and give P(X ≥ the box's cases of interest) for X ~ Binomial(the box's cases, p). A small
// value says the restriction is unlikely to hold its cases of interest by chance.
std::vector<double> quasi_p_values(const PrimCases& cases, const PrimBox& first, const PrimBox& box);

// How reproducible a box's restrictions are: PRIM rerun on `resamples` bootstrap resamples of
// the cases (as many draws as cases, with replacement, from `seed`); on each resample's
// trajectory take the box closest in coverage (and, apart, the one closest in density) to
// `box`, and count per dimension the share of resamples whose box restricts it.
struct PrimResampling {
  int resamples = 0;
  std::vector<double> restricted_at_coverage;  // per dimension, 0–1
  std::vector<double> restricted_at_density;   // per dimension, 0–1
};
PrimResampling resample_prim(const PrimCases& cases, const PrimBox& box, const PrimOptions& options, int resamples,
                             std::uint64_t seed);

}  // namespace steppe
