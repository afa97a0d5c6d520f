// The analytic Richardson solution (docs/model.md §9), the reference the kernel is checked against.
// It solves for the equilibrium and takes one matrix exponential at time t, sharing nothing
// with the kernel's stepping (an augmented exponential per step, iterated).
#include <Eigen/LU>
#include <stdexcept>
#include <unsupported/Eigen/MatrixFunctions>

#include "models/richardson/richardson.hpp"

namespace steppe::richardson {

Eigen::VectorXd closed_form(const Eigen::MatrixXd& K, const Eigen::VectorXd& g, const Eigen::VectorXd& z0, double t) {
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(K);
  if (!lu.isInvertible())
    throw std::invalid_argument("richardson::closed_form: K is singular, so there is no equilibrium z* = -K^-1 g");
  const Eigen::VectorXd equilibrium = -lu.solve(g);
  const Eigen::MatrixXd propagator = (K * t).exp();
  return equilibrium + propagator * (z0 - equilibrium);
}

}  // namespace steppe::richardson
