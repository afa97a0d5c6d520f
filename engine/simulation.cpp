#include "engine/simulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "engine/lever_policies.hpp"
#include "engine/random.hpp"

namespace steppe {

NonFiniteState::NonFiniteState(const Scenario& scenario, int slot, int month)
    : std::runtime_error(fmt::format("the run's state turned non-finite: {} in {} (month {}); the model cannot go on "
                                     "from there (an overflow: look at the settings that drive it)",
                                     scenario.layout->state_name(slot), scenario.date(month).to_string(), month)) {}

std::int64_t cache_friendly_block_size(std::int64_t requested) {
  if (requested < 16) return requested;
  const std::int64_t groups = requested / 16;  // two cache lines of 8 doubles per column
  return (groups % 2 == 0 ? groups - 1 : groups) * 16;
}

Simulation::Simulation(std::shared_ptr<const Scenario> scenario, RunOptions options,
                       std::shared_ptr<const Kernel> kernel, const MemberArrays* inputs)
    : scenario_(std::move(scenario)), options_(options), kernel_(std::move(kernel)) {
  if (!scenario_ || !scenario_->model || !scenario_->layout)
    throw std::logic_error("Simulation needs a loaded scenario");
  if (options_.members < 1) throw std::logic_error("Simulation needs at least one member");
  const Layout& layout = *scenario_->layout;
  if (!kernel_) kernel_ = scenario_->model->compile(layout, scenario_->parameters, scenario_->network.get());
  if (options_.explain)
    derived_ = MemberArrays::Constant(static_cast<Eigen::Index>(options_.members),
                                      static_cast<Eigen::Index>(layout.derived().size()),
                                      std::numeric_limits<double>::quiet_NaN());

  const auto members = static_cast<Eigen::Index>(options_.members);
  const auto slots = static_cast<Eigen::Index>(layout.state().size());
  state_.resize(members, slots);
  for (Eigen::Index slot = 0; slot < slots; ++slot) {
    state_.col(slot).setConstant(scenario_->initial[slot]);
    if (layout.state()[static_cast<std::size_t>(slot)].decl->clipped) clipped_slots_.push_back(static_cast<int>(slot));
  }

  // Each member's uncertain inputs, drawn from its own stream at a month no step uses.
  const auto uncertain_parameter = [](const Uncertainty& uncertainty) {
    return uncertainty.target == Uncertainty::Target::parameter;
  };
  if (std::any_of(scenario_->uncertainties.begin(), scenario_->uncertainties.end(), uncertain_parameter)) {
    parameters_.resize(members, static_cast<Eigen::Index>(scenario_->parameters.size()));
    varying_parameters_.assign(scenario_->parameters.size(), 0);
    for (std::size_t slot = 0; slot < scenario_->parameters.size(); ++slot)
      parameters_.col(static_cast<Eigen::Index>(slot)).setConstant(scenario_->parameters[slot]);
  }
  sampled_inputs_.resize(members, static_cast<Eigen::Index>(scenario_->uncertainties.size()));
  if (inputs && (inputs->rows() != members || inputs->cols() != sampled_inputs_.cols()))
    throw std::logic_error("Simulation given inputs of another shape than members × uncertainties");
  for (std::size_t index = 0; index < scenario_->uncertainties.size(); ++index) {
    const Uncertainty& uncertainty = scenario_->uncertainties[index];
    auto drawn = sampled_inputs_.col(static_cast<Eigen::Index>(index));
    if (inputs)
      drawn = inputs->col(static_cast<Eigen::Index>(index));
    else
      for (Eigen::Index member = 0; member < members; ++member)
        drawn(member) = uncertainty.distribution.quantile(
            uniform_draw(scenario_->seed, static_cast<std::uint64_t>(options_.first_member + member),
                         tag_month(StreamTag::uncertain_inputs), static_cast<std::uint32_t>(index)));
    if (uncertainty.target == Uncertainty::Target::initial) state_.col(uncertainty.slot) = drawn;
    if (uncertainty.target == Uncertainty::Target::parameter) {
      parameters_.col(uncertainty.slot) = drawn;
      varying_parameters_[static_cast<std::size_t>(uncertainty.slot)] = 1;
    }
  }
  policies_ = {std::make_shared<ScheduleLevers>(*scenario_), std::make_shared<TriggerLevers>(*scenario_)};
  policies_.insert(policies_.end(), scenario_->lever_policies.begin(), scenario_->lever_policies.end());
  std::vector<std::vector<char>> controls;
  for (const auto& policy : policies_) {
    std::vector<char>& controlled = controls.emplace_back(layout.levers().size(), 0);
    for (const int slot : policy->controlled_levers()) controlled.at(static_cast<std::size_t>(slot)) = 1;
    policy_states_.push_back(MemberArrays::Zero(members, policy->member_state_columns()));
  }
  levers_ = LeverColumns(members, std::move(controls));

  // Derived initials see the levers of month 0 set without the state (the scheduled ones):
  // triggers are first checked at step 0, against the complete initial state. Those the model
  // takes from the state after month 0's events (docs/model.md §5: P_n starts at the target step 0
  // computes) see these events acted out on a copy; step 0 then applies them to the state itself,
  // to the same effect (a member's random draws depend on its month and place alone).
  set_levers(0, /*state=*/nullptr);
  kernel_->initialize(context(), state_);
  MemberArrays after_events = state_;
  apply_events(after_events);
  kernel_->initialize_after_events(context(), after_events, state_);
}

StepContext Simulation::context() const {
  StepContext context;
  context.month = month_;
  context.stochastic = scenario_->stochastic;
  context.seed = scenario_->seed;
  context.first_member = options_.first_member;
  context.model_events = &events_this_month_;
  context.levers = &levers_.values();
  context.parameters = parameters_.size() > 0 ? &parameters_ : nullptr;
  context.varying_parameters = parameters_.size() > 0 ? &varying_parameters_ : nullptr;
  return context;
}

void Simulation::set_levers(int month, const MemberArrays* state) {
  levers_.begin_month(month);
  LeverPolicyContext policy_context;
  policy_context.month = month;
  policy_context.layout = scenario_->layout.get();
  policy_context.state = state;
  policy_context.inputs = &sampled_inputs_;
  policy_context.stochastic = scenario_->stochastic;
  policy_context.seed = scenario_->seed;
  policy_context.first_member = options_.first_member;
  policy_context.kernel = kernel_.get();
  policy_context.parameters = parameters_.size() > 0 ? &parameters_ : nullptr;
  policy_context.varying_parameters = parameters_.size() > 0 ? &varying_parameters_ : nullptr;
  policy_context.decisions = options_.log_decisions ? &decisions_ : nullptr;
  for (std::size_t policy = 0; policy < policies_.size(); ++policy) {
    if (!levers_.due(policy)) continue;
    levers_.begin(policy);
    policy_context.first_draw = first_stream_of_lever_policy(static_cast<std::uint32_t>(policy));
    policies_[policy]->set_levers(policy_context, policy_states_[policy], levers_);
  }
}

void Simulation::clip(int slot, MemberArrays& state) const {
  const VariableDecl& variable = *scenario_->layout->state()[static_cast<std::size_t>(slot)].decl;
  if (variable.clipped) state.col(slot) = state.col(slot).max(variable.min).min(variable.max);
}

void Simulation::apply_jump(const StateJump& jump, MemberArrays& state) const {
  for (const auto& [slot, delta] : jump.deltas) {
    state.col(slot) += delta;
    clip(slot, state);
  }
}

void Simulation::apply_events(MemberArrays& state) {
  events_this_month_.clear();
  for (const ScheduledModelEvent& event : scenario_->model_events)
    if (event.month == month_) events_this_month_.push_back({event.kind, event.actor});
  events_this_month_.insert(events_this_month_.end(), injected_events_.begin(), injected_events_.end());
  kernel_->apply_events(context(), state);
  for (const StateJump& jump : scenario_->jumps)
    if (jump.month == month_) apply_jump(jump, state);
  for (const StateJump& jump : injected_jumps_) apply_jump(jump, state);
}

void Simulation::step() {
  if (finished()) throw std::logic_error("Simulation::step past the horizon");
  set_levers(month_, &state_);
  apply_events(state_);
  injected_events_.clear();
  injected_jumps_.clear();
  StepContext step_context = context();
  if (options_.explain) step_context.derived = &derived_;
  kernel_->advance(step_context, state_);
  if (!kernel_->clips_on_commit())
    for (const int slot : clipped_slots_) clip(slot, state_);
  ++month_;
}

bool Simulation::run(Observer* observer, const std::atomic<bool>* cancel) {
  if (observer && month_ == 0) observer->observe(0, state_);
  while (!finished()) {
    if (cancel && cancel->load()) return false;
    step();
    if (observer) observer->observe(month_, state_);
  }
  return true;
}

void Simulation::set_lever(int lever_slot, double value) {
  const LeverDecl& lever = *scenario_->layout->levers().at(static_cast<std::size_t>(lever_slot)).decl;
  if (!(value >= lever.min && value <= lever.max))  // NaN too
    throw std::invalid_argument("Simulation::set_lever: a value outside the lever's range");
  levers_.hold(lever_slot, value);
}

void Simulation::clear_lever(int lever_slot) { levers_.hold(lever_slot, std::nullopt); }

void Simulation::inject(const StateJump& jump) { injected_jumps_.push_back(jump); }

void Simulation::inject(const ModelEventFiring& event) { injected_events_.push_back(event); }

Checkpoint Simulation::checkpoint() const {
  return {month_, state_, policy_states_, levers_.holds(), injected_jumps_, injected_events_};
}

void Simulation::restore(const Checkpoint& checkpoint) {
  const auto same_shape = [](const MemberArrays& a, const MemberArrays& b) {
    return a.rows() == b.rows() && a.cols() == b.cols();
  };
  bool fits = same_shape(checkpoint.state, state_) && checkpoint.policy_states.size() == policy_states_.size() &&
              checkpoint.lever_overrides.size() == levers_.holds().size();
  for (std::size_t policy = 0; fits && policy < policy_states_.size(); ++policy)
    fits = same_shape(checkpoint.policy_states[policy], policy_states_[policy]);
  if (!fits) throw std::logic_error("checkpoint is of another simulation's shape");
  month_ = checkpoint.month;
  state_ = checkpoint.state;
  policy_states_ = checkpoint.policy_states;
  levers_.restore(checkpoint.lever_overrides);
  injected_jumps_ = checkpoint.injected_jumps;
  injected_events_ = checkpoint.injected_events;
  // The decisions of the months undone are undone with them.
  std::erase_if(decisions_, [&](const DecisionRecord& decision) { return decision.month >= month_; });
}

}  // namespace steppe
