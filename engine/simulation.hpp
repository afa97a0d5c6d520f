// Running a scenario: the stepping API every front end uses.
//
// A Simulation holds the mutable state of a block of members (structure of arrays: one column
// per state slot, members contiguous) and steps it month by month under the scenario's lever
// policies (its schedules, its triggers and any further ones: engine/lever_policy.hpp) and
// events, calling the model's kernel once per step for the whole block and then clipping every
// variable the model declares clipped to its range (VariableDecl::clipped). It can run to the
// horizon, or step once, change levers and step again (the wargame), and it checkpoints and
// restores its whole state, the policies' member state included. Random draws come from
// per-member counter-based streams (engine/random.hpp), so a checkpoint needs no generator
// state. Uncertain inputs are drawn once, at construction, from the same streams.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "engine/lever_policy.hpp"
#include "engine/model.hpp"
#include "engine/scenario.hpp"

namespace steppe {

struct RunOptions {
  std::int64_t members = 1;
  std::int64_t first_member = 0;  // global index of this block's first member (random streams)
  // Have the kernel write the derived quantities of every step (derived()): `steppe run --explain`.
  bool explain = false;
  // Keep the controllers' decisions (decisions()): a one-member run's decisions.csv.
  bool log_decisions = false;
};

// The members to step together when `requested` are asked for: a multiple of sixteen with an odd
// quotient, at most `requested` (blocks under 16 members are left as they are). A block's columns
// lie members × 8 bytes apart, and when that is a multiple of a large power of two (blocks of 256
// or 1024 members) every column falls into the same few sets of the L1 cache, where each step's
// forty-odd columns evict one another: the step loop ran 10–30% slower. Columns an odd number of
// pairs of cache lines apart spread over every set. Sixteen because a kernel steps members in
// groups of up to sixteen (third_neighbor's: two AVX-512 registers), and a block that is not a
// multiple ends in a padded group. Results never depend on the block size.
std::int64_t cache_friendly_block_size(std::int64_t requested);

// A run whose state turned non-finite (an overflow, a model's bug) has failed: a single run and
// an ensemble stop with this, naming the variable and the month.
class NonFiniteState : public std::runtime_error {
 public:
  NonFiniteState(const Scenario& scenario, int slot, int month);
};

// Receives the state after `month` steps (month 0: the initial state) and reduces it.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void observe(int month, const MemberArrays& state) = 0;
};

struct Checkpoint {
  int month = 0;
  MemberArrays state;
  std::vector<MemberArrays> policy_states;             // per lever policy: members × its columns
  std::vector<std::optional<double>> lever_overrides;  // per lever slot
  std::vector<StateJump> injected_jumps;               // waiting for the next step
  std::vector<ModelEventFiring> injected_events;
};

class Simulation {
 public:
  // `kernel`: the scenario's kernel when already compiled (an ensemble compiles it once for all
  // its blocks); null: the simulation compiles its own. `inputs`: each member's values of the
  // scenario's uncertainties (members × uncertainties), as a sweep's design sets them; null: each
  // member draws them from its own stream.
  explicit Simulation(std::shared_ptr<const Scenario> scenario, RunOptions options = {},
                      std::shared_ptr<const Kernel> kernel = nullptr, const MemberArrays* inputs = nullptr);

  const Scenario& scenario() const { return *scenario_; }
  const Layout& layout() const { return *scenario_->layout; }
  std::int64_t members() const { return options_.members; }
  int month() const { return month_; }  // steps taken so far
  bool finished() const { return month_ >= scenario_->months; }

  // Takes one monthly step (docs/model.md §3: levers, events, derived quantities, update, commit).
  void step();
  // Steps to the horizon; the observer sees month 0 first when the run has not started yet.
  // With `cancel`, stops before any step taken once it is set; returns whether it finished.
  bool run(Observer* observer = nullptr, const std::atomic<bool>* cancel = nullptr);

  // Holds a lever at `value` for every member from the next step on, over any lever policy
  // (schedule, trigger or other), until cleared: how a wargame team's move enters the run. A
  // value outside the lever's declared range is std::invalid_argument, as the loader refuses it
  // in a file.
  void set_lever(int lever_slot, double value);
  void clear_lever(int lever_slot);
  // Adds a jump or a model event to the next step only (its month is ignored), after the
  // scenario's own of that month: how a facilitator's inject enters the run.
  void inject(const StateJump& jump);
  void inject(const ModelEventFiring& event);

  const MemberArrays& state() const { return state_; }
  // Each member's value of every scenario uncertainty (drawn, or given): members × uncertainties.
  const MemberArrays& sampled_inputs() const { return sampled_inputs_; }
  // Lever values of the last step taken (before any step: the values for month 0).
  const MemberArrays& levers() const { return levers_.values(); }
  // With RunOptions::explain, the derived quantities of the last step taken, as its kernel
  // computed them (members × Layout::derived()); NaN before any step (and where a kernel wrote
  // nothing); empty without explain.
  const MemberArrays& derived() const { return derived_; }
  // With RunOptions::log_decisions, every decision the scenario's controllers made so far.
  const std::vector<DecisionRecord>& decisions() const { return decisions_; }

  Checkpoint checkpoint() const;
  void restore(const Checkpoint& checkpoint);

 private:
  // Has the lever policies write the levers of `month` (docs/scenario-format.md, "Who sets a
  // lever"); `state` is null before the first step, when the state is not complete yet.
  void set_levers(int month, const MemberArrays* state);
  StepContext context() const;
  // Clips the slot's column of `state` to its variable's range when the variable is declared clipped.
  void clip(int slot, MemberArrays& state) const;
  void apply_jump(const StateJump& jump, MemberArrays& state) const;
  // Phase 2 of month_ on `state`: the model's events (scheduled and injected), then the scenario's
  // jumps and the injected ones.
  void apply_events(MemberArrays& state);

  std::shared_ptr<const Scenario> scenario_;
  RunOptions options_;
  std::shared_ptr<const Kernel> kernel_;
  int month_ = 0;
  MemberArrays state_, sampled_inputs_;
  MemberArrays derived_;            // with explain
  std::vector<int> clipped_slots_;  // the state slots of variables declared clipped
  // Members × parameter slots, only when some parameter is uncertain (else empty: the kernel
  // uses the values it was compiled with).
  MemberArrays parameters_;
  std::vector<char> varying_parameters_;  // per parameter slot, with parameters_
  // The scenario's schedules and triggers, then its further policies: in order of precedence.
  std::vector<std::shared_ptr<const LeverPolicy>> policies_;
  std::vector<MemberArrays> policy_states_;  // per policy: members × its member-state columns
  LeverColumns levers_;                      // and the teams' holds
  std::vector<StateJump> injected_jumps_;
  std::vector<ModelEventFiring> injected_events_;
  std::vector<DecisionRecord> decisions_;  // with log_decisions
  std::vector<ModelEventFiring> events_this_month_;
};

}  // namespace steppe
