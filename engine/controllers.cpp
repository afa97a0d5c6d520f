#include "engine/controllers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "engine/errors.hpp"
#include "engine/lever_policies.hpp"
#include "engine/random.hpp"

namespace steppe {

namespace {

constexpr double nothing_chosen = std::numeric_limits<double>::quiet_NaN();

// A controller's draws (LeverPolicyContext::first_draw on): the logit choice's, then two per
// fogged slot for its noise.
constexpr std::uint32_t choice_draw = 0, first_noise_draw = 1;

// An objective term's state slot: "self.X", "system.X" or "{ROLE}.X", with "{self}" in X.
int term_slot(const Layout& layout, const std::string& actor, const ObjectiveTermDecl& term) {
  const auto dot = term.quantity.find('.');
  if (dot == std::string::npos) throw std::logic_error("objective term without an owner: " + term.quantity);
  std::string owner = term.quantity.substr(0, dot), variable = term.quantity.substr(dot + 1);
  if (owner == "self") owner = actor;
  if (owner.size() > 2 && owner.front() == '{' && owner.back() == '}')
    owner = layout.actors_with_role(owner.substr(1, owner.size() - 2)).at(0);
  if (const auto self = variable.find("{self}"); self != std::string::npos) variable.replace(self, 6, actor);
  const int slot = layout.state_index(owner, variable);
  if (slot < 0) throw std::logic_error("objective term of no state variable: " + term.quantity);
  return slot;
}

}  // namespace

std::optional<Objective> resolve_objective(const Layout& layout, const std::string& actor,
                                           const std::vector<std::pair<std::string, double>>& weights,
                                           std::string& error) {
  const std::string role = layout.role_of(actor);
  Objective objective;
  std::vector<std::string> names;
  for (const ObjectiveTermDecl& term : layout.declaration().objectives) {
    if (term.role != role) continue;
    names.push_back(term.name);
    double weight = term.weight;
    for (const auto& [name, value] : weights)
      if (name == term.name) weight = value;
    if (term.quantity == "lever_cost")
      objective.lever_cost_weight = weight;
    else
      objective.terms.push_back({term.name, term_slot(layout, actor, term), weight});
  }
  if (names.empty()) {
    error = fmt::format("the {} model declares no objective for a {}, so it cannot look ahead",
                        layout.declaration().name, role);
    return std::nullopt;
  }
  for (const auto& [name, value] : weights)
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      error = unknown_name_message(fmt::format("term of a {}'s objective", role), name, names, "terms");
      return std::nullopt;
    }
  return objective;
}

ScriptedReply::ScriptedReply(std::vector<std::pair<int, std::vector<Step>>> levers) : levers_(std::move(levers)) {}

std::vector<int> ScriptedReply::controlled_levers() const {
  std::vector<int> slots;
  for (const auto& [slot, steps] : levers_) slots.push_back(slot);
  return slots;
}

void ScriptedReply::set_levers(const LeverPolicyContext& context, MemberArrays&, LeverColumns& levers) const {
  // Its settings depend on the month alone: each is promised through the month before the next.
  int through = INT_MAX;
  for (const auto& [slot, steps] : levers_) {
    auto next = std::upper_bound(steps.begin(), steps.end(), context.month,
                                 [](int month, const Step& step) { return month < step.first_month; });
    if (next == steps.begin()) {  // before the game began: the schedules stand until it does
      through = std::min(through, steps.front().first_month - 1);
      continue;
    }
    const int until = next == steps.end() ? INT_MAX : next->first_month - 1;
    levers.set_all(slot, std::prev(next)->value, until);
    through = std::min(through, until);
  }
  levers.unchanged_through(std::max(through, context.month));
}

Controller::Controller(const Layout& layout, ControllerSpec spec) : layout_(&layout), spec_(std::move(spec)) {
  if (spec_.observe.truth) return;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
    // Bookkeeping (a countdown) is no one's estimate: seen as it is, like the wargame's briefing.
    const Layout::StateSlot& state = layout.state()[slot];
    if (state.actor != spec_.actor && state.actor != "system" && !state.decl->internal)
      fogged_slots_.push_back(static_cast<int>(slot));
  }
}

