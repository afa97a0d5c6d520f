// The what-if use cases under every face (command line, classroom server, Python): run one
// scenario or an ensemble of it, compare two or more (and attribute their differences), validate. Each takes a request,
// returns a result struct, and neither prints nor exits: the faces decide how to show what comes back, and app/json.hpp
// and the output writers (app/output_writers.hpp) turn it into documents and files.
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

#include "engine/analysis/shapley.hpp"
#include "engine/ensemble.hpp"
#include "engine/io/results.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/scenario_difference.hpp"
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
  BandSelection bands = BandSelection::reported;
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
  bool explain = false;                 // a single run also keeps every step's levers and derived quantities
  ChartOptions chart;
  // Kept trajectories become trajectories.csv (more than 1 GB of it only when confirmed); false: a
  // face that keeps them in memory only (the Python package), whose memory estimate still holds.
  bool trajectories_file = true;
};

// A scenario loaded and checked, ready to run.
struct PreparedRun {
  std::shared_ptr<const Scenario> scenario;
  std::string label;  // the file's name without folder or extension: legends
  // The default output folder's name: the label, and the command-line changes when there are
  // any, so that a run with changes never overwrites the plain run's files.
  std::string folder;
  EnsembleSettings ensemble;
  std::vector<std::string> also_write;
  bool explain = false;
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
  // The ensemble's outcome statistics, made once for every file and table that shows them.
  std::vector<OutcomeStatistics> statistics;
  // Variables that left their declared range, in words (engine/range_excursions.hpp).
  std::vector<std::string> warnings;
  bool cancelled() const { return ensemble && ensemble->cancelled; }
  const Scenario& scenario() const { return *prepared.scenario; }
};

// Loads the scenario; refuses an opt-in writer that is unknown or has nothing to write for this
// run, --explain for an ensemble, and --keep-trajectories above 1 GB on disk unless confirmed
// (InputError). An ensemble
// whose memory estimate exceeds what is available is refused unless confirmed, as a failure of
// the machine (std::runtime_error naming both figures).
PreparedRun prepare_run(const RunRequest& request);
// The same for `loaded`, the scenario of `request` loaded already (by validate, with
// request.load): a face that keeps a scenario between runs, as the Python package does, does not
// read its files again for each run (reading takes three times as long as a what-if run).
PreparedRun prepare_run(const RunRequest& request, std::shared_ptr<const Scenario> loaded);
// Runs it. A single run whose state turns non-finite throws std::runtime_error (a failed run).
RunResult run(const PreparedRun& prepared, const Control& control = {});

// One side of a comparison: a scenario file with changes of its own (a `--with` variant) on top
// of those every side shares.
struct ComparisonSide {
  std::string scenario;           // the file
  std::vector<Override> changes;  // this side's own
};

struct CompareRequest {
  std::vector<ComparisonSide> sides;  // two or more; the first is the one the others are compared with
  LoadOptions load;                   // applies to every side
  EnsembleSettings ensemble;
  bool explain = false;    // single runs: the trajectories also hold every step's levers and derived quantities
  bool attribute = false;  // also split each difference among the settings that make it
  ShapleyOptions attribution;
  ChartOptions chart;
};

struct PreparedComparison {
  std::vector<std::shared_ptr<const Scenario>> scenarios;  // per side
  std::vector<std::string> files;                          // per side
  // Per side: the file's stem, with its own changes ("calibrated + USA.air_link=1"); the files'
  // stems alone when those differ and no side has changes of its own.
  std::vector<std::string> labels;
  std::vector<std::string> outcome_names;  // the first side's outcomes in order, then any only others name
  EnsembleSettings ensemble;
  ChartOptions chart;
  std::optional<MemoryEstimate> memory;  // ensembles'
  // With attribution, per side after the first: the settings in which it differs from the first.
  std::vector<std::vector<SettingDifference>> differences;
  std::string folder;  // the default output folder's name: the labels, joined by "-vs-"
  bool explain = false;
  bool attribute = false;
  ShapleyOptions attribution;
  std::size_t sides() const { return scenarios.size(); }
};

// One outcome side by side.
struct OutcomeComparison {
  std::string name;
  std::vector<std::optional<OutcomeSpec>> specs;  // per side; empty where it lacks the actors it measures
  std::vector<double> values;                     // single runs: each side's value (NaN where lacking)
  // Ensembles (member by member, common random numbers): each side's statistics, and per side
  // the statistics of its difference from the first and the share of members where it is higher.
  std::vector<OutcomeStatistics> statistics, differences;
  std::vector<double> probability_greater;
  const OutcomeSpec& spec() const;  // the first side's that has one
};

// How one side's difference from the first splits among the settings that differ (Shapley
// values of a single run's outcomes, or of an ensemble's means).
struct Attribution {
  std::vector<SettingDifference> settings;
  std::vector<std::string> outcomes;  // the outcomes split, in order
  ShapleyValues values;               // per setting, per outcome
};

struct ComparisonResult {
  using Prepared = PreparedComparison;
  PreparedComparison prepared;
  std::vector<WhatIfRun> runs;            // single runs, per side
  std::vector<EnsembleResult> ensembles;  // ensembles, per side
  // Single runs: every outcome any side names; ensembles: those every side measures.
  std::vector<OutcomeComparison> outcomes;
  std::vector<Attribution> attributions;  // with attribution: per side after the first
  std::vector<std::string> warnings;      // as a run's, each led by its side's letter ("B: ")
  bool cancelled = false;
};

// Loads every side; they must start in the same month (months line up by index). With
// attribution, each side must differ from the first only in settings (engine/scenario_difference.hpp).
// Ensembles too large for the memory available are refused as prepare_run refuses them.
PreparedComparison prepare_comparison(const CompareRequest& request);
ComparisonResult compare(const PreparedComparison& prepared, const Control& control = {});

// "A", "B", ... "Z", "AA": a side's letter.
std::string side_letter(std::size_t side);

// Loads a scenario to check it (throws InputError when it is not valid). Here and in the other
// use cases a scenario that is also a sweep file has its sweep section checked as well.
std::shared_ptr<const Scenario> validate(const std::string& file, const LoadOptions& load);

// "1.2 GB", "45 MB": a size for people.
std::string bytes_text(std::size_t bytes);

// A file's name without folder or extension.
std::string stem(const std::string& file);

}  // namespace steppe::app
