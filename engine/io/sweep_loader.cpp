#include "engine/io/sweep_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

namespace steppe {

namespace {

const std::map<std::string, DesignKind> design_kinds = {{"grid", DesignKind::grid},
                                                        {"latin_hypercube", DesignKind::latin_hypercube},
                                                        {"monte_carlo", DesignKind::monte_carlo},
                                                        {"sobol", DesignKind::sobol},
                                                        {"morris", DesignKind::morris}};

// The keys each design reads besides `design`, `replicates` and `database`.
const std::map<DesignKind, std::vector<std::string>> design_keys = {{DesignKind::grid, {"levels"}},
                                                                    {DesignKind::latin_hypercube, {"samples"}},
                                                                    {DesignKind::monte_carlo, {"samples"}},
                                                                    {DesignKind::sobol, {"samples", "second_order"}},
                                                                    {DesignKind::morris, {"trajectories", "levels"}}};

constexpr std::uint64_t max_runs = std::uint64_t{1} << 40;

DesignKind read_design(const Located& at) {
  const std::string name = read_text(at);
  const auto found = design_kinds.find(name);
  if (found == design_kinds.end()) {
    std::vector<std::string> names;
    for (const auto& [known, kind] : design_kinds) names.push_back(known);
    fail(at, unknown_name_message("design", name, names));
  }
  return found->second;
}

// `policies: {NAME: {LEVER: VALUE, ...}, ...}`: each policy's levers held for the run, checked
// here at their place, then applied to the scenario as --set applies them.
void read_policies(const Located& at, const std::filesystem::path& file, const LoadOptions& options, Sweep& sweep) {
  if (sweep.settings.design == DesignKind::sobol || sweep.settings.design == DesignKind::morris)
    fail(at, fmt::format("policies run against the scenarios of a grid, latin_hypercube or monte_carlo design, not "
                         "a {} design",
                         design_name(sweep.settings.design)));
  const Layout& layout = *sweep.scenario->layout;
  const std::vector<std::string> lever_names = layout.lever_names();
  // A lever a policy may set: declared, and not a factor. Returns its declaration.
  const auto policy_lever = [&](const Entry& setting) -> const LeverDecl& {
    const auto known = std::find(lever_names.begin(), lever_names.end(), setting.name);
    if (known == lever_names.end()) fail(setting.key, unknown_name_message("lever", setting.name, lever_names));
    for (const Uncertainty& factor : sweep.scenario->uncertainties)
      if (factor.name == setting.name)
        fail(setting.key, fmt::format("'{}' is a factor of the sweep; a policy cannot also set it", setting.name));
    return *layout.levers()[static_cast<std::size_t>(known - lever_names.begin())].decl;
  };
  const auto add_policy = [&](std::string name, std::vector<std::pair<std::string, double>> levers) {
    LoadOptions with_levers = options;
    for (const auto& [lever, value] : levers) with_levers.overrides.push_back({lever, fmt::format("{}", value)});
    sweep.policies.push_back({std::move(name), std::move(levers), load_sweep_file(file, with_levers).scenario});
  };

  // Sampled policies: `{sample: N, levers: {LEVER: DISTRIBUTION, ...}}`, a Latin hypercube over
  // the levers (its own stream: uncorrelated with a Latin hypercube of the scenarios).
  if (at.node.IsMap() && at.node["sample"] && at.node["levers"]) {
    const Fields sampled(at, {"sample", "levers"});
    const auto count = static_cast<int>(read_whole_number(sampled.require("sample"), 1, 10'000));
    std::vector<std::pair<std::string, Distribution>> levers;
    for (const Entry& setting : entries(sampled.require("levers"))) {
      const LeverDecl& decl = policy_lever(setting);
      levers.emplace_back(setting.name, read_distribution(setting.value, decl.min, decl.max));
    }
    if (levers.empty()) fail(sampled.require("levers"), "expected at least one lever to sample");
    constexpr std::uint64_t policy_stream = 0x9E3779B97F4A7C15u;
    const auto design =
        latin_hypercube_design(count, static_cast<int>(levers.size()), sweep.scenario->seed ^ policy_stream);
    const int digits = static_cast<int>(std::to_string(count).size());
    for (int index = 0; index < count; ++index) {
      std::vector<std::pair<std::string, double>> values;
      for (std::size_t lever = 0; lever < levers.size(); ++lever)
        values.emplace_back(levers[lever].first,
                            levers[lever].second.quantile(design[static_cast<std::size_t>(index)].unit[lever]));
      add_policy(fmt::format("policy_{:0{}}", index + 1, digits), std::move(values));
    }
    return;
  }

  for (const Entry& policy : entries(at)) {
    std::vector<std::pair<std::string, double>> levers;
    if (!policy.value.node.IsNull())
      for (const Entry& setting : entries(policy.value)) {
        const LeverDecl& decl = policy_lever(setting);
        levers.emplace_back(setting.name, read_number(setting.value, decl.min, decl.max));
      }
    add_policy(policy.name, std::move(levers));
  }
  if (sweep.policies.empty()) fail(at, "expected at least one policy");
}

// `goals: {OUTCOME: {better: higher | lower, threshold: NUMBER}, ...}`.
std::vector<Goal> read_goals(const Located& at, const Scenario& scenario) {
  std::vector<std::string> outcomes;
  for (const OutcomeSpec& outcome : scenario.outcomes) outcomes.push_back(outcome.name);
  std::vector<Goal> goals;
  for (const Entry& entry : entries(at)) {
    if (std::find(outcomes.begin(), outcomes.end(), entry.name) == outcomes.end())
      fail(entry.key, unknown_name_message("outcome", entry.name, outcomes));
    const Fields goal(entry.value, {"better", "threshold"});
    Goal made{entry.name, true, std::nullopt};
    const Located better = goal.require("better");
    const std::string direction = read_text(better);
    if (direction != "higher" && direction != "lower")
      fail(better, fmt::format("expected higher or lower, got '{}'", direction));
    made.higher_is_better = direction == "higher";
    if (auto threshold = goal.get("threshold")) made.threshold = read_number(*threshold, -unbounded, unbounded);
    goals.push_back(made);
  }
  return goals;
}

}  // namespace

Sweep load_sweep(const std::filesystem::path& file, const LoadOptions& options) {
  SweepFile loaded = load_sweep_file(file, options);
  Sweep sweep;
  sweep.scenario = loaded.scenario;
  sweep.file = file;
  std::ifstream stream(file, std::ios::binary);
  sweep.text.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());

  const Fields fields(loaded.section, {"design", "samples", "second_order", "levels", "trajectories", "replicates",
                                       "database", "policies", "goals"});
  SweepSettings& settings = sweep.settings;
  const Located design_at = fields.require("design");
  settings.design = read_design(design_at);
  const std::vector<std::string>& allowed = design_keys.at(settings.design);
  for (const Entry& entry : fields.all()) {
    const bool general = entry.name == "design" || entry.name == "replicates" || entry.name == "database" ||
                         entry.name == "goals" || entry.name == "policies";
    if (!general && std::find(allowed.begin(), allowed.end(), entry.name) == allowed.end())
      fail(entry.key, fmt::format("'{}' does not apply to a {} design (it takes {})", entry.name,
                                  design_name(settings.design), fmt::join(allowed, ", ")));
  }

  switch (settings.design) {
    case DesignKind::sobol: {
      const Located at = fields.require("samples");
      const auto samples = static_cast<long long>(read_whole_number(at, 2, 1 << 24));
      if (!is_power_of_two(samples))
        fail(at, fmt::format("a Sobol design needs a power of two of samples; the nearest to {} is {}", samples,
                             nearest_power_of_two(samples)));
      settings.samples = static_cast<int>(samples);
      if (auto second = fields.get("second_order")) settings.second_order = read_bool(*second);
      break;
    }
    case DesignKind::latin_hypercube:
    case DesignKind::monte_carlo:
      settings.samples = static_cast<int>(read_whole_number(fields.require("samples"), 1, 1 << 26));
      break;
    case DesignKind::morris: {
      settings.trajectories = static_cast<int>(read_whole_number(fields.require("trajectories"), 1, 1 << 20));
      settings.levels = 4;
      if (auto levels = fields.get("levels")) {
        settings.levels = static_cast<int>(read_whole_number(*levels, 2, 1000));
        if (settings.levels % 2 != 0) fail(*levels, fmt::format("Morris levels must be even, got {}", settings.levels));
      }
      break;
    }
    case DesignKind::grid:
      settings.levels = 3;
      if (auto levels = fields.get("levels")) settings.levels = static_cast<int>(read_whole_number(*levels, 1, 1000));
      break;
  }
  if (auto replicates = fields.get("replicates"))
    settings.replicates = static_cast<int>(read_whole_number(*replicates, 1, 1'000'000));

  if (auto policies = fields.get("policies")) read_policies(*policies, file, options, sweep);
  if (auto goals = fields.get("goals")) sweep.goals = read_goals(*goals, *sweep.scenario);
  const std::uint64_t points = sweep.point_count();
  if (points * std::uint64_t(settings.replicates) > max_runs)
    fail(design_at, fmt::format("the design has {} points × {} replicates, more than the {} runs a sweep may hold",
                                points, settings.replicates, max_runs));

  const std::filesystem::path folder = file.parent_path();
  sweep.database = folder / (file.stem().string() + ".sqlite");
  if (auto database = fields.get("database")) sweep.database = folder / read_text(*database);
  return sweep;
}

}  // namespace steppe
