// `steppe sweep`, `steppe merge` and `steppe export`: sensitivity sweeps into a SQLite database,
// shards merged into one, and the database's tables as CSV (docs/sweeps.md).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <tuple>

#include "app/sweeps.hpp"
#include "engine/io/sweep_database.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/interrupt.hpp"
#include "tools/steppe/progress.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

// "K/N" with 1 ≤ K ≤ N.
std::pair<int, int> read_shard(const std::string& text) {
  const auto slash = text.find('/');
  int k = 0, n = 0;
  try {
    std::size_t k_end = 0, n_end = 0;
    if (slash != std::string::npos) {
      k = std::stoi(text.substr(0, slash), &k_end);
      n = std::stoi(text.substr(slash + 1), &n_end);
    }
    if (slash == std::string::npos || k_end != slash || n_end != text.size() - slash - 1) k = 0;
  } catch (const std::exception&) {
    k = 0;
  }
  if (k < 1 || n < 1 || k > n || n > 1'000'000)
    throw InputError({"--shard"}, text, "expected K/N with 1 ≤ K ≤ N, e.g. --shard 3/8");
  return {k, n};
}

// `steppe sweep FILE` and every option given that changes the sweep (its content hash or its
// shard): what --resume must repeat. --threads and --quiet change nothing and are left out.
std::string resume_command(const SweepOptions& options) {
  const ScenarioOptions& scenario = options.scenario_options;
  std::string command = "steppe sweep " + shell_quoted(options.file);
  for (const std::string& set : scenario.set) command += " --set " + shell_quoted(set);
  if (scenario.months > 0) command += fmt::format(" --months {}", scenario.months);
  if (!scenario.seed.empty()) command += " --seed " + shell_quoted(scenario.seed);
  if (scenario.stochastic) command += " --stochastic";
  if (scenario.deterministic) command += " --deterministic";
  if (!options.shard.empty()) command += " --shard " + shell_quoted(options.shard);
  return command;
}

}  // namespace

int sweep_command(const SweepOptions& options, const std::string& command_line) {
  if (launched_by_mpi()) return sweep_mpi_command(options, command_line);
  return run_sweep_command(load_sweep(options.file, options.scenario_options.load_options(true)), options, command_line,
                           {});
}

int run_sweep_command(Sweep sweep, const SweepOptions& options, const std::string& command_line,
                      const ChunkExecutor& executor) {
  app::SweepRequest request{.database = options.database,
                            .resume = options.resume,
                            .threads = options.threads,
                            .version = STEPPE_VERSION,
                            .command = command_line,
                            .resume_command = resume_command(options)};
  if (!options.shard.empty()) std::tie(request.shard, request.shards) = read_shard(options.shard);
  const app::PreparedSweep prepared = app::prepare_sweep(std::move(sweep), request);
  const Sweep& loaded = prepared.sweep;

  ProgressBar bar(loaded.run_count(loaded.point_count()), "runs");
  const SweepReport report = app::run_sweep(
      prepared, {.progress = [&](std::int64_t done, std::int64_t) { bar.update(done); },
                 .ready =
                     [&](const SweepReport& found) {
                       if (options.resume && found.created)
                         std::cerr << fmt::format(
                             "steppe: {} held no runs of the sweep (no database, or an empty one): starting it\n",
                             loaded.database.string());
                     },
                 .cancel = interrupt_flag(),
                 .executor = executor});

  if (report.cancelled) {
    std::cerr << fmt::format("steppe: interrupted; {} of {} runs are in {}: finish with: {}\n",
                             report.already_done + report.ran, report.last - report.first, loaded.database.string(),
                             prepared.finish_command);
    return interrupted_exit_code();
  }
  if (options.quiet) return 0;
  std::cout << fmt::format("sweep {}: {} design, {} points × {} {} = {} runs\n", options.file,
                           loaded.settings.design->name(), report.points, loaded.settings.replicates,
                           loaded.settings.replicates == 1 ? "replicate" : "replicates", report.runs);
  if (request.shards > 0)
    std::cout << fmt::format("shard {}/{}: runs {} to {}\n", request.shard, request.shards, report.first,
                             report.last - 1);
  if (report.already_done > 0) std::cout << fmt::format("{} runs were already done\n", report.already_done);
  std::cout << fmt::format("ran {} runs\n", report.ran);
  std::cout << fmt::format("wrote {}\n", loaded.database.string());
  return 0;
}

int merge_command(const MergeOptions& options) {
  const std::size_t merged = app::merge_shards(
      options.merged, std::vector<std::filesystem::path>(options.shards.begin(), options.shards.end()));
  if (!options.quiet) std::cout << fmt::format("wrote {} from {} shards\n", options.merged, merged);
  return 0;
}

int export_command(const ExportOptions& options) {
  const app::ExportResult exported = app::export_tables(options.database);
  // An unfinished sweep is exported as far as it goes, and said to be unfinished.
  if (exported.runs < exported.expected_runs)
    std::cerr << fmt::format(
        "steppe: warning: {} holds {} of its {} runs (the sweep is unfinished): finish it with: {}\n", options.database,
        exported.runs, exported.expected_runs, exported.finish_command);
  OutputFolder folder(options.csv);
  const auto files = write_files(folder, exported.files);
  if (!options.quiet) print_written(files);
  return 0;
}

namespace {

const CommandRegistration sweep_registration(50, [](CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  SweepOptions& sweep = *options;
  auto* sweep_app = app.add_subcommand(
      "sweep", "Run a sensitivity sweep (a design over the scenario's uncertainties) into a SQLite database");
  sweep_app->add_option("sweep", sweep.file, "Sweep YAML file")->required();
  add_scenario_options(*sweep_app, sweep.scenario_options);
  sweep_app->add_option("--db", sweep.database, "The database to write (default: the sweep file's)");
  sweep_app->add_flag("--resume", sweep.resume, "Finish an interrupted sweep in its database");
  sweep_app
      ->add_option("--shard", sweep.shard,
                   "Run only slice K of N (K from 1) into its own database, for job arrays; combine the "
                   "slices with steppe merge")
      ->type_name("K/N");
  sweep_app->add_option("--threads", sweep.threads, "Threads (default: every core)")->check(CLI::Range(1, 1024));
  sweep_app->add_flag("--quiet,-q", sweep.quiet, "Print nothing but errors");
  return Command{sweep_app,
                 [options](const std::string& command_line) { return sweep_command(*options, command_line); }};
});

const CommandRegistration export_registration(80, [](CLI::App& app) {
  auto options = std::make_shared<ExportOptions>();
  ExportOptions& export_options = *options;
  auto* export_app = app.add_subcommand("export", "Write a sweep database's tables as CSV files (pandas, R)");
  export_app->add_option("database", export_options.database, "Sweep database (SQLite)")->required();
  export_app->add_option("--csv", export_options.csv, "Folder for one CSV file per table")->required();
  export_app->add_flag("--quiet,-q", export_options.quiet, "Print nothing but errors");
  return Command{export_app, [options](const std::string&) { return export_command(*options); }};
});

const CommandRegistration merge_registration(90, [](CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  MergeOptions& merge = *options;
  auto* merge_app = app.add_subcommand("merge", "Combine the databases of a sweep's shards into one");
  merge_app->add_option("merged", merge.merged, "The database to write (a new file)")->required();
  merge_app->add_option("shards", merge.shards, "The shards' databases, one per shard")->required();
  merge_app->add_flag("--quiet,-q", merge.quiet, "Print nothing but errors");
  return Command{merge_app, [options](const std::string&) { return merge_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
