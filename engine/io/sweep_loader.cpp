#include "engine/io/sweep_loader.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace steppe {

namespace {

const std::map<std::string, DesignKind> design_kinds = {{"grid", DesignKind::grid},
                                                        {"latin_hypercube", DesignKind::latin_hypercube},
                                                        {"monte_carlo", DesignKind::monte_carlo},
                                                        {"sobol", DesignKind::sobol},
                                                        {"morris", DesignKind::morris}};

// The keys each design reads besides `design`, `replicates` and `database`.
const std::map<DesignKind, std::vector<std::string>> design_keys = {
    {DesignKind::grid, {"levels"}},
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

}  // namespace

Sweep load_sweep(const std::filesystem::path& file, const LoadOptions& options) {
  SweepFile loaded = load_sweep_file(file, options);
  Sweep sweep;
  sweep.scenario = loaded.scenario;
  sweep.file = file;
  std::ifstream stream(file, std::ios::binary);
  sweep.text.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());

  const Fields fields(loaded.section, {"design", "samples", "second_order", "levels", "trajectories", "replicates",
                                       "database"});
  SweepSettings& settings = sweep.settings;
  const Located design_at = fields.require("design");
  settings.design = read_design(design_at);
  const std::vector<std::string>& allowed = design_keys.at(settings.design);
  for (const Entry& entry : fields.all()) {
    const bool general = entry.name == "design" || entry.name == "replicates" || entry.name == "database";
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