Eigen::Index Controller::member_state_columns() const {
  return static_cast<Eigen::Index>(spec_.levers.size()) + own_state_columns() +
         static_cast<Eigen::Index>(fogged_slots_.size()) * spec_.observe.lag_months;
}

std::string Controller::settings_text(const std::vector<double>& settings) const {
  std::string text;
  for (std::size_t lever = 0; lever < spec_.levers.size(); ++lever)
    text += fmt::format("{}{}={}", text.empty() ? "" : " ",
                        layout_->levers()[static_cast<std::size_t>(spec_.levers[lever])].decl->name, settings[lever]);
  return text;
}

// The memory holds, per fogged slot, its values of the last `lag` months, month m at m % lag:
// until month m is written there it holds month m − lag, the value seen at month m. Months before
// the run began are seen as month 0.
const MemberArrays& Controller::observe(const LeverPolicyContext& context,
                                        Eigen::Ref<const MemberArrays> memory) const {
  thread_local MemberArrays observed;
  observed = *context.state;
  const int lag = spec_.observe.lag_months;
  for (std::size_t index = 0; index < fogged_slots_.size(); ++index)
    if (lag > 0 && context.month > 0)
      observed.col(fogged_slots_[index]) = memory.col(static_cast<Eigen::Index>(index) * lag + context.month % lag);
  if (!context.stochastic || spec_.observe.noise == 0) return observed;
  // Normal noise by Box–Muller, both of a pair of draws' normals used: fogged slots 2k and 2k + 1
  // take the cosine's and the sine's of draws 2k and 2k + 1.
  const auto month = static_cast<std::uint32_t>(context.month);
  const auto add_noise = [&](std::size_t index, Eigen::Index row, double normal) {
    const int slot = fogged_slots_[index];
    const VariableDecl& variable = *layout_->state()[static_cast<std::size_t>(slot)].decl;
    observed(row, slot) = std::clamp(observed(row, slot) + spec_.observe.noise * normal, variable.min, variable.max);
  };
  for (std::size_t index = 0; index < fogged_slots_.size(); index += 2) {
    const auto draw = context.first_draw + first_noise_draw + static_cast<std::uint32_t>(index);
    for (Eigen::Index row = 0; row < observed.rows(); ++row) {
      const auto member = static_cast<std::uint64_t>(context.first_member + row);
      const double radius = std::sqrt(-2 * std::log(uniform_draw(context.seed, member, month, draw)));
      const double angle = 2 * std::numbers::pi * uniform_draw(context.seed, member, month, draw + 1);
      add_noise(index, row, radius * std::cos(angle));
      if (index + 1 < fogged_slots_.size()) add_noise(index + 1, row, radius * std::sin(angle));
    }
  }
  return observed;
}

void Controller::remember(const LeverPolicyContext& context, Eigen::Ref<MemberArrays> memory) const {
  const int lag = spec_.observe.lag_months;
  if (lag == 0) return;
  for (std::size_t index = 0; index < fogged_slots_.size(); ++index) {
    const Eigen::Index first = static_cast<Eigen::Index>(index) * lag;
    const auto value = context.state->col(fogged_slots_[index]);
    if (context.month == 0)
      memory.middleCols(first, lag).colwise() = value;
    else
      memory.col(first + context.month % lag) = value;
  }
}

void Controller::set_levers(const LeverPolicyContext& context, MemberArrays& member_state, LeverColumns& levers) const {
  // Before the first step nothing is decided: the schedules' values of month 0 stand for the
  // model's derived initial values.
  if (!context.state) return;
  const auto held = static_cast<Eigen::Index>(spec_.levers.size());
  auto chosen = member_state.leftCols(held);
  if (context.month == 0) chosen.setConstant(nothing_chosen);
  auto own = member_state.middleCols(held, own_state_columns());
  auto memory = member_state.rightCols(member_state.cols() - held - own_state_columns());
  if (context.month % spec_.interval == 0) {
    const MemberArrays& observed = observe(context, memory);
    MemberArrays status_quo(member_state.rows(), held);
    for (Eigen::Index lever = 0; lever < held; ++lever) {
      const auto column = chosen.col(lever);
      status_quo.col(lever) = column.isNaN().select(levers.values().col(spec_.levers[lever]), column);
    }
    decide(context, observed, levers.values(), status_quo, own, chosen);
  }
  remember(context, memory);
  for (Eigen::Index lever = 0; lever < held; ++lever) {
    const int slot = spec_.levers[static_cast<std::size_t>(lever)];
    const auto column = chosen.col(lever);
    if (!column.isNaN().all()) levers.set_each(slot, column.isNaN().select(levers.values().col(slot), column));
  }
}

