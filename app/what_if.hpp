// The what-if use cases under every face (command line, classroom server, Python): run one
// scenario or an ensemble of it, compare two, validate. Each takes a request, returns a result
// struct, and neither prints nor exits: the faces decide how to show what comes back, and
// app/json.hpp and the output writers (app/output_writers.hpp) turn it into documents and files.
//
// A use case is two calls: `prepare_*` loads and checks everything (bad input surfaces here,
// as InputError, before any work and before a face creates its output folder), then the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/io/results.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/what_if.hpp"

namespace steppe::app {

// How a long use case reports its progress and is stopped: a progress bar and Ctrl-C on the
// command line, a cancel button elsewhere.
struct Control {
  // Members (or runs) done so far; a comparison of ensembles counts both, A's then B's.
  std::function<void(std::int64_t done)> progress;
  const std::atomic<bool>* cancel = nullptr;  // set: stop between blocks, return cancelled
};

struct EnsembleSettings {
  std::int64_t members = 1;  // 1: a single what-if run; more: an ensemble
  int threads = 0;           // 0: every core
  std::int64_t block_size = EnsembleOptions{}.block_size;
  bool keep_trajectories = false;  // an ensemble also keeps every member's trajectory
  // Run even when the memory estimate exceeds what is available, or kept trajectories would
  // take more than 1 GB on disk.
  bool confirmed = false;
};

// What a run will hold in memory at its height, worked out before it allocates, against what
// the machine has available.
struct MemoryEstimate {
  std::size_t process = 0;      // what the process holds already, the scenarios loaded
  EnsembleFootprint ensembles;  // the ensemble's (a comparison's two, added up)
  std::size_t summary = 0;      // a copy of one outcome's values while statistics are made
  std::optional<std::size_t> available;
  std::size_t total() const { return process + ensembles.total() + summary; }
  bool fits() const { return !available || total() <= *available; }
};

struct RunRequest {
  std::string scenario;  // the scenario file
  LoadOptions load;
  EnsembleSettings ensemble;
  std::vector<std::string> also_write;  // opt-in output writers by file name (app/output_writers.hpp)
  ChartOptions chart;
};

// A scenario loaded and checked, ready to run.
struct PreparedRun {
  std::shared_ptr<const Scenario> scenario;
  std::string label;  // the file's name without folder or extension: legends and default folders
  EnsembleSettings ensemble;
  std::vector<std::string> also_write;
  ChartOptions chart;
  std::optional<MemoryEstimate> memory;     // an ensemble's
  std::size_t trajectories_file_bytes = 0;  // about what kept trajectories take as trajectories.csv
  // Whether every month's state is kept: a single run's, or an ensemble's with keep_trajectories.
  bool keeps_trajectories() const { return ensemble.members == 1 || ensemble.keep_trajectories; }
};

struct RunResult {
  using Prepared = PreparedRun;
  PreparedRun prepared;
  std::optional<WhatIfRun> run;            // a single member
  std::optional<EnsembleResult> ensemble;  // more than one
  // Variables that left their declared range, in words (engine/range_excursions.hpp).
  std::vector<std::string> warnings;
  bool cancelled() const { return ensemble && ensemble->cancelled; }
  const Scenario& scenario() const { return *prepared.scenario; }
};

// Loads the scenario; refuses an opt-in writer that is unknown or has nothing to write for this
// run, and --keep-trajectories above 1 GB on disk unless confirmed (InputError). An ensemble
// whose memory estimate exceeds what is available is refused unless confirmed, as a failure of
// the machine (std::runtime_error naming both figures).
PreparedRun prepare_run(const RunRequest& request);
// Runs it. A single run whose state turns non-finite throws std::runtime_error (a failed run).
RunResult run(const PreparedRun& prepared, const Control& control = {});

struct CompareRequest {
  std::string scenario_a, scenario_b;
  LoadOptions load;  // applies to both
  EnsembleSettings ensemble;
  ChartOptions chart;
};

struct PreparedComparison {
  std::shared_ptr<const Scenario> a, b;
  std::string label_a, label_b;            // the files' stems, or A and B when those are the same
  std::vector<std::string> outcome_names;  // A's outcomes in order, then any only B names
  EnsembleSettings ensemble;
  ChartOptions chart;
  std::optional<MemoryEstimate> memory;  // ensembles'
};

// One outcome side by side.
struct OutcomeComparison {
  std::string name;
  std::optional<OutcomeSpec> spec_a, spec_b;  // empty where that scenario lacks the actors it measures
  double a = 0, b = 0;                        // single runs: each side's value (NaN where lacking)
  // Ensembles (member by member, common random numbers): each side's statistics and the
  // difference's, and the share of members where B is higher.
  OutcomeStatistics a_statistics, b_statistics, difference;
  double probability_b_greater = 0;
  const OutcomeSpec& spec() const { return spec_a ? *spec_a : *spec_b; }
};

struct ComparisonResult {
  using Prepared = PreparedComparison;
  PreparedComparison prepared;
  std::optional<WhatIfRun> run_a, run_b;
  std::optional<EnsembleResult> ensemble_a, ensemble_b;
  // Single runs: every outcome either names; ensembles: those both scenarios measure.
  std::vector<OutcomeComparison> outcomes;
  std::vector<std::string> warnings;  // as a run's, each led by "A: " or "B: "
  bool cancelled = false;
};

// Loads both scenarios; they must start in the same month (months line up by index). Ensembles
// too large for the memory available are refused as prepare_run refuses them.
PreparedComparison prepare_comparison(const CompareRequest& request);
ComparisonResult compare(const PreparedComparison& prepared, const Control& control = {});

// Loads a scenario to check it (throws InputError when it is not valid). Here and in the other
// use cases a scenario that is also a sweep file has its sweep section checked as well.
std::shared_ptr<const Scenario> validate(const std::string& file, const LoadOptions& load);

// "1.2 GB", "45 MB": a size for people.
std::string bytes_text(std::size_t bytes);

// A file's name without folder or extension.
std::string stem(const std::string& file);

}  // namespace steppe::app
