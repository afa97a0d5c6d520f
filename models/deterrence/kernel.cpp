// The deterrence step, in plain Eigen over a block of members: each state variable of each actor
// is a column of the block's state array, contiguous across members, and every equation is one
// column expression.
//
// Per month, from the state at the start of the step (a synchronous update):
//   backed      = commitment · (unbacked_share + (1 − unbacked_share) · presence)
//   credibility ← credibility + (backed − credibility) / credibility_lag
//   arms_i      ← arms_i + reaction_i · arms_other · (1 − deterrence · credibility) · (1 − arms_i)
//                        + buildup_rate · buildup_i · (1 − arms_i) − fatigue · arms_i
//   tension     ← tension + tension_rate · (mean arms + provocation · presence) · (1 − tension)
//                         − tension_decay · tension
// and the engine clips every value to [0, 1] after the step (the variables are declared
// clipped). Events come first in the month: a summit multiplies tension by 1 − summit_relief; in
// stochastic runs a border incident (the declared random event) strikes with probability
// incident_base + incident_sensitivity · tension and adds incident_jump to it.
//
// A member's numbers must not depend on its row or block: only +, −, ×, ÷ and comparisons here
// (the build turns off fused multiply-add contraction, so Eigen's vectorized rows and its scalar
// remainder compute the same bits); exp or a sigmoid would come from engine/repeatable_math.hpp.
#include <stdexcept>
#include <string>

#include "models/deterrence/deterrence.hpp"

namespace steppe::deterrence {

namespace {

// A fixed coefficient of the equations rather than a parameter: half of a commitment counts with
// no presence behind it.
constexpr double unbacked_share = 0.5;

// A parameter as compiled: its value, and its slot for when members have their own.
struct Parameter {
  double value = 0;
  int slot = -1;
};

class DeterrenceKernel final : public Kernel {
 public:
  DeterrenceKernel(const Layout& layout, const std::vector<double>& parameters);

  void initialize(const StepContext& context, MemberArrays& state) const override;
  void apply_events(const StepContext& context, MemberArrays& state) const override;
  void advance(const StepContext& context, MemberArrays& state) const override;

 private:
  // The parameter's value for each member of the block: its own column when the scenario makes it
  // uncertain, else the compiled value.
  static MemberColumn values(const StepContext& context, const Parameter& parameter, Eigen::Index members);

