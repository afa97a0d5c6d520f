// The use cases that study a finished sweep (or any table of runs): `analyze` — sensitivity
// indices or the robustness of policies, as the database's design declares — and `discover` —
// PRIM scenario discovery of where a condition on the outcomes holds (docs/sweeps.md,
// docs/discovery.md). Each returns its result and the files it becomes; JSON is in app/json.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "app/output_writers.hpp"
#include "app/sweep_analysis.hpp"
#include "engine/analysis/condition.hpp"
#include "engine/analysis/prim.hpp"
#include "engine/io/discover_input.hpp"

namespace steppe::app {

struct AnalyzeRequest {
  std::string database;
  SweepAnalysisOptions analysis;
  int threads = 0;  // 0: every core; the results are the same for any number
};

struct AnalysisResult {
  StoredSweep stored;
  SweepAnalysisOptions analysis;
  // The analysis the design declares, per outcome; robustness when the sweep compares policies.
  std::variant<std::vector<SobolOutcome>, std::vector<MorrisOutcome>, std::vector<GivenDataOutcome>,
               std::vector<RobustnessOutcome>>
      outcomes;
};

AnalysisResult analyze(const AnalyzeRequest& request);
// One chart per outcome (and a Sobol outcome's convergence chart): "OUTCOME.svg",
// "OUTCOME.convergence.svg".
std::vector<OutputFile> analysis_charts(const AnalysisResult& result);

struct DiscoverRequest {
  std::string source;               // a sweep database, or a CSV file (by its .csv extension)
  std::string where;                // the condition marking the cases of interest
  std::vector<std::string> inputs;  // a CSV file's input columns
  int box = -1;                     // the box on the peeling trajectory; -1: its knee
  PrimOptions prim;
  int resamples = 10;      // bootstrap resamples of the check of each restriction
  std::uint64_t seed = 1;  // their random stream
};

struct DiscoveryResult {
  DiscoverRequest request;
  OutcomeCondition condition;
  DiscoverCases cases;
  PrimResult peeling;
  std::size_t chosen = 0;       // the box on the trajectory
  PrimBox box;                  // the chosen box after pasting
  bool pasted = false;          // pasting changed it
  std::vector<double> quasi_p;  // per input, NaN when unrestricted
  PrimResampling resampling;
  const PrimBox& first() const { return peeling.trajectory.front(); }
  const PrimBox& peeled() const { return peeling.trajectory[chosen]; }
};

DiscoveryResult discover(const DiscoverRequest& request);
// discover.json, trajectory.svg and box.svg.
std::vector<OutputFile> discovery_files(const DiscoveryResult& result);

}  // namespace steppe::app
