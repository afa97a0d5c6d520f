// A verification model: the closed-form Richardson arms race (docs/model.md §9).
//
// N actors arm against each other, ż = K·z + g with K_ii = −m_i (restraint), K_ij = a_ij ≥ 0
// (reaction to the other's armament) and g_i (grievance). It is the linear core of the
// action–reaction escalation the article warns of in "Challenges and Limitations", and it has
// a closed form, z(t) = z* + e^(K·t)·(z0 − z*) with z* = −K⁻¹·g, so the engine's stepping can
// be checked against it to 1e-9. A second scheme, explicit Euler, shows how a coarse step can
// turn a stable race into a runaway one.
//
// Files: this header, declaration.cpp (the declaration table), kernel.cpp (the step) and
// closed_form.cpp (the analytic reference the tests compare against).
#pragma once

#include <Eigen/Core>

#include "engine/model.hpp"

namespace steppe::richardson {

// Values of the `scheme` parameter: an index into its choices.
enum Scheme : int { exact = 0, euler = 1 };

class RichardsonModel : public Model {
 public:
  RichardsonModel();
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>& parameters,
                                  const Network* network) const override;

 private:
  ModelDeclaration declaration_;
};

// The analytic solution z(t) = z* + e^(K·t)·(z0 − z*), evaluated at t directly (not by
// stepping), as the reference for the kernel. Throws std::invalid_argument when K is singular,
// since z* then does not exist.
Eigen::VectorXd closed_form(const Eigen::MatrixXd& K, const Eigen::VectorXd& g, const Eigen::VectorXd& z0, double t);

}  // namespace steppe::richardson
