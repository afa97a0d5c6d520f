// `steppe compare`: two scenarios, or two ensembles with --members (common random numbers),
// through app::compare; prints the outcomes side by side (or the JSON comparison) and writes
// the comparison's files atomically.
#include <fmt/format.h>

#include <cmath>
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

std::string runs_table(const app::ComparisonResult& result) {
  const app::PreparedComparison& p = result.prepared;
  Table table({"outcome", p.label_a, p.label_b, p.label_b + " − " + p.label_a});
  for (const app::OutcomeComparison& outcome : result.outcomes) {
    const double difference = outcome.b - outcome.a;
    const bool is_date = outcome.spec().is_month();
    table.add_row({outcome.name, outcome.spec_a ? outcome_text(*outcome.spec_a, outcome.a, *p.a) : "—",
                   outcome.spec_b ? outcome_text(*outcome.spec_b, outcome.b, *p.b) : "—",
                   is_date && std::isfinite(difference) ? fmt::format("{:+g} months", difference)
                                                        : format_for_people(difference, true)});
  }
  return table.render();
}

std::string ensembles_table(const app::ComparisonResult& result) {
  const app::PreparedComparison& p = result.prepared;
  Table table({"outcome", p.label_a + " median", p.label_b + " median", "difference (90% interval)", "P(B > A)"});
  for (const app::OutcomeComparison& outcome : result.outcomes) {
    const OutcomeStatistics& d = outcome.difference;
    table.add_row(
        {outcome.name, format_for_people(outcome.a_statistics.median), format_for_people(outcome.b_statistics.median),
         fmt::format("{} ({} to {})", format_for_people(d.median, true), format_for_people(d.q05, true),
                     format_for_people(d.q95, true)),
         std::isfinite(outcome.probability_b_greater) ? fmt::format("{:.3f}", outcome.probability_b_greater) : "—"});
  }
  return table.render();
}

int compare_command(const CompareOptions& options, const std::string& command_line) {
  const bool ensembles = options.ensemble.members > 1;
  const app::PreparedComparison prepared =
      app::prepare_comparison({.scenario_a = options.scenario_a,
                               .scenario_b = options.scenario_b,
                               .load = options.scenario_options.load_options(ensembles),
                               .ensemble = options.ensemble,
                               .chart = options.chart.chart_options()});
  if (options.estimate) {
    print_memory_estimate(prepared.memory, 0, options.json);
    return 0;
  }
  OutputFolder folder(options.out.empty()
                          ? std::filesystem::path("out") / (prepared.label_a + "-vs-" + prepared.label_b)
                          : std::filesystem::path(options.out));
  ProgressBar bar(2 * options.ensemble.members, "members");
  const app::ComparisonResult result =
      app::compare(prepared, {.progress = [&](std::int64_t done) { bar.update(done); }, .cancel = interrupt_flag()});
  if (result.cancelled) throw Interrupted{};

  const Provenance provenance{STEPPE_VERSION, command_line};
  const std::vector<app::OutputFile> files = app::output_files(result, provenance);
  const auto written = write_files(folder, files);
  print_warnings(result.warnings, options.quiet);
  if (printed_for_machines(options.quiet, options.json, written, "comparison.json")) return 0;
  std::cout << fmt::format("A: {} ({})\nB: {} ({})\n", prepared.label_a, options.scenario_a, prepared.label_b,
                           options.scenario_b);
  if (ensembles)
    std::cout << fmt::format("{} members each, common random numbers\n\n", options.ensemble.members)
              << ensembles_table(result);
  else
    std::cout << "\n" << runs_table(result);
  print_written(written);
  return 0;
}

const CommandRegistration compare_registration(20, [](CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CompareOptions& compare = *options;
  auto* compare_app =
      app.add_subcommand("compare", "Run two scenarios (or two ensembles) and show their outcomes side by side");
  compare_app->add_option("a", compare.scenario_a, "First scenario (A)")->required();
  compare_app->add_option("b", compare.scenario_b, "Second scenario (B)")->required();
  add_scenario_options(*compare_app, compare.scenario_options);
  add_ensemble_options(*compare_app, compare.ensemble);
  add_chart_options(*compare_app, compare.chart);
  compare_app->add_option("--out", compare.out, "Folder for the output files (default: out/<a>-vs-<b>)");
  compare_app->add_flag("--estimate", compare.estimate,
                        "Print the ensembles' memory estimate, and what is available, and stop");
  compare_app->add_flag("--json", compare.json, "Print the JSON comparison instead of tables");
  compare_app->add_flag("--quiet,-q", compare.quiet, "Print nothing but errors");
  return Command{compare_app,
                 [options](const std::string& command_line) { return compare_command(*options, command_line); }};
});

}  // namespace

}  // namespace steppe::cli
