// Controllers: lever policies by which an actor decides (docs/model.md §11, docs/controllers.md).
//
// A scenario's `controllers:` hands some of an actor's levers to a controller; the rest follow
// their schedules. Every `interval` months the controller decides, member by member, what the
// levers it holds will be until its next decision, from what the actor observes:
// - a doctrine: ordered if–then rules over observed values, each active from its `if` until its
//   `until` (hysteresis), the first active rule's settings winning;
// - a lookahead: every candidate setting from its menu (within its budget, and the status quo) is
//   scored by stepping the model itself `horizon` months ahead from the observed state, the other
//   levers held as they are, and the best is chosen, or one by a logit choice of a declared
//   temperature (bounded rationality). The score is the actor's objective (the model's declared
//   terms, ObjectiveTermDecl, with the scenario's weights) averaged over the horizon's months.
// What an actor observes is what a wargame's fog of war shows a team: its own variables and the
// system's exactly, the others' as they were `lag` months ago plus normal noise of sd `noise`
// (drawn from each member's own stream in stochastic runs; without noise in deterministic ones),
// clipped to their ranges; or the true state (`observe: truth`).
//
// Each member decides from its own state and draws, and a lookahead steps all members' candidates
// as one block through the kernel (candidates × members rows), so decisions are the same for any
// block size and thread count.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/lever_policy.hpp"
#include "engine/scenario.hpp"

namespace steppe {

// An actor's objective, resolved on a layout: Σ weight·state + lever_cost_weight·(the held levers'
// settings as shares of their ranges, summed).
struct Objective {
  struct Term {
    std::string name;
    int state_slot = -1;
    double weight = 0;
  };
  std::vector<Term> terms;
  double lever_cost_weight = 0;
};

// The objective the model declares for `actor`'s role, with `weights` (term name → weight) over
// the declared defaults. nullopt and `error` set for a name that is not one of the role's terms.
std::optional<Objective> resolve_objective(const Layout& layout, const std::string& actor,
                                           const std::vector<std::pair<std::string, double>>& weights,
                                           std::string& error);

struct Observation {
  bool truth = false;  // see the true state
  int lag_months = 3;
  double noise = 0.05;
};

// What every controller has: whose levers it holds, how often it decides and what it sees.
struct ControllerSpec {
  std::string actor;
  std::vector<int> levers;  // the lever slots it holds
  int interval = 3;         // it decides at months 0, interval, 2·interval, …
  Observation observe;
};

// Decides at its months and holds its choice in between; what it chose lives in member-state
// columns (one per held lever, NaN: nothing chosen, the schedules' value stands), followed by the
// fog of war's memory of the observed values (lag_months per fogged state slot).
class Controller : public LeverPolicy {
 public:
  explicit Controller(const Layout& layout, ControllerSpec spec);
  std::vector<int> controlled_levers() const override { return spec_.levers; }
  Eigen::Index member_state_columns() const override;
  void set_levers(const LeverPolicyContext& context, MemberArrays& member_state, LeverColumns& levers) const final;
  const ControllerSpec& spec() const { return spec_; }
  // A setting of each held lever, as "direct_pressure=0.15 hawkishness=0.3": decision logs, reports.
  std::string settings_text(const std::vector<double>& settings) const;

 protected:
  // Writes into `chosen` (members × held levers, as the spec lists them) the settings decided at
  // this month from `observed`; NaN leaves a lever to the policies before. `levers` are every
  // lever's settings as the policies before wrote them this month, `status_quo` what each held
  // lever is now for each member (the last decision's, or the schedules' when none), and `chosen`
  // holds the last decision on entry.
  virtual void decide(const LeverPolicyContext& context, const MemberArrays& observed, const MemberArrays& levers,
                      const MemberArrays& status_quo, Eigen::Ref<MemberArrays> own_state,
                      Eigen::Ref<MemberArrays> chosen) const = 0;
  // Columns of per-member memory of the kind's own (a doctrine's rule modes), before the fog's.
  virtual Eigen::Index own_state_columns() const { return 0; }

  const Layout* layout_;
  ControllerSpec spec_;

 private:
  // The state as the actor sees it this month (the fog of war over the true state), from the
  // memory of past values.
  const MemberArrays& observe(const LeverPolicyContext& context, Eigen::Ref<const MemberArrays> memory) const;
  // Keeps this month's values of the fogged slots in the memory, for the months to come.
  void remember(const LeverPolicyContext& context, Eigen::Ref<MemberArrays> memory) const;

