// The options every command that runs scenarios shares (--set, --event, --jump, --months, --seed,
// --stochastic, --deterministic), those of commands that run ensembles and those of commands that
// write charts (--y-range, --png), each set added to a command in one place.
#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "tools/steppe/commands.hpp"

namespace steppe::cli {

LoadOptions ScenarioOptions::load_options(bool ensemble) const {
  LoadOptions options;
  for (const std::string& text : set) options.overrides.push_back(parse_override(text));
  for (const std::string& text : events) options.overrides.push_back(parse_event(text));
  for (const std::string& text : jumps) options.overrides.push_back(parse_jump(text));
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
  options.draw_unless_told(ensemble);
  return options;
}

void add_scenario_options(CLI::App& command, ScenarioOptions& options) {
  command
      .add_option("--set", options.set,
                  "Set a parameter or initial value (NAME=VALUE), or a lever: constant (NAME=VALUE), from a date "
                  "(NAME=VALUE@2030-01), in a window (NAME=VALUE@2030-01..2030-06) or a ramp "
                  "(NAME=START..END@2025-01..2027-01)")
      ->type_name("NAME=VALUE[@DATES]");
  command
      .add_option("--event", options.events,
                  "Add a model event: 'KIND ACTOR DATE', e.g. 'leadership_turnover MNG 2029-06'")
      ->type_name("'KIND ACTOR DATE'");
  command
      .add_option("--jump", options.jumps,
                  "Add a jump to a state variable: NAME=DELTA@DATE, e.g. CHN.threat_perception=+1@2025-11")
      ->type_name("NAME=DELTA@DATE");
  command.add_option("--months", options.months, "Run this many months instead of the scenario's")
      ->check(CLI::Range(1, 6000));
  command.add_option("--seed", options.seed, "Seed of the random streams (default: the scenario's)")
      ->type_name("UINT64");
  // The defaults are those of load_options: ensembles and sweeps draw, a single run follows its file.
  auto* stochastic =
      command.add_flag("--stochastic", options.stochastic,
                       "Draw the model's random events (turnover size, attention, crises): the default for ensembles "
                       "(--members > 1) and sweeps");
  command
      .add_flag("--deterministic", options.deterministic,
                "No random events: the default for a single run unless its scenario says stochastic: true")
      ->excludes(stochastic);
}

void add_ensemble_options(CLI::App& command, app::EnsembleSettings& options) {
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
  command.add_flag(
      "--all-bands", [&options](std::int64_t) { options.bands = BandSelection::all; },
      "Band every variable in bands.csv (default: the charted ones)");
  command.add_flag("--yes", options.confirmed,
                   "Run even when the memory estimate exceeds what is available, or kept trajectories exceed 1 GB");
}

ChartOptions ChartCliOptions::chart_options() const {
  ChartOptions options{.png = png};
  if (y_range.empty()) return options;
  const auto parsed = parse_y_range(y_range);
  if (!parsed) {
    std::string message =
        fmt::format("expected 'declared', 'fit' or LOW:HIGH with LOW below HIGH (e.g. 0:1), got '{}'", y_range);
    if (const std::string near = closest_match(y_range, {"declared", "fit"}); !near.empty())
      message += fmt::format(", did you mean '{}'?", near);
    throw InputError({"--y-range"}, "y-range", message);
  }
  options.y_range = *parsed;
  return options;
}

void add_chart_options(CLI::App& command, ChartCliOptions& options) {
  command
      .add_option("--y-range", options.y_range,
                  "The charts' y axes: 'declared' (each variable's range, a share on 0 to 1; the default), 'fit' "
                  "(the data) or LOW:HIGH for every panel")
      ->type_name("RANGE");
  command.add_flag("--png", options.png, "Also write chart.png, the chart as an image (drawn by librsvg)");
}

}  // namespace steppe::cli
