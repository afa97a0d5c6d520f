// `steppe run --members N` and `steppe compare --members N`: ensembles under uncertainty, with
// a progress bar, Ctrl-C that stops cleanly (nothing written), and summaries for people that
// give each outcome's median and 90% interval.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "engine/ensemble.hpp"
#include "engine/io/ensemble_results.hpp"
#include "engine/io/output_files.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/progress.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted = true; }

// A run stopped by Ctrl-C writes nothing and exits 130 (128 + SIGINT, as shells report it).
int report_interrupted() {
  std::cerr << "steppe: interrupted; nothing was written\n";
  return 130;
}

// Runs an ensemble with a progress bar; Ctrl-C stops it between blocks.
EnsembleResult run_with_progress(std::shared_ptr<const Scenario> scenario, const EnsembleCommandOptions& command,
                                 std::vector<OutcomeSpec> outcomes = {}, bool keep_trajectories = false) {
  EnsembleOptions options;
  options.outcomes = std::move(outcomes);
  options.members = command.members;
  options.threads = command.threads;
  options.block_size = command.block_size;
  options.keep_trajectories = keep_trajectories;
  options.cancel = &interrupted;
  ProgressBar bar(command.members, "members");
  options.progress = [&](std::int64_t done) { bar.update(done); };
  const auto previous = std::signal(SIGINT, on_interrupt);
  EnsembleResult result = run_ensemble(std::move(scenario), options);
  std::signal(SIGINT, previous);
  return result;
}

}  // namespace

int run_ensemble_command(const RunOptions& options, const std::string& command_line) {
  const auto scenario = load_scenario(options.scenario, options.scenario_options.load_options(true));
  if (options.ensemble.keep_trajectories) {
    const double gigabytes = static_cast<double>(trajectory_bytes(*scenario, options.ensemble.members)) / 1e9;
    if (gigabytes > 1.0 && !options.ensemble.yes)
      throw InputError({"<command line>"}, "--keep-trajectories",
                       fmt::format("keeping every trajectory needs {:.1f} GB of memory and more on disk; add --yes "
                                   "to confirm, or use fewer members",
                                   gigabytes));
  }
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.scenario)
                                          : std::filesystem::path(options.out));
  const EnsembleResult result =
      run_with_progress(scenario, options.ensemble, {}, options.ensemble.keep_trajectories);
  if (result.cancelled) return report_interrupted();

  const Provenance provenance{STEPPE_VERSION, command_line};
  const nlohmann::json summary = ensemble_summary_json(*scenario, result, provenance);
  folder.add("bands.csv", bands_csv(*scenario, result));
  folder.add("outcomes.csv", outcomes_csv(*scenario, result));
  folder.add("summary.json", summary.dump(2) + "\n");
  folder.add("chart.svg", render_svg(ensemble_chart({scenario.get()}, {&result}, {stem(options.scenario)}, provenance)));
  if (options.ensemble.keep_trajectories) {
    WhatIfRun all{scenario, result.trajectories, result.outcome_specs, {}};
    folder.add("trajectories.csv", trajectories_csv(all));
  }
  const auto written = folder.commit();
  if (printed_for_machines(options.quiet, options.json, summary)) return 0;

  const std::string title = scenario->title.empty() ? stem(options.scenario) : scenario->title;
  std::cout << fmt::format("{} — {}, {} members, {} months from {}, seed {}{}\n\n", title, scenario->model_name,
                           result.members, scenario->months, scenario->start.to_string(), scenario->seed,
                           scenario->stochastic ? ", stochastic" : ", deterministic");
  Table table({"outcome", "median", "5%", "95%", "mean"});
  for (std::size_t index = 0; index < result.outcome_specs.size(); ++index) {
    const OutcomeSpec& outcome = result.outcome_specs[index];
    const auto column = result.outcomes.col(static_cast<Eigen::Index>(index));
    const OutcomeStatistics s = outcome_statistics({column.begin(), column.end()});
    auto text = [&](double value) { return outcome_text(outcome, value, *scenario); };
    table.add_row({outcome.name, text(s.median), text(s.q05), text(s.q95), text(s.mean)});
  }
  std::cout << table.render();
  print_written(written);
  return 0;
}

