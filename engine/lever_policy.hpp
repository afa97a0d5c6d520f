// Lever policies: what sets each lever, month by month, for a block of members.
//
// Before every step the simulation asks its lever policies, in order, to write the month's lever
// settings into the block's lever array (members × lever slots); each writes over the ones before
// it. The first two are the scenario's own: its schedules (engine/lever_policies.hpp,
// ScheduleLevers: constants, dated values, ramps, pulses, windows, a lever's uncertain draw) and
// its triggers (TriggerLevers); the scenario's further policies (Scenario::lever_policies: the
// controllers of doctrine rules, lookahead actors, scripted replies) come after them. Above them
// all, a lever a wargame team holds (Simulation::set_lever) is written by no policy. The order,
// when policies run and what they see are documented in docs/scenario-format.md ("Who sets a
// lever"). DESIGN.md §3: stepping is an API, and a move, a rule or a controller enters the run
// through the same door.
//
// Policies are immutable once built, so one serves every block on every thread. What a policy
// must remember per member from month to month (a trigger's latch, a controller's mode within
// its hysteresis band, the setting it chose at its last decision) lives in member-state columns
// the simulation allocates for it (member_state_columns), hands to every call and keeps in its
// checkpoints. A policy computes from the month, the block's state, the members' uncertain inputs
// and its member state alone, vectorized over the block, so results are the same for any block
// size and thread count; one that draws uses the members' own streams with its own draw numbers
// (LeverPolicyContext::first_draw).
#pragma once

#include <Eigen/Core>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/model.hpp"

namespace steppe {

// Months first..through (inclusive); empty by default.
struct MonthRange {
  int first = 1, through = 0;
  bool contains(int month) const { return first <= month && month <= through; }
};

// A decision of a controller (engine/controllers.hpp) in a run that logs them (a one-member run:
// decisions.csv): the month, whose, what it chose and, for a lookahead, every candidate's score.
struct DecisionRecord {
  int month = 0;
  std::string actor;
  std::string controller;                      // its kind: "doctrine", "lookahead"
  std::vector<std::pair<int, double>> chosen;  // (lever slot, setting)
  std::string reason;                          // a doctrine's rule that is active, or "otherwise"
  // The options weighed, as "direct_pressure=0.15 hawkishness=0.3" (a doctrine's: the one it
  // took), their scores (a lookahead's) and which was chosen.
  std::vector<std::string> options;
  std::vector<double> scores;
  std::size_t chosen_option = 0;
};

// What a policy is told about the block and the month it sets levers for.
struct LeverPolicyContext {
  int month = 0;  // the step about to be taken
  const Layout* layout = nullptr;
  // The block's state at the start of the month (members × state slots), before the month's
  // events. Null in the pass before the first step, which gives the model's derived initial values
  // (docs/model.md §5) the levers of month 0: the state is not complete then, and a policy that reads
  // it sets nothing (triggers are first checked at step 0).
  const MemberArrays* state = nullptr;
  // Each member's values of the scenario's uncertainties (members × uncertainties).
  const MemberArrays* inputs = nullptr;
  // The members' random streams: row r is member first_member + r. A policy draws
  // uniform_draw(seed, first_member + r, month, first_draw + k) with k below
  // streams_per_lever_policy: streams no model's random event uses and no other policy of the
  // list shares (engine/random.hpp).
  bool stochastic = false;
  std::uint64_t seed = 0;
  std::int64_t first_member = 0;
  std::uint32_t first_draw = 0;
  // The simulation's compiled model and the block's per-member parameters (null when every
  // member has the scenario's values), for a policy that looks ahead with the model itself.
  const Kernel* kernel = nullptr;
  const MemberArrays* parameters = nullptr;
  const std::vector<char>* varying_parameters = nullptr;
  // Where decisions go, in a run that logs them (a one-member run); null otherwise.
  std::vector<DecisionRecord>* decisions = nullptr;
};

// The block's lever array as the policies write it, and what each column is known to hold, so that
// a column is rewritten only when its value changes: most levers keep one value for months on
// end, and writing every member's copy every month would cost as much as a tenth of the step.
// Writes to a lever a wargame team holds are ignored (the team's move is above every policy).
class LeverColumns {
 public:
  LeverColumns() = default;
  // `controls`: per policy of the list, per lever slot, whether the policy controls the lever.
  LeverColumns(Eigen::Index members, std::vector<std::vector<char>> controls);

  // The settings written so far (members × lever slots).
  const MemberArrays& values() const { return values_; }
  bool held(int slot) const { return held_[static_cast<std::size_t>(slot)].has_value(); }

