// A sweep: many runs of one scenario, its uncertain inputs (the factors) set by a sampling
// design instead of drawn, each design point run `replicates` times with different random
// streams (docs/sweeps.md).
//
// Run r is design point r / replicates, replicate r mod replicates, and uses the random stream
// of member r (with policies: of its scenario point's run, so that every policy meets the same
// draws): a run's numbers depend only on the sweep and r, never on which process, thread, block
// or shard ran it, or whether the sweep was interrupted and resumed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/designs.hpp"
#include "engine/model.hpp"
#include "engine/observers.hpp"
#include "engine/scenario.hpp"
#include "engine/sweep_design.hpp"

namespace steppe {

// A policy of a policies × scenarios sweep: lever settings held for the whole run, applied to
// the scenario as `--set` would (EMA Workbench's policies; the design's points are its scenarios).
struct Policy {
  std::string name;
  std::vector<std::pair<std::string, double>> levers;  // full lever name, value
  std::shared_ptr<const Scenario> scenario;            // the sweep's scenario with the levers set
};

// Which way an outcome is better, and the level that counts as meeting it, for the robustness
// table of a policies × scenarios sweep.
struct Goal {
  std::string outcome;
  bool higher_is_better = true;
  std::optional<double> threshold;
};

struct Sweep {
  // The scenario; its uncertainties are the factors, in order.
  std::shared_ptr<const Scenario> scenario;
  SweepSettings settings;        // its design (settings.design) and the design's settings
  std::vector<Policy> policies;  // empty: one run of each point
  std::vector<Goal> goals;
  std::filesystem::path file;      // the sweep file
  std::string text;                // its bytes, kept in the results
  std::filesystem::path database;  // where results go

  // The design points (computed, never stored in the Sweep: a pure function of the settings and
  // the scenario's seed, made by the design).
  std::vector<DesignPoint> points() const;
  // The design's points before policies multiply them.
  std::vector<DesignPoint> scenario_points() const;
  // How many points the design has, without making them.
  std::uint64_t point_count() const;
  // Points per policy (all of them without policies): every policy runs the same scenario points.
  std::uint64_t scenario_point_count() const;
  // The scenario a run of `point` uses: its policy's, or the sweep's.
  const std::shared_ptr<const Scenario>& scenario_of(const DesignPoint& point) const {
    return point.policy >= 0 ? policies[static_cast<std::size_t>(point.policy)].scenario : scenario;
  }
  // A factor's value at a design coordinate u (its distribution's inverse CDF). Computed where
  // needed rather than stored: a million points × k values would double a sweep's memory.
  double factor_value(std::size_t factor, double u) const {
    return scenario->uncertainties[factor].distribution.quantile(u);
  }
  std::int64_t run_count(std::uint64_t points) const { return static_cast<std::int64_t>(points) * settings.replicates; }
};

// Runs [first, first + count) of a sweep as one block (all of one policy), each run at its design
// point, and returns their outcomes (count × scenario outcomes). With policies, a run's random
// stream is that of its scenario point and replicate, the same for every policy (common random
// numbers: policies are compared on the same draws).
MemberArrays run_sweep_block(const Sweep& sweep, const std::vector<DesignPoint>& points,
                             std::shared_ptr<const Kernel> kernel, std::int64_t first, std::int64_t count);

}  // namespace steppe