int compare_ensembles_command(const CompareOptions& options, const std::string& command_line) {
  Comparison comparison_of(options, true);
  auto& [scenario_a, scenario_b, label_a, label_b, names, folder] = comparison_of;
  // Both ensembles measure every outcome either scenario names, where its actors allow.
  const EnsembleResult result_a =
      run_with_progress(scenario_a, options.ensemble, union_of_outcomes(*scenario_a, names));
  if (result_a.cancelled) return report_interrupted();
  const EnsembleResult result_b =
      run_with_progress(scenario_b, options.ensemble, union_of_outcomes(*scenario_b, names));
  if (result_b.cancelled) return report_interrupted();

  // Member i of A and member i of B share their random streams (the same seed and index), so
  // the difference is taken member by member: common random numbers.
  const Provenance provenance{STEPPE_VERSION, command_line};
  nlohmann::json comparison;
  comparison["steppe_version"] = provenance.steppe_version;
  comparison["command"] = provenance.command;
  comparison["a"] = ensemble_summary_json(*scenario_a, result_a, provenance);
  comparison["b"] = ensemble_summary_json(*scenario_b, result_b, provenance);
  Table table({"outcome", label_a + " median", label_b + " median", "difference (90% interval)", "P(B > A)"});
  auto column_of = [](const EnsembleResult& result, const std::string& name) -> Eigen::Index {
    for (std::size_t index = 0; index < result.outcome_specs.size(); ++index)
      if (result.outcome_specs[index].name == name) return static_cast<Eigen::Index>(index);
    return -1;
  };
  for (const std::string& name : names) {
    const Eigen::Index in_a = column_of(result_a, name), in_b = column_of(result_b, name);
    if (in_a < 0 || in_b < 0) continue;  // an actor only one scenario has
    const auto a = result_a.outcomes.col(in_a);
    const auto b = result_b.outcomes.col(in_b);
    const MemberColumn difference = b - a;
    const OutcomeStatistics d = outcome_statistics({difference.begin(), difference.end()});
    std::int64_t compared = 0, b_higher = 0;
    for (Eigen::Index member = 0; member < difference.size(); ++member) {
      if (std::isnan(difference(member))) continue;
      ++compared;
      b_higher += difference(member) > 0;
    }
    const double probability = compared ? static_cast<double>(b_higher) / static_cast<double>(compared) : std::nan("");
    comparison["difference_b_minus_a"][name] = {{"median", d.median}, {"q05", d.q05}, {"q95", d.q95},
                                                {"mean", d.mean}, {"probability_b_greater", probability}};
    table.add_row({name, format_for_people(outcome_statistics({a.begin(), a.end()}).median),
                   format_for_people(outcome_statistics({b.begin(), b.end()}).median),
                   fmt::format("{} ({} to {})", format_for_people(d.median, true), format_for_people(d.q05, true),
                               format_for_people(d.q95, true)),
                   std::isfinite(probability) ? fmt::format("{:.3f}", probability) : "—"});
  }

  folder.add("comparison.json", comparison.dump(2) + "\n");
  folder.add("bands_a.csv", bands_csv(*scenario_a, result_a));
  folder.add("bands_b.csv", bands_csv(*scenario_b, result_b));
  folder.add("chart.svg", render_svg(ensemble_chart({scenario_a.get(), scenario_b.get()}, {&result_a, &result_b},
                                                    {label_a, label_b}, provenance)));
  const auto written = folder.commit();
  if (printed_for_machines(options.quiet, options.json, comparison)) return 0;
  std::cout << fmt::format("A: {} ({})\nB: {} ({})\n{} members each, common random numbers\n\n", label_a,
                           options.scenario_a, label_b, options.scenario_b, options.ensemble.members);
  std::cout << table.render();
  print_written(written);
  return 0;
}

}  // namespace steppe::cli