DoctrineController::DoctrineController(const Layout& layout, ControllerSpec spec, std::vector<DoctrineRule> rules,
                                       std::vector<double> otherwise)
    : Controller(layout, std::move(spec)), rules_(std::move(rules)), otherwise_(std::move(otherwise)) {}

void DoctrineController::decide(const LeverPolicyContext& context, const MemberArrays& observed, const MemberArrays&,
                                const MemberArrays& status_quo, Eigen::Ref<MemberArrays> active,
                                Eigen::Ref<MemberArrays> chosen) const {
  const Eigen::Index members = observed.rows();
  // Each rule's mode: it turns on when its condition holds and off when its `until` holds
  // (without one, when its condition no longer holds).
  for (std::size_t index = 0; index < rules_.size(); ++index) {
    const DoctrineRule& rule = rules_[index];
    auto mode = active.col(static_cast<Eigen::Index>(index));
    const auto when = condition_holds(rule.when, observed);
    if (rule.until)
      mode = ((mode > 0 && !condition_holds(*rule.until, observed)) || (mode <= 0 && when)).cast<double>();
    else
      mode = when.cast<double>();
  }
  // The first active rule sets the levers it names; a lever no active rule names takes `otherwise`.
  for (std::size_t lever = 0; lever < spec_.levers.size(); ++lever) {
    auto column = chosen.col(static_cast<Eigen::Index>(lever));
    column.setConstant(otherwise_[lever]);
    for (auto index = static_cast<std::ptrdiff_t>(rules_.size()) - 1; index >= 0; --index) {
      const double setting = rules_[static_cast<std::size_t>(index)].settings[lever];
      if (!std::isnan(setting)) column = (active.col(index) > 0).select(setting, column);
    }
  }
  if (context.decisions && members == 1) {
    DecisionRecord record{.month = context.month, .actor = spec_.actor, .controller = "doctrine"};
    record.reason = "otherwise";
    for (std::size_t index = 0; index < rules_.size(); ++index)
      if (active(0, static_cast<Eigen::Index>(index)) > 0) {
        record.reason = rules_[index].when.text;
        break;
      }
    std::vector<double> settings;
    for (std::size_t lever = 0; lever < spec_.levers.size(); ++lever) {
      // A lever no active rule names and with no `otherwise` is left as the schedules set it.
      const double setting = chosen(0, static_cast<Eigen::Index>(lever));
      settings.push_back(std::isnan(setting) ? status_quo(0, static_cast<Eigen::Index>(lever)) : setting);
      record.chosen.emplace_back(spec_.levers[lever], settings.back());
    }
    record.options.push_back(settings_text(settings));
    context.decisions->push_back(std::move(record));
  }
}

bool LookaheadController::takes_input(Eigen::Index input) const {
  return input == lookahead_.lever_cost_input || input == lookahead_.temperature_input ||
         std::find(lookahead_.term_inputs.begin(), lookahead_.term_inputs.end(), input) != lookahead_.term_inputs.end();
}

std::vector<double> DoctrineController::settings_for(const MemberArrays& observed, std::vector<double>& modes) const {
  modes.resize(rules_.size(), 0.0);
  MemberArrays active = Eigen::Map<const MemberArrays>(modes.data(), 1, static_cast<Eigen::Index>(modes.size()));
  MemberArrays chosen(1, static_cast<Eigen::Index>(spec_.levers.size()));
  decide(LeverPolicyContext{}, observed, observed, MemberArrays(), active, chosen);  // no status quo: nothing logged
  for (std::size_t rule = 0; rule < modes.size(); ++rule) modes[rule] = active(0, static_cast<Eigen::Index>(rule));
  return {chosen.data(), chosen.data() + chosen.size()};
}

