// Morris screening (docs/sweeps.md): per factor the mean μ, the mean of absolute values μ* and
// the standard deviation σ of its elementary effects, (f(after) − f(before)) / Δ in the unit
// cube, from each trajectory's consecutive points (by their roles, never by row order). μ* gets
// a bootstrap interval over the factor's effects, as SALib's mu_star_conf.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "engine/analysis/design_roles.hpp"
#include "engine/analysis/resampling.hpp"

namespace steppe {

struct MorrisEffect {
  std::string factor;
  double mu = 0, mu_star = 0, mu_star_interval = 0, sigma = 0;
  int effects = 0;
};

// `point_means` holds one outcome's mean at every point; `units` the points' coordinates in the
// unit cube (points × factors).
std::vector<MorrisEffect> morris_effects(const std::vector<PointRole>& roles, const Eigen::VectorXd& point_means,
                                         const Eigen::MatrixXd& units, const std::vector<std::string>& factors,
                                         const Confidence& confidence);

}  // namespace steppe
