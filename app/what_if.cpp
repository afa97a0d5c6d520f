#include "app/what_if.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "app/output_writers.hpp"
#include "engine/errors.hpp"
#include "engine/io/machine_memory.hpp"
#include "engine/io/sweep_loader.hpp"
#include "engine/range_excursions.hpp"

namespace steppe::app {

namespace {

// A run whose state turned non-finite has failed, whatever it would write.
void check_finite(const WhatIfRun& run) {
  for (std::size_t month = 0; month < run.months.size(); ++month)
    for (Eigen::Index slot = 0; slot < run.months[month].cols(); ++slot)
      if (!run.months[month].col(slot).allFinite())
        throw NonFiniteState(*run.scenario, static_cast<int>(slot), static_cast<int>(month));
}

// Each variable that left its declared range, in words, led by `side`.
template <class Run>
void warn_of_excursions(const Scenario& scenario, const Run& run, const std::string& side,
                        std::vector<std::string>& warnings) {
  for (const RangeExcursion& excursion : range_excursions(scenario, run))
    warnings.push_back(side + excursion_text(scenario, excursion));
}

// An ensemble of these settings measuring `outcomes` (empty: the scenario's).
EnsembleOptions ensemble_options(const EnsembleSettings& settings, std::vector<OutcomeSpec> outcomes = {}) {
  EnsembleOptions options;
  options.outcomes = std::move(outcomes);
  options.members = settings.members;
  options.threads = settings.threads;
  options.block_size = settings.block_size;
  options.keep_trajectories = settings.keep_trajectories;
  return options;
}

EnsembleResult run_ensemble_of(std::shared_ptr<const Scenario> scenario, const EnsembleSettings& settings,
                               const Control& control, std::vector<OutcomeSpec> outcomes = {}) {
  EnsembleOptions options = ensemble_options(settings, std::move(outcomes));
  options.progress = control.progress;
  options.cancel = control.cancel;
  return run_ensemble(std::move(scenario), options);
}

// The outcomes named, as far as this scenario has the variables they measure.
std::vector<OutcomeSpec> measurable(const Scenario& scenario, const std::vector<std::string>& names) {
  std::vector<OutcomeSpec> specs;
  for (const std::string& name : names) {
    std::string error;
    if (auto spec = parse_outcome(name, *scenario.layout, error)) specs.push_back(*spec);
  }
  return specs;
}

template <class Specs>
std::optional<OutcomeSpec> spec_named(const Specs& specs, const std::string& name, std::size_t& column) {
  for (column = 0; column < specs.size(); ++column)
    if (specs[column].name == name) return specs[column];
  return std::nullopt;
}

std::vector<OutcomeComparison> compare_runs(const WhatIfRun& a, const WhatIfRun& b,
                                            const std::vector<std::string>& names) {
  std::vector<OutcomeComparison> outcomes;
  for (const std::string& name : names) {
    OutcomeComparison outcome{.name = name};
    std::size_t column = 0;
    outcome.spec_a = spec_named(a.outcome_specs, name, column);
    outcome.a = outcome.spec_a ? a.outcomes[column] : std::nan("");
    outcome.spec_b = spec_named(b.outcome_specs, name, column);
    outcome.b = outcome.spec_b ? b.outcomes[column] : std::nan("");
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

// Member i of A and member i of B share their random streams (the same seed and index), so the
// difference is taken member by member: common random numbers.
std::vector<OutcomeComparison> compare_ensembles(const EnsembleResult& a, const EnsembleResult& b,
                                                 const std::vector<std::string>& names) {
  std::vector<OutcomeComparison> outcomes;
  for (const std::string& name : names) {
    OutcomeComparison outcome{.name = name};
    std::size_t column_a = 0, column_b = 0;
    outcome.spec_a = spec_named(a.outcome_specs, name, column_a);
    outcome.spec_b = spec_named(b.outcome_specs, name, column_b);
    if (!outcome.spec_a || !outcome.spec_b) continue;  // an actor only one scenario has
    const auto values_a = a.outcomes.col(static_cast<Eigen::Index>(column_a));
    const auto values_b = b.outcomes.col(static_cast<Eigen::Index>(column_b));
    const MemberColumn difference = values_b - values_a;
    outcome.a_statistics = outcome_statistics({values_a.begin(), values_a.end()});
    outcome.b_statistics = outcome_statistics({values_b.begin(), values_b.end()});
    outcome.difference = outcome_statistics({difference.begin(), difference.end()});
    std::int64_t compared = 0, b_higher = 0;
    for (Eigen::Index member = 0; member < difference.size(); ++member) {
      if (std::isnan(difference(member))) continue;
      ++compared;
      b_higher += difference(member) > 0;
    }
    outcome.probability_b_greater =
        compared ? static_cast<double>(b_higher) / static_cast<double>(compared) : std::nan("");
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace

std::string bytes_text(std::size_t bytes) {
  const auto value = static_cast<double>(bytes);
  if (value >= 1e9) return fmt::format("{:.1f} GB", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.0f} MB", value / 1e6);
  return fmt::format("{:.0f} kB", value / 1e3);
}

std::string stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

namespace {

// The estimate for ensembles of these scenarios, run one after the other and all kept.
MemoryEstimate memory_estimate(const std::vector<const Scenario*>& scenarios, const EnsembleSettings& settings,
                               std::size_t outcomes) {
  MemoryEstimate memory{.process = resident_bytes(),
                        .summary = static_cast<std::size_t>(settings.members) * sizeof(double),
                        .available = available_bytes()};
  for (const Scenario* scenario : scenarios) {
    const EnsembleFootprint footprint = ensemble_footprint(
        *scenario,
        ensemble_options(settings, std::vector<OutcomeSpec>(outcomes ? outcomes : scenario->outcomes.size())));
    memory.ensembles.members += footprint.members;
    memory.ensembles.trajectories += footprint.trajectories;
    memory.ensembles.per_thread += footprint.per_thread;
    memory.ensembles.threads = footprint.threads;
  }
  if (!memory.fits() && !settings.confirmed)
    throw std::runtime_error(fmt::format(
        "{} members need about {} of memory at the height of the run, but {} is available: use fewer members{}, "
        "or add --yes to run anyway",
        settings.members, bytes_text(memory.total()), bytes_text(*memory.available),
        settings.keep_trajectories ? " or leave out --keep-trajectories" : ""));
  return memory;
}

// About what trajectories.csv takes: a row per month, member and variable, each value taken as
// twenty characters (a double's shortest round trip is at most 24, usually 17–20).
std::size_t trajectories_file_bytes(const Scenario& scenario, std::int64_t members) {
  const std::size_t date_member = 8 + fmt::formatted_size("{},", members);
  std::size_t per_member_month = 0;
  for (const auto& variable : scenario.layout->state())
    if (!variable.decl->internal)
      per_member_month += date_member + variable.actor.size() + variable.variable.size() + 23;
  return per_member_month * static_cast<std::size_t>(scenario.months + 1) * static_cast<std::size_t>(members);
}

std::shared_ptr<const Scenario> load_checked(const std::string& file, const LoadOptions& load) {
  auto scenario = load_scenario(file, load);
  // A sweep file runs as a scenario too; its sweep section is checked all the same, so a
  // mistake in it is found now and not when the sweep is run.
  if (scenario->has_sweep) load_sweep(file, load);
  return scenario;
}

}  // namespace

PreparedRun prepare_run(const RunRequest& request) {
  PreparedRun prepared{.label = stem(request.scenario),
                       .ensemble = request.ensemble,
                       .also_write = request.also_write,
                       .chart = request.chart};
  check_opt_in_writers<RunResult>(prepared, prepared.also_write);
  prepared.scenario = load_checked(request.scenario, request.load);
  const EnsembleSettings& ensemble = request.ensemble;
  if (ensemble.members == 1) return prepared;
  if (ensemble.keep_trajectories) {
    prepared.trajectories_file_bytes = trajectories_file_bytes(*prepared.scenario, ensemble.members);
    if (prepared.trajectories_file_bytes > 1'000'000'000 && !ensemble.confirmed)
      throw InputError({"<command line>"}, "--keep-trajectories",
                       fmt::format("every member's trajectory would take about {} as trajectories.csv; add --yes to "
                                   "confirm, or use fewer members",
                                   bytes_text(prepared.trajectories_file_bytes)));
  }
  prepared.memory = memory_estimate({prepared.scenario.get()}, ensemble, 0);
  return prepared;
}

RunResult run(const PreparedRun& prepared, const Control& control) {
  RunResult result{.prepared = prepared};
  if (prepared.ensemble.members > 1) {
    result.ensemble = run_ensemble_of(prepared.scenario, prepared.ensemble, control);
    if (!result.ensemble->cancelled) warn_of_excursions(*prepared.scenario, *result.ensemble, "", result.warnings);
  } else {
    result.run = run_what_if(prepared.scenario);
    check_finite(*result.run);
    warn_of_excursions(*prepared.scenario, result.run->months, "", result.warnings);
  }
  return result;
}

PreparedComparison prepare_comparison(const CompareRequest& request) {
  PreparedComparison prepared{.a = load_checked(request.scenario_a, request.load),
                              .b = load_checked(request.scenario_b, request.load),
                              .label_a = stem(request.scenario_a),
                              .label_b = stem(request.scenario_b),
                              .ensemble = request.ensemble,
                              .chart = request.chart};
  if (prepared.label_a == prepared.label_b) prepared.label_a = "A", prepared.label_b = "B";
  for (const auto* scenario : {prepared.a.get(), prepared.b.get()})
    for (const OutcomeSpec& outcome : scenario->outcomes)
      if (std::find(prepared.outcome_names.begin(), prepared.outcome_names.end(), outcome.name) ==
          prepared.outcome_names.end())
        prepared.outcome_names.push_back(outcome.name);
  if (prepared.ensemble.members > 1)
    prepared.memory =
        memory_estimate({prepared.a.get(), prepared.b.get()}, prepared.ensemble, prepared.outcome_names.size());
  if (prepared.a->start != prepared.b->start)
    throw InputError({request.scenario_b}, "start",
                     fmt::format("starts {} but the first scenario starts {}: compare scenarios month by month "
                                 "only from the same start",
                                 prepared.b->start.to_string(), prepared.a->start.to_string()));
  return prepared;
}

ComparisonResult compare(const PreparedComparison& prepared, const Control& control) {
  ComparisonResult result{.prepared = prepared};
  const auto& names = prepared.outcome_names;
  // Both sides measure every outcome either scenario names, where its actors allow.
  if (prepared.ensemble.members > 1) {
    result.ensemble_a = run_ensemble_of(prepared.a, prepared.ensemble, control, measurable(*prepared.a, names));
    if ((result.cancelled = result.ensemble_a->cancelled)) return result;
    Control second = control;  // progress counts on from A's members
    if (control.progress)
      second.progress = [&](std::int64_t done) { control.progress(prepared.ensemble.members + done); };
    result.ensemble_b = run_ensemble_of(prepared.b, prepared.ensemble, second, measurable(*prepared.b, names));
    if ((result.cancelled = result.ensemble_b->cancelled)) return result;
    result.outcomes = compare_ensembles(*result.ensemble_a, *result.ensemble_b, names);
    warn_of_excursions(*prepared.a, *result.ensemble_a, "A: ", result.warnings);
    warn_of_excursions(*prepared.b, *result.ensemble_b, "B: ", result.warnings);
  } else {
    result.run_a = run_what_if(prepared.a, measurable(*prepared.a, names));
    result.run_b = run_what_if(prepared.b, measurable(*prepared.b, names));
    check_finite(*result.run_a);
    check_finite(*result.run_b);
    result.outcomes = compare_runs(*result.run_a, *result.run_b, names);
    warn_of_excursions(*prepared.a, result.run_a->months, "A: ", result.warnings);
    warn_of_excursions(*prepared.b, result.run_b->months, "B: ", result.warnings);
  }
  return result;
}

std::shared_ptr<const Scenario> validate(const std::string& file, const LoadOptions& load) {
  return load_checked(file, load);
}

}  // namespace steppe::app
