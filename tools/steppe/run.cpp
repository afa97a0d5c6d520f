// `steppe run`, `steppe compare` and `steppe validate`: load scenarios, run them, print tables
// for people (or JSON), and write the result files atomically.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>

#include "engine/io/output_files.hpp"
#include "engine/io/results.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

LoadOptions ScenarioOptions::load_options(bool ensemble) const {
  LoadOptions options;
  if (ensemble) options.stochastic = true;
  for (const std::string& text : set) options.overrides.push_back(parse_override(text));
  if (months > 0) options.months = months;
  if (!seed.empty()) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), value);
    if (error != std::errc() || end != seed.data() + seed.size())
      throw InputError({"--seed"}, "seed",
                       fmt::format("expected a whole number from 0 to {}, got '{}'",
                                   std::numeric_limits<std::uint64_t>::max(), seed));
    options.seed = value;
  }
  if (stochastic) options.stochastic = true;
  if (deterministic) options.stochastic = false;
  return options;
}

namespace {

// A run whose state turned non-finite has failed (exit 1), whatever it wrote.
void check_finite(const WhatIfRun& run) {
  for (std::size_t month = 0; month < run.months.size(); ++month)
    if (!run.months[month].allFinite())
      throw std::runtime_error(fmt::format("the run produced a non-finite state at month {} ({})", month,
                                           run.scenario->date(static_cast<int>(month)).to_string()));
}

// The value of the outcome named `name` in a run, with its spec; null when the run lacks it.
const OutcomeSpec* find_outcome(const WhatIfRun& run, const std::string& name, double& value) {
  for (std::size_t index = 0; index < run.outcome_specs.size(); ++index)
    if (run.outcome_specs[index].name == name) {
      value = run.outcomes[index];
      return &run.outcome_specs[index];
    }
  return nullptr;
}

std::string state_table(const WhatIfRun& run) {
  const Scenario& scenario = *run.scenario;
  const Layout& layout = *scenario.layout;
  const int end = static_cast<int>(run.months.size()) - 1;
  Table table({"actor", "variable", scenario.date(0).to_string(), scenario.date(end).to_string(), "change"});
  for (int slot : headline_slots(layout)) {
    const double start_value = run.months.front()(0, slot), end_value = run.months.back()(0, slot);
    table.add_row({layout.state()[slot].actor, layout.state()[slot].variable, format_for_people(start_value),
                   format_for_people(end_value), format_for_people(end_value - start_value, true)});
  }
  return table.render();
}

std::string outcome_table(const WhatIfRun& run) {
  const Scenario& scenario = *run.scenario;
  Table table({"outcome", "value"});
  for (std::size_t index = 0; index < run.outcome_specs.size(); ++index)
    table.add_row(
        {run.outcome_specs[index].name, outcome_text(run.outcome_specs[index], run.outcomes[index], scenario)});
  return table.render();
}

}  // namespace

std::string outcome_text(const OutcomeSpec& outcome, double value, const Scenario& scenario) {
  switch (outcome.statistic) {
    case Statistic::first_above:
    case Statistic::first_below:
      return std::isfinite(value) ? scenario.date(static_cast<int>(value)).to_string() : "never";
    case Statistic::months_above:
    case Statistic::months_below:
      return fmt::format("{:g}", value);
    default:
      return format_for_people(value);
  }
}

std::vector<OutcomeSpec> union_of_outcomes(const Scenario& scenario, const std::vector<std::string>& names) {
  std::vector<OutcomeSpec> specs;
  for (const std::string& name : names) {
    std::string error;
    if (auto spec = parse_outcome(name, *scenario.layout, error)) specs.push_back(*spec);
  }
  return specs;
}

std::vector<std::string> outcome_names(const Scenario& a, const Scenario& b) {
  std::vector<std::string> names;
  for (const auto* scenario : {&a, &b})
    for (const OutcomeSpec& outcome : scenario->outcomes)
      if (std::find(names.begin(), names.end(), outcome.name) == names.end()) names.push_back(outcome.name);
  return names;
}

std::string stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

bool printed_for_machines(bool quiet, bool json, const nlohmann::json& document) {
  if (json && !quiet) std::cout << document.dump(2) << "\n";
  return quiet || json;
}

