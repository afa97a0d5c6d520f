// Observers that reduce a run's state as it steps: full trajectories (for small runs) and
// per-member outcomes (docs/model.md §7.9). They see the state after every month, month 0 included,
// and hold no reference to the simulation.
#pragma once

#include <vector>

#include "engine/scenario.hpp"
#include "engine/simulation.hpp"

namespace steppe {

// Passes each month on to several observers, in order.
class ObserverGroup final : public Observer {
 public:
  explicit ObserverGroup(std::vector<Observer*> observers) : observers_(std::move(observers)) {}
  void observe(int month, const MemberArrays& state) override {
    for (Observer* observer : observers_) observer->observe(month, state);
  }

 private:
  std::vector<Observer*> observers_;
};

// Keeps every state slot of every member at every month: months+1 arrays of members × slots.
// Memory grows with members × months, so it is for what-if runs and small ensembles.
class TrajectoryRecorder final : public Observer {
 public:
  void observe(int month, const MemberArrays& state) override;
  const std::vector<MemberArrays>& months() const { return months_; }

 private:
  std::vector<MemberArrays> months_;
};

// Computes each outcome of a scenario per member while the run steps, in constant memory per
// member. Statistics run over months 0..horizon; `first_above`/`first_below` give the first
// month the state crosses the threshold, NaN when it never does.
class OutcomeReducer final : public Observer {
 public:
  // `horizon`, when the run's last month is known (not -1): `final` takes the state only then,
  // rather than copying it every month (a third of the reducer's time).
  OutcomeReducer(std::vector<OutcomeSpec> outcomes, std::int64_t members, int horizon = -1);
  void observe(int month, const MemberArrays& state) override;
  // members × outcomes, valid after the last month was observed.
  const MemberArrays& values() const { return values_; }
  const std::vector<OutcomeSpec>& outcomes() const { return outcomes_; }

 private:
  std::vector<OutcomeSpec> outcomes_;
  MemberArrays values_;
  int horizon_;
  int months_seen_ = 0;
};

}  // namespace steppe