  // Sets the lever to `value` for every member, unless the column holds that already. `through`
  // is a promise (see settled_months): the policy's value for the lever stays `value` through that
  // month whatever happens, so a policy that may change its mind promises only this month.
  void set_all(int slot, double value, int through);
  // Sets the lever to each member's own draw of uncertainty `input` (a column of `inputs`, the
  // context's) for the rest of the run.
  void set_to_input(int slot, const MemberArrays& inputs, Eigen::Index input);
  // Sets the lever member by member: `values` is any Eigen expression of one value per member
  // (it may read the column itself, e.g. `where.select(value, levers.values().col(slot))`).
  template <class Values>
  void set_each(int slot, const Eigen::ArrayBase<Values>& values) {
    if (held(slot)) return;
    values_.col(slot) = values;
    take_over(slot, {Column::mixed, 0, -1}, {month_, month_});
  }

  // The months in which the calling policy need not write the column: it holds what this policy
  // promised there, or what a later policy of the list promised (which stands over this one's
  // anyway), and no one has written over it since; empty otherwise. A policy whose settings depend
  // on the month alone skips the columns settled for this month.
  MonthRange settled_months(int slot) const;
  // Says that the calling policy's settings hold through `month` (INT_MAX: for good) whatever the
  // state: the simulation does not call it again before then, unless another writer writes over
  // one of its columns, a wargame team lets go of a lever it controls, or a checkpoint is
  // restored. A policy that reads the state never says so and is called every month.
  void unchanged_through(int month) { quiet_[current_] = {month_, month}; }

 private:
  friend class Simulation;

  struct Column {
    enum Kind { mixed, uniform, input } kind;  // mixed: anything, member by member
    double value;                              // of a uniform column
    Eigen::Index input_column;                 // of an input column
    bool holds(const Column& wanted) const {
      return kind != mixed && kind == wanted.kind && (kind != uniform || value == wanted.value) &&
             (kind != input || input_column == wanted.input_column);
    }
  };
  static constexpr int wargame = -1, nobody = -2;  // writers that are not a policy

  // Writes `content` (with `write_column`) unless the column holds it already; either way the
  // calling policy takes the column over (another policy's promise on it no longer stands: had it
  // been kept, that policy would not rewrite the column once this one stopped writing it).
  template <class Write>
  void write(int slot, const Column& content, MonthRange months, Write&& write_column) {
    if (held(slot)) return;
    if (!columns_[static_cast<std::size_t>(slot)].holds(content)) write_column(values_.col(slot));
    take_over(slot, content, months);
  }
  // Records that the calling policy wrote `content` into the column, promising it for `months`;
  // the policy that wrote it before must write its columns afresh.
  void take_over(int slot, const Column& content, MonthRange months);
  void unsettle(int writer) {
    if (writer >= 0) quiet_[static_cast<std::size_t>(writer)] = {};
  }

  // The simulation's part.
  // A team's hold on a lever (nullopt: let go), written into the column at the next month.
  void hold(int slot, std::optional<double> value);
  const std::vector<std::optional<double>>& holds() const { return held_; }
  // After a restore: the checkpoint's holds, and every policy writes its columns afresh.
  void restore(const std::vector<std::optional<double>>& holds);
  // Before the month's policies: writes the held levers, hands the ones let go back to the policies
  // that control them.
  void begin_month(int month);
  // Whether the policy is to be called this month; if so, before calling it.
  bool due(std::size_t policy) const;
  void begin(std::size_t policy);

  std::vector<std::vector<char>> controls_;
  MemberArrays values_;
  std::vector<Column> columns_;              // per lever slot: what it holds
  std::vector<int> writers_;                 // per lever slot: a policy index, wargame or nobody
  std::vector<MonthRange> promises_;         // per lever slot, of its writer
  std::vector<std::optional<double>> held_;  // per lever slot
  bool holds_changed_ = false;               // since the last begin_month
  std::vector<MonthRange> quiet_;            // per policy: months it need not be called in
  std::size_t current_ = 0;                  // the policy being called
  int month_ = 0;
};

class LeverPolicy {
 public:
  virtual ~LeverPolicy() = default;

  // The lever slots this policy may write. When a wargame team lets go of one of them, the policy
  // is called again even if it said its settings hold.
  virtual std::vector<int> controlled_levers() const = 0;

  // Columns of per-member memory (the block's members × this many), zero at the start of a run,
  // handed to every call and kept in checkpoints: a trigger's latch, a controller's mode within
  // its hysteresis band or the setting it chose at its last decision (a controller deciding every
  // few months holds that setting in between by writing it again every month).
  virtual Eigen::Index member_state_columns() const { return 0; }

  // Writes this month's settings of the levers it controls over those of the policies before it:
  // called once per month before the step, and once before the first step with no state (see
  // LeverPolicyContext::state), except in months it said its settings hold
  // (LeverColumns::unchanged_through). A column a policy wrote is not kept for it from one month
  // to the next unless it said so: a policy that sets a lever member by member writes it every
  // month it is called.
  virtual void set_levers(const LeverPolicyContext& context, MemberArrays& member_state,
                          LeverColumns& levers) const = 0;
};

}  // namespace steppe
