#include "app/what_if.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string_view>

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
  options.bands = settings.bands;
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

std::vector<OutcomeComparison> compare_runs(const std::vector<WhatIfRun>& runs, const std::vector<std::string>& names) {
  std::vector<OutcomeComparison> outcomes;
  for (const std::string& name : names) {
    OutcomeComparison outcome{.name = name};
    for (const WhatIfRun& run : runs) {
      std::size_t column = 0;
      outcome.specs.push_back(spec_named(run.outcome_specs, name, column));
      outcome.values.push_back(outcome.specs.back() ? run.outcomes[column] : std::nan(""));
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

// Member i of every side shares its random streams (the same seed and index), so differences are
// taken member by member: common random numbers.
std::vector<OutcomeComparison> compare_ensembles(const std::vector<EnsembleResult>& ensembles,
                                                 const std::vector<std::string>& names) {
  std::vector<OutcomeComparison> outcomes;
  for (const std::string& name : names) {
    OutcomeComparison outcome{.name = name};
    std::vector<std::size_t> columns(ensembles.size());
    for (std::size_t side = 0; side < ensembles.size(); ++side)
      outcome.specs.push_back(spec_named(ensembles[side].outcome_specs, name, columns[side]));
    if (std::any_of(outcome.specs.begin(), outcome.specs.end(), [](const auto& spec) { return !spec; }))
      continue;  // an actor only some sides have
    const auto column = [&](std::size_t side) {
      return ensembles[side].outcomes.col(static_cast<Eigen::Index>(columns[side]));
    };
    for (std::size_t side = 0; side < ensembles.size(); ++side) {
      const MemberColumn values = column(side), difference = values - column(0);
      outcome.statistics.push_back(outcome_statistics({values.begin(), values.end()}));
      outcome.differences.push_back(outcome_statistics({difference.begin(), difference.end()}));
      std::int64_t compared = 0, higher = 0;
      for (Eigen::Index member = 0; member < difference.size(); ++member) {
        if (std::isnan(difference(member))) continue;
        ++compared;
        higher += difference(member) > 0;
      }
      outcome.probability_greater.push_back(compared ? static_cast<double>(higher) / static_cast<double>(compared)
                                                     : std::nan(""));
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

// A Control's cancel flag, seen while an attribution runs its scenarios.
struct Cancelled {};

// The outcomes `specs` of one run of `scenario` (a single run), or their means over the members
// (an ensemble, members as the comparison's).
std::vector<double> outcome_worth(std::shared_ptr<const Scenario> scenario, const std::vector<OutcomeSpec>& specs,
                                  const EnsembleSettings& settings, const Control& control) {
  if (control.cancel && control.cancel->load()) throw Cancelled{};
  if (settings.members == 1) return run_what_if(std::move(scenario), specs).outcomes;
  EnsembleSettings quiet = settings;
  quiet.keep_trajectories = false;
  const EnsembleResult ensemble = run_ensemble_of(std::move(scenario), quiet, {.cancel = control.cancel}, specs);
  if (ensemble.cancelled) throw Cancelled{};
  std::vector<double> means;
  for (Eigen::Index column = 0; column < ensemble.outcomes.cols(); ++column) {
    const auto values = ensemble.outcomes.col(column);
    means.push_back(outcome_statistics({values.begin(), values.end()}).mean);
  }
  return means;
}

Attribution attribute(const PreparedComparison& prepared, std::size_t side, const std::vector<std::string>& names,
                      const Control& control) {
  const Scenario& first = *prepared.scenarios.front();
  const Scenario& second = *prepared.scenarios[side];
  Attribution attribution{.settings = prepared.differences[side - 1], .outcomes = names};
  const std::vector<OutcomeSpec> specs = measurable(first, names);
  attribution.values = shapley_values(
      static_cast<int>(attribution.settings.size()),
      [&](const Coalition& coalition) {
        return outcome_worth(scenario_between(first, second, attribution.settings, coalition), specs, prepared.ensemble,
                             control);
      },
      prepared.attribution);
  return attribution;
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

// A folder name made of a label and changes: "calibrated+USA.air_link=1@2030-01". Characters a
// shell or a file system would trip on become '_'; a name too long for comfort keeps its start
// and a hash of the whole, so that different changes still get different folders.
std::string folder_name(const std::string& text) {
  std::string name;
  for (const char c : text)
    name += std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._=@+-").find(c) != std::string_view::npos
                ? c
                : '_';
  constexpr std::size_t longest = 160;  // file systems allow 255 bytes
  if (name.size() > longest)
    name = fmt::format("{}-{:08x}", name.substr(0, 140), std::hash<std::string>{}(text)&0xffffffffU);
  return name;
}

// A scenario's label with its command-line changes: "calibrated+USA.air_link=1+CHN.hawkishness=0.9".
std::string label_with_changes(const std::string& label, const Scenario& scenario) {
  std::string text = label;
  for (const std::string& change : scenario.changes) text += "+" + change;
  return text;
}

// --explain keeps one run's levers and derived quantities month by month; an ensemble's members
// would each need their own.
void refuse_explained_ensemble(bool explain, std::int64_t members) {
  if (explain && members > 1)
    throw InputError({"<command line>"}, "--explain",
                     fmt::format("explains a single run, not an ensemble of {} members: leave out --members to "
                                 "see one run's levers and derived quantities",
                                 members));
}

std::shared_ptr<const Scenario> load_checked(const std::string& file, const LoadOptions& load) {
  auto scenario = load_scenario(file, load);
  // A sweep file runs as a scenario too; its sweep section is checked all the same, so a
  // mistake in it is found now and not when the sweep is run.
  if (scenario->has_sweep) load_sweep(file, load);
  return scenario;
}

}  // namespace

namespace {

// prepare_run with the scenario from `scenario()`, called once the request's other checks passed.
PreparedRun prepare_run_of(const RunRequest& request,
                           const std::function<std::shared_ptr<const Scenario>()>& scenario) {
  PreparedRun prepared{.label = stem(request.scenario),
                       .ensemble = request.ensemble,
                       .also_write = request.also_write,
                       .explain = request.explain,
                       .chart = request.chart};
  check_opt_in_writers<RunResult>(prepared, prepared.also_write);
  refuse_explained_ensemble(request.explain, request.ensemble.members);
  prepared.scenario = scenario();
  prepared.folder = folder_name(label_with_changes(prepared.label, *prepared.scenario));
  const EnsembleSettings& ensemble = request.ensemble;
  if (ensemble.members == 1) return prepared;
  if (ensemble.keep_trajectories && request.trajectories_file) {
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

}  // namespace

PreparedRun prepare_run(const RunRequest& request) {
  return prepare_run_of(request, [&] { return load_checked(request.scenario, request.load); });
}

PreparedRun prepare_run(const RunRequest& request, std::shared_ptr<const Scenario> loaded) {
  return prepare_run_of(request, [&] { return std::move(loaded); });
}

RunResult run(const PreparedRun& prepared, const Control& control) {
  RunResult result{.prepared = prepared};
  if (prepared.ensemble.members > 1) {
    result.ensemble = run_ensemble_of(prepared.scenario, prepared.ensemble, control);
    if (!result.ensemble->cancelled) result.statistics = outcome_statistics(*result.ensemble);
    if (!result.ensemble->cancelled) warn_of_excursions(*prepared.scenario, *result.ensemble, "", result.warnings);
  } else {
    result.run = run_what_if(prepared.scenario, prepared.scenario->outcomes, prepared.explain);
    check_finite(*result.run);
    warn_of_excursions(*prepared.scenario, result.run->months, "", result.warnings);
  }
  return result;
}

std::string side_letter(std::size_t side) {
  std::string letters;
  for (std::size_t rest = side + 1; rest > 0; rest = (rest - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (rest - 1) % 26));
  return letters;
}

const OutcomeSpec& OutcomeComparison::spec() const {
  for (const auto& spec : specs)
    if (spec) return *spec;
  throw std::logic_error("an outcome compared that no side measures: " + name);
}

PreparedComparison prepare_comparison(const CompareRequest& request) {
  if (request.sides.size() < 2)
    throw InputError({"<command line>"}, "compare",
                     "needs two or more scenarios, or a scenario and --with changes to compare it with");
  PreparedComparison prepared{.ensemble = request.ensemble,
                              .chart = request.chart,
                              .explain = request.explain,
                              .attribute = request.attribute,
                              .attribution = request.attribution};
  refuse_explained_ensemble(request.explain, request.ensemble.members);
  for (const ComparisonSide& side : request.sides) {
    LoadOptions load = request.load;
    load.overrides.insert(load.overrides.end(), side.changes.begin(), side.changes.end());
    prepared.scenarios.push_back(load_checked(side.scenario, load));
    prepared.files.push_back(side.scenario);
    std::vector<std::string> changes;
    for (const Override& change : side.changes) changes.push_back(change.text());
    prepared.labels.push_back(changes.empty() ? stem(side.scenario)
                                              : fmt::format("{} + {}", stem(side.scenario), fmt::join(changes, ", ")));
  }
  // Sides that would read the same are told apart by their letters.
  const std::vector<std::string> plain = prepared.labels;
  for (std::size_t side = 0; side < prepared.sides(); ++side)
    if (std::count(plain.begin(), plain.end(), plain[side]) > 1)
      prepared.labels[side] = side_letter(side) + ": " + plain[side];

  std::vector<std::string> folder_parts;
  for (std::size_t side = 0; side < prepared.sides(); ++side)
    folder_parts.push_back(label_with_changes(stem(prepared.files[side]), *prepared.scenarios[side]));
  prepared.folder = folder_name(fmt::format("{}", fmt::join(folder_parts, "-vs-")));

  for (const auto& scenario : prepared.scenarios)
    for (const OutcomeSpec& outcome : scenario->outcomes)
      if (std::find(prepared.outcome_names.begin(), prepared.outcome_names.end(), outcome.name) ==
          prepared.outcome_names.end())
        prepared.outcome_names.push_back(outcome.name);
  const Scenario& first = *prepared.scenarios.front();
  for (std::size_t side = 1; side < prepared.sides(); ++side) {
    const Scenario& other = *prepared.scenarios[side];
    if (other.start != first.start)
      throw InputError({prepared.files[side]}, "start",
                       fmt::format("starts {} but the first scenario starts {}: compare scenarios month by month "
                                   "only from the same start",
                                   other.start.to_string(), first.start.to_string()));
    if (request.attribute) prepared.differences.push_back(setting_differences(first, other, prepared.files[side]));
  }
  if (prepared.ensemble.members > 1) {
    std::vector<const Scenario*> scenarios;
    for (const auto& scenario : prepared.scenarios) scenarios.push_back(scenario.get());
    prepared.memory = memory_estimate(scenarios, prepared.ensemble, prepared.outcome_names.size());
  }
  return prepared;
}

ComparisonResult compare(const PreparedComparison& prepared, const Control& control) {
  ComparisonResult result{.prepared = prepared};
  const auto& names = prepared.outcome_names;
  // Every side measures every outcome any side names, where its actors allow.
  if (prepared.ensemble.members > 1) {
    for (std::size_t side = 0; side < prepared.sides(); ++side) {
      Control counted = control;  // progress counts on from the earlier sides' members
      if (control.progress)
        counted.progress = [&, side](std::int64_t done) {
          control.progress(static_cast<std::int64_t>(side) * prepared.ensemble.members + done);
        };
      const auto& scenario = prepared.scenarios[side];
      result.ensembles.push_back(run_ensemble_of(scenario, prepared.ensemble, counted, measurable(*scenario, names)));
      if ((result.cancelled = result.ensembles.back().cancelled)) return result;
      warn_of_excursions(*scenario, result.ensembles.back(), side_letter(side) + ": ", result.warnings);
    }
    result.outcomes = compare_ensembles(result.ensembles, names);
  } else {
    for (std::size_t side = 0; side < prepared.sides(); ++side) {
      const auto& scenario = prepared.scenarios[side];
      result.runs.push_back(run_what_if(scenario, measurable(*scenario, names), prepared.explain));
      check_finite(result.runs.back());
      warn_of_excursions(*scenario, result.runs.back().months, side_letter(side) + ": ", result.warnings);
    }
    result.outcomes = compare_runs(result.runs, names);
  }
  if (!prepared.attribute) return result;
  // Every side has the first's actors, so every outcome compared is measured on each.
  std::vector<std::string> attributed;
  for (const OutcomeComparison& outcome : result.outcomes) attributed.push_back(outcome.name);
  try {
    for (std::size_t side = 1; side < prepared.sides(); ++side)
      result.attributions.push_back(attribute(prepared, side, attributed, control));
  } catch (const Cancelled&) {
    result.cancelled = true;
  }
  return result;
}

std::shared_ptr<const Scenario> validate(const std::string& file, const LoadOptions& load) {
  return load_checked(file, load);
}

}  // namespace steppe::app
