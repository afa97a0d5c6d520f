// Bootstrap resampling shared by the estimators of engine/analysis: which rows a resample takes,
// and the interval half-width its estimates give. A resample is a pure function of (seed,
// stream, resample number), so every interval is reproducible, whatever order or thread it is
// computed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/random.hpp"

namespace steppe {

// How intervals are computed: `resamples` bootstrap resamples drawn with `seed`, reported as
// the half-width of a `level` two-sided interval (z × the resamples' standard deviation, as
// SALib does).
struct Confidence {
  double level = 0.95;
  int resamples = 1000;
  std::uint64_t seed = 1;
};

// The rows of bootstrap resample `resample`: n draws with replacement from [0, n), from the
// analysis's stream `stream` (the table of engine/random.hpp).
void bootstrap_rows(std::uint64_t seed, StreamTag stream, int resample, std::size_t n, std::vector<std::size_t>& rows);

// z such that a standard normal lies within ±z with probability `level` (1.96 for 0.95).
double two_sided_z(double level);

// z(level) × the sample standard deviation of `estimates` (NaN values left out); 0 with fewer
// than two finite estimates.
double bootstrap_half_width(const std::vector<double>& estimates, double level);

}  // namespace steppe
