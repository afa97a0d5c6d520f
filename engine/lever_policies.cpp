#include "engine/lever_policies.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace steppe {

Eigen::Array<bool, Eigen::Dynamic, 1> condition_holds(const Condition& condition, const MemberArrays& state) {
  const auto value = state.col(condition.state_slot);
  switch (condition.comparison) {
    case Comparison::greater:
      return value > condition.threshold;
    case Comparison::greater_equal:
      return value >= condition.threshold;
    case Comparison::less:
      return value < condition.threshold;
    case Comparison::less_equal:
      return value <= condition.threshold;
  }
  throw std::logic_error("unknown comparison");
}

ScheduleLevers::ScheduleLevers(const Scenario& scenario)
    : scenario_(&scenario), sampled_(scenario.layout->levers().size(), -1) {
  for (std::size_t index = 0; index < scenario.uncertainties.size(); ++index)
    if (scenario.uncertainties[index].target == Uncertainty::Target::lever)
      sampled_[static_cast<std::size_t>(scenario.uncertainties[index].slot)] = static_cast<Eigen::Index>(index);
}

std::vector<int> ScheduleLevers::controlled_levers() const {
  std::vector<int> slots(sampled_.size());
  for (std::size_t slot = 0; slot < slots.size(); ++slot) slots[slot] = static_cast<int>(slot);
  return slots;
}

void ScheduleLevers::set_levers(const LeverPolicyContext& context, MemberArrays&, LeverColumns& levers) const {
  const int month = context.month;
  int holds_through = INT_MAX;
  for (std::size_t index = 0; index < sampled_.size(); ++index) {
    const int slot = static_cast<int>(index);
    if (levers.held(slot)) continue;
    if (sampled_[index] >= 0) {
      levers.set_to_input(slot, *context.inputs, sampled_[index]);
      continue;
    }
    // Looked up again only when this month is past what was promised (or someone wrote over it),
    // not every month of every block.
    MonthRange promised = levers.settled_months(slot);
    if (!promised.contains(month)) {
      const LeverSchedule& schedule = scenario_->levers[index];
      promised = {month, schedule.constant_through(month)};
      levers.set_all(slot, schedule.value_at(month, context.layout->levers()[index].status_quo), promised.through);
    }
    holds_through = std::min(holds_through, promised.through);
  }
  levers.unchanged_through(holds_through);
}

TriggerLevers::TriggerLevers(const Scenario& scenario) : triggers_(&scenario.triggers) {}

std::vector<int> TriggerLevers::controlled_levers() const {
  std::vector<int> slots;
  for (const Trigger& trigger : *triggers_)
    for (const auto& [lever, value] : trigger.set)
      if (std::find(slots.begin(), slots.end(), lever) == slots.end()) slots.push_back(lever);
  return slots;
}

Eigen::Index TriggerLevers::member_state_columns() const { return static_cast<Eigen::Index>(triggers_->size()); }

void TriggerLevers::set_levers(const LeverPolicyContext& context, MemberArrays& latched, LeverColumns& levers) const {
  if (triggers_->empty()) {
    levers.unchanged_through(INT_MAX);
    return;
  }
  if (!context.state) return;  // the pass before the first step: the state is not complete yet
  for (std::size_t index = 0; index < triggers_->size(); ++index) {
    const Trigger& trigger = (*triggers_)[index];
    auto latch = latched.col(static_cast<Eigen::Index>(index));
    latch = (latch > 0 || condition_holds(trigger.when, *context.state)).cast<double>();
    // Until some member has met the condition the levers stay as the policies before left them
    // (and those need not write the columns again next month).
    if (!(latch > 0).any()) continue;
    for (const auto& [lever, value] : trigger.set)
      levers.set_each(lever, (latch > 0).select(value, levers.values().col(lever)));
  }
}

}  // namespace steppe