  std::vector<int> fogged_slots_;  // state slots seen late and noisy: other actors' variables
};

struct DoctrineRule {
  Condition when;
  std::optional<Condition> until;  // active from `when` until `until` holds; without it, while `when` holds
  std::vector<double> settings;    // per held lever, NaN: not set by this rule
};

class DoctrineController final : public Controller {
 public:
  DoctrineController(const Layout& layout, ControllerSpec spec, std::vector<DoctrineRule> rules,
                     std::vector<double> otherwise);
  // One decision outside a simulation (a wargame's computer team), for one observed state (1 ×
  // state slots): the setting of each held lever (NaN: none), `modes` carrying the rules' modes
  // from the decision before (empty at the first).
  std::vector<double> settings_for(const MemberArrays& observed, std::vector<double>& modes) const;

 private:
  void decide(const LeverPolicyContext& context, const MemberArrays& observed, const MemberArrays& levers,
              const MemberArrays& status_quo, Eigen::Ref<MemberArrays> own_state,
              Eigen::Ref<MemberArrays> chosen) const override;
  Eigen::Index own_state_columns() const override { return static_cast<Eigen::Index>(rules_.size()); }

  std::vector<DoctrineRule> rules_;
  std::vector<double> otherwise_;  // per held lever: when no rule is active; NaN: the schedules'
};

// A team's moves from a wargame replayed as a controller (`scripted:`), so that a game played in
// class and a scenario are one thing: each lever on the team's menu is what the team held in the
// game's turn covering the month (its moves and the facilitator's overrides), and after the
// game's last adjudicated turn what it held then.
class ScriptedReply final : public LeverPolicy {
 public:
  struct Step {
    int first_month;  // of the scenario
    double value;
  };
  // Per lever slot, its values from their first months on, in order.
  explicit ScriptedReply(std::vector<std::pair<int, std::vector<Step>>> levers);
  std::vector<int> controlled_levers() const override;
  void set_levers(const LeverPolicyContext& context, MemberArrays& member_state, LeverColumns& levers) const override;

 private:
  std::vector<std::pair<int, std::vector<Step>>> levers_;
};

struct LookaheadSpec {
  std::vector<std::vector<double>> menu;   // per held lever, the settings it may take
  std::vector<std::vector<double>> costs;  // per held lever, per setting (empty: no costs)
  std::optional<double> budget;            // a candidate's costs summed must not exceed it
  int horizon = 12;
  double temperature = 0;  // 0: the best candidate; above: a logit choice
  Objective objective;
  // Weights and the temperature drawn per member (the scenario's uncertainties "CHN.objective.TERM",
  // "CHN.temperature"): the column of the members' inputs of each, -1 where the value above stands.
  std::vector<Eigen::Index> term_inputs;  // per objective term
  Eigen::Index lever_cost_input = -1, temperature_input = -1;
};

class LookaheadController final : public Controller {
 public:
  LookaheadController(const Layout& layout, ControllerSpec spec, LookaheadSpec lookahead);
  // The menu's candidates within the budget, each a setting per held lever.
  const std::vector<std::vector<double>>& candidates() const { return candidates_; }
  int horizon() const { return lookahead_.horizon; }
  const Objective& objective() const { return lookahead_.objective; }
  // Whether it draws a weight or its temperature from the members' inputs' column `input`.
  bool takes_input(Eigen::Index input) const;
  // Each row's score of its status quo (option 0) and of each of `candidates` (a setting per held
  // lever): `kernel` stepped deterministically from `observed` (members × state slots) for the
  // horizon, every lever at its value in `levers` (members × lever slots) but the held ones, at
  // `status_quo` (members × held levers) or the candidate's; the weights each member draws come
  // from `inputs` (members × uncertainties). members × (1 + candidates), valid until the next
  // call on this thread.
  const MemberArrays& score(const Kernel& kernel, int month, const MemberArrays& observed, const MemberArrays& levers,
                            const MemberArrays& status_quo, const std::vector<std::vector<double>>& candidates,
                            const MemberArrays* parameters = nullptr,
                            const std::vector<char>* varying_parameters = nullptr,
                            const MemberArrays* inputs = nullptr) const;

 private:
  void decide(const LeverPolicyContext& context, const MemberArrays& observed, const MemberArrays& levers,
              const MemberArrays& status_quo, Eigen::Ref<MemberArrays> own_state,
              Eigen::Ref<MemberArrays> chosen) const override;

  LookaheadSpec lookahead_;
  std::vector<std::vector<double>> candidates_;
  std::vector<int> clipped_slots_;  // stepped ahead with a kernel that does not clip on commit
};

}  // namespace steppe