LookaheadController::LookaheadController(const Layout& layout, ControllerSpec spec, LookaheadSpec lookahead)
    : Controller(layout, std::move(spec)), lookahead_(std::move(lookahead)) {
  // Every combination of the menus' settings, the first lever's varying slowest, within the budget.
  std::vector<std::size_t> pick(spec_.levers.size(), 0);
  while (true) {
    std::vector<double> candidate;
    double cost = 0;
    for (std::size_t lever = 0; lever < pick.size(); ++lever) {
      candidate.push_back(lookahead_.menu[lever][pick[lever]]);
      if (!lookahead_.costs.empty() && !lookahead_.costs[lever].empty()) cost += lookahead_.costs[lever][pick[lever]];
    }
    if (!lookahead_.budget || cost <= *lookahead_.budget) candidates_.push_back(std::move(candidate));
    std::size_t lever = pick.size();
    while (lever > 0 && ++pick[lever - 1] == lookahead_.menu[lever - 1].size()) pick[--lever] = 0;
    if (lever == 0) break;
  }
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    if (layout.state()[slot].decl->clipped) clipped_slots_.push_back(static_cast<int>(slot));
}

const MemberArrays& LookaheadController::score(const Kernel& kernel, int month, const MemberArrays& observed,
                                               const MemberArrays& now, const MemberArrays& status_quo,
                                               const std::vector<std::vector<double>>& candidates,
                                               const MemberArrays* member_parameters,
                                               const std::vector<char>* varying_parameters,
                                               const MemberArrays* inputs) const {
  const Eigen::Index members = observed.rows(), held = static_cast<Eigen::Index>(spec_.levers.size());
  // Option 0 is the status quo (what each held lever is now), then the candidates.
  const auto options = static_cast<Eigen::Index>(candidates.size()) + 1;
  const Eigen::Index rows = options * members;

  // Every option of every member as one block: rows k·members + r.
  thread_local MemberArrays state, levers, parameters, scores;
  state.resize(rows, observed.cols());
  levers.resize(rows, now.cols());
  for (Eigen::Index option = 0; option < options; ++option) {
    state.middleRows(option * members, members) = observed;
    auto option_levers = levers.middleRows(option * members, members);
    option_levers = now;
    for (Eigen::Index lever = 0; lever < held; ++lever)
      option_levers.col(spec_.levers[static_cast<std::size_t>(lever)]) =
          option == 0 ? MemberColumn(status_quo.col(lever))
                      : MemberColumn::Constant(
                            members, candidates[static_cast<std::size_t>(option - 1)][static_cast<std::size_t>(lever)]);
  }
  StepContext step;
  step.stochastic = false;  // the actor plans on the model's expected course
  const std::vector<ModelEventFiring> no_events;
  step.model_events = &no_events;
  step.levers = &levers;
  if (member_parameters) {
    parameters.resize(rows, member_parameters->cols());
    for (Eigen::Index option = 0; option < options; ++option)
      parameters.middleRows(option * members, members) = *member_parameters;
    step.parameters = &parameters;
    step.varying_parameters = varying_parameters;
  }

  // Each row's weight of a term: the objective's, or the member's draw.
  const auto weights = [&](double weight, Eigen::Index input) {
    if (input < 0 || !inputs) return MemberColumn(MemberColumn::Constant(rows, weight));
    return MemberColumn(inputs->col(input).replicate(options, 1));
  };
  std::vector<MemberColumn> term_weights;
  for (std::size_t term = 0; term < lookahead_.objective.terms.size(); ++term)
    term_weights.push_back(weights(lookahead_.objective.terms[term].weight,
                                   lookahead_.term_inputs.empty() ? -1 : lookahead_.term_inputs[term]));

  // The objective averaged over the months ahead, less the held levers' cost.
  MemberColumn score = MemberColumn::Zero(rows);
  for (int ahead = 0; ahead < lookahead_.horizon; ++ahead) {
    step.month = month + ahead;
    kernel.apply_events(step, state);
    kernel.advance(step, state);
    if (!kernel.clips_on_commit())
      for (const int slot : clipped_slots_) {
        const VariableDecl& variable = *layout_->state()[static_cast<std::size_t>(slot)].decl;
        state.col(slot) = state.col(slot).max(variable.min).min(variable.max);
      }
    for (std::size_t term = 0; term < term_weights.size(); ++term)
      score += term_weights[term] * state.col(lookahead_.objective.terms[term].state_slot);
  }
  score /= lookahead_.horizon;
  const MemberColumn cost_weight = weights(lookahead_.objective.lever_cost_weight, lookahead_.lever_cost_input);
  for (Eigen::Index lever = 0; lever < held; ++lever) {
    const LeverDecl& decl = *layout_->levers()[static_cast<std::size_t>(spec_.levers[lever])].decl;
    const double range = decl.max - decl.min;
    score += cost_weight * (levers.col(spec_.levers[lever]) - decl.min) / range;
  }
  scores = Eigen::Map<const MemberArrays>(score.data(), members, options);
  return scores;
}

