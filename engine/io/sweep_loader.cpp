#include "engine/io/sweep_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "engine/designs.hpp"
#include "engine/random.hpp"

namespace steppe {

namespace {

// The `sweep:` section as a design reads its keys: through the loader's helpers, so that a bad
// value is reported at its file:line:column with its key path.
class SectionKeys final : public DesignKeys {
 public:
  explicit SectionKeys(const Fields& fields) : fields_(fields) {}
  bool has(const std::string& key) const override { return fields_.get(key).has_value(); }
  std::uint64_t whole_number(const std::string& key, std::uint64_t min, std::uint64_t max) const override {
    return read_whole_number(fields_.require(key), min, max);
  }
  bool boolean(const std::string& key) const override { return read_bool(fields_.require(key)); }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const override {
    steppe::fail(fields_.require(key), message);
  }

 private:
  const Fields& fields_;
};

// The keys every sweep takes whatever its design.
const std::vector<std::string> general_keys = {"replicates", "database", "policies", "goals"};

// The keys a `sweep:` section may hold, for a "did you mean" on any other: `design` first, then
// every design's keys (once each), then the general ones.
std::vector<std::string> section_keys() {
  std::vector<std::string> keys = {"design"};
  for (const SweepDesign* design : SweepDesignRegistry::instance().designs())
    for (const std::string& key : design->declaration().keys)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  keys.insert(keys.end(), general_keys.begin(), general_keys.end());
  return keys;
}

// "a, b or c".
std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t index = 0; index < names.size(); ++index)
    text += (index == 0 ? "" : index + 1 == names.size() ? " or " : ", ") + names[index];
  return text;
}

constexpr std::uint64_t max_runs = std::uint64_t{1} << 40;

const SweepDesign& read_design(const Located& at) {
  const std::string name = read_text(at);
  const SweepDesign* design = SweepDesignRegistry::instance().find(name);
  if (!design) fail(at, unknown_name_message("design", name, SweepDesignRegistry::instance().names()));
  return *design;
}

// `policies: {NAME: {LEVER: VALUE, ...}, ...}`: each policy's levers held for the run, checked
// here at their place, then applied to the scenario as --set applies them.
void read_policies(const Located& at, Sweep& sweep) {
  // Policies are compared scenario by scenario: the design's points must be scenarios.
  if (!sweep.settings.design->independent_points()) {
    std::vector<std::string> independent;
    for (const SweepDesign* design : SweepDesignRegistry::instance().designs())
      if (design->independent_points()) independent.push_back(design->name());
    fail(at, fmt::format("policies run against the scenarios of a {} design, not a {} design", listed(independent),
                         sweep.settings.design->name()));
  }
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
  // Each policy is the sweep's scenario with its levers held, a copy (10,000 sampled policies
  // once read and resolved the file chain 10,000 times: 9 s).
  const auto add_policy = [&](std::string name, std::vector<std::pair<std::string, double>> levers) {
    std::vector<Override> held;
    for (const auto& [lever, value] : levers) held.push_back({lever, fmt::format("{}", value)});
    sweep.policies.push_back({std::move(name), std::move(levers), with_overrides(*sweep.scenario, held)});
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
    const auto design = latin_hypercube_design(count, static_cast<int>(levers.size()),
                                               sweep.scenario->seed ^ sampled_policies_seed_salt);
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
  sweep.text = read_input_file(file, "sweep file");

  const Fields fields(loaded.section, section_keys());
  SweepSettings& settings = sweep.settings;
  const Located design_at = fields.require("design");
  const SweepDesign& design = read_design(design_at);
  settings.design = &design;
  const std::vector<std::string>& allowed = design.declaration().keys;
  for (const Entry& entry : fields.all()) {
    const bool general =
        entry.name == "design" || std::find(general_keys.begin(), general_keys.end(), entry.name) != general_keys.end();
    if (!general && std::find(allowed.begin(), allowed.end(), entry.name) == allowed.end())
      fail(entry.key, fmt::format("'{}' does not apply to a {} design (it takes {})", entry.name, design.name(),
                                  fmt::join(allowed, ", ")));
  }
  design.read(SectionKeys(fields), settings);
  if (auto replicates = fields.get("replicates"))
    settings.replicates = static_cast<int>(read_whole_number(*replicates, 1, 1'000'000));

  if (auto policies = fields.get("policies")) read_policies(*policies, sweep);
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
