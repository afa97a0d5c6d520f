#include "engine/observers.hpp"

#include <limits>

namespace steppe {

void TrajectoryRecorder::observe(int month, const MemberArrays& state) {
  // After a restore to an earlier month, the months past it are no longer this run's.
  if (month < static_cast<int>(months_.size())) months_.resize(static_cast<std::size_t>(month));
  months_.push_back(state);
}

OutcomeReducer::OutcomeReducer(std::vector<OutcomeSpec> outcomes, std::int64_t members)
    : outcomes_(std::move(outcomes)),
      values_(MemberArrays::Zero(static_cast<Eigen::Index>(members), static_cast<Eigen::Index>(outcomes_.size()))) {}

void OutcomeReducer::observe(int month, const MemberArrays& state) {
  const double never = std::numeric_limits<double>::quiet_NaN();
  ++months_seen_;
  for (std::size_t index = 0; index < outcomes_.size(); ++index) {
    const OutcomeSpec& outcome = outcomes_[index];
    auto value = values_.col(static_cast<Eigen::Index>(index));
    const auto x = state.col(outcome.state_slot);
    const double threshold = outcome.threshold;
    switch (outcome.statistic) {
      case Statistic::final: value = x; break;
      case Statistic::mean: value += (x - value) / months_seen_; break;  // running mean
      case Statistic::min: value = month == 0 ? MemberColumn(x) : MemberColumn(value.min(x)); break;
      case Statistic::max: value = month == 0 ? MemberColumn(x) : MemberColumn(value.max(x)); break;
      case Statistic::sum: value += x; break;
      case Statistic::months_above: value += (x > threshold).cast<double>(); break;
      case Statistic::months_below: value += (x < threshold).cast<double>(); break;
      case Statistic::first_above:
        if (month == 0) value.setConstant(never);
        value = (value.isNaN() && x > threshold).select(static_cast<double>(month), value);
        break;
      case Statistic::first_below:
        if (month == 0) value.setConstant(never);
        value = (value.isNaN() && x < threshold).select(static_cast<double>(month), value);
        break;
    }
  }
}

}  // namespace steppe
