// Distributions of uncertain inputs (the X of XLRM): what a scenario's `uncertainties:` section
// gives a parameter, an initial value or a constant lever. Every distribution is sampled by its
// inverse CDF from one uniform draw of the member's own stream, so a member's inputs depend only
// on (seed, member) and never on how members are blocked or threaded.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace steppe {

class Distribution {
 public:
  Distribution() = default;  // a point mass at 0 until one of the factories makes it
  // Each factory returns nullopt and sets `error` when the arguments are not a distribution
  // within [lower, upper] (the variable's valid range): lower bound above upper, a negative or
  // zero spread, weights that do not sum to a positive number, support outside the range.
  static std::optional<Distribution> uniform(double low, double high, double lower, double upper, std::string& error);
  // A normal truncated to [lower, upper].
  static std::optional<Distribution> normal(double mean, double sd, double lower, double upper, std::string& error);
  static std::optional<Distribution> triangular(double low, double mode, double high, double lower, double upper,
                                                std::string& error);
  // Beta(alpha, beta) scaled to [low, high].
  static std::optional<Distribution> beta(double alpha, double beta, double low, double high, double lower,
                                          double upper, std::string& error);
  // One of `values` with probability proportional to `weights`.
  static std::optional<Distribution> discrete(std::vector<double> values, std::vector<double> weights, double lower,
                                              double upper, std::string& error);

  // The value at cumulative probability u in [0, 1] (a sweep's grid and Morris designs reach the
  // ends; a member's draws never do).
  double quantile(double u) const;
  double mean() const;
  // How many values a discrete distribution has (a sweep's grid takes each); 0 for the others.
  std::size_t discrete_values() const { return kind_ == Kind::discrete ? values_.size() : 0; }
  // As written in a scenario file, e.g. "uniform [0.1, 0.3]".
  std::string describe() const;

 private:
  enum class Kind { uniform, normal, triangular, beta, discrete };
  Kind kind_ = Kind::uniform;
  double a_ = 0, b_ = 0, c_ = 0, d_ = 0;  // per kind: bounds, moments or shape parameters
  double lower_ = 0, upper_ = 0;          // truncation (normal)
  std::vector<double> values_, cumulative_;
};

}  // namespace steppe