  struct Rival {
    int arms;     // state slot
    int buildup;  // lever slot
    Parameter reaction;
  };
  Rival rivals_[2];
  int credibility_, tension_, incident_;  // state slots
  int commitment_, presence_;             // lever slots
  const RandomEventDecl* incident_event_;
  Parameter buildup_rate_, fatigue_, deterrence_, credibility_lag_, tension_rate_, tension_decay_, provocation_,
      incident_base_, incident_sensitivity_, incident_jump_, summit_relief_;
};

DeterrenceKernel::DeterrenceKernel(const Layout& layout, const std::vector<double>& parameters) {
  // Every slot is looked up by name once, here: the step only indexes columns.
  const auto state_slot = [&](const std::string& actor, const std::string& variable) {
    const int slot = layout.state_index(actor, variable);
    if (slot < 0) throw std::logic_error("deterrence: no state slot " + Layout::full_name(actor, variable));
    return slot;
  };
  const auto lever_slot = [&](const std::string& actor, const std::string& lever) {
    const int slot = layout.lever_index(actor, lever);
    if (slot < 0) throw std::logic_error("deterrence: no lever " + Layout::full_name(actor, lever));
    return slot;
  };
  const auto parameter = [&](const std::string& actor, const std::string& name) {
    const int slot = layout.parameter_index(actor, name);
    if (slot < 0) throw std::logic_error("deterrence: no parameter " + Layout::full_name(actor, name));
    return Parameter{parameters.at(static_cast<std::size_t>(slot)), slot};
  };
  const auto random_event = [&](const std::string& name) {
    const RandomEventDecl* event = layout.declaration().find_random_event(name);
    if (!event) throw std::logic_error("deterrence: no random event " + name);
    return event;
  };

  const std::vector<std::string> rivals = layout.actors_with_role("rival");
  for (std::size_t i = 0; i < 2; ++i)
    rivals_[i] = {state_slot(rivals.at(i), "arms"), lever_slot(rivals.at(i), "buildup"),
                  parameter(rivals.at(i), "reaction")};
  const std::string guarantor = layout.actors_with_role("guarantor").at(0);
  credibility_ = state_slot(guarantor, "credibility");
  tension_ = state_slot("system", "tension");
  incident_ = state_slot("system", "incident");
  commitment_ = lever_slot(guarantor, "commitment");
  presence_ = lever_slot(guarantor, "presence");
  buildup_rate_ = parameter("", "buildup_rate");
  fatigue_ = parameter("", "fatigue");
  deterrence_ = parameter("", "deterrence");
  credibility_lag_ = parameter("", "credibility_lag");
  tension_rate_ = parameter("", "tension_rate");
  tension_decay_ = parameter("", "tension_decay");
  provocation_ = parameter("", "provocation");
  incident_base_ = parameter("", "incident_base");
  incident_sensitivity_ = parameter("", "incident_sensitivity");
  incident_jump_ = parameter("", "incident_jump");
  summit_relief_ = parameter("", "summit_relief");
  incident_event_ = random_event("incident");
}

MemberColumn DeterrenceKernel::values(const StepContext& context, const Parameter& parameter, Eigen::Index members) {
  if (context.parameters && (*context.varying_parameters)[static_cast<std::size_t>(parameter.slot)])
    return context.parameters->col(parameter.slot);
  return MemberColumn::Constant(members, parameter.value);
}

void DeterrenceKernel::initialize(const StepContext&, MemberArrays& state) const {
  // The one derived initial value: no incident before the first month.
  state.col(incident_).setZero();
}

void DeterrenceKernel::apply_events(const StepContext& context, MemberArrays& state) const {
  const Eigen::Index members = state.rows();
  auto tension = state.col(tension_);
  for (const ModelEventFiring& firing : *context.model_events)
    if (firing.kind == summit) tension *= 1.0 - values(context, summit_relief_, members);

  auto incident = state.col(incident_);
  if (!context.stochastic) {
    incident.setZero();
    return;
  }
  const MemberColumn base = values(context, incident_base_, members),
                     sensitivity = values(context, incident_sensitivity_, members);
  // Each member's own draw: the same number whatever block or row it is in.
  const RandomStream draw = context.random_stream(*incident_event_);
  for (Eigen::Index row = 0; row < members; ++row)
    incident(row) = draw(row) < base(row) + sensitivity(row) * tension(row) ? 1.0 : 0.0;
  // Clipped here, not only by the engine after the step: advance reads it.
  tension = (tension + values(context, incident_jump_, members) * incident).min(1.0);
}

void DeterrenceKernel::advance(const StepContext& context, MemberArrays& state) const {
  const Eigen::Index members = state.rows();
  const auto value = [&](const Parameter& parameter) { return values(context, parameter, members); };
  const auto lever = [&](int slot) { return context.levers->col(slot); };

  // Every right-hand side reads the state at the start of the step: copies of the columns that
  // are overwritten below.
  const MemberColumn credibility = state.col(credibility_), tension = state.col(tension_);
  const MemberColumn arms[2] = {state.col(rivals_[0].arms), state.col(rivals_[1].arms)};

  const MemberColumn backed = lever(commitment_) * (unbacked_share + (1.0 - unbacked_share) * lever(presence_));
  state.col(credibility_) = credibility + (backed - credibility) / value(credibility_lag_);

  const MemberColumn undeterred = 1.0 - value(deterrence_) * credibility;
  for (int i = 0; i < 2; ++i) {
    const MemberColumn& own = arms[i];
    const MemberColumn& other = arms[1 - i];
    state.col(rivals_[i].arms) = own + value(rivals_[i].reaction) * other * undeterred * (1.0 - own) +
                                 value(buildup_rate_) * lever(rivals_[i].buildup) * (1.0 - own) - value(fatigue_) * own;
  }

  const MemberColumn drive = 0.5 * (arms[0] + arms[1]) + value(provocation_) * lever(presence_);
  state.col(tension_) = tension + value(tension_rate_) * drive * (1.0 - tension) - value(tension_decay_) * tension;
}

}  // namespace

std::unique_ptr<Kernel> DeterrenceModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                                 const Network*) const {
  return std::make_unique<DeterrenceKernel>(layout, parameters);
}

}  // namespace steppe::deterrence
