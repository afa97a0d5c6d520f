#include "engine/observers.hpp"

#include <limits>

namespace steppe {

void TrajectoryRecorder::observe(int month, const MemberArrays& state) {
  // After a restore to an earlier month, the months past it are no longer this run's.
  if (month < static_cast<int>(months_.size())) months_.resize(static_cast<std::size_t>(month));
  months_.push_back(state);
}

OutcomeReducer::OutcomeReducer(std::vector<OutcomeSpec> outcomes, std::int64_t members, int horizon)
    : outcomes_(std::move(outcomes)),
      values_(MemberArrays::Zero(static_cast<Eigen::Index>(members), static_cast<Eigen::Index>(outcomes_.size()))),
      horizon_(horizon) {}

void OutcomeReducer::observe(int month, const MemberArrays& state) {
  const double never = std::numeric_limits<double>::quiet_NaN();
  const double when = static_cast<double>(month);
  ++months_seen_;
  const Eigen::Index members = values_.rows();
  for (std::size_t index = 0; index < outcomes_.size(); ++index) {
    const OutcomeSpec& outcome = outcomes_[index];
    auto value = values_.col(static_cast<Eigen::Index>(index));
    const auto x = state.col(outcome.state_slot);
    // The counts and first crossings are loops rather than Eigen expressions: Eigen 3.4 casts
    // and selects boolean arrays one member at a time; these loops vectorize.
    double* v = value.data();
    const double* s = x.data();
    const double threshold = outcome.threshold;
    switch (outcome.statistic) {
      case Statistic::final:
        if (horizon_ < 0 || month == horizon_) value = x;
        break;
      case Statistic::mean:
        value += (x - value) / months_seen_;
        break;  // running mean
      case Statistic::min:
        if (month == 0)
          value = x;
        else
          value = value.min(x);
        break;
      case Statistic::max:
        if (month == 0)
          value = x;
        else
          value = value.max(x);
        break;
      case Statistic::sum:
        value += x;
        break;
      case Statistic::months_above:
#pragma omp simd
        for (Eigen::Index m = 0; m < members; ++m) v[m] += s[m] > threshold ? 1.0 : 0.0;
        break;
      case Statistic::months_below:
#pragma omp simd
        for (Eigen::Index m = 0; m < members; ++m) v[m] += s[m] < threshold ? 1.0 : 0.0;
        break;
      case Statistic::first_above:
        if (month == 0) value.setConstant(never);
#pragma omp simd
        for (Eigen::Index m = 0; m < members; ++m) v[m] = v[m] != v[m] && s[m] > threshold ? when : v[m];
        break;
      case Statistic::first_below:
        if (month == 0) value.setConstant(never);
#pragma omp simd
        for (Eigen::Index m = 0; m < members; ++m) v[m] = v[m] != v[m] && s[m] < threshold ? when : v[m];
        break;
    }
  }
}

}  // namespace steppe
