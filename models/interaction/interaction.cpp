// A test function with a pure interaction, for Sobol indices: y = x1 x2 + x3, inputs uniform on
// [−1, 1]. E[y | x1] and E[y | x2] are constant, so x1 and x2 have no first-order effect at all
// and act only together: Var(x1 x2) = 1/9, Var(x3) = 1/3, V = 4/9, hence S1 = 0, 0, 0.75,
// ST = 0.25, 0.25, 0.75 and the second-order index of (x1, x2) is 0.25.
#include <vector>

#include "models/function_model/function_model.hpp"

namespace steppe {

namespace {

class InteractionModel : public FunctionModel {
 public:
  InteractionModel()
      : FunctionModel(
            "interaction",
            "Test function for sensitivity analysis: y = x1 x2 + x3 (x1 and x2 act only together), with "
            "known Sobol indices",
            {ParameterDecl{
                 .name = "x1", .help = "acts only through its product with x2", .value = 0, .min = -1, .max = 1},
             ParameterDecl{
                 .name = "x2", .help = "acts only through its product with x1", .value = 0, .min = -1, .max = 1},
             ParameterDecl{.name = "x3", .help = "acts alone, additively", .value = 0, .min = -1, .max = 1}},
            [](const std::vector<double>& x) { return x[0] * x[1] + x[2]; }, -1e6, 1e6) {}
};

ModelRegistration<InteractionModel> registration;

}  // namespace

}  // namespace steppe