void LookaheadController::decide(const LeverPolicyContext& context, const MemberArrays& observed,
                                 const MemberArrays& now, const MemberArrays& status_quo, Eigen::Ref<MemberArrays>,
                                 Eigen::Ref<MemberArrays> chosen) const {
  if (!context.kernel) throw std::logic_error("a lookahead controller run without the simulation's kernel");
  const Eigen::Index members = observed.rows(), held = static_cast<Eigen::Index>(spec_.levers.size());
  const auto options = static_cast<Eigen::Index>(candidates_.size()) + 1;
  const MemberArrays& scores = score(*context.kernel, context.month, observed, now, status_quo, candidates_,
                                     context.parameters, context.varying_parameters, context.inputs);

  // The best option (the first of equals, so the status quo when nothing is better), or a logit
  // choice: option k with probability ∝ exp((score_k − best) / temperature), in stochastic runs.
  Eigen::Index first_members_pick = 0;
  for (Eigen::Index row = 0; row < members; ++row) {
    Eigen::Index pick = 0;
    scores.row(row).maxCoeff(&pick);
    const double temperature = lookahead_.temperature_input >= 0 ? (*context.inputs)(row, lookahead_.temperature_input)
                                                                 : lookahead_.temperature;
    if (temperature > 0 && context.stochastic) {
      const auto weights = ((scores.row(row) - scores(row, pick)) / temperature).exp().eval();
      double u = uniform_draw(context.seed, static_cast<std::uint64_t>(context.first_member + row),
                              static_cast<std::uint32_t>(context.month), context.first_draw + choice_draw) *
                 weights.sum();
      for (pick = 0; pick + 1 < options && u >= weights(pick); ++pick) u -= weights(pick);
    }
    if (row == 0) first_members_pick = pick;
    for (Eigen::Index lever = 0; lever < held; ++lever)
      chosen(row, lever) = pick == 0 ? status_quo(row, lever)
                                     : candidates_[static_cast<std::size_t>(pick - 1)][static_cast<std::size_t>(lever)];
  }

  if (context.decisions && members == 1) {
    DecisionRecord record{.month = context.month, .actor = spec_.actor, .controller = "lookahead"};
    std::vector<double> now_settings;
    for (Eigen::Index lever = 0; lever < held; ++lever) {
      record.chosen.emplace_back(spec_.levers[static_cast<std::size_t>(lever)], chosen(0, lever));
      now_settings.push_back(status_quo(0, lever));
    }
    record.options.push_back("status quo: " + settings_text(now_settings));
    for (const auto& candidate : candidates_) record.options.push_back(settings_text(candidate));
    for (Eigen::Index option = 0; option < options; ++option) record.scores.push_back(scores(0, option));
    record.chosen_option = static_cast<std::size_t>(first_members_pick);
    context.decisions->push_back(std::move(record));
  }
}

}  // namespace steppe
