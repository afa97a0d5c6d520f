// `steppe run`: one scenario, or an ensemble of it with --members, through app::run; prints a
// table for people (or the JSON summary) and writes the run's files atomically.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/interrupt.hpp"
#include "tools/steppe/progress.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

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
  Table table({"outcome", "value"});
  for (std::size_t index = 0; index < run.outcome_specs.size(); ++index)
    table.add_row(
        {run.outcome_specs[index].name, outcome_text(run.outcome_specs[index], run.outcomes[index], *run.scenario)});
  return table.render();
}

// Each outcome's median and 90% interval over the members; with first crossings, how many
// members never crossed (the statistics are of those that did).
std::string ensemble_table(const Scenario& scenario, const EnsembleResult& result,
                           const std::vector<OutcomeStatistics>& statistics) {
  const auto& specs = result.outcome_specs;
  const bool crossings =
      std::any_of(specs.begin(), specs.end(), [](const OutcomeSpec& spec) { return spec.is_month(); });
  std::vector<std::string> header = {"outcome", "median", "5%", "95%", "mean"};
  if (crossings) header.push_back("never");
  Table table(header);
  for (std::size_t index = 0; index < specs.size(); ++index) {
    const OutcomeSpec& outcome = specs[index];
    const OutcomeStatistics& s = statistics.at(index);
    auto text = [&](double value) { return outcome_text(outcome, value, scenario); };
    std::vector<std::string> row = {outcome.name, text(s.median), text(s.q05), text(s.q95), text(s.mean)};
    if (crossings) row.push_back(never_text(outcome, s));
    table.add_row(std::move(row));
  }
  return table.render();
}

int run_command(const RunOptions& options, const std::string& command_line) {
  const bool ensemble = options.ensemble.members > 1;
  const app::PreparedRun prepared = app::prepare_run({.scenario = options.scenario,
                                                      .load = options.scenario_options.load_options(ensemble),
                                                      .ensemble = options.ensemble,
                                                      .also_write = options.write,
                                                      .explain = options.explain,
                                                      .chart = options.chart.chart_options()});
  if (options.estimate) {
    print_memory_estimate(prepared.memory, prepared.trajectories_file_bytes, options.json);
    return 0;
  }
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / prepared.folder
                                          : std::filesystem::path(options.out));
  ProgressBar bar(options.ensemble.members, "members");
  const app::RunResult result =
      app::run(prepared, {.progress = [&](std::int64_t done) { bar.update(done); }, .cancel = interrupt_flag()});
  if (result.cancelled()) throw Interrupted{};

  const Provenance provenance{STEPPE_VERSION, command_line};
  const std::vector<app::OutputFile> files = app::output_files(result, provenance);
  const auto written = write_files(folder, files);
  print_warnings(result.warnings, options.quiet);
  if (printed_for_machines(options.quiet, options.json, written, "summary.json")) return 0;

  const Scenario& scenario = result.scenario();
  std::string title = scenario.title.empty() ? prepared.label : scenario.title;
  if (!scenario.changes.empty()) title += fmt::format(" with {}", fmt::join(scenario.changes, ", "));
  if (ensemble) {
    std::cout << fmt::format("{} — {}, {} members, {} months from {}, seed {}{}\n\n", title, scenario.model_name,
                             result.ensemble->members, scenario.months, scenario.start.to_string(), scenario.seed,
                             scenario.stochastic ? ", stochastic" : ", deterministic");
    std::cout << ensemble_table(scenario, *result.ensemble, result.statistics);
  } else {
    std::cout << fmt::format("{} — {}, {} months from {}, seed {}{}\n\n", title, scenario.model_name, scenario.months,
                             scenario.start.to_string(), scenario.seed, scenario.stochastic ? ", stochastic" : "");
    std::cout << state_table(*result.run) << "\n" << outcome_table(*result.run);
  }
  print_written(written);
  return 0;
}

std::string opt_in_files() {
  std::string files;
  for (const auto& writer : app::output_writers<app::RunResult>())
    if (!writer.by_default) files += (files.empty() ? "" : ", ") + writer.file;
  return files;
}

const CommandRegistration run_registration(10, [](CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  RunOptions& run = *options;
  auto* run_app = app.add_subcommand(
      "run", "Run one scenario, or an ensemble of it with --members: tables, CSV, JSON and an SVG chart");
  run_app->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  add_scenario_options(*run_app, run.scenario_options);
  add_ensemble_options(*run_app, run.ensemble);
  add_chart_options(*run_app, run.chart);
  run_app->add_flag("--keep-trajectories", run.ensemble.keep_trajectories,
                    "With --members: also write every member's trajectory (trajectories.csv)");
  run_app->add_flag("--explain", run.explain,
                    "Also write every month's lever settings and derived quantities (visibility, support, ...) "
                    "into trajectories.csv: a single run only");
  run_app->add_option("--write", run.write, "Also write this file (repeatable): " + opt_in_files())->type_name("FILE");
  run_app->add_option("--out", run.out,
                      "Folder for the output files (default: out/<scenario>, or out/<scenario>+<changes> with "
                      "--set, --event or --jump)");
  run_app->add_flag("--estimate", run.estimate,
                    "Print the ensemble's memory estimate, and what is available, and stop");
  run_app->add_flag("--json", run.json, "Print the JSON summary instead of tables");
  run_app->add_flag("--quiet,-q", run.quiet, "Print nothing but errors (and the JSON with --json)");
  return Command{run_app, [options](const std::string& command_line) { return run_command(*options, command_line); }};
});

}  // namespace

}  // namespace steppe::cli
