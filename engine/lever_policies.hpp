// The scenario's own lever policies: its schedules and its triggers (engine/lever_policy.hpp).
//
// Every simulation runs these two first, made from its scenario, before the scenario's further
// policies: the schedules set every lever that no team holds, and the triggers write over them
// for the members that have met their conditions. docs/scenario-format.md ("Who sets a lever")
// has the order for users.
#pragma once

#include <vector>

#include "engine/lever_policy.hpp"
#include "engine/scenario.hpp"

namespace steppe {

// Which members meet a condition, for the whole block at once (triggers, doctrines).
Eigen::Array<bool, Eigen::Dynamic, 1> condition_holds(const Condition& condition, const MemberArrays& state);

// The lever schedules (constants, dated values, ramps, pulses and `set` windows, which the loader
// stacks into one LeverSchedule per lever), or, for a lever the scenario makes uncertain, each
// member's draw, constant for the run (it replaces the lever's whole schedule, windows included).
// Controls every lever: it is the base that every column starts from each month. Its settings
// depend on the month alone, so it writes a column only when the value changes and is not called
// at all in months where no value changes and no one wrote over its columns.
class ScheduleLevers final : public LeverPolicy {
 public:
  // Reads `scenario`, which must outlive it (the simulation that runs it holds its scenario).
  explicit ScheduleLevers(const Scenario& scenario);
  std::vector<int> controlled_levers() const override;
  void set_levers(const LeverPolicyContext& context, MemberArrays& member_state, LeverColumns& levers) const override;

 private:
  const Scenario* scenario_;
  std::vector<Eigen::Index> sampled_;  // per lever slot: the index of its uncertainty, or -1
};

// The scenario's `triggers:`. A trigger's condition is checked per member against the state at
// the start of each month from step 0 on (not before the first step, when the derived initial
// values are not yet computed); once it holds, the member's levers take the trigger's values from
// that month to the end of the run: the trigger latches, in one member-state column per trigger.
// Triggers apply in the scenario's order, a later one over an earlier one on the same lever. A
// lever a wargame team holds keeps the team's value, but the latch still records the condition,
// so the trigger's value applies once the team lets go.
class TriggerLevers final : public LeverPolicy {
 public:
  // Reads `scenario`, which must outlive it.
  explicit TriggerLevers(const Scenario& scenario);
  std::vector<int> controlled_levers() const override;
  Eigen::Index member_state_columns() const override;
  void set_levers(const LeverPolicyContext& context, MemberArrays& latched, LeverColumns& levers) const override;

 private:
  const std::vector<Trigger>* triggers_;
};

}  // namespace steppe
