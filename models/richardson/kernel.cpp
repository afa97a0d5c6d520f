// The richardson step (docs/model.md §9), vectorized over a block of members.
//
// Both schemes are affine maps z ↦ M·z + c, built once at compile time:
//   exact: M = e^(K·dt), c = ∫₀^dt e^(K·s) ds · g, which is z* + e^(K·dt)·(z − z*) with
//          z* = −K⁻¹·g when K is invertible, and stays defined when it is not (m·n = a·b);
//   euler: M = I + dt·K, c = dt·g.
// With members as rows and armament slots as columns the step is one matrix product over the
// whole block: Z_next = Z·Mᵀ + 1·cᵀ.
#include <stdexcept>
#include <string>
#include <unsupported/Eigen/MatrixFunctions>

#include "models/richardson/richardson.hpp"

namespace steppe::richardson {

namespace {

class RichardsonKernel final : public Kernel {
 public:
  RichardsonKernel(const Layout& layout, const std::vector<double>& parameters);

  void initialize(const StepContext&, MemberArrays&) const override {}
  void apply_events(const StepContext&, MemberArrays&) const override {}
  void advance(const StepContext& context, MemberArrays& state) const override;

 private:
  std::vector<int> slots_;           // armament slot of each actor, in actor order
  Eigen::MatrixXd step_transposed_;  // Mᵀ
  Eigen::RowVectorXd offset_;        // cᵀ
};

RichardsonKernel::RichardsonKernel(const Layout& layout, const std::vector<double>& parameters) {
  auto parameter = [&](const std::string& actor, const std::string& name) {
    const int slot = layout.parameter_index(actor, name);
    if (slot < 0) throw std::logic_error("richardson: no parameter " + Layout::full_name(actor, name));
    return parameters.at(slot);
  };

  const std::vector<std::string> actors = layout.actors_with_role("actor");
  const auto n = static_cast<Eigen::Index>(actors.size());
  Eigen::MatrixXd K(n, n);
  Eigen::VectorXd g(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int slot = layout.state_index(actors[i], "armament");
    if (slot < 0) throw std::logic_error("richardson: no state slot " + actors[i] + ".armament");
    slots_.push_back(slot);
    g(i) = parameter(actors[i], "grievance");
    for (Eigen::Index j = 0; j < n; ++j)
      K(i, j) = i == j ? -parameter(actors[i], "restraint") : parameter(actors[i], "reaction." + actors[j]);
  }

  const double dt = parameter("", "dt");
  Eigen::MatrixXd step;
  Eigen::VectorXd constant;
  // A choice parameter holds the index of the chosen name.
  switch (static_cast<int>(parameter("", "scheme"))) {
    case exact: {
      // The affine flow is linear in (z, 1): d/dt [z; 1] = [K g; 0 0]·[z; 1], so one exponential
      // of the augmented matrix gives both M and c without inverting K.
      Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(n + 1, n + 1);
      augmented.topLeftCorner(n, n) = K;
      augmented.topRightCorner(n, 1) = g;
      const Eigen::MatrixXd flow = (augmented * dt).exp();
      step = flow.topLeftCorner(n, n);
      constant = flow.topRightCorner(n, 1);
      break;
    }
    case euler:
      step = Eigen::MatrixXd::Identity(n, n) + dt * K;
      constant = dt * g;
      break;
    default:
      throw std::invalid_argument("richardson: scheme must be 0 (exact) or 1 (euler)");
  }
  step_transposed_ = step.transpose();
  offset_ = constant.transpose();
}

void RichardsonKernel::advance(const StepContext&, MemberArrays& state) const {
  Eigen::MatrixXd z = state(Eigen::all, slots_).matrix() * step_transposed_;
  z.rowwise() += offset_;
  state(Eigen::all, slots_) = z.array();
}

}  // namespace

std::unique_ptr<Kernel> RichardsonModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                                 const Network*) const {
  return std::make_unique<RichardsonKernel>(layout, parameters);
}

}  // namespace steppe::richardson
