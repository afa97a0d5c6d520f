#include "engine/simulation.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "engine/random.hpp"

namespace steppe {

namespace {

// Which members meet a trigger's condition, for the whole block at once.
Eigen::Array<bool, Eigen::Dynamic, 1> holds(const Condition& condition, const MemberArrays& state) {
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

}  // namespace

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

  const auto members = static_cast<Eigen::Index>(options_.members);
  const auto slots = static_cast<Eigen::Index>(layout.state().size());
  state_.resize(members, slots);
  for (Eigen::Index slot = 0; slot < slots; ++slot) state_.col(slot).setConstant(scenario_->initial[slot]);

  // Each member's uncertain inputs, drawn from its own stream at a month no step uses.
  constexpr std::uint32_t sampling_month = 0xFFFFFFFFu;
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
            uniform_draw(scenario_->seed, static_cast<std::uint64_t>(options_.first_member + member), sampling_month,
                         static_cast<std::uint32_t>(index)));
    if (uncertainty.target == Uncertainty::Target::initial) state_.col(uncertainty.slot) = drawn;
    if (uncertainty.target == Uncertainty::Target::parameter) {
      parameters_.col(uncertainty.slot) = drawn;
      varying_parameters_[static_cast<std::size_t>(uncertainty.slot)] = 1;
    }
  }
  levers_.resize(members, static_cast<Eigen::Index>(layout.levers().size()));
  triggered_.setConstant(members, static_cast<Eigen::Index>(scenario_->triggers.size()), false);
  lever_overrides_.assign(layout.levers().size(), std::nullopt);
  lever_columns_.assign(layout.levers().size(), {LeverColumn::mixed, 0});
  scheduled_.assign(layout.levers().size(), {});
  sampled_lever_.assign(layout.levers().size(), -1);
  for (std::size_t index = 0; index < scenario_->uncertainties.size(); ++index)
    if (scenario_->uncertainties[index].target == Uncertainty::Target::lever)
      sampled_lever_[scenario_->uncertainties[index].slot] = static_cast<Eigen::Index>(index);

  // Derived initials (MODEL.md: P_n starts at its target) see the scheduled levers of month 0;
  // triggers are first checked at step 0, against the complete initial state.
  evaluate_levers(0, /*with_triggers=*/false);
  kernel_->initialize(context(), state_);
}

StepContext Simulation::context() const {
  StepContext context;
  context.month = month_;
  context.stochastic = scenario_->stochastic;
  context.seed = scenario_->seed;
  context.first_member = options_.first_member;
  context.model_events = &events_this_month_;
  context.levers = &levers_;
  context.parameters = parameters_.size() > 0 ? &parameters_ : nullptr;
  context.varying_parameters = parameters_.size() > 0 ? &varying_parameters_ : nullptr;
  return context;
}

const Simulation::ScheduledValue& Simulation::scheduled(std::size_t slot, int month) {
  ScheduledValue& cached = scheduled_[slot];
  if (!cached.months.contains(month)) {
    const LeverSchedule& schedule = scenario_->levers[slot];
    cached = {{month, schedule.constant_through(month)},
              schedule.value_at(month, scenario_->layout->levers()[slot].status_quo)};
  }
  return cached;
}

void Simulation::rewrite_lever_columns(int month) {
  levers_hold_ = {month, INT_MAX};
  for (std::size_t slot = 0; slot < lever_columns_.size(); ++slot) {
    const auto column = static_cast<Eigen::Index>(slot);
    LeverColumn wanted;
    if (lever_overrides_[slot]) {
      wanted = {LeverColumn::uniform, *lever_overrides_[slot]};
    } else if (sampled_lever_[slot] >= 0) {
      wanted = {LeverColumn::sampled, 0};
    } else {
      const ScheduledValue& value = scheduled(slot, month);
      wanted = {LeverColumn::uniform, value.value};
      levers_hold_.through = std::min(levers_hold_.through, value.months.through);
    }
    if (lever_columns_[slot].holds(wanted)) continue;
    if (wanted.kind == LeverColumn::uniform)
      levers_.col(column).setConstant(wanted.value);
    else
      levers_.col(column) = sampled_inputs_.col(sampled_lever_[slot]);
    lever_columns_[slot] = wanted;
  }
}

