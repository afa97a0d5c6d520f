// steppe: the command line. Parses arguments with CLI11, dispatches to a subcommand, and turns
// failures into one clear message and an exit code: 2 for bad usage or bad input (with
// file:line:column and key path), 1 when a run itself fails.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include "engine/errors.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/wargame.hpp"

namespace {

// The command as a shell would take it back, for provenance in outputs. The program is named
// without its folder, so that outputs do not depend on where steppe was built.
std::string quoted_command_line(int argc, char** argv) {
  std::string line;
  for (int index = 0; index < argc; ++index) {
    std::string argument = index == 0 ? std::filesystem::path(argv[0]).filename().string() : argv[index];
    const bool plain = !argument.empty() && argument.find_first_not_of(
                                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789-_./=:,+@%") == std::string::npos;
    if (!plain) {
      std::string escaped = "'";
      for (char c : argument) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
      argument = escaped + "'";
    }
    line += (index ? " " : "") + argument;
  }
  return line;
}

void add_scenario_options(CLI::App& command, steppe::cli::ScenarioOptions& options) {
  command.add_option("--set", options.set, "Set a parameter, initial value or constant lever: NAME=VALUE")
      ->type_name("NAME=VALUE");
  command.add_option("--months", options.months, "Run this many months instead of the scenario's")
      ->check(CLI::Range(1, 6000));
  command.add_option("--seed", options.seed, "Seed of the random streams (default: the scenario's)")
      ->type_name("UINT64");
  auto* stochastic = command.add_flag("--stochastic", options.stochastic,
                                      "Draw the model's random events (turnover size, attention, crises)");
  command.add_flag("--deterministic", options.deterministic, "No random events (the default for what-if runs)")
      ->excludes(stochastic);
}

void add_ensemble_options(CLI::App& command, steppe::cli::EnsembleCommandOptions& options) {
  command
      .add_option("--members,-n", options.members, "Run an ensemble of N members (stochastic unless --deterministic)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{4294967295}));  // the band histograms' count limit
  command.add_option("--threads", options.threads, "Threads for an ensemble (default: every core)")
      ->check(CLI::Range(1, 1024));
  command
      .add_option("--block-size", options.block_size,
                  "Members stepped together, rounded down to 16 × an odd number (results never depend on it; "
                  "default 1024)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace steppe::cli;
  CLI::App app{
      "steppe: strategic scenario simulation. Actors, levers and events in YAML; what-if runs, comparisons, "
      "ensembles, sensitivity sweeps, classroom wargames and model descriptions from the command line.",
      "steppe"};
  app.set_version_flag("--version", std::string("steppe ") + STEPPE_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 1 a run failed, 2 bad usage or bad input, 130 interrupted.\nDocs: docs/cli.md");

  RunOptions run;
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

  CompareOptions compare;
  auto* compare_app =
      app.add_subcommand("compare", "Run two scenarios (or two ensembles) and show their outcomes side by side");
  compare_app->add_option("a", compare.scenario_a, "First scenario (A)")->required();
  compare_app->add_option("b", compare.scenario_b, "Second scenario (B)")->required();
  add_scenario_options(*compare_app, compare.scenario_options);
  add_ensemble_options(*compare_app, compare.ensemble);
  compare_app->add_option("--out", compare.out, "Folder for the output files (default: out/<a>-vs-<b>)");
  compare_app->add_flag("--json", compare.json, "Print the JSON comparison instead of tables");
  compare_app->add_flag("--quiet,-q", compare.quiet, "Print nothing but errors");

  DescribeOptions describe;
  auto* describe_app = app.add_subcommand("describe", "Describe a model: roles, state, levers, parameters, events");
  describe_app->add_option("model", describe.model, "Model name (omit to list the models)");
  describe_app
      ->add_option("--network", describe.network,
                   "Report a scenario's network: routes, each neighbor's share of route capacity, betweenness")
      ->type_name("SCENARIO");
  describe_app->add_flag("--json", describe.json, "Machine-readable output");

  ValidateOptions validate;
  auto* validate_app = app.add_subcommand("validate", "Check scenarios without running them");
  validate_app->add_option("scenarios", validate.scenarios, "Scenario YAML files")->required();
  add_scenario_options(*validate_app, validate.scenario_options);
  validate_app->add_flag("--quiet,-q", validate.quiet, "Print nothing but errors");

  SweepOptions sweep;
  auto* sweep_app = app.add_subcommand(
      "sweep", "Run a sensitivity sweep (a design over the scenario's uncertainties) into a SQLite database");
  sweep_app->add_option("sweep", sweep.file, "Sweep YAML file")->required();
  add_scenario_options(*sweep_app, sweep.scenario_options);
  sweep_app->add_option("--db", sweep.database, "The database to write (default: the sweep file's)");
  sweep_app->add_flag("--resume", sweep.resume, "Finish an interrupted sweep in its database");
  sweep_app->add_option("--shard", sweep.shard,
                        "Run only slice K of N (K from 1) into its own database, for job arrays; combine the "
                        "slices with steppe merge")
      ->type_name("K/N");
  sweep_app->add_option("--threads", sweep.threads, "Threads (default: every core)")->check(CLI::Range(1, 1024));
  sweep_app->add_flag("--quiet,-q", sweep.quiet, "Print nothing but errors");

  AnalyzeOptions analyze;
  auto* analyze_app =
      app.add_subcommand("analyze",
                         "Sensitivity indices of a sweep database (Sobol, Morris, given-data measures) or the "
                         "robustness of its policies");
  analyze_app->add_option("database", analyze.database, "Sweep database (SQLite)")->required();
  analyze_app->add_option("--outcome", analyze.outcomes, "Analyze only this outcome (repeatable; default: all)")
      ->type_name("NAME");
  analyze_app->add_option("--resamples", analyze.resamples,
                          "Bootstrap resamples for the intervals (default 1000; 200 for the given-data measures)")
      ->check(CLI::Range(2, 100000));
  analyze_app->add_option("--confidence", analyze.confidence, "Level of the intervals (default 0.95)")
      ->check(CLI::Range(0.5, 0.999));
  analyze_app->add_option("--seed", analyze.seed, "Seed of the bootstrap resamples (default 1)");
  analyze_app->add_option("--out", analyze.out, "Folder for the charts, one SVG per outcome (default: out/<database>)");
  analyze_app->add_flag("--json", analyze.json, "Machine-readable output");

  DiscoverOptions discover;
  auto* discover_app = app.add_subcommand(
      "discover", "Scenario discovery with PRIM: the box of inputs where a condition on the outcomes holds");
  discover_app->add_option("source", discover.source, "Sweep database (SQLite), or a CSV file with a header row")
      ->required();
  discover_app
      ->add_option("--where", discover.where,
                   "The cases of interest: OUTCOME OP NUMBER (OP: < <= > >= == !=), joined by 'and'")
      ->required();
  discover_app->add_option("--inputs", discover.inputs, "A CSV file's input columns, e.g. a,b,c")
      ->delimiter(',')
      ->type_name("NAMES");
  discover_app->add_option("--box", discover.box, "The box on the peeling trajectory (default: its knee)")
      ->check(CLI::NonNegativeNumber);
  discover_app->add_option("--out", discover.out, "Folder for discover.json and the charts (default: out/<source>)");
  discover_app->add_option("--seed", discover.seed, "Seed of the resampling check (default 1)");
  discover_app->add_option("--resamples", discover.resamples, "Bootstrap resamples of the resampling check (default 10)")
      ->check(CLI::Range(1, 1000));
  discover_app->add_option("--peel-alpha", discover.peel_alpha, "Share of a box's cases one peel removes (default 0.05)")
      ->check(CLI::Range(0.01, 0.5));
  discover_app->add_option("--mass-min", discover.mass_min, "Smallest share of all cases a box may hold (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  discover_app->add_flag("--json", discover.json, "Print the JSON document instead of tables");
  discover_app->add_flag("--quiet,-q", discover.quiet, "Print nothing but errors");

  ExportOptions export_options;
  auto* export_app = app.add_subcommand("export", "Write a sweep database's tables as CSV files (pandas, R)");
  export_app->add_option("database", export_options.database, "Sweep database (SQLite)")->required();
  export_app->add_option("--csv", export_options.csv, "Folder for one CSV file per table")->required();
  export_app->add_flag("--quiet,-q", export_options.quiet, "Print nothing but errors");

  MergeOptions merge;
  auto* merge_app = app.add_subcommand("merge", "Combine the databases of a sweep's shards into one");
  merge_app->add_option("merged", merge.merged, "The database to write (a new file)")->required();
  merge_app->add_option("shards", merge.shards, "The shards' databases, one per shard")->required();
  merge_app->add_flag("--quiet,-q", merge.quiet, "Print nothing but errors");

  WargameOptions wargame;
  auto* wargame_app = add_wargame_commands(app, wargame);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }

  const std::string command_line = quoted_command_line(argc, argv);
  try {
    if (run_command_app->parsed()) return run_command(run, command_line);
    if (compare_app->parsed()) return compare_command(compare, command_line);
    if (describe_app->parsed()) return describe_command(describe);
    if (validate_app->parsed()) return validate_command(validate);
    if (sweep_app->parsed()) return sweep_command(sweep, command_line);
    if (analyze_app->parsed()) return analyze_command(analyze);
    if (export_app->parsed()) return export_command(export_options);
    if (merge_app->parsed()) return merge_command(merge);
    if (discover_app->parsed()) return discover_command(discover);
    if (wargame_app->parsed()) return run_wargame(*wargame_app, wargame);
  } catch (const steppe::InputError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "steppe: error: " << error.what() << "\n";
    return 1;
  }
  return 2;
}
