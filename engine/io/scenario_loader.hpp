// Loading scenario YAML into an immutable Scenario (docs/scenario-format.md is the format).
//
// Every name is resolved against the model's declaration expanded over the scenario's actors,
// every number is range-checked, and any problem raises an InputError carrying
// file:line:column, the key path (e.g. "levers.USA.air_link.ramp.from") and a "did you mean"
// for unknown names. Nothing is defaulted silently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/io/yaml_input.hpp"
#include "engine/scenario.hpp"

namespace steppe {

// A `--set NAME=VALUE` from the command line.
struct Override {
  std::string name;
  std::string value;  // as typed
};

struct LoadOptions {
  std::vector<Override> overrides;
  std::optional<int> months;          // --months
  std::optional<std::uint64_t> seed;  // --seed
  std::optional<bool> stochastic;     // --stochastic / --deterministic
};

std::shared_ptr<const Scenario> load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});

// A sweep file (docs/sweeps.md) is a scenario — usually extending a shipped one — whose
// `uncertainties` are the factors to vary, with a `sweep:` section for the design. A scenario
// loader ignores that section (the file validates and runs as an ensemble); the sweep loader
// reads it.
struct SweepFile {
  std::shared_ptr<const Scenario> scenario;
  Located section;
};
SweepFile load_sweep_file(const std::filesystem::path& file, const LoadOptions& options = {});

// `base` with these values set as --set sets them (a sweep's policies hold their levers so): a
// copy, without reading its files again, its content hash covering the values.
std::shared_ptr<const Scenario> with_overrides(const Scenario& base, const std::vector<Override>& overrides);

// Parses "NAME=VALUE" as typed after --set; throws InputError when it has no '='.
Override parse_override(const std::string& text);

}  // namespace steppe
