// The analyses of a sweep database (docs/sweeps.md): its arrays are read once
// (engine/io/sweep_arrays.hpp), each outcome's replicates summarized per point, and handed to the
// pure computations of engine/analysis — Sobol for Saltelli designs, Morris, the robustness of
// policies, and the given-data measures for designs of independent points. Which one a database
// gets is its design's declared analysis (engine/sweep_design.hpp). This layer chooses what to
// compute for which outcome; it computes nothing itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/given_data.hpp"
#include "engine/analysis/morris.hpp"
#include "engine/analysis/robustness.hpp"
#include "engine/analysis/sobol.hpp"
#include "engine/io/sweep_arrays.hpp"
#include "engine/sweep_design.hpp"

namespace steppe {

struct SweepAnalysisOptions {
  // 0 resamples: each analysis's own default (1000; the given-data measures 200).
  Confidence confidence{0.95, 0, 1};
  std::vector<std::string> outcomes;  // which to analyze; empty: every outcome of the sweep
  bool convergence = false;           // Sobol: also the indices on the first N/8, N/4, N/2 rows
};

struct SobolOutcome {
  std::string outcome;
  SobolResult result;
  std::vector<SobolResult> convergence;  // on the first N/8, N/4, N/2 and all N base rows
};

struct MorrisOutcome {
  std::string outcome;
  std::int64_t undefined_runs = 0;
  std::vector<MorrisEffect> effects;
};

struct RobustnessOutcome {
  std::string outcome;
  RobustnessGoal goal;
  std::int64_t scenarios = 0;
  std::vector<PolicyRobustness> policies;
};

struct GivenDataOutcome {
  std::string outcome;
  std::int64_t undefined_runs = 0;
  std::int64_t points_left_out = 0;  // points whose outcome is undefined in every replicate
  GivenDataMeasures measures;
};

// The analysis the database's design declares; a design this steppe does not know is an InputError.
DesignAnalysis design_analysis(const StoredSweep& stored);

std::vector<SobolOutcome> sobol_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options);
std::vector<MorrisOutcome> morris_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options);
// RBD-FAST, SRC, PRCC and PAWN on the point means of a design of independent points (those that
// declare DesignAnalysis::given_data: grid, Latin hypercube, Monte Carlo...).
std::vector<GivenDataOutcome> given_data_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options);
// With goals, the outcomes they name (each with its direction); without, every outcome, higher
// taken as better.
std::vector<RobustnessOutcome> robustness_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options);

}  // namespace steppe
