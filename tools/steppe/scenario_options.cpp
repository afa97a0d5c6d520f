// The options every command that runs scenarios shares (--set, --months, --seed, --stochastic,
// --deterministic) and those of commands that run ensembles, added to a command in one place.
#include "tools/steppe/commands.hpp"

namespace steppe::cli {

void add_scenario_options(CLI::App& command, ScenarioOptions& options) {
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

void add_ensemble_options(CLI::App& command, EnsembleCommandOptions& options) {
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

}  // namespace steppe::cli