void print_written(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return;
  std::string names;
  for (const auto& file : files) names += (names.empty() ? "" : ", ") + file.filename().string();
  std::cout << fmt::format("\nwrote {}/ : {}\n", files.front().parent_path().string(), names);
}

std::pair<std::string, std::string> comparison_labels(const std::string& file_a, const std::string& file_b) {
  const std::string a = stem(file_a), b = stem(file_b);
  if (a == b) return {"A", "B"};
  return {a, b};
}

void require_same_start(const Scenario& a, const Scenario& b, const std::string& file_b) {
  if (a.start != b.start)
    throw InputError({file_b}, "start",
                     fmt::format("starts {} but the first scenario starts {}: compare scenarios month by month "
                                 "only from the same start",
                                 b.start.to_string(), a.start.to_string()));
}

Comparison::Comparison(const CompareOptions& options, bool ensemble)
    : a(load_scenario(options.scenario_a, options.scenario_options.load_options(ensemble))),
      b(load_scenario(options.scenario_b, options.scenario_options.load_options(ensemble))),
      label_a(comparison_labels(options.scenario_a, options.scenario_b).first),
      label_b(comparison_labels(options.scenario_a, options.scenario_b).second),
      outcome_names(steppe::cli::outcome_names(*a, *b)),
      folder(options.out.empty() ? std::filesystem::path("out") / (label_a + "-vs-" + label_b)
                                 : std::filesystem::path(options.out)) {
  require_same_start(*a, *b, options.scenario_b);
}

int run_command(const RunOptions& options, const std::string& command_line) {
  if (options.ensemble.members > 1) return run_ensemble_command(options, command_line);
  const auto scenario = load_scenario(options.scenario, options.scenario_options.load_options());
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.scenario)
                                          : std::filesystem::path(options.out));
  const WhatIfRun run = run_what_if(scenario);
  check_finite(run);

  const Provenance provenance{STEPPE_VERSION, command_line};
  const nlohmann::json summary = summary_json(run, provenance);
  folder.add("trajectories.csv", trajectories_csv(run));
  folder.add("summary.json", summary.dump(2) + "\n");
  folder.add("chart.svg", render_svg(indicator_chart({&run}, {stem(options.scenario)}, provenance)));
  const auto written = folder.commit();

  if (printed_for_machines(options.quiet, options.json, summary)) return 0;
  const std::string title = scenario->title.empty() ? stem(options.scenario) : scenario->title;
  std::cout << fmt::format("{} — {}, {} months from {}, seed {}{}\n\n", title, scenario->model_name, scenario->months,
                           scenario->start.to_string(), scenario->seed, scenario->stochastic ? ", stochastic" : "");
  std::cout << state_table(run) << "\n" << outcome_table(run);
  print_written(written);
  return 0;
}

int compare_command(const CompareOptions& options, const std::string& command_line) {
  if (options.ensemble.members > 1) return compare_ensembles_command(options, command_line);
  Comparison comparison_of(options, false);
  auto& [scenario_a, scenario_b, label_a, label_b, names, folder] = comparison_of;
  const WhatIfRun run_a = run_what_if(scenario_a, union_of_outcomes(*scenario_a, names));
  const WhatIfRun run_b = run_what_if(scenario_b, union_of_outcomes(*scenario_b, names));
  check_finite(run_a);
  check_finite(run_b);

  const Provenance provenance{STEPPE_VERSION, command_line};
  nlohmann::json comparison;
  comparison["steppe_version"] = provenance.steppe_version;
  comparison["command"] = provenance.command;
  comparison["a"] = summary_json(run_a, provenance);
  comparison["b"] = summary_json(run_b, provenance);
  nlohmann::json differences = nlohmann::json::object();
  Table table({"outcome", label_a, label_b, label_b + " − " + label_a});
  for (const std::string& name : names) {
    double a = std::nan(""), b = std::nan("");
    const OutcomeSpec* in_a = find_outcome(run_a, name, a);
    const OutcomeSpec* in_b = find_outcome(run_b, name, b);
    differences[name] = std::isfinite(b - a) ? nlohmann::json(b - a) : nlohmann::json(nullptr);
    const bool is_date = (in_a ? in_a : in_b)->statistic == Statistic::first_above ||
                         (in_a ? in_a : in_b)->statistic == Statistic::first_below;
    table.add_row(
        {name, in_a ? outcome_text(*in_a, a, *scenario_a) : "—", in_b ? outcome_text(*in_b, b, *scenario_b) : "—",
         is_date && std::isfinite(b - a) ? fmt::format("{:+g} months", b - a) : format_for_people(b - a, true)});
  }
  comparison["difference_b_minus_a"] = differences;

  folder.add("comparison.json", comparison.dump(2) + "\n");
  folder.add("trajectories_a.csv", trajectories_csv(run_a));
  folder.add("trajectories_b.csv", trajectories_csv(run_b));
  folder.add("chart.svg", render_svg(indicator_chart({&run_a, &run_b}, {label_a, label_b}, provenance)));
  const auto written = folder.commit();

  if (printed_for_machines(options.quiet, options.json, comparison)) return 0;
  std::cout << fmt::format("A: {} ({})\nB: {} ({})\n\n", label_a, options.scenario_a, label_b, options.scenario_b);
  std::cout << table.render();
  print_written(written);
  return 0;
}