void Simulation::evaluate_levers(int month, bool with_triggers) {
  // A column is rewritten only when what it should hold changed: most levers keep one value for
  // months on end, and writing every member's copy every month would cost as much as a tenth of
  // the step. Columns that triggers change are rewritten from their base every month.
  if (!levers_hold_.contains(month)) rewrite_lever_columns(month);

  if (with_triggers) {
    for (std::size_t k = 0; k < scenario_->triggers.size(); ++k) {
      const Trigger& trigger = scenario_->triggers[k];
      const auto column = static_cast<Eigen::Index>(k);
      triggered_.col(column) = triggered_.col(column) || holds(trigger.when, state_);
      for (const auto& [lever, value] : trigger.set) {
        if (lever_overrides_[lever]) continue;  // a team's move holds over any trigger
        levers_.col(lever) = triggered_.col(column).select(value, levers_.col(lever));
        lever_columns_[lever] = {LeverColumn::mixed, 0};
        levers_hold_ = {};
      }
    }
  }
}

void Simulation::apply_jump(const StateJump& jump) {
  const Layout& layout = *scenario_->layout;
  for (const auto& [slot, delta] : jump.deltas) {
    const VariableDecl& variable = *layout.state()[slot].decl;
    state_.col(slot) += delta;
    if (variable.clipped) state_.col(slot) = state_.col(slot).max(variable.min).min(variable.max);
  }
}

void Simulation::step() {
  if (finished()) throw std::logic_error("Simulation::step past the horizon");
  evaluate_levers(month_, /*with_triggers=*/true);

  events_this_month_.clear();
  for (const ScheduledModelEvent& event : scenario_->model_events)
    if (event.month == month_) events_this_month_.push_back({event.kind, event.actor});
  events_this_month_.insert(events_this_month_.end(), injected_events_.begin(), injected_events_.end());
  injected_events_.clear();

  const StepContext step_context = context();
  kernel_->apply_events(step_context, state_);
  for (const StateJump& jump : scenario_->jumps)
    if (jump.month == month_) apply_jump(jump);
  for (const StateJump& jump : injected_jumps_) apply_jump(jump);
  injected_jumps_.clear();
  kernel_->advance(step_context, state_);
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
  lever_overrides_.at(lever_slot) = value;
  levers_hold_ = {};
}

void Simulation::clear_lever(int lever_slot) {
  lever_overrides_.at(lever_slot).reset();
  levers_hold_ = {};
}

void Simulation::inject(const StateJump& jump) { injected_jumps_.push_back(jump); }

void Simulation::inject(const ModelEventFiring& event) { injected_events_.push_back(event); }

Checkpoint Simulation::checkpoint() const {
  return {month_, state_, triggered_, lever_overrides_, injected_jumps_, injected_events_};
}

void Simulation::restore(const Checkpoint& checkpoint) {
  if (checkpoint.state.rows() != state_.rows() || checkpoint.state.cols() != state_.cols() ||
      checkpoint.triggered.rows() != triggered_.rows() || checkpoint.triggered.cols() != triggered_.cols() ||
      checkpoint.lever_overrides.size() != lever_overrides_.size())
    throw std::logic_error("checkpoint is of another simulation's shape");
  month_ = checkpoint.month;
  state_ = checkpoint.state;
  triggered_ = checkpoint.triggered;
  lever_overrides_ = checkpoint.lever_overrides;
  levers_hold_ = {};
  injected_jumps_ = checkpoint.injected_jumps;
  injected_events_ = checkpoint.injected_events;
}

}  // namespace steppe
