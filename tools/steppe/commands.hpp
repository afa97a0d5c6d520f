// The subcommands of `steppe`, each a function from parsed options to an exit code
// (0 success, 1 a run failed, 2 bad usage or bad input), registered with CLI11 from its own
// file (command_registry.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/output_writers.hpp"
#include "app/what_if.hpp"
#include "engine/io/output_files.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/sweep_runner.hpp"

namespace steppe::cli {

// Options every command that runs scenarios shares.
struct ScenarioOptions {
  std::vector<std::string> set;     // NAME=VALUE[@DATES]
  std::vector<std::string> events;  // KIND ACTOR DATE
  std::vector<std::string> jumps;   // NAME=DELTA@DATE
  int months = 0;                   // 0: the scenario's own
  std::string seed;                 // "": the scenario's own; else a whole number as typed
  bool stochastic = false;
  bool deterministic = false;
  // Ensembles draw the model's random events unless told --deterministic; what-if runs do not
  // unless told --stochastic (or the scenario says so).
  LoadOptions load_options(bool ensemble = false) const;
};

// Adds --set, --event, --jump, --months, --seed, --stochastic and --deterministic to a command.
void add_scenario_options(CLI::App& command, ScenarioOptions& options);

// Adds --members, --threads, --block-size, --all-bands and --yes to a command.
void add_ensemble_options(CLI::App& command, app::EnsembleSettings& options);

// Options of the charts a run or comparison writes.
struct ChartCliOptions {
  std::string y_range;  // "": each variable's declared range; else as typed
  bool png = false;
  // Throws InputError naming --y-range when its value is not one.
  ChartOptions chart_options() const;
};

// Adds --y-range and --png to a command.
void add_chart_options(CLI::App& command, ChartCliOptions& options);

struct RunOptions {
  std::string scenario;
  ScenarioOptions scenario_options;
  app::EnsembleSettings ensemble;
  ChartCliOptions chart;
  std::vector<std::string> write;  // opt-in output files
  std::string out;                 // "" → out/<scenario stem>
  bool estimate = false;           // print the memory estimate and stop
  bool explain = false;            // the trajectories also hold every step's levers and derived quantities
  bool json = false;
  bool quiet = false;
};

struct CompareOptions {
  std::vector<std::string> scenarios;  // one side each
  std::vector<std::string> with;       // one side each: changes to the first scenario (or "FILE: changes")
  ScenarioOptions scenario_options;
  app::EnsembleSettings ensemble;
  bool explain = false;
  bool attribute = false;
  int orderings = ShapleyOptions{}.orderings;
  ChartCliOptions chart;
  std::string out;  // "" → out/<a>-vs-<b>...
  bool estimate = false;
  bool json = false;
  bool quiet = false;
};

struct DescribeOptions {
  std::string model;    // "" → list the models
  std::string network;  // a scenario whose network to report
  bool json = false;
};

struct ValidateOptions {
  std::vector<std::string> scenarios;
  ScenarioOptions scenario_options;
  bool quiet = false;
};

struct SweepOptions {
  std::string file;
  ScenarioOptions scenario_options;
  std::string database;  // "": the sweep file's own
  bool resume = false;
  std::string shard;  // "K/N": run the K-th of N slices (job arrays); "": the whole sweep
  int threads = 0;    // 0: every core
  bool quiet = false;
};

struct MergeOptions {
  std::string merged;
  std::vector<std::string> shards;
  bool quiet = false;
};

struct AnalyzeOptions {
  std::string database;
  std::vector<std::string> outcomes;  // --outcome: which to analyze; empty: all
  int resamples = 0;                  // bootstrap resamples for the intervals; 0: each analysis's default
  double confidence = 0.95;           // the intervals' level
  std::uint64_t seed = 1;             // the bootstrap's random stream
  std::string out;                    // "" → out/<database stem>: charts per outcome
  int threads = 0;                    // 0: every core
  bool json = false;
};

// `steppe discover`: PRIM on a sweep database or a CSV file (docs/discovery.md).
struct DiscoverOptions {
  std::string source;               // a sweep database, or a CSV file (by its .csv extension)
  std::string where;                // the condition marking the cases of interest
  std::vector<std::string> inputs;  // a CSV file's input columns
  int box = -1;                     // the box on the peeling trajectory; -1: its knee
  std::string out;                  // "" → out/<source stem>
  bool json = false;
  bool quiet = false;
  std::uint64_t seed = 1;  // the resampling check's random stream
  int resamples = 10;
  double peel_alpha = 0.05;
  double mass_min = 0.05;
};

struct ExportOptions {
  std::string database;
  std::string csv;  // the folder for one CSV per table
  bool quiet = false;
};

// A scenario file's name without folder or extension: labels and default output folders.
using app::stem;
// With --json prints the file named `document` among those `written` (the JSON the command also
// wrote), with --quiet alone nothing: --quiet silences what is for people, so --json --quiet is
// what a script asks for and gets the JSON. True when that is all to print.
bool printed_for_machines(bool quiet, bool json, const std::vector<std::filesystem::path>& written,
                          const std::string& document);
// Writes a use case's files into the folder (atomically: all or none) and returns their paths;
// throws Interrupted (nothing committed) when a signal arrived first.
std::vector<std::filesystem::path> write_files(OutputFolder& folder, const std::vector<app::OutputFile>& files);
// --estimate: an ensemble's memory estimate by part and what is available (JSON with `json`).
// Throws InputError for a single run, which has nothing to estimate.
void print_memory_estimate(const std::optional<app::MemoryEstimate>& memory, std::size_t trajectories_file_bytes,
                           bool json);
// "steppe: warning: …" on stderr for each warning, unless quiet.
void print_warnings(const std::vector<std::string>& warnings, bool quiet);
// "wrote DIR/ : a, b, c" after a command's files are in place.
void print_written(const std::vector<std::filesystem::path>& files);
// Dates for first crossings ("never" when there was none), whole numbers for counts, rounded
// shares for the rest: one value, or one statistic of an ensemble's.
std::string outcome_text(const OutcomeSpec& outcome, double value, const Scenario& scenario);
// How many members of an ensemble never made a first crossing, "312 of 1000", beside the
// statistics of those that did (the "never" column); "" for other outcomes.
std::string never_text(const OutcomeSpec& outcome, const OutcomeStatistics& statistics);
int sweep_command(const SweepOptions& options, const std::string& command_line);
// The loaded sweep with its blocks run by `executor` (none: this machine's threads).
int run_sweep_command(Sweep sweep, const SweepOptions& options, const std::string& command_line,
                      const ChunkExecutor& executor);
// Whether mpirun (Open MPI, MPICH, Intel MPI) started this process.
bool launched_by_mpi();
// The sweep over MPI ranks (sweep_mpi.cpp); refused when built without MPI.
int sweep_mpi_command(const SweepOptions& options, const std::string& command_line);
int export_command(const ExportOptions& options);
int merge_command(const MergeOptions& options);
int discover_command(const DiscoverOptions& options);

}  // namespace steppe::cli
