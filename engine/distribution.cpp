#include "engine/distribution.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>

namespace steppe {

namespace {

bool finite(std::initializer_list<double> values) {
  return std::all_of(values.begin(), values.end(), [](double value) { return std::isfinite(value); });
}

// The support [low, high] must lie within the variable's range [lower, upper].
bool within_range(double low, double high, double lower, double upper, std::string& error) {
  if (low >= lower && high <= upper) return true;
  error = fmt::format("the distribution reaches [{}, {}], outside the valid range [{}, {}]", low, high, lower, upper);
  return false;
}

std::nullopt_t invalid(std::string& error, std::string message) {
  error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::optional<Distribution> Distribution::uniform(double low, double high, double lower, double upper,
                                                  std::string& error) {
  if (!finite({low, high})) return invalid(error, "uniform bounds must be finite numbers");
  if (low > high) return invalid(error, fmt::format("uniform lower bound {} is above the upper bound {}", low, high));
  if (!within_range(low, high, lower, upper, error)) return std::nullopt;
  Distribution d;
  d.kind_ = Kind::uniform;
  d.a_ = low;
  d.b_ = high;
  return d;
}

std::optional<Distribution> Distribution::normal(double mean, double sd, double lower, double upper,
                                                 std::string& error) {
  if (!finite({mean, sd})) return invalid(error, "normal mean and sd must be finite numbers");
  if (sd <= 0) return invalid(error, fmt::format("normal sd must be positive, got {}", sd));
  if (mean < lower || mean > upper)
    return invalid(error, fmt::format("normal mean {} is outside the valid range [{}, {}]", mean, lower, upper));
  Distribution d;
  d.kind_ = Kind::normal;
  d.a_ = mean;
  d.b_ = sd;
  d.lower_ = lower;
  d.upper_ = upper;
  // The truncation as cumulative probabilities of the untruncated normal.
  const boost::math::normal_distribution<double> untruncated(mean, sd);
  d.c_ = std::isfinite(lower) ? boost::math::cdf(untruncated, lower) : 0.0;
  d.d_ = std::isfinite(upper) ? boost::math::cdf(untruncated, upper) : 1.0;
  return d;
}

std::optional<Distribution> Distribution::triangular(double low, double mode, double high, double lower, double upper,
                                                     std::string& error) {
  if (!finite({low, mode, high})) return invalid(error, "triangular bounds and mode must be finite numbers");
  if (!(low <= mode && mode <= high) || low == high)
    return invalid(
        error, fmt::format("triangular needs low <= mode <= high with low < high, got [{}, {}, {}]", low, mode, high));
  if (!within_range(low, high, lower, upper, error)) return std::nullopt;
  Distribution d;
  d.kind_ = Kind::triangular;
  d.a_ = low;
  d.b_ = mode;
  d.c_ = high;
  return d;
}

std::optional<Distribution> Distribution::beta(double alpha, double beta, double low, double high, double lower,
                                               double upper, std::string& error) {
  if (!finite({alpha, beta, low, high})) return invalid(error, "beta shapes and range must be finite numbers");
  if (alpha <= 0 || beta <= 0)
    return invalid(error, fmt::format("beta shapes must be positive, got alpha {} and beta {}", alpha, beta));
  if (low >= high) return invalid(error, fmt::format("beta range [{}, {}] is empty", low, high));
  if (!within_range(low, high, lower, upper, error)) return std::nullopt;
  Distribution d;
  d.kind_ = Kind::beta;
  d.a_ = alpha;
  d.b_ = beta;
  d.c_ = low;
  d.d_ = high;
  return d;
}

std::optional<Distribution> Distribution::discrete(std::vector<double> values, std::vector<double> weights,
                                                   double lower, double upper, std::string& error) {
  if (values.empty()) return invalid(error, "a discrete distribution needs at least one value");
  if (weights.empty()) weights.assign(values.size(), 1.0);
  if (weights.size() != values.size())
    return invalid(error, fmt::format("{} weights for {} values", weights.size(), values.size()));
  for (double value : values) {
    if (!std::isfinite(value)) return invalid(error, "discrete values must be finite numbers");
    if (!within_range(value, value, lower, upper, error)) return std::nullopt;
  }
  for (double weight : weights)
    if (!std::isfinite(weight) || weight < 0)
      return invalid(error, fmt::format("weights must be finite and not negative, got {}", weight));
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(total > 0)) return invalid(error, "weights must sum to a positive number");
  Distribution d;
  d.kind_ = Kind::discrete;
  d.values_ = std::move(values);
  std::partial_sum(weights.begin(), weights.end(), std::back_inserter(d.cumulative_));
  for (double& cumulative : d.cumulative_) cumulative /= total;
  return d;
}

double Distribution::quantile(double u) const {
  switch (kind_) {
    case Kind::uniform:
      return a_ + u * (b_ - a_);
    case Kind::normal: {
      // Kept inside (0, 1): the ends of an untruncated tail are infinite.
      const double p = std::clamp(c_ + u * (d_ - c_), std::numeric_limits<double>::min(),
                                  1 - std::numeric_limits<double>::epsilon() / 2);
      const double x = boost::math::quantile(boost::math::normal_distribution<double>(a_, b_), p);
      return std::clamp(x, lower_, upper_);  // guards the last bit at the truncation points
    }
    case Kind::triangular: {
      const double split = (b_ - a_) / (c_ - a_);
      if (u < split) return a_ + std::sqrt(u * (c_ - a_) * (b_ - a_));
      return c_ - std::sqrt((1 - u) * (c_ - a_) * (c_ - b_));
    }
    case Kind::beta:
      return c_ + (d_ - c_) * boost::math::quantile(boost::math::beta_distribution<double>(a_, b_), u);
    case Kind::discrete: {
      const auto at = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
      return values_[std::min<std::size_t>(static_cast<std::size_t>(at - cumulative_.begin()), values_.size() - 1)];
    }
  }
  return 0;
}

std::string Distribution::describe() const {
  switch (kind_) {
    case Kind::uniform:
      return fmt::format("uniform [{}, {}]", a_, b_);
    case Kind::normal:
      return fmt::format("normal mean {} sd {} truncated to [{}, {}]", a_, b_, lower_, upper_);
    case Kind::triangular:
      return fmt::format("triangular [{}, {}, {}]", a_, b_, c_);
    case Kind::beta:
      return fmt::format("beta alpha {} beta {} on [{}, {}]", a_, b_, c_, d_);
    case Kind::discrete: {
      std::vector<double> weights;
      double previous = 0;
      for (double cumulative : cumulative_) {
        weights.push_back(cumulative - previous);
        previous = cumulative;
      }
      return fmt::format("discrete values [{}] weights [{}]", fmt::join(values_, ", "), fmt::join(weights, ", "));
    }
  }
  return "";
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::uniform:
      return (a_ + b_) / 2;
    case Kind::normal: {
      const boost::math::normal_distribution<double> standard;
      const double alpha = (std::max(lower_, a_ - 40 * b_) - a_) / b_,
                   beta = (std::min(upper_, a_ + 40 * b_) - a_) / b_;
      return a_ + b_ * (boost::math::pdf(standard, alpha) - boost::math::pdf(standard, beta)) / (d_ - c_);
    }
    case Kind::triangular:
      return (a_ + b_ + c_) / 3;
    case Kind::beta:
      return c_ + (d_ - c_) * a_ / (a_ + b_);
    case Kind::discrete: {
      double mean = 0, previous = 0;
      for (std::size_t index = 0; index < values_.size(); ++index) {
        mean += values_[index] * (cumulative_[index] - previous);
        previous = cumulative_[index];
      }
      return mean;
    }
  }
  return 0;
}

}  // namespace steppe