int validate_command(const ValidateOptions& options) {
  int status = 0;
  for (const std::string& file : options.scenarios) {
    try {
      const auto scenario = load_scenario(file, options.scenario_options.load_options());
      if (!options.quiet)
        std::cout << fmt::format("{}: ok ({}, {} actors, {} months from {})\n", file, scenario->model_name,
                                 scenario->layout->actors().size(), scenario->months, scenario->start.to_string());
    } catch (const InputError& error) {
      std::cerr << error.what() << "\n";
      status = 2;
    }
  }
  return status;
}

namespace {

const CommandRegistration run_registration(10, [](CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  RunOptions& run = *options;
  auto* run_command_app = app.add_subcommand(
      "run", "Run one scenario, or an ensemble of it with --members: tables, CSV, JSON and an SVG chart");
  run_command_app->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  add_scenario_options(*run_command_app, run.scenario_options);
  add_ensemble_options(*run_command_app, run.ensemble);
  run_command_app->add_flag("--keep-trajectories", run.ensemble.keep_trajectories,
                            "With --members: also write every member's trajectory (trajectories.csv)");
  run_command_app->add_flag("--yes", run.ensemble.yes, "Confirm --keep-trajectories above 1 GB");
  run_command_app->add_option("--out", run.out, "Folder for the output files (default: out/<scenario>)");
  run_command_app->add_flag("--json", run.json, "Print the JSON summary instead of tables");
  run_command_app->add_flag("--quiet,-q", run.quiet, "Print nothing but errors");
  return Command{run_command_app,
                 [options](const std::string& command_line) { return run_command(*options, command_line); }};
});

const CommandRegistration compare_registration(20, [](CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CompareOptions& compare = *options;
  auto* compare_app =
      app.add_subcommand("compare", "Run two scenarios (or two ensembles) and show their outcomes side by side");
  compare_app->add_option("a", compare.scenario_a, "First scenario (A)")->required();
  compare_app->add_option("b", compare.scenario_b, "Second scenario (B)")->required();
  add_scenario_options(*compare_app, compare.scenario_options);
  add_ensemble_options(*compare_app, compare.ensemble);
  compare_app->add_option("--out", compare.out, "Folder for the output files (default: out/<a>-vs-<b>)");
  compare_app->add_flag("--json", compare.json, "Print the JSON comparison instead of tables");
  compare_app->add_flag("--quiet,-q", compare.quiet, "Print nothing but errors");
  return Command{compare_app,
                 [options](const std::string& command_line) { return compare_command(*options, command_line); }};
});

const CommandRegistration validate_registration(40, [](CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  ValidateOptions& validate = *options;
  auto* validate_app = app.add_subcommand("validate", "Check scenarios without running them");
  validate_app->add_option("scenarios", validate.scenarios, "Scenario YAML files")->required();
  add_scenario_options(*validate_app, validate.scenario_options);
  validate_app->add_flag("--quiet,-q", validate.quiet, "Print nothing but errors");
  return Command{validate_app, [options](const std::string& command_line) { return validate_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
